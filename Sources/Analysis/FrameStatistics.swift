// Statistics of one utterance's T×K probability matrix, kept as sums over frames so that utterances pool by
// adding them (pooled ratio = all blank frames / all frames, not a mean of ratios).
import CTC
import Foundation

public struct FrameStatistics: Sendable, Equatable {
    public var frames = 0
    /// Frames whose arg-max class (the first, on a tie) is the blank.
    public var blankArgmaxFrames = 0
    /// Σ over frames of p(blank).
    public var blankPosteriorSum = 0.0
    /// Σ over frames of the frame's largest probability (its peakiness).
    public var maxPosteriorSum = 0.0
    /// Σ over frames of −Σ_k p_k ln p_k, in nats.
    public var entropySum = 0.0

    public init() {}

    /// The statistics of `m`'s frames (`blank` is the blank's class index).
    public init(_ m: LogProbabilities, blank: Int = Tokenizer.blank) {
        frames = m.frames
        for t in 0..<m.frames {
            var best = 0, bestValue = -Double.infinity, h = 0.0
            for k in 0..<m.classes {
                let lp = m[t, k]
                if lp > bestValue { bestValue = lp; best = k }
                // 0 · ln 0 is 0 (the limit), not NaN.
                if lp > -.infinity { h -= exp(lp) * lp }
            }
            if best == blank { blankArgmaxFrames += 1 }
            blankPosteriorSum += exp(m[t, blank])
            maxPosteriorSum += exp(bestValue)
            entropySum += h
        }
    }

    public static func + (a: Self, b: Self) -> Self {
        var s = a
        s.frames += b.frames
        s.blankArgmaxFrames += b.blankArgmaxFrames
        s.blankPosteriorSum += b.blankPosteriorSum
        s.maxPosteriorSum += b.maxPosteriorSum
        s.entropySum += b.entropySum
        return s
    }

    private func perFrame(_ v: Double) -> Double { frames > 0 ? v / Double(frames) : .nan }
    /// Fraction of frames whose arg-max is the blank.
    public var blankArgmaxRatio: Double { perFrame(Double(blankArgmaxFrames)) }
    /// Mean over frames of p(blank).
    public var meanBlankPosterior: Double { perFrame(blankPosteriorSum) }
    /// Mean over frames of the largest probability: 1 for one-hot frames, 1/K for uniform ones.
    public var peakiness: Double { perFrame(maxPosteriorSum) }
    /// Mean per-frame entropy in nats: 0 for one-hot frames, ln K for uniform ones.
    public var meanEntropy: Double { perFrame(entropySum) }
}

public enum EmissionWidths {
    /// Frames each transcript character occupies along a Viterbi path (end − start + 1), in transcript order.
    public static func of(_ alignment: ForcedAlignment) -> [Int] {
        alignment.symbols.map { $0.endFrame - $0.startFrame + 1 }
    }

    /// Count of each width: `counts[w]` characters spanned w frames (index 0 unused, always 0).
    public static func histogram(_ widths: [Int]) -> [Int] {
        var counts = [Int](repeating: 0, count: (widths.max() ?? 0) + 1)
        for w in widths where w >= 0 { counts[w] += 1 }
        return counts
    }
}
