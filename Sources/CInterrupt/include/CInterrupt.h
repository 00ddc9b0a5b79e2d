// The shell's Ctrl-C state: one SIGINT handler and one set of flags per process, defined once
// in interrupt.c (header-only statics would give every object file its own copy, and a Swift
// release build that specialises or inlines across files would then read a flag the handler
// never sets). Only Sources/Workbench/Shell/Interrupt.swift calls these.
#ifndef TRELLIS_CINTERRUPT_H
#define TRELLIS_CINTERRUPT_H

/// Installs the SIGINT handler (no SA_RESTART, so a blocking read returns EINTR). 0 on success.
int trellis_interrupt_install(void);

/// 1 once Ctrl-C was pressed since the last reset. Reading a set flag also tells the handler
/// that the running command is listening, so further Ctrl-Cs never kill it.
int trellis_interrupt_requested(void);

/// Clears the flag and the count of unanswered Ctrl-Cs (before each command and each prompt).
void trellis_interrupt_reset(void);

/// 1 while readline waits at the prompt: Ctrl-C then clears the typed line.
void trellis_interrupt_set_at_prompt(int value);

/// While set (the shell is reading the continuation of a line), Ctrl-C at the prompt also puts
/// this prompt back (the shell then drops the unfinished command); NULL unsets it. Copied.
void trellis_interrupt_set_fresh_prompt(const char *prompt);
/// 1 if Ctrl-C cleared the prompt since the last call (and clears that record).
int trellis_interrupt_take_prompt_cleared(void);
/// Makes readline hand SIGINT to the handler above and clear the line on Ctrl-C.
void trellis_interrupt_install_readline_hook(void);

#endif
