#include "CFuzzDriver.h"

// Provided by libclang_rt.fuzzer (linked by -sanitize=fuzzer). The executable's own `main` (Swift's @main)
// replaces libFuzzer's, which is why the targets go through the driver instead of LLVMFuzzerTestOneInput.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

int trellis_fuzz_run(int argc, char **argv, int (*callback)(const uint8_t *data, size_t size)) {
    return LLVMFuzzerRunDriver(&argc, &argv, callback);
}
