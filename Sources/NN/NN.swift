// NN: a small neural-network engine over contiguous Float32 buffers (llm.c in Swift).
//
// Owns: Tensor, named Parameters (PyTorch names, shapes and memory layout, so checkpoints map 1:1 to
// state_dicts), layers with explicit `forward`/`backward` (Linear, Conv2d, CNNLayerNorm, ReLU, Dropout,
// LSTM, GRU, reshapes), Adam, OneCycleLR and gradient clipping. It knows nothing of CTC: the log-softmax and the
// batched CTC objective live in CTC (`logSoftmaxRows`) and Models (`CTCObjective`).
//
// Conventions used by every layer:
// - `forward` keeps what `backward` needs (a shared reference to its input, masks, statistics).
// - `backward(dy)` ACCUMULATES into its parameters' `grad` and RETURNS a freshly written input gradient.
//   Call `zeroGradients()` on the model before each step.
// - Shapes are written in comments as `x is (B, C, F, T)`; buffers are row-major (last index fastest).
// - Shape mismatches are programming errors and stop with a precondition naming the layer and shapes.
// - A layer that splits its loops over threads holds `workers` (Base's `Workers`, default every available
//   processor); a model sets them all at once (`CTCModel.setWorkers`, from `train --threads`).
// Matrix work goes to OpenBLAS (`cblas_sgemm`), the residual blocks' 3×3 convolutions to the AVX2 kernels of
// CKernels (see Conv2d); element-wise loops are plain Swift over unsafe pointers.
import CBLAS
import CKernels

/// Process-wide knobs of the engine (OpenBLAS threads, the allocator). Call once at start-up.
public enum NNRuntime {
    /// Sets the BLAS threads and keeps freed activation memory for reuse (see `keepFreedMemory`).
    public static func configure(threads: Int) {
        setBLASThreads(threads)
        keepFreedMemory()
    }

    /// A training step allocates and frees dozens of activation buffers of ~50 MB. glibc serves blocks that
    /// large with mmap and returns them to the kernel on free, so every step paid for page faults and the
    /// kernel zeroing ~2 GB (a fifth of the step). Taking them from the heap instead, and never trimming it,
    /// lets the next step reuse the same pages; peak memory is unchanged.
    public static func keepFreedMemory() {
        trellis_keep_freed_memory()
    }

    /// Number of threads OpenBLAS uses for one GEMM (OpenBLAS's own setting; Trellis's loops take a `Workers`).
    public static func setBLASThreads(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
    }

    public static var blasThreads: Int { Int(openblas_get_num_threads()) }
}
