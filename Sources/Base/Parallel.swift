// Parallel: the one way Trellis splits a loop over threads. `Workers` is how many threads a piece of work may
// use; it is a value passed to whoever runs the loop (the trainer builds it from `--threads`, a model hands it
// to its layers), never a process-wide setting. The loop bodies write disjoint parts of shared buffers through
// unsafe pointers; that disjointness is the callers' contract, so the Sendable check is lifted here, in one place.
import Dispatch
import Foundation

/// How many threads a loop may use (at least one).
public struct Workers: Sendable, Hashable, Codable, CustomStringConvertible {
    public let count: Int

    /// `count` below 1 means 1.
    public init(_ count: Int) { self.count = max(1, count) }

    /// One thread: the loop runs inline.
    public static let serial = Workers(1)

    /// The processors this process may run on: the default wherever no `--threads` is given. Read once: Foundation
    /// answers it from the cgroup files, several opens per question, and option defaults ask it on every command.
    public static let available = Workers(ProcessInfo.processInfo.activeProcessorCount)

    public var description: String { "\(count)" }

    /// Runs `body(chunk)` over `0..<n` cut into contiguous chunks of at least `minPerChunk` items, one chunk per
    /// worker at most, concurrently when there is more than one chunk.
    public func chunks(_ n: Int, minPerChunk: Int = 1 << 15, _ body: (Range<Int>) -> Void) {
        let chunks = min(count, max(1, n / max(1, minPerChunk)))
        parallelFor(chunks) { c in body((n * c / chunks)..<(n * (c + 1) / chunks)) }
    }

    /// Runs `body(worker, items)` for each worker, `items` its contiguous share of `0..<n` (at most `n` workers).
    public func split(_ n: Int, _ body: (_ worker: Int, _ items: Range<Int>) -> Void) {
        let w = min(count, max(1, n))
        parallelFor(w) { i in body(i, (n * i / w)..<(n * (i + 1) / w)) }
    }
}

private struct UncheckedSendable<T>: @unchecked Sendable { let value: T }

/// Runs body(0..<iterations) concurrently (DispatchQueue.concurrentPerform), or inline for one iteration.
public func parallelFor(_ iterations: Int, _ body: (Int) -> Void) {
    if iterations <= 1 {
        if iterations == 1 { body(0) }
        return
    }
    withoutActuallyEscaping(body) { escapable in
        let box = UncheckedSendable(value: escapable)
        DispatchQueue.concurrentPerform(iterations: iterations) { i in box.value(i) }
    }
}
