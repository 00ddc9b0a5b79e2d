// Frame stacking with subsampling (`train --stack K`): K consecutive feature frames concatenated into one input
// frame, and only every K-th kept, so the model reads K × bins values per frame and T / K frames. The recurrent
// layers then run a K-th of the steps (the cost that dominates a BiLSTM), each step seeing the same audio — the
// low-frame-rate trick of Pundak & Sainath 2016 and Sak et al. 2015.
//
// Layout: input frame t' holds frames t'K, t'K + 1, ..., t'K + K − 1 in that order, each with all its bins:
// stacked bin k·bins + b at t' is bin b of frame t'K + k. An utterance of T frames gives ceil(T / K) stacked
// frames; the last one's missing frames are 0 (the mean of normalised features, and the value of padding).

extension FeatureMatrix {
    /// The frames stacked by `k` (k = 1 returns the matrix unchanged).
    public func stacked(_ k: Int) -> FeatureMatrix {
        precondition(k >= 1, "FeatureMatrix.stacked: k must be at least 1 (got \(k))")
        guard k > 1 else { return self }
        let outFrames = (frames + k - 1) / k
        var out = FeatureMatrix(bins: bins * k, frames: outFrames)
        values.withUnsafeBufferPointer { src in
            out.values.withUnsafeMutableBufferPointer { dst in
                for j in 0..<k {
                    for b in 0..<bins {
                        let row = (j * bins + b) * outFrames, from = b * frames
                        var t = j, tp = 0
                        while t < frames { dst[row + tp] = src[from + t]; t += k; tp += 1 }
                    }
                }
            }
        }
        return out
    }
}
