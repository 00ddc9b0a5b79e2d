// Spectrograms as heatmaps: time in seconds along x, frequency (Hz) or mel bin along y, low frequencies at
// the bottom. Input layout is torchaudio's (freq, time): `values[bin * frames + frame]`, the same as
// Audio's FeatureMatrix, so `Heatmap.spectrogram(bins: m.bins, frames: m.frames, values: m.values, ...)`.
import Foundation

public enum FrequencyAxis: Sendable, Equatable {
    /// Linear STFT bins spanning 0…maxFrequency Hz (the Nyquist frequency, sampleRate / 2).
    case hertz(maxFrequency: Double)
    /// Mel filterbank channels, labelled by index.
    case melBins
}

public enum SpectrogramValues: Sendable, Equatable {
    /// Power (|X|²): shown in dB, 10·log10(max(v, 1e-10)), clipped to `topDecibels` below the peak.
    case power(topDecibels: Double)
    /// Magnitude (|X|): shown in dB, 20·log10(max(v, 1e-5)), clipped to `topDecibels` below the peak.
    case magnitude(topDecibels: Double)
    /// Already logarithmic (log-mel features): shown as given.
    case logarithmic
}

extension Heatmap {
    /// A spectrogram panel from a (bins × frames) row-major matrix; `hopSeconds` is the frame step
    /// (hop_length / sample_rate; 200 / 16000 = 0.0125 s for the notebook's features).
    public static func spectrogram(bins: Int, frames: Int, values: [Float], hopSeconds: Double,
                                   frequency: FrequencyAxis, values kind: SpectrogramValues = .power(topDecibels: 80),
                                   title: String = "") throws(FigureError) -> Heatmap {
        guard hopSeconds > 0 else { throw .invalidData("the hop must be positive (got \(hopSeconds) s)") }
        var shown = values.map(Double.init)
        var label = "log value"
        var range: ClosedRange<Double>?
        switch kind {
        case .power(let top), .magnitude(let top):
            let isPower: Bool = { if case .power = kind { return true } else { return false } }()
            shown = shown.map { isPower ? 10 * log10(Swift.max($0, 1e-10)) : 20 * log10(Swift.max($0, 1e-5)) }
            let peak = shown.filter(\.isFinite).max() ?? 0
            range = (peak - top)...peak
            label = "dB"
        case .logarithmic:
            break
        }
        var h = try Heatmap(rows: bins, columns: frames, values: shown)
        h.title = title
        h.origin = .lower
        h.valueRange = range
        h.colorbarLabel = label
        h.xLabel = "Time (s)"
        h.xExtent = 0...(Double(frames) * hopSeconds)
        switch frequency {
        case .hertz(let maxFrequency):
            h.yLabel = "Frequency (Hz)"
            h.yExtent = 0...maxFrequency
        case .melBins:
            h.yLabel = "Mel bin"
        }
        return h
    }
}
