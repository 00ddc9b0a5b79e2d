// Corpus statistics: hours, utterances, speakers, duration and label-length distributions, and what was skipped
// and why — what `corpus stats` prints and what a run folder records about its data — and the utterances whose
// transcript is longer than CTC can align in the frames their audio gives (trained on, they give an infinite loss).
import CTC
public struct Histogram: Sendable, Equatable {
    /// Bin i counts values in [i·width, (i+1)·width); the last bin also holds everything above.
    public var width: Double
    public var counts: [Int]

    public init(values: [Double], width: Double, maxBins: Int = 40) {
        self.width = width
        let top = values.max() ?? 0
        let n = max(1, min(maxBins, Int(top / width) + 1))
        var c = [Int](repeating: 0, count: n)
        for v in values { c[min(n - 1, max(0, Int(v / width)))] += 1 }
        counts = c
    }
}

public struct SubsetStats: Sendable {
    public var name: String
    public var utterances: Int
    public var speakers: Int
    public var hours: Double
    public var meanSeconds: Double
    public var minSeconds: Double
    public var maxSeconds: Double
    public var meanLabelLength: Double
    public var maxLabelLength: Int
    public var durationHistogram: Histogram
    public var labelLengthHistogram: Histogram
    /// Skipped items per reason (only reasons that occurred).
    public var skipped: [(reason: SkipReason, count: Int, examples: [SkippedItem])]
    /// Utterances whose labels need more model frames than they have (`FrameBudget`), in corpus order.
    public var tooLong: [(id: String, needed: Int, available: Int)]

    public init(_ s: CorpusSubset, examplesPerReason: Int = 3, frames budget: FrameBudget = .notebook) {
        name = s.name
        utterances = s.utterances.count
        speakers = s.speakers.count
        let d = s.utterances.map(\.duration), l = s.utterances.map { $0.text.count }
        hours = d.reduce(0, +) / 3600
        meanSeconds = d.isEmpty ? 0 : d.reduce(0, +) / Double(d.count)
        minSeconds = d.min() ?? 0
        maxSeconds = d.max() ?? 0
        meanLabelLength = l.isEmpty ? 0 : Double(l.reduce(0, +)) / Double(l.count)
        maxLabelLength = l.max() ?? 0
        durationHistogram = Histogram(values: d, width: 1)
        labelLengthHistogram = Histogram(values: l.map(Double.init), width: 20)
        tooLong = s.utterances.compactMap { u in
            let available = budget.modelFrames(u)
            let needed = CTCFeasibility(labels: u.labels, frames: available).requiredFrames
            return needed > available ? (u.id, needed, available) : nil
        }
        skipped = SkipReason.allCases.compactMap { r in
            let items = s.skipped.filter { $0.reason == r }
            return items.isEmpty ? nil : (r, items.count, Array(items.prefix(examplesPerReason)))
        }
    }

    public var skippedTotal: Int { skipped.reduce(0) { $0 + $1.count } }
}

/// How many frames a model sees for an utterance: features every `hop` samples at `sampleRate` (after resampling),
/// `1 + samples / hop` of them as torchaudio counts, divided by the model's time stride.
public struct FrameBudget: Sendable, Equatable {
    public var sampleRate: Int
    public var hop: Int
    public var stride: Int

    public init(sampleRate: Int, hop: Int, stride: Int) { self.sampleRate = sampleRate; self.hop = hop; self.stride = stride }

    /// The notebook: 16 kHz, torchaudio's MelSpectrogram hop of 200 samples, a stride-2 convolution.
    public static let notebook = FrameBudget(sampleRate: 16000, hop: 200, stride: 2)

    public func modelFrames(_ u: Utterance) -> Int {
        guard u.sampleRate > 0 else { return 0 }
        let samples = Double(u.frames) * Double(sampleRate) / Double(u.sampleRate)
        return (1 + Int(samples) / hop) / stride
    }
}
