// GNU readline. Swift 6 rejects direct use of C global variables as not concurrency-safe,
// so the few globals Trellis touches are reached through these inline accessors.
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>
