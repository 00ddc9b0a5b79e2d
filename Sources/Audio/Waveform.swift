// Waveform: mono Float32 samples in [-1, 1] with their sample rate — the one audio value the rest of Trellis passes around.
public struct Waveform: Sendable, Equatable {
    public var samples: [Float]
    public var sampleRate: Int

    public init(samples: [Float], sampleRate: Int) {
        self.samples = samples
        self.sampleRate = sampleRate
    }

    public var count: Int { samples.count }
    public var duration: Double { sampleRate > 0 ? Double(samples.count) / Double(sampleRate) : 0 }

    /// Root-mean-square level (0 for silence or an empty signal).
    public var rms: Float {
        guard !samples.isEmpty else { return 0 }
        var s: Double = 0
        for x in samples { s += Double(x) * Double(x) }
        return Float((s / Double(samples.count)).squareRoot())
    }

    public var peak: Float { samples.reduce(0) { max($0, abs($1)) } }
}
