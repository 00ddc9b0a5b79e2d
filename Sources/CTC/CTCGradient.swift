// Per-utterance CTC loss −log p(labels) and its gradients.
//
// Two paths:
//  • `CTCTrellis.gradients()` — exact, from the Double log-space tables; for tests and analysis.
//  • `CTCLoss.compute(...)` — the trainer's path: Float in/out, no allocation once the `CTCWorkspace` has grown,
//    strided input so one utterance of a (T, B, K) batch is read in place. It runs the scaled forward–backward
//    in linear Double arithmetic (each frame renormalised, only states on the feasible band visited), which needs
//    no exp/log per cell. If any value would leave Double's normal range (≈1e-280 relative to its frame) it
//    reruns that utterance in exact log space, so the result is never degraded by underflow.
//
// Gradient conventions (occupancy γ[t][k] = Σ_{s: state s emits k} P(state s at frame t | labels)):
//  • w.r.t. log-probabilities:            ∂(−log p)/∂lp[t][k]     = −γ[t][k]
//  • w.r.t. logits (lp = log_softmax(z)):  ∂(−log p)/∂z[t][k]      = softmax(z)[t][k] − γ[t][k]
// PyTorch's `ctc_loss` backward returns the second form as the gradient of its log_probs argument (it relies on
// log_probs coming from log_softmax); `CTCLoss.compute` writes that form.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Exact gradients of −log p(labels) from a trellis. Both are T×K frame-major; all zeros when p = 0.
public struct CTCGradients: Sendable {
    /// ∂(−log p)/∂ log-probabilities = −occupancy.
    public var logProbabilities: [Double]
    /// ∂(−log p)/∂ logits assuming the matrix is log_softmax(logits): softmax − occupancy.
    public var logits: [Double]
    /// Per frame and class, the posterior expected number of times class k is emitted at frame t (rows sum to 1).
    public var occupancy: [Double]
}

extension CTCTrellis {
    /// Exact gradients (Double). With p = 0 (impossible) everything is zero, as PyTorch's zero_infinity.
    public func gradients() -> CTCGradients {
        let T = frames, K = classes, S = states.count
        var occ = [Double](repeating: 0, count: T * K)
        if logLikelihood > -.infinity {
            for t in 0..<T {
                for s in 0..<S {
                    let v = alpha[t * S + s] + beta[t * S + s] - logLikelihood
                    if v > -.infinity { occ[t * K + states[s]] += exp(v) }
                }
            }
        }
        var dlp = occ, dz = occ
        for i in 0..<(T * K) {
            dlp[i] = -occ[i]
            dz[i] = logLikelihood > -.infinity ? exp(logProbs.values[i]) - occ[i] : 0
        }
        return CTCGradients(logProbabilities: dlp, logits: dz, occupancy: occ)
    }
}

/// Scratch memory for `CTCLoss.compute`; keep one per thread and reuse it (it only grows).
public struct CTCWorkspace {
    var alpha: [Double] = []
    var beta: [Double] = []
    var emission: [Double] = []   // T×K: exp(lp) (linear path) or lp (log path)
    var states: [Int] = []
    var canSkip: [Bool] = []
    var labelScratch: [Int] = []
    public init() {}

    mutating func withPointers<R>(_ body: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>,
                                           UnsafePointer<Int>, UnsafePointer<Bool>) -> R) -> R {
        emission.withUnsafeMutableBufferPointer { y in
            alpha.withUnsafeMutableBufferPointer { a in
                beta.withUnsafeMutableBufferPointer { b in
                    states.withUnsafeBufferPointer { e in
                        canSkip.withUnsafeBufferPointer { k in
                            body(y.baseAddress!, a.baseAddress!, b.baseAddress!, e.baseAddress!, k.baseAddress!)
                        }
                    }
                }
            }
        }
    }

    mutating func reserve(frames T: Int, classes K: Int, states S: Int) {
        // At least one element each so base addresses exist even for T = 0.
        if alpha.count < max(T * S, 1) { alpha = [Double](repeating: 0, count: max(T * S, 1)) }
        // The log-space fallback needs a full T×S beta table; the linear path only 3(S + 2) + K.
        if beta.count < max(T * S, 3 * (S + 2) + K) { beta = [Double](repeating: 0, count: max(T * S, 3 * (S + 2) + K)) }
        if emission.count < max(T * K, 1) { emission = [Double](repeating: 0, count: max(T * K, 1)) }
        if states.count < S { states = [Int](repeating: 0, count: S); canSkip = [Bool](repeating: false, count: S) }
    }
}

/// The fast per-utterance CTC loss used by the trainer.
public enum CTCLoss {
    /// Outcome of one utterance.
    public struct Result: Sendable, Equatable {
        /// −log p(labels); +∞ when impossible (0 instead if `zeroInfinity`).
        public var loss: Double
        public var isFeasible: Bool
        /// True when the linear-domain path would have underflowed and the exact log-space path was used.
        public var usedLogSpace: Bool
    }

    /// Loss and (optionally) the logit gradient of one utterance.
    ///
    /// - Parameters:
    ///   - logProbs: row t starts at `logProbs + t * frameStride`, K classes contiguous (log_softmax output).
    ///     For a PyTorch-layout (T, B, K) batch pass `base + b * K` and `frameStride: B * K`.
    ///   - labels: target classes (no blanks), e.g. 0…27: the tokenizer's indices, as every batch holds them.
    ///   - gradient: if non-nil, row t at `gradient + t * gradientStride` is OVERWRITTEN with
    ///     `gradientScale · (softmax − occupancy)`; all zeros when the loss is infinite (zero_infinity semantics).
    ///     Frames ≥ T are not touched.
    ///   - zeroInfinity: report an impossible utterance's loss as 0 instead of +∞.
    public static func compute(
        logProbs: UnsafePointer<Float>, frames T: Int, classes K: Int, frameStride: Int,
        labels: UnsafeBufferPointer<Int>, blank: Int = Tokenizer.blank,
        gradient: UnsafeMutablePointer<Float>?, gradientStride: Int, gradientScale: Float = 1,
        zeroInfinity: Bool = false, workspace ws: inout CTCWorkspace
    ) -> Result {
        let L = labels.count, S = 2 * L + 1
        ws.reserve(frames: T, classes: K, states: S)
        for s in 0..<S { ws.states[s] = blank; ws.canSkip[s] = false }
        for i in 0..<L {
            let l = labels[i]
            precondition(l >= 0 && l < K && l != blank, "CTCLoss.compute: label \(l) at \(i) is the blank or outside 0..<\(K)")
            ws.states[2 * i + 1] = l
            ws.canSkip[2 * i + 1] = i > 0 && labels[i - 1] != l
        }
        let feasible = T >= L + (L > 1 ? (1..<L).reduce(0) { $0 + (labels[$1] == labels[$1 - 1] ? 1 : 0) } : 0)
        var logP = -Double.infinity
        var usedLog = false
        if feasible {
            logP = ws.withPointers { y, a, b, e, k in
                scaledForwardBackward(logProbs, T: T, K: K, stride: frameStride, ext: e, skip: k, S: S, y: y, alpha: a, beta: b,
                                      gradient: gradient, gradientStride: gradientStride, scale: Double(gradientScale))
            } ?? -.infinity
            if logP == -.infinity {
                usedLog = true
                logP = ws.withPointers { y, a, b, e, k in
                    logForwardBackward(logProbs, T: T, K: K, stride: frameStride, ext: e, skip: k, S: S, lpd: y, alpha: a, beta: b,
                                       gradient: gradient, gradientStride: gradientStride, scale: Double(gradientScale))
                }
            }
        }
        if logP == -.infinity, let g = gradient {
            for t in 0..<T { for k in 0..<K { g[t * gradientStride + k] = 0 } }
        }
        let loss = logP == -.infinity ? (zeroInfinity ? 0 : Double.infinity) : -logP
        return Result(loss: loss, isFeasible: logP > -.infinity, usedLogSpace: usedLog)
    }

    /// Array convenience around `compute` for one unstrided T×K utterance. Returns the loss and the
    /// logit gradient (softmax − occupancy), T×K.
    public static func lossAndGradient(logProbs: [Float], frames T: Int, classes K: Int, labels: [Int],
                                       blank: Int = Tokenizer.blank, zeroInfinity: Bool = false) throws(CTCError) -> (result: Result, gradient: [Float]) {
        guard logProbs.count == T * K else { throw .shapeMismatch("expected \(T)×\(K) = \(T * K) log-probabilities, got \(logProbs.count)") }
        try validateLabels(labels, classes: K, blank: blank)
        var ws = CTCWorkspace()
        var grad = [Float](repeating: 0, count: T * K)
        let r = logProbs.withUnsafeBufferPointer { lp in
            labels.withUnsafeBufferPointer { l in
                grad.withUnsafeMutableBufferPointer { g in
                    compute(logProbs: lp.baseAddress ?? UnsafePointer(bitPattern: 8)!, frames: T, classes: K, frameStride: K, labels: l, blank: blank,
                            gradient: g.baseAddress, gradientStride: K, zeroInfinity: zeroInfinity, workspace: &ws)
                }
            }
        }
        return (r, grad)
    }
}

/// Values below this (relative to their frame's total, which is ≤ 3) are treated as a sign that linear-domain
/// arithmetic is about to leave Double's normal range; the caller then falls back to log space.
private let tinyLinear = 1e-280

/// Scaled linear-domain forward–backward (+ gradient). Returns log p, or nil if underflow was detected.
/// Layout: `alpha` holds T×S rows; `beta` only needs three rows of S + 2 (the two extra zeros let the inner
/// loops read s+1 and s+2 without bounds checks) plus a K-wide gradient row, so it is carved from the same buffer.
private func scaledForwardBackward(
    _ lp: UnsafePointer<Float>, T: Int, K: Int, stride: Int, ext: UnsafePointer<Int>, skip: UnsafePointer<Bool>, S: Int,
    y: UnsafeMutablePointer<Double>, alpha: UnsafeMutablePointer<Double>, beta: UnsafeMutablePointer<Double>,
    gradient: UnsafeMutablePointer<Float>?, gradientStride: Int, scale: Double
) -> Double? {
    // Emissions y = exp(lp); a finite lp whose exp is tiny would lose precision.
    for t in 0..<T {
        let row = lp + t * stride, out = y + t * K
        for k in 0..<K {
            let v = Double(row[k])
            let e = exp(v)
            if e < tinyLinear && v > -.infinity || v.isNaN { return nil }
            out[k] = e
        }
    }
    // Band of states that are reachable from the start (s ≤ 2t+1) and can still reach the end (s ≥ S − 2(T − t)).
    @inline(__always) func lo(_ t: Int) -> Int { max(0, S - 2 * (T - t)) }
    @inline(__always) func hi(_ t: Int) -> Int { min(S - 1, 2 * t + 1) }

    var logScale = 0.0
    // Forward. Frame 0: only the first blank and the first label.
    do {
        for s in 0..<S { alpha[s] = 0 }
        alpha[0] = y[ext[0]]
        if S > 1 { alpha[1] = y[ext[1]] }
        let c = S > 1 ? alpha[0] + alpha[1] : alpha[0]
        if !(c > 0) { return nil }
        let inv = 1 / c
        alpha[0] *= inv
        if S > 1 { alpha[1] *= inv }
        logScale += log(c)
    }
    if T > 1 {
        for t in 1..<T {
            let prev = alpha + (t - 1) * S, cur = alpha + t * S, yt = y + t * K
            let l = lo(t), h = hi(t)
            // Zero the states outside the band so later frames read clean values.
            for s in 0..<l { cur[s] = 0 }
            if h + 1 < S { for s in (h + 1)..<S { cur[s] = 0 } }
            var c = 0.0
            var tiny = false
            var s = l
            // s = 0 and s = 1 have no skip and (for s = 0) no left neighbour.
            while s <= h && s < 2 {
                let v = s == 0 ? prev[0] : prev[1] + prev[0]
                let r = v * yt[ext[s]]
                if r < tinyLinear && v > 0 { tiny = true }
                cur[s] = r; c += r; s += 1
            }
            while s <= h {
                let v = prev[s] + prev[s - 1] + (skip[s] ? prev[s - 2] : 0)
                let r = v * yt[ext[s]]
                if r < tinyLinear && v > 0 { tiny = true }
                cur[s] = r; c += r; s += 1
            }
            if tiny || !(c > 0) { return nil }
            let inv = 1 / c
            for s in l...h { cur[s] *= inv }
            logScale += log(c)
        }
    }
    let last = alpha + (T - 1) * S
    let tail = S > 1 ? last[S - 1] + last[S - 2] : last[0]
    if !(tail > 0) { return nil }
    let logP = logScale + log(tail)
    guard let g = gradient else { return logP }

    // Backward (beta excludes frame t's emission, each frame normalised to sum 1), fused with the gradient:
    // per frame γ(s) = α̂(s)β̂(s) / Σ α̂β̂ (the scales cancel because Σ_s α_t(s)β_t(s) = p for every t).
    var bCur = beta, bNext = beta + (S + 2)       // β̂ rows, S + 2 wide, trailing zeros
    let weighted = beta + 2 * (S + 2)              // β̂_{t+1}(s) · y_{t+1}(ext[s]), S + 2 wide
    let gRow = beta + 3 * (S + 2)                  // K-wide Double gradient accumulator
    for s in 0..<(S + 2) { bCur[s] = 0; bNext[s] = 0; weighted[s] = 0 }
    bCur[S - 1] = 1
    if S > 1 { bCur[S - 2] = 1 }
    var t = T - 1
    while true {
        // Gradient of frame t from α̂_t and β̂_t.
        let a = alpha + t * S, yt = y + t * K, gt = g + t * gradientStride
        let l = lo(t), h = hi(t)
        var z = 0.0
        for s in l...h { z += a[s] * bCur[s] }
        // A tiny overlap means terms dropped by underflow elsewhere could matter: redo in log space.
        if !(z > 1e-250) { return nil }
        for k in 0..<K { gRow[k] = yt[k] }
        let w = 1 / z
        for s in l...h { gRow[ext[s]] -= a[s] * bCur[s] * w }
        for k in 0..<K { gt[k] = Float(gRow[k] * scale) }
        if t == 0 { break }
        // β̂_{t−1} from β̂_t and frame t's emissions.
        swap(&bCur, &bNext)          // bNext now holds β̂_t
        var tiny = false
        for s in l...h {
            let v = bNext[s] * yt[ext[s]]
            if v < tinyLinear && bNext[s] > 0 { tiny = true }
            weighted[s] = v
        }
        let l1 = lo(t - 1), h1 = hi(t - 1)
        // Clear what the previous use of bCur left outside the new band.
        for s in 0..<S { bCur[s] = 0 }
        var c = 0.0
        for s in l1...h1 {
            let v = weighted[s] + weighted[s + 1] + (s + 2 < S && skip[s + 2] ? weighted[s + 2] : 0)
            bCur[s] = v; c += v
        }
        // Reset the weighted row for the next frame (its band differs).
        for s in l...h { weighted[s] = 0 }
        if tiny || !(c > 0) { return nil }
        let inv = 1 / c
        for s in l1...h1 { bCur[s] *= inv }
        t -= 1
    }
    return logP
}

/// Exact log-space forward–backward (+ gradient) over the Float input; the fallback of `CTCLoss.compute`.
private func logForwardBackward(
    _ lp: UnsafePointer<Float>, T: Int, K: Int, stride: Int, ext: UnsafePointer<Int>, skip: UnsafePointer<Bool>, S: Int,
    lpd: UnsafeMutablePointer<Double>, alpha: UnsafeMutablePointer<Double>, beta: UnsafeMutablePointer<Double>,
    gradient: UnsafeMutablePointer<Float>?, gradientStride: Int, scale: Double
) -> Double {
    for t in 0..<T { for k in 0..<K { lpd[t * K + k] = Double(lp[t * stride + k]) } }
    let logP = logForward(lpd, frames: T, stride: K, ext, skip, states: S, alpha: alpha)
    guard logP > -.infinity, !logP.isNaN else { return -.infinity }
    _ = logBackward(lpd, frames: T, stride: K, ext, skip, states: S, beta: beta)
    if let g = gradient {
        for t in 0..<T {
            let gt = g + t * gradientStride, a = alpha + t * S, b = beta + t * S
            // Accumulate into the Double row lpd (overwritten: it is no longer needed for frame t).
            let row = lpd + t * K
            for k in 0..<K { row[k] = exp(row[k]) }
            for s in 0..<S {
                let v = a[s] + b[s] - logP
                if v > -.infinity { row[ext[s]] -= exp(v) }
            }
            for k in 0..<K { gt[k] = Float(row[k] * scale) }
        }
    }
    return logP
}
