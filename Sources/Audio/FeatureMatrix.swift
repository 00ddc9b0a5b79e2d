// FeatureMatrix: a (bins × frames) Float32 matrix, row-major — the layout torchaudio returns for one channel
// ((..., freq, time)): row b holds bin b over time, so `values[b * frames + t]`.
public struct FeatureMatrix: Sendable, Equatable {
    public var bins: Int
    public var frames: Int
    public var values: [Float]

    public init(bins: Int, frames: Int, values: [Float]) {
        precondition(values.count == bins * frames, "FeatureMatrix: \(values.count) values for \(bins)×\(frames)")
        self.bins = bins
        self.frames = frames
        self.values = values
    }

    public init(bins: Int, frames: Int) {
        self.init(bins: bins, frames: frames, values: [Float](repeating: 0, count: bins * frames))
    }

    public subscript(bin: Int, frame: Int) -> Float {
        get { values[bin * frames + frame] }
        set { values[bin * frames + frame] = newValue }
    }

    /// The same data as (frames × bins), row-major.
    public func transposed() -> FeatureMatrix {
        var out = [Float](repeating: 0, count: values.count)
        for b in 0..<bins { for t in 0..<frames { out[t * bins + b] = values[b * frames + t] } }
        return FeatureMatrix(bins: frames, frames: bins, values: out)
    }
}
