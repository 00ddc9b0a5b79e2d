// A documented, deterministic random probability matrix, reproducible bit for bit in other languages
// (tools/golden_ctc.py re-implements it): used by `probs random T --seed S [--peaky X]` and the golden tests.
//
// Algorithm, per frame t = 0…T−1 and class k = 0…K−1 in that order:
//   SplitMix64 (state += 0x9E3779B97F4A7C15; z = state; z = (z ^ z>>30)·0xBF58476D1CE4E5B9;
//               z = (z ^ z>>27)·0x94D049BB133111EB; return z ^ z>>31), seeded with `seed`;
//   u1 = ((next >> 11) + 1) · 2⁻⁵³ ∈ (0, 1],  u2 = (next >> 11) · 2⁻⁵³ ∈ [0, 1);
//   z  = sqrt(−2 ln u1) · cos(2π u2)                       (Box–Muller, the sine half discarded);
//   logit[t][k] = peaky · z;
// then per frame, in Double: p = exp(logit − max) / Σ exp(logit − max) (sum in class order), rounded to Float.
import Base
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum RandomProbabilities {
    /// A T×K frame-major matrix of probabilities (rows sum to 1 up to Float rounding): softmax of
    /// `peaky`-scaled standard Gaussian logits. Larger `peaky` gives spikier frames. See the file header.
    public static func generate(frames: Int, classes: Int = Tokenizer.classCount, seed: UInt64, peaky: Double = 1) -> [Float] {
        var rng = SplitMix64(seed: seed)
        var out = [Float](repeating: 0, count: max(frames, 0) * max(classes, 0))
        var logits = [Double](repeating: 0, count: max(classes, 0))
        for t in 0..<max(frames, 0) {
            for k in 0..<classes { logits[k] = peaky * rng.nextGaussian() }
            let m = logits.max() ?? 0
            var sum = 0.0
            for k in 0..<classes { logits[k] = exp(logits[k] - m); sum += logits[k] }
            for k in 0..<classes { out[t * classes + k] = Float(logits[k] / sum) }
        }
        return out
    }

    /// The same matrix as natural-log probabilities (logs of the Float values, in Double).
    public static func logProbabilities(frames: Int, classes: Int = Tokenizer.classCount, seed: UInt64, peaky: Double = 1) -> LogProbabilities {
        let p = generate(frames: frames, classes: classes, seed: seed, peaky: peaky)
        return LogProbabilities(unchecked: frames, classes, p.map { log(Double($0)) })
    }
}
