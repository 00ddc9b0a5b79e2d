// The CTC trellis in log space: the extended label sequence (blank, l1, blank, …, lL, blank; 2L+1 states),
// the feasibility check, and the exact Double forward (alpha) / backward (beta) tables.
//
// Conventions (Graves 2006, Rabiner): alpha[t][s] = log P(frames 0…t emitted, in state s at t), it includes
// frame t's emission. beta[t][s] = log P(frames t+1…T−1 emitted | in state s at t), it EXCLUDES frame t's
// emission, so alpha[t][s] + beta[t][s] − logLikelihood is the log posterior of state s at frame t, and
// logsumexp_s(alpha[t][s] + beta[t][s]) = logLikelihood for every t. (The notebook's Cell 13 beta includes
// the emission for t < T−1 but not at T−1; `notebookBeta` gives that table for comparison.)
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether T frames can carry L labels at all: each label needs a frame, and two equal adjacent labels need a
/// blank frame between them, so the minimum is L + (number of adjacent repeats).
public struct CTCFeasibility: Sendable, Equatable, CustomStringConvertible {
    public let frames: Int
    public let labelCount: Int
    /// Positions i (0-based) where labels[i] == labels[i-1].
    public let repeatPositions: [Int]
    public var repeats: Int { repeatPositions.count }
    public var requiredFrames: Int { labelCount + repeats }
    public var isFeasible: Bool { frames >= requiredFrames }

    public init(labels: [Int], frames: Int) {
        self.frames = frames
        labelCount = labels.count
        repeatPositions = labels.indices.dropFirst().filter { labels[$0] == labels[$0 - 1] }
    }

    /// A sentence for the student: why the alignment is (im)possible.
    public var description: String {
        let rep = repeats == 0 ? "no adjacent repeats" : "\(repeats) adjacent repeat\(repeats == 1 ? "" : "s") (each needs a blank frame between the equal labels)"
        if isFeasible {
            return "feasible: \(labelCount) labels with \(rep) need at least \(requiredFrames) frames; \(frames) available"
        }
        return "impossible: \(labelCount) labels with \(rep) need at least \(requiredFrames) frames, but only \(frames) are available"
    }
}

/// The extended label sequence and, per state, whether the skip transition s−2 → s is allowed.
@usableFromInline
struct ExtendedLabels {
    @usableFromInline var states: [Int]
    @usableFromInline var canSkip: [Bool]

    @usableFromInline init(labels: UnsafeBufferPointer<Int>, blank: Int) {
        let s = 2 * labels.count + 1
        states = [Int](repeating: blank, count: s)
        canSkip = [Bool](repeating: false, count: s)
        for (i, l) in labels.enumerated() {
            states[2 * i + 1] = l
            canSkip[2 * i + 1] = i > 0 && labels[i - 1] != l
        }
    }
}

/// Checks labels against the class count and the blank; throws a readable error on the first bad one.
func validateLabels<S: Sequence>(_ labels: S, classes: Int, blank: Int) throws(CTCError) where S.Element: BinaryInteger {
    guard blank >= 0, blank < classes else {
        throw .invalidArgument("blank index \(blank) is outside 0..<\(classes)")
    }
    for (i, l) in labels.enumerated() {
        if l == blank { throw .invalidLabel("label at position \(i) is the blank (\(blank)); targets must not contain blanks") }
        if l < 0 || l >= classes { throw .invalidLabel("label \(l) at position \(i) is outside 0..<\(classes)") }
    }
}

/// Exact log-space forward pass. lp: T rows of `stride` Doubles; alpha: T×S output. Returns log p(labels).
@usableFromInline
func logForward(_ lp: UnsafePointer<Double>, frames T: Int, stride: Int,
                _ ext: UnsafePointer<Int>, _ skip: UnsafePointer<Bool>, states S: Int,
                alpha: UnsafeMutablePointer<Double>, shouldStop: (() -> Bool)? = nil) -> Double {
    guard T > 0 else { return S == 1 ? 0 : -.infinity }
    for s in 0..<S { alpha[s] = -.infinity }
    alpha[0] = lp[ext[0]]
    if S > 1 { alpha[1] = lp[ext[1]] }
    for t in 1..<T {
        if let shouldStop, shouldStop() { return -.infinity }
        let prev = alpha + (t - 1) * S, cur = alpha + t * S, row = lp + t * stride
        for s in 0..<S {
            let a = prev[s]
            let b = s >= 1 ? prev[s - 1] : -Double.infinity
            let c = skip[s] ? prev[s - 2] : -Double.infinity
            cur[s] = logAddExp(a, b, c) + row[ext[s]]
        }
    }
    let last = alpha + (T - 1) * S
    return S > 1 ? logAddExp(last[S - 1], last[S - 2]) : last[0]
}

/// Exact log-space backward pass (beta excludes frame t's emission). Returns log p(labels) from the beta side.
@usableFromInline
func logBackward(_ lp: UnsafePointer<Double>, frames T: Int, stride: Int,
                 _ ext: UnsafePointer<Int>, _ skip: UnsafePointer<Bool>, states S: Int,
                 beta: UnsafeMutablePointer<Double>, shouldStop: (() -> Bool)? = nil) -> Double {
    guard T > 0 else { return S == 1 ? 0 : -.infinity }
    let lastRow = beta + (T - 1) * S
    for s in 0..<S { lastRow[s] = -.infinity }
    lastRow[S - 1] = 0
    if S > 1 { lastRow[S - 2] = 0 }
    var t = T - 2
    while t >= 0 {
        if let shouldStop, shouldStop() { return -.infinity }
        let next = beta + (t + 1) * S, cur = beta + t * S, row = lp + (t + 1) * stride
        for s in 0..<S {
            let a = next[s] + row[ext[s]]
            let b = s + 1 < S ? next[s + 1] + row[ext[s + 1]] : -Double.infinity
            let c = s + 2 < S && skip[s + 2] ? next[s + 2] + row[ext[s + 2]] : -Double.infinity
            cur[s] = logAddExp(a, b, c)
        }
        t -= 1
    }
    let b0 = beta[0] + lp[ext[0]]
    return S > 1 ? logAddExp(b0, beta[1] + lp[ext[1]]) : b0
}

/// Exact alpha/beta tables of one utterance, in Double log space. Impossible cases give −∞ (never NaN)
/// with `explanation` saying why.
public struct CTCTrellis: Sendable {
    public let frames: Int
    public let classes: Int
    public let blank: Int
    public let labels: [Int]
    /// Extended label sequence, 2L+1 states: blank, l1, blank, …, lL, blank.
    public let states: [Int]
    /// T×S, frame-major: alpha[t * stateCount + s].
    public let alpha: [Double]
    /// T×S, frame-major; excludes frame t's emission (see the file header).
    public let beta: [Double]
    /// log p(labels | matrix) from the forward pass.
    public let logLikelihood: Double
    /// The same from the backward pass (agrees to rounding).
    public let backwardLogLikelihood: Double
    public let feasibility: CTCFeasibility
    let skip: [Bool]
    let logProbs: LogProbabilities

    public var stateCount: Int { states.count }

    /// Builds both tables. Throws for malformed input (labels outside 0..<K, a blank in the labels), and
    /// `.stopped` when `shouldStop` (polled once per frame, so Ctrl-C stops a T = 30,000 trellis) returns true.
    public init(_ logProbs: LogProbabilities, labels: [Int], blank: Int = Tokenizer.blank,
                shouldStop: (() -> Bool)? = nil) throws(CTCError) {
        try validateLabels(labels, classes: logProbs.classes, blank: blank)
        self.logProbs = logProbs
        frames = logProbs.frames
        classes = logProbs.classes
        self.blank = blank
        self.labels = labels
        feasibility = CTCFeasibility(labels: labels, frames: logProbs.frames)
        let ext = labels.withUnsafeBufferPointer { ExtendedLabels(labels: $0, blank: blank) }
        states = ext.states
        skip = ext.canSkip
        let S = ext.states.count, T = logProbs.frames, K = logProbs.classes
        var a = [Double](repeating: -.infinity, count: T * S)
        var b = [Double](repeating: -.infinity, count: T * S)
        var fwd = -Double.infinity, bwd = -Double.infinity
        logProbs.values.withUnsafeBufferPointer { lp in
            ext.states.withUnsafeBufferPointer { e in
                ext.canSkip.withUnsafeBufferPointer { k in
                    a.withUnsafeMutableBufferPointer { ap in
                        if let base = lp.baseAddress, let out = ap.baseAddress {
                            fwd = logForward(base, frames: T, stride: K, e.baseAddress!, k.baseAddress!, states: S, alpha: out,
                                             shouldStop: shouldStop)
                        } else { fwd = S == 1 ? 0 : -.infinity }
                    }
                    b.withUnsafeMutableBufferPointer { bp in
                        if let base = lp.baseAddress, let out = bp.baseAddress {
                            bwd = logBackward(base, frames: T, stride: K, e.baseAddress!, k.baseAddress!, states: S, beta: out,
                                              shouldStop: shouldStop)
                        } else { bwd = S == 1 ? 0 : -.infinity }
                    }
                }
            }
        }
        if let shouldStop, shouldStop() { throw .stopped }
        alpha = a
        beta = b
        logLikelihood = fwd
        backwardLogLikelihood = bwd
    }

    @inlinable public func alpha(frame t: Int, state s: Int) -> Double { alpha[t * states.count + s] }
    @inlinable public func beta(frame t: Int, state s: Int) -> Double { beta[t * states.count + s] }

    /// −log p(labels), +∞ when impossible.
    public var negativeLogLikelihood: Double { -logLikelihood }

    /// Why the likelihood is what it is: the length check, or that every admissible path hits a zero probability.
    public var explanation: String {
        if !feasibility.isFeasible { return feasibility.description }
        if logLikelihood == -.infinity {
            return "impossible: the length suffices (\(feasibility.requiredFrames) of \(frames) frames needed) but every alignment passes through a symbol with probability 0"
        }
        return feasibility.description
    }

    /// The notebook's Cell 13 beta (includes frame t's emission for t < T−1, not at T−1), for comparison.
    public var notebookBeta: [Double] {
        let S = states.count
        var out = beta
        guard frames > 1 else { return out }
        for t in 0..<(frames - 1) {
            for s in 0..<S { out[t * S + s] += logProbs[t, states[s]] }
        }
        return out
    }
}
