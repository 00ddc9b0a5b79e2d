// Parallel: splitting element-wise, per-image and per-utterance work over the machine's cores.
// The closures write disjoint parts of shared buffers through unsafe pointers; that disjointness is the
// callers' contract, so the Sendable check is lifted here, in one place.
import Dispatch

/// Number of worker threads for NN's own loops (2 cores on the target machine).
let workerCount = 2

private struct UncheckedSendable<T>: @unchecked Sendable { let value: T }

/// Runs body(0..<iterations) concurrently (DispatchQueue.concurrentPerform), or inline for one iteration.
func parallelFor(_ iterations: Int, _ body: (Int) -> Void) {
    if iterations <= 1 {
        if iterations == 1 { body(0) }
        return
    }
    withoutActuallyEscaping(body) { escapable in
        let box = UncheckedSendable(value: escapable)
        DispatchQueue.concurrentPerform(iterations: iterations) { i in box.value(i) }
    }
}

/// Runs `body(chunkRange)` over `0..<n` split into contiguous chunks, in parallel when the work is large.
func parallelChunks(_ n: Int, minPerChunk: Int = 1 << 15, _ body: (Range<Int>) -> Void) {
    let chunks = min(workerCount, max(1, n / minPerChunk))
    parallelFor(chunks) { c in
        body((n * c / chunks)..<(n * (c + 1) / chunks))
    }
}
