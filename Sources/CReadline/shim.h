// GNU readline. Swift 6 rejects direct use of C global variables as not concurrency-safe, so
// the few globals Trellis touches are reached through these inline accessors. (The SIGINT
// handler and its flags live in the CInterrupt target, defined once.)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <readline/readline.h>
#include <readline/history.h>

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
