// NN: a small neural-network engine over contiguous Float32 buffers (llm.c in Swift).
//
// Owns: Tensor, named Parameters (PyTorch names, shapes and memory layout, so checkpoints map 1:1 to
// state_dicts), layers with explicit `forward`/`backward` (Linear, Conv2d, CNNLayerNorm, ReLU, Dropout,
// LSTM, GRU, log-softmax, reshapes), the batched CTC loss, Adam, OneCycleLR and gradient clipping.
//
// Conventions used by every layer:
// - `forward` keeps what `backward` needs (a shared reference to its input, masks, statistics).
// - `backward(dy)` ACCUMULATES into its parameters' `grad` and RETURNS a freshly written input gradient.
//   Call `zeroGradients()` on the model before each step.
// - Shapes are written in comments as `x is (B, C, F, T)`; buffers are row-major (last index fastest).
// - Shape mismatches are programming errors and stop with a precondition naming the layer and shapes.
// Matrix work goes to OpenBLAS (`cblas_sgemm`); element-wise loops are plain Swift over unsafe pointers.
import CBLAS

/// Process-wide knobs of the engine (OpenBLAS threads). Call once at start-up.
public enum NNRuntime {
    /// Number of threads OpenBLAS uses for one GEMM (the machine has 2 cores).
    public static func setBLASThreads(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
    }

    public static var blasThreads: Int { Int(openblas_get_num_threads()) }
}
