// CFuzzDriver: the one call into libFuzzer's driver. Swift cannot take the address of `argv` the way
// LLVMFuzzerRunDriver wants it (char ***), so this C shim does.
#include <stddef.h>
#include <stdint.h>

int trellis_fuzz_run(int argc, char **argv, int (*callback)(const uint8_t *data, size_t size));
