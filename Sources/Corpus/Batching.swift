// Batching for training and evaluation: length-bucketed batches, zero-padded features, CTC lengths and padded
// labels, with the next batch's audio decoding + feature extraction running on a background thread while the
// caller trains on the current one.
//
// The contract the trainer relies on (B = batch size, M = mel bins, T = frames of the longest utterance):
//   Batch.features        [Float], B × M × T row-major: features[(b * M + m) * T + t]; frames t ≥ featureLengths[b]
//                         are 0. This is the notebook's (batch, 1, n_mels, time) tensor without the channel axis.
//   Batch.featureLengths  [Int], B: real frames per utterance (torchaudio: 1 + samples / hop).
//   Batch.inputLengths    [Int], B: featureLengths / inputLengthDivisor (floor), the notebook's `spec.shape[0] // 2`
//                         for its stride-2 convolution; set the divisor to 1 for a model without time subsampling.
//   Batch.labels          [Int32], B × L row-major (L = longest label), tokenizer classes 0...27, padded with the
//                         blank (28) past labelLengths[b].
//   Batch.labelLengths    [Int], B.   Batch.transcripts [String] (lower-case).   Batch.ids [String] (utterance ids).
//
// Features per utterance: waveform (16 kHz) → optional speed perturbation and noise → MelConfig (mel, optional log,
// optional per-utterance normalisation) → optional SpecAugment (after normalisation, so masks hold the mean 0).
// Everything random derives from (seed, epoch, batch index), so a run is reproducible however threads interleave.
import Audio
import CTC
import Foundation

public struct Batch: Sendable {
    public var size: Int
    public var nMels: Int
    public var maxFrames: Int
    public var features: [Float]
    public var featureLengths: [Int]
    public var inputLengths: [Int]
    public var maxLabelLength: Int
    public var labels: [Int32]
    public var labelLengths: [Int]
    public var transcripts: [String]
    public var ids: [String]

    /// Seconds of audio in the batch (from feature lengths and the hop).
    public func audioSeconds(hop: Int, sampleRate: Int) -> Double {
        Double(featureLengths.reduce(0, +) * hop) / Double(sampleRate)
    }
}

/// How an utterance becomes a (nMels × frames) feature matrix.
public struct FeaturePipeline: Sendable {
    public var mel: MelConfig
    /// SpecAugment applied when the loader is built with `augment: true` (training); nil = none.
    public var specAugment: SpecAugment?
    /// Speed-perturbation factors drawn uniformly per utterance (e.g. [0.9, 1.0, 1.1]); empty = none.
    public var speedFactors: [Double]
    /// Additive white noise at an SNR drawn uniformly from this range (dB); nil = none.
    public var noiseSNR: ClosedRange<Double>?
    /// inputLengths = featureLengths / inputLengthDivisor (the notebook: 2).
    public var inputLengthDivisor: Int

    public init(mel: MelConfig = .logMelNormalized, specAugment: SpecAugment? = SpecAugment(),
                speedFactors: [Double] = [], noiseSNR: ClosedRange<Double>? = nil, inputLengthDivisor: Int = 2) {
        self.mel = mel; self.specAugment = specAugment; self.speedFactors = speedFactors
        self.noiseSNR = noiseSNR; self.inputLengthDivisor = inputLengthDivisor
    }

    /// The notebook's pipeline: raw power mel (no log), TimeMasking(15) + FrequencyMasking(20), lengths // 2.
    public static var notebook: FeaturePipeline { FeaturePipeline(mel: MelConfig()) }

    var perturbsWaveform: Bool { !speedFactors.isEmpty || noiseSNR != nil }
}

/// Batches of utterance indices: sorted by duration so each batch holds similar lengths (little padding), the
/// batch order shuffled per epoch when `shuffle` is set (as the reference recipe does).
public enum BatchPlan {
    public static func make(_ utterances: [Utterance], batchSize: Int, shuffle: Bool, seed: UInt64, epoch: Int) -> [[Int]] {
        precondition(batchSize > 0, "batch size must be positive")
        // Durations compared exactly as frames_a · rate_b vs frames_b · rate_a, in 128 bits so no header can overflow it.
        func product(_ a: Utterance, _ b: Utterance) -> (high: Int, low: UInt) { a.frames.multipliedFullWidth(by: b.sampleRate) }
        let order = utterances.indices.sorted {
            let a = utterances[$0], b = utterances[$1]
            let ab = product(a, b), ba = product(b, a)
            return ab != ba ? ab < ba : a.id < b.id
        }
        var batches = stride(from: 0, to: order.count, by: batchSize).map { Array(order[$0..<min($0 + batchSize, order.count)]) }
        if shuffle {
            var rng = SeededGenerator(seed: seed, stream: UInt64(epoch) &+ 0x5EED)
            batches.shuffle(using: &rng)
        }
        return batches
    }
}

/// Computes features for utterances (optionally caching the un-augmented ones in memory).
public final class FeatureExtractor: @unchecked Sendable {
    public let pipeline: FeaturePipeline
    let mel: MelSpectrogram
    let lock = NSLock()
    var cache: [String: FeatureMatrix] = [:]
    public let cacheEnabled: Bool

    public init(_ pipeline: FeaturePipeline, cache: Bool = true) throws {
        self.pipeline = pipeline
        mel = try MelSpectrogram(pipeline.mel)
        cacheEnabled = cache
    }

    /// Features of one utterance; `rng` drives the augmentations when `augment` is set.
    public func features(_ u: Utterance, augment: Bool, rng: inout SeededGenerator) throws -> FeatureMatrix {
        var m: FeatureMatrix
        let waveAug = augment && pipeline.perturbsWaveform
        if !waveAug, cacheEnabled, let hit = lock.withLock({ cache[u.id] }) {
            m = hit
        } else {
            var wave = try AudioFile.load(u.audioPath, targetRate: pipeline.mel.sampleRate, quality: .medium)
            if waveAug {
                if !pipeline.speedFactors.isEmpty {
                    let f = pipeline.speedFactors[Int(rng.next() % UInt64(pipeline.speedFactors.count))]
                    wave = try Perturbation.speed(wave, factor: f)
                }
                if let snr = pipeline.noiseSNR {
                    wave = Perturbation.addNoise(wave, snrDB: rng.uniform(snr.lowerBound, snr.upperBound), using: &rng)
                }
            }
            m = try mel(wave)
            if !waveAug, cacheEnabled { lock.withLock { cache[u.id] = m } }
        }
        if augment, let spec = pipeline.specAugment { spec.apply(&m, using: &rng) }
        return m
    }

    /// Pads and stacks utterances into a Batch (see the layout at the top of this file).
    public func batch(_ utts: [Utterance], augment: Bool, seed: UInt64) throws -> Batch {
        var rng = SeededGenerator(seed: seed)
        let feats = try utts.map { try features($0, augment: augment, rng: &rng) }
        let nMels = pipeline.mel.nMels, tMax = feats.map(\.frames).max() ?? 0
        var x = [Float](repeating: 0, count: utts.count * nMels * tMax)
        x.withUnsafeMutableBufferPointer { dst in
            for (b, f) in feats.enumerated() {
                f.values.withUnsafeBufferPointer { src in
                    for m in 0..<nMels {
                        let d = dst.baseAddress! + (b * nMels + m) * tMax, s = src.baseAddress! + m * f.frames
                        d.update(from: s, count: f.frames)
                    }
                }
            }
        }
        let labelSeqs = utts.map(\.labels)
        let lMax = labelSeqs.map(\.count).max() ?? 0
        var labels = [Int32](repeating: Int32(Tokenizer.blank), count: utts.count * lMax)
        for (b, l) in labelSeqs.enumerated() { for (j, c) in l.enumerated() { labels[b * lMax + j] = Int32(c) } }
        let lengths = feats.map(\.frames)
        return Batch(size: utts.count, nMels: nMels, maxFrames: tMax, features: x, featureLengths: lengths,
                     inputLengths: lengths.map { $0 / max(pipeline.inputLengthDivisor, 1) }, maxLabelLength: lMax,
                     labels: labels, labelLengths: labelSeqs.map(\.count), transcripts: utts.map(\.text), ids: utts.map(\.id))
    }
}

/// Iterates over one epoch's batches, preparing batch i+1 on a background thread while the caller works on batch i.
///
///     let loader = try BatchLoader(utterances: train.utterances, batchSize: 16, extractor: extractor,
///                                  shuffle: true, augment: true, seed: 1, epoch: e)
///     while let batch = try loader.next() { ... }
public final class BatchLoader: @unchecked Sendable {
    public let plan: [[Int]]
    public let utterances: [Utterance]
    public let extractor: FeatureExtractor
    public let augment: Bool
    let seed: UInt64
    let epoch: Int
    let queue = DispatchQueue(label: "trellis.batch-prefetch", qos: .userInitiated)
    let lock = NSLock()
    var position = 0
    var pending: (index: Int, group: DispatchGroup, box: ResultBox)?

    final class ResultBox: @unchecked Sendable { var result: Result<Batch, Error>? }

    /// `startAt` skips the first batches of the epoch's plan without computing them (a run resumed mid-epoch).
    public init(utterances: [Utterance], batchSize: Int, extractor: FeatureExtractor, shuffle: Bool,
                augment: Bool, seed: UInt64, epoch: Int = 0, startAt: Int = 0) throws {
        guard batchSize > 0 else { throw CorpusError.invalidParameter("batch size must be positive (got \(batchSize))") }
        self.utterances = utterances
        self.extractor = extractor
        self.augment = augment
        self.seed = seed
        self.epoch = epoch
        plan = BatchPlan.make(utterances, batchSize: batchSize, shuffle: shuffle, seed: seed, epoch: epoch)
        position = min(max(startAt, 0), plan.count)
        prefetch(position)
    }

    public var count: Int { plan.count }

    /// The next batch (waiting for its background preparation if needed), or nil at the end of the epoch.
    public func next() throws -> Batch? {
        lock.lock()
        guard position < plan.count, let p = pending, p.index == position else { lock.unlock(); return nil }
        pending = nil
        position += 1
        let upcoming = position
        lock.unlock()
        p.group.wait()
        prefetch(upcoming)
        return try p.box.result!.get()
    }

    private func prefetch(_ index: Int) {
        guard index < plan.count else { return }
        let group = DispatchGroup(), box = ResultBox()
        let utts = plan[index].map { utterances[$0] }
        let batchSeed = seed &* 0x9E37_79B9 &+ UInt64(epoch) &* 1_000_003 &+ UInt64(index)
        let extractor = self.extractor, augment = self.augment
        group.enter()
        queue.async {
            box.result = Result { try extractor.batch(utts, augment: augment, seed: batchSeed) }
            group.leave()
        }
        lock.withLock { pending = (index, group, box) }
    }
}
