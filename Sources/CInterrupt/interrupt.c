// Ctrl-C for the shell. The handler only writes `volatile sig_atomic_t` flags (and `_exit`s in
// the one case below); everything else happens outside signal context.
//
// Escalation: a command that never looks at the flag (a long BLAS call, a stuck tool) would
// leave the user no way out short of killing the shell, so the third Ctrl-C that arrives while
// the first is still unanswered ends the process with status 130. A command that polls the
// flag answers it, and from then on Ctrl-C never kills it.
#include "CInterrupt.h"

#include <readline/readline.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t interrupt_flag = 0;
static volatile sig_atomic_t unanswered_count = 0;
static volatile sig_atomic_t answered = 0;
static volatile sig_atomic_t at_prompt = 0;
static char *fresh_prompt = NULL;   // set and read outside signal context only
static int prompt_cleared = 0;

static void interrupt_handler(int signo) {
    (void)signo;
    interrupt_flag = 1;
    if (at_prompt || answered) return;
    unanswered_count += 1;
    if (unanswered_count >= 3) {
        static const char message[] = "\ntrellis: Ctrl-C three times and the command did not stop, quitting\n";
        ssize_t ignored = write(2, message, sizeof message - 1);
        (void)ignored;
        _exit(130);
    }
}

int trellis_interrupt_install(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = interrupt_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    return sigaction(SIGINT, &action, NULL);
}

int trellis_interrupt_requested(void) {
    if (!interrupt_flag) return 0;
    answered = 1;
    return 1;
}

void trellis_interrupt_reset(void) {
    interrupt_flag = 0;
    unanswered_count = 0;
    answered = 0;
}

void trellis_interrupt_set_at_prompt(int value) { at_prompt = value; }
void trellis_interrupt_set_fresh_prompt(const char *prompt) {
    free(fresh_prompt);
    fresh_prompt = prompt ? strdup(prompt) : NULL;
}

int trellis_interrupt_take_prompt_cleared(void) {
    int value = prompt_cleared;
    prompt_cleared = 0;
    return value;
}

// Called by readline (outside signal context) when its read is interrupted: Ctrl-C at the
// prompt throws the typed line away and shows a fresh prompt, like bash and sqlite3.
static int readline_signal_event(void) {
    if (interrupt_flag) {
        trellis_interrupt_reset();
        rl_replace_line("", 0);
        prompt_cleared = 1;
        // In the continuation of a line the whole unfinished command goes: the first prompt returns.
        if (fresh_prompt) rl_set_prompt(fresh_prompt);
        rl_crlf();
        rl_on_new_line();
        rl_redisplay();
    }
    return 0;
}

void trellis_interrupt_install_readline_hook(void) {
    rl_catch_signals = 0;  // our handler, not readline's, owns SIGINT
    rl_signal_event_hook = readline_signal_event;
}
