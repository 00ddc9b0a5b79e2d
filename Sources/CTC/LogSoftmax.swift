// The one log-softmax of Trellis: a model's scores (logits) become the natural-log probabilities every CTC
// computation reads. Training (Models.CTCObjective), evaluation and inference (their model output) and the
// Double matrices of the demo and the tests (`LogProbabilities(logits:)`) all call `logSoftmaxRows`, so the
// numbers the loss saw are the numbers the decoders and figures see.
// y = x − (m + log Σ exp(x − m)) with m the row's maximum: no overflow for large scores; a row holding NaN gives
// NaN everywhere (callers check), a row of −∞ gives NaN (0/0), as torch.log_softmax does.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The two precisions the log-softmax runs in: Float for the trainer's tensors, Double for exact analysis.
public protocol LogSoftmaxScalar: BinaryFloatingPoint {
    static func expOf(_ x: Self) -> Self
    static func logOf(_ x: Self) -> Self
}

extension Float: LogSoftmaxScalar {
    @inlinable @inline(__always) public static func expOf(_ x: Float) -> Float { expf(x) }
    @inlinable @inline(__always) public static func logOf(_ x: Float) -> Float { logf(x) }
}

extension Double: LogSoftmaxScalar {
    @inlinable @inline(__always) public static func expOf(_ x: Double) -> Double { exp(x) }
    @inlinable @inline(__always) public static func logOf(_ x: Double) -> Double { log(x) }
}

/// log_softmax over each of `rows` consecutive rows of `classes` values, from `x` into `out` (which may be `x`).
@inlinable
public func logSoftmaxRows<F: LogSoftmaxScalar>(_ x: UnsafePointer<F>, rows: Int, classes: Int, into out: UnsafeMutablePointer<F>) {
    guard classes > 0 else { return }
    for r in 0..<rows {
        let xr = x + r * classes, yr = out + r * classes
        var m = -F.infinity
        for k in 0..<classes { m = Swift.max(m, xr[k]) }
        var s: F = 0
        for k in 0..<classes { s += F.expOf(xr[k] - m) }
        let lse = m + F.logOf(s)
        for k in 0..<classes { yr[k] = xr[k] - lse }
    }
}

/// log_softmax over rows of `classes` values of an array (a T×K frame-major matrix, or any (..., K) buffer).
@inlinable
public func logSoftmaxRows<F: LogSoftmaxScalar>(_ x: [F], classes: Int) -> [F] {
    precondition(classes > 0 && x.count % classes == 0, "logSoftmaxRows: \(x.count) values are not rows of \(classes)")
    var out = x
    out.withUnsafeMutableBufferPointer { o in
        guard let base = o.baseAddress else { return }
        logSoftmaxRows(UnsafePointer(base), rows: x.count / classes, classes: classes, into: base)
    }
    return out
}
