// Log-space arithmetic and the T×K log-probability matrix every other file in CTC consumes.
// Layout is frame-major (row t holds the K class log-probabilities of frame t), as PyTorch's (T, C).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Natural-log zero.
public let logZero = -Double.infinity

/// log(exp(a) + exp(b)) without overflow; exact for −∞ arguments.
@inlinable @inline(__always)
public func logAddExp(_ a: Double, _ b: Double) -> Double {
    let m = max(a, b)
    if m == -.infinity { return -.infinity }
    return m + log1p(exp(min(a, b) - m))
}

/// log(exp(a) + exp(b) + exp(c)) without overflow; exact for −∞ arguments.
@inlinable @inline(__always)
public func logAddExp(_ a: Double, _ b: Double, _ c: Double) -> Double {
    let m = max(a, max(b, c))
    if m == -.infinity { return -.infinity }
    return m + log(exp(a - m) + exp(b - m) + exp(c - m))
}

/// log Σ exp(xᵢ) over a collection; −∞ for an empty or all-(−∞) input.
public func logSumExp<C: Collection>(_ xs: C) -> Double where C.Element == Double {
    guard let m = xs.max(), m > -.infinity else { return -.infinity }
    if m == .infinity { return .infinity }
    var sum = 0.0
    for x in xs { sum += exp(x - m) }
    return m + log(sum)
}

/// A T×K matrix of natural-log probabilities, frame-major (`values[t * classes + k]`).
public struct LogProbabilities: Sendable, Equatable {
    public let frames: Int
    public let classes: Int
    public var values: [Double]

    /// Wraps log-probabilities as they are (no normalisation check).
    public init(frames: Int, classes: Int, logValues: [Double]) throws(CTCError) {
        guard frames >= 0, classes > 0, logValues.count == frames * classes else {
            throw .shapeMismatch("expected \(frames)×\(classes) = \(frames * max(classes, 0)) values, got \(logValues.count)")
        }
        for (i, v) in logValues.enumerated() where v.isNaN || v == .infinity {
            throw .invalidValue("log-probability at frame \(i / classes), class \(i % classes) is \(v)")
        }
        self.frames = frames
        self.classes = classes
        self.values = logValues
    }

    /// Takes probabilities (each row should sum to 1) and stores their natural logs; 0 becomes −∞.
    public init(frames: Int, classes: Int, probabilities: [Double]) throws(CTCError) {
        guard probabilities.count == frames * classes else {
            throw .shapeMismatch("expected \(frames)×\(classes) = \(frames * classes) probabilities, got \(probabilities.count)")
        }
        for (i, p) in probabilities.enumerated() where !(p >= 0 && p <= 1 + 1e-6) {
            throw .invalidValue("probability at frame \(i / classes), class \(i % classes) is \(p), outside [0, 1]")
        }
        try self.init(frames: frames, classes: classes, logValues: probabilities.map { log($0) })
    }

    /// Applies log_softmax (`logSoftmaxRows`, the one Trellis has) to each row of raw scores (logits).
    public init(frames: Int, classes: Int, logits: [Double]) throws(CTCError) {
        guard logits.count == frames * classes, classes > 0 else {
            throw .shapeMismatch("expected \(frames)×\(classes) = \(frames * classes) logits, got \(logits.count)")
        }
        try self.init(frames: frames, classes: classes, logValues: logSoftmaxRows(logits, classes: classes))
    }

    @inlinable public subscript(frame: Int, symbol: Int) -> Double { values[frame * classes + symbol] }

    /// exp of every entry, frame-major.
    public var probabilities: [Double] { values.map { exp($0) } }

    /// The first `count` frames (for utterances padded in a batch).
    public func prefix(frames count: Int) -> LogProbabilities {
        let n = min(max(count, 0), frames)
        return LogProbabilities(unchecked: n, classes, Array(values[0..<(n * classes)]))
    }

    init(unchecked frames: Int, _ classes: Int, _ values: [Double]) {
        self.frames = frames; self.classes = classes; self.values = values
    }
}
