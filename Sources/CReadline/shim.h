// GNU readline plus the shell's SIGINT flag. Swift 6 rejects direct use of C global variables
// as not concurrency-safe, so the few globals Trellis touches are reached through these inline
// accessors.
//
// The interrupt flag is a `static` variable: every object file that uses these functions gets
// its own copy. Only `Sources/Workbench/Shell/Interrupt.swift` may call the `trellis_interrupt_*`
// and `trellis_rl_install_sigint_hook` functions, so there is exactly one flag per process; every
// other file goes through the Swift `Interrupt` API.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <readline/readline.h>
#include <readline/history.h>

// MARK: - SIGINT

static volatile sig_atomic_t trellis_interrupt_flag = 0;
static volatile sig_atomic_t trellis_interrupt_count = 0;
static volatile sig_atomic_t trellis_interrupt_at_prompt = 0;

static void trellis_interrupt_handler(int signo) {
    (void)signo;
    trellis_interrupt_flag = 1;
    if (!trellis_interrupt_at_prompt) {
        trellis_interrupt_count += 1;
        // A command that never polls the flag still ends on the third Ctrl-C.
        if (trellis_interrupt_count >= 3) {
            static const char msg[] = "\ntrellis: interrupted three times, quitting\n";
            ssize_t ignored = write(2, msg, sizeof msg - 1);
            (void)ignored;
            _exit(130);
        }
    }
}

// No SA_RESTART: a blocking read() in readline returns EINTR so the prompt can be cleared.
static inline int trellis_interrupt_install(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = trellis_interrupt_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    return sigaction(SIGINT, &action, NULL);
}

static inline int trellis_interrupt_requested(void) { return trellis_interrupt_flag != 0; }

static inline void trellis_interrupt_reset(void) {
    trellis_interrupt_flag = 0;
    trellis_interrupt_count = 0;
}

static inline void trellis_interrupt_set_at_prompt(int value) { trellis_interrupt_at_prompt = value; }

// Called by readline (outside signal context) when a read is interrupted: Ctrl-C at the prompt
// throws the typed line away and shows a fresh prompt, like bash and sqlite3.
static int trellis_rl_sigint_event(void) {
    if (trellis_interrupt_flag) {
        trellis_interrupt_flag = 0;
        trellis_interrupt_count = 0;
        rl_replace_line("", 0);
        rl_crlf();
        rl_on_new_line();
        rl_redisplay();
    }
    return 0;
}

static inline void trellis_rl_install_sigint_hook(void) {
    rl_catch_signals = 0;  // our handler, not readline's, owns SIGINT
    rl_signal_event_hook = trellis_rl_sigint_event;
}

// MARK: - Readline globals

static inline void trellis_rl_set_readline_name(const char *name) { rl_readline_name = name; }

static inline void trellis_rl_set_completion_function(rl_completion_func_t *function) {
    rl_attempted_completion_function = function;
}

static inline void trellis_rl_set_attempted_completion_over(int value) { rl_attempted_completion_over = value; }

static inline const char *trellis_rl_line_buffer(void) { return rl_line_buffer; }

static inline char **trellis_rl_completion_matches(const char *text, rl_compentry_func_t *generator) {
    return rl_completion_matches(text, generator);
}

static inline char *trellis_rl_filename_completion(const char *text, int state) {
    return rl_filename_completion_function(text, state);
}

static inline void trellis_rl_set_completion_append_character(int c) { rl_completion_append_character = c; }

static inline int trellis_history_length(void) { return history_length; }

static inline const char *trellis_rl_library_version(void) { return rl_library_version; }
