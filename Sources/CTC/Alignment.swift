// Alignments of a known transcript to the frames: the soft alignment (per-frame posteriors of the extended
// states, the notebook's Cell 15) and the Viterbi forced alignment (single best state path) with per-character
// start/end frames and an icefall-style confidence (mean posterior of the character's state over its frames).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Posterior probability of each extended state at each frame; each row sums to 1 (all zeros if impossible).
public struct SoftAlignment: Sendable {
    public let frames: Int
    /// The extended label sequence (blank, l1, blank, …), one column per state.
    public let states: [Int]
    /// T×S frame-major.
    public let posteriors: [Double]
    @inlinable public func posterior(frame t: Int, state s: Int) -> Double { posteriors[t * states.count + s] }
}

/// One transcript character placed on the frames by Viterbi.
public struct AlignedSymbol: Sendable, Equatable {
    /// Position in the label sequence.
    public var labelIndex: Int
    public var symbol: Int
    /// First and last frame (inclusive) spent in this character's state.
    public var startFrame: Int
    public var endFrame: Int
    /// Mean over those frames of the state's posterior (soft alignment), in [0, 1].
    public var confidence: Double
}

/// The single most probable alignment path.
public struct ForcedAlignment: Sendable {
    /// Extended-state index per frame (even = blank, 2i+1 = label i).
    public let statePath: [Int]
    /// Class per frame (blank or the label), i.e. `states[statePath[t]]`.
    public let framePath: [Int]
    /// Natural log probability of that single path.
    public let logProbability: Double
    public let symbols: [AlignedSymbol]
}

extension CTCTrellis {
    /// Per-frame normalised state posteriors. `notebookQuirk` reproduces Cell 15 exactly, whose beta also
    /// includes frame t's emission for t < T−1, so each posterior there is additionally weighted by
    /// the state's own emission probability before normalising (not a true posterior).
    /// `shouldStop` is polled once per frame; when it returns true the rest stays 0 and the caller, who asked to
    /// stop, discards the result.
    public func softAlignment(notebookQuirk: Bool = false, shouldStop: (() -> Bool)? = nil) -> SoftAlignment {
        let S = states.count, T = frames
        var post = [Double](repeating: 0, count: T * S)
        if logLikelihood > -.infinity {
            var row = [Double](repeating: 0, count: S)
            for t in 0..<T {
                if let shouldStop, shouldStop() { break }
                for s in 0..<S {
                    var v = alpha[t * S + s] + beta[t * S + s]
                    if notebookQuirk && t < T - 1 { v += logProbs[t, states[s]] }
                    row[s] = v
                }
                let z = logSumExp(row)
                if z > -.infinity { for s in 0..<S { post[t * S + s] = exp(row[s] - z) } }
            }
        }
        return SoftAlignment(frames: T, states: states, posteriors: post)
    }

    /// Viterbi best path through the trellis; nil when no alignment has non-zero probability.
    /// Ties prefer staying in the state, then the step from s−1, then the skip from s−2; at the end the
    /// final blank is preferred over the last label.
    /// `shouldStop` is polled once per frame; when it returns true the result is nil.
    public func viterbi(shouldStop: (() -> Bool)? = nil) -> ForcedAlignment? {
        let S = states.count, T = frames
        guard T > 0, logLikelihood > -.infinity else { return nil }
        var score = [Double](repeating: -.infinity, count: S)
        var next = score
        var back = [Int32](repeating: -1, count: T * S)
        score[0] = logProbs[0, states[0]]
        if S > 1 { score[1] = logProbs[0, states[1]] }
        for t in 1..<T {
            if let shouldStop, shouldStop() { return nil }
            for s in 0..<S {
                var best = score[s], from = s
                if s >= 1 && score[s - 1] > best { best = score[s - 1]; from = s - 1 }
                if skip[s] && score[s - 2] > best { best = score[s - 2]; from = s - 2 }
                next[s] = best + logProbs[t, states[s]]
                back[t * S + s] = Int32(from)
            }
            swap(&score, &next)
        }
        var s = S - 1
        if S > 1 && score[S - 2] > score[S - 1] { s = S - 2 }
        let total = score[s]
        guard total > -.infinity else { return nil }
        var path = [Int](repeating: 0, count: T)
        for t in stride(from: T - 1, through: 0, by: -1) {
            path[t] = s
            if t > 0 { s = Int(back[t * S + s]) }
        }
        let soft = softAlignment(shouldStop: shouldStop)
        if let shouldStop, shouldStop() { return nil }
        var symbols: [AlignedSymbol] = []
        var t = 0
        while t < T {
            let st = path[t]
            var e = t
            while e + 1 < T && path[e + 1] == st { e += 1 }
            if st % 2 == 1 {
                var c = 0.0
                for f in t...e { c += soft.posterior(frame: f, state: st) }
                symbols.append(AlignedSymbol(labelIndex: st / 2, symbol: states[st], startFrame: t, endFrame: e,
                                             confidence: c / Double(e - t + 1)))
            }
            t = e + 1
        }
        return ForcedAlignment(statePath: path, framePath: path.map { states[$0] }, logProbability: total, symbols: symbols)
    }
}
