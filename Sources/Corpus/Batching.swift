// Batching for training, evaluation and inference: length-bucketed batches of zero-padded features with their
// labels, the next batch's audio decoding + feature extraction running on a background thread while the caller
// trains on the current one. `Batch` is the one batch type between the corpus and the model: the trainer, the
// evaluator, the alignment dumps and the recording path of `transcribe` / `probs from` all hand one to the model.
//
// The contract (B = batch size, M = mel bins, T = frames of the longest utterance):
//   Batch.features        [Float], B × M × T row-major: features[(b * M + m) * T + t]; frames t ≥ featureLengths[b]
//                         are 0. This is the notebook's (batch, 1, n_mels, time) tensor without the channel axis.
//                         With frame stacking (FeatureSpec.stack K) M is K × mel bins and T counts stacked frames.
//   Batch.featureLengths  [Int], B: real frames per utterance (torchaudio: 1 + samples / hop). The model turns them
//                         into its output lengths (`ModelConfig.outputLengths`, the one formula).
//   Batch.labels          [[Int]], B: the label set's class ids, blank excluded (characters 0...27; subword
//                         pieces 0..<N), the representation the CTC loss reads, unpadded.
//   Batch.transcripts [String] (lower-case).   Batch.ids [String] (utterance ids).
//   Batch.audioSeconds    seconds of audio, from the feature lengths and the FeatureSpec's hop and rate.
//   Batch.skipped         utterances left out because their audio could not be decoded (named, with the reason).
//   Batch.places          [Int], B: each utterance's place in the epoch plan's batch (0..<B for a whole batch; a
//                         data-parallel rank's shard holds every N-th place). SpecAugment and dropout draw each
//                         utterance's masks from a stream keyed by its place, so a shard draws what the whole
//                         batch draws for it.
//
// Features per utterance: waveform (at the FeatureSpec's rate) → optional speed perturbation, reverberation and
// noise (in that order: the room reverberates the talker, the noise is added at the microphone) → mel (optional log,
// optional per-utterance normalisation) → optional SpecAugment (after normalisation, so masks hold the mean 0) →
// frame stacking (FeatureSpec.stack; after the masks, so a mask covers whole mel frames as without stacking). Everything random derives from (seed, epoch, batch index, place in the batch), so a run is
// reproducible however threads interleave and however many processes share the batch.
import Base
import Audio
import CTC
import Foundation

public struct Batch: Sendable {
    public var nMels: Int
    public var maxFrames: Int
    public var features: [Float]
    public var featureLengths: [Int]
    public var labels: [[Int]]
    public var transcripts: [String]
    public var ids: [String]
    public var audioSeconds: Double
    public var skipped: [SkippedItem]
    public var places: [Int]

    public init(nMels: Int, maxFrames: Int, features: [Float], featureLengths: [Int], labels: [[Int]],
                transcripts: [String], ids: [String], audioSeconds: Double, skipped: [SkippedItem] = [],
                places: [Int]? = nil) {
        precondition(features.count == featureLengths.count * nMels * maxFrames && labels.count == featureLengths.count,
                     "Batch: \(features.count) feature values, \(labels.count) label sequences for \(featureLengths.count) × \(nMels) × \(maxFrames)")
        self.nMels = nMels; self.maxFrames = maxFrames; self.features = features; self.featureLengths = featureLengths
        self.labels = labels; self.transcripts = transcripts; self.ids = ids; self.audioSeconds = audioSeconds
        self.skipped = skipped
        self.places = places ?? Array(0..<featureLengths.count)
        precondition(self.places.count == featureLengths.count, "Batch: \(self.places.count) places for \(featureLengths.count) utterances")
    }

    public var size: Int { featureLengths.count }

    /// The same utterances zero-padded to `frames` ≥ maxFrames: data-parallel ranks pad their shards to the global
    /// batch's longest utterance, so every utterance meets the padding (and the convolutions' view of it) that it
    /// meets in the whole batch.
    public func padded(toFrames frames: Int) -> Batch {
        precondition(frames >= maxFrames, "Batch.padded: \(frames) frames < the batch's \(maxFrames)")
        guard frames > maxFrames else { return self }
        var x = [Float](repeating: 0, count: size * nMels * frames)
        for row in 0..<(size * nMels) {
            for t in 0..<maxFrames { x[row * frames + t] = features[row * maxFrames + t] }
        }
        return Batch(nMels: nMels, maxFrames: frames, features: x, featureLengths: featureLengths, labels: labels,
                     transcripts: transcripts, ids: ids, audioSeconds: audioSeconds, skipped: skipped, places: places)
    }
}

/// How an utterance becomes a (nMels × frames) feature matrix: the features a model is trained with (`features`,
/// the one description) plus the training-time augmentations.
public struct FeaturePipeline: Sendable {
    public var features: FeatureSpec
    /// SpecAugment applied when the loader is built with `augment: true` (training); nil = none.
    public var specAugment: SpecAugment?
    /// Speed-perturbation factors drawn uniformly per utterance (e.g. [0.9, 1.0, 1.1]); empty = none.
    public var speedFactors: [Double]
    /// Additive noise at an SNR drawn uniformly from this range (dB); nil = none.
    public var noiseSNR: ClosedRange<Double>?
    /// The additive noise's spectrum.
    public var noiseColor: NoiseColor
    /// Probability that an utterance is reverberated by a synthetic room (RoomImpulse.random); 0 = never.
    public var reverbProbability: Double
    /// The rooms' RT60 (s) and direct-to-reverberant ratio (dB), drawn uniformly per reverberated utterance.
    public var reverbRT60: ClosedRange<Double> = 0.2...0.8
    public var reverbDRR: ClosedRange<Double> = 0...10

    public init(features: FeatureSpec, specAugment: SpecAugment? = SpecAugment(),
                speedFactors: [Double] = [], noiseSNR: ClosedRange<Double>? = nil, noiseColor: NoiseColor = .white,
                reverbProbability: Double = 0) {
        self.features = features; self.specAugment = specAugment; self.speedFactors = speedFactors
        self.noiseSNR = noiseSNR; self.noiseColor = noiseColor; self.reverbProbability = reverbProbability
    }

    public var mel: MelConfig { features.melConfig }

    var perturbsWaveform: Bool { !speedFactors.isEmpty || noiseSNR != nil || reverbProbability > 0 }
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
            var rng = Xoshiro256StarStar(seed: seed, stream: UInt64(epoch) &+ 0x5EED)
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
    /// How transcripts become the batch's label ids (the notebook's characters unless a run trains on subwords).
    public let labelSet: LabelSet

    public init(_ pipeline: FeaturePipeline, cache: Bool = true, labels: LabelSet = .characters) throws {
        if let e = pipeline.features.validationError() { throw CorpusError.invalidParameter(e) }
        self.pipeline = pipeline
        labelSet = labels
        mel = try MelSpectrogram(pipeline.mel)
        cacheEnabled = cache
    }

    /// The audio of `u` could not be decoded (a corrupt file the index, which reads only headers, let through).
    struct UndecodableAudio: Error { let error: Error }

    /// Features of one utterance; `rng` drives the augmentations when `augment` is set.
    public func features(_ u: Utterance, augment: Bool, rng: inout Xoshiro256StarStar) throws -> FeatureMatrix {
        do { return try computeFeatures(u, augment: augment, rng: &rng) } catch let e as UndecodableAudio { throw e.error }
    }

    /// The same, with decoding failures wrapped so `batch` can tell them from a broken configuration.
    private func computeFeatures(_ u: Utterance, augment: Bool, rng: inout Xoshiro256StarStar) throws -> FeatureMatrix {
        var m: FeatureMatrix
        let waveAug = augment && pipeline.perturbsWaveform
        if !waveAug, cacheEnabled, let hit = lock.withLock({ cache[u.id] }) {
            m = hit
        } else {
            var wave: Waveform
            do { wave = try AudioFile.load(u.audioPath, targetRate: pipeline.mel.sampleRate, quality: .medium) } catch {
                throw UndecodableAudio(error: error)
            }
            if waveAug {
                if !pipeline.speedFactors.isEmpty {
                    let f = pipeline.speedFactors[Int(rng.next() % UInt64(pipeline.speedFactors.count))]
                    wave = try Perturbation.speed(wave, factor: f)
                }
                if pipeline.reverbProbability > 0, rng.nextUnit() < pipeline.reverbProbability {
                    let rir = try RoomImpulse.random(rt60: pipeline.reverbRT60, drrDB: pipeline.reverbDRR,
                                                     sampleRate: wave.sampleRate, using: &rng)
                    wave = Perturbation.reverb(wave, rir)
                }
                if let snr = pipeline.noiseSNR {
                    wave = Perturbation.addNoise(wave, snrDB: rng.uniform(snr.lowerBound, snr.upperBound),
                                                 color: pipeline.noiseColor, using: &rng)
                }
            }
            m = try mel(wave)
            if !waveAug, cacheEnabled { lock.withLock { cache[u.id] = m } }
        }
        if augment, let spec = pipeline.specAugment { spec.apply(&m, using: &rng) }
        return m.stacked(pipeline.features.stack)
    }

    /// Pads and stacks utterances into a Batch (see the layout at the top of this file). An utterance whose audio
    /// fails to decode is left out and named in `Batch.skipped` (training and evaluation go on without it); any
    /// other failure is thrown. `places` (default 0..<count) are the utterances' places in the whole batch: each
    /// one's augmentations come from stream (seed, place).
    public func batch(_ utts: [Utterance], places: [Int]? = nil, augment: Bool, seed: UInt64) throws -> Batch {
        let places = places ?? Array(utts.indices)
        precondition(places.count == utts.count, "FeatureExtractor.batch: \(places.count) places for \(utts.count) utterances")
        var kept: [Utterance] = [], keptPlaces: [Int] = [], feats: [FeatureMatrix] = [], skipped: [SkippedItem] = []
        for (u, place) in zip(utts, places) {
            var rng = Xoshiro256StarStar(seed: seed, stream: UInt64(place))
            do {
                feats.append(try computeFeatures(u, augment: augment, rng: &rng))
                kept.append(u)
                keptPlaces.append(place)
            } catch let e as UndecodableAudio {
                skipped.append(SkippedItem(reason: .unreadableAudio, location: u.audioPath, detail: "\(u.id): \(e.error)"))
            }
        }
        // Characters keep Utterance.labels (the path every character run has always taken); subwords encode the
        // normalised text, which cannot fail (every character of the alphabet is a piece).
        let labels = try labelSet.kind == .characters ? kept.map(\.labels) : kept.map { u in
            do { return try labelSet.encode(u.text) } catch { throw CorpusError.invalidParameter("\(u.id): \(error)") }
        }
        return stack(feats, labels: labels, transcripts: kept.map(\.text), ids: kept.map(\.id), skipped: skipped,
                     places: keptPlaces)
    }

    /// A batch of one recording outside any corpus (`transcribe`, `probs from`): the same features as training
    /// and evaluation get; a file that cannot be decoded is an error here, not a skip.
    public func batch(recording path: String) throws -> Batch {
        var rng = Xoshiro256StarStar(seed: 0)
        let u = Utterance(id: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent, subset: "", speaker: "",
                          chapter: "", audioPath: path, transcript: "", text: "", frames: 0, sampleRate: 0)
        let m = try features(u, augment: false, rng: &rng)
        return stack([m], labels: [[]], transcripts: [""], ids: [u.id], skipped: [])
    }

    private func stack(_ feats: [FeatureMatrix], labels: [[Int]], transcripts: [String], ids: [String], skipped: [SkippedItem],
                       places: [Int]? = nil) -> Batch {
        let nMels = pipeline.features.inputWidth, tMax = feats.map(\.frames).max() ?? 0
        var x = [Float](repeating: 0, count: feats.count * nMels * tMax)
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
        let lengths = feats.map(\.frames)
        return Batch(nMels: nMels, maxFrames: tMax, features: x, featureLengths: lengths, labels: labels,
                     transcripts: transcripts, ids: ids,
                     audioSeconds: Double(lengths.reduce(0, +)) * pipeline.features.secondsPerFrame, skipped: skipped,
                     places: places)
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
    /// Data parallelism: this process computes places p of each planned batch with p % shard.count == shard.index.
    public let shard: (index: Int, count: Int)
    let queue = DispatchQueue(label: "trellis.batch-prefetch", qos: .userInitiated)
    let lock = NSLock()
    var position = 0
    var pending: (index: Int, group: DispatchGroup, box: ResultBox)?

    final class ResultBox: @unchecked Sendable { var result: Result<Batch, Error>? }

    /// `startAt` skips the first batches of the epoch's plan without computing them (a run resumed mid-epoch).
    /// `shard` (index, count): every process of a data-parallel job plans the same batches and prepares only its
    /// strided share of each (every count-th utterance: neighbours in a length-sorted batch have similar lengths,
    /// so the shares cost about the same); a share may be empty when a batch has fewer utterances than processes.
    public init(utterances: [Utterance], batchSize: Int, extractor: FeatureExtractor, shuffle: Bool,
                augment: Bool, seed: UInt64, epoch: Int = 0, startAt: Int = 0, shard: (index: Int, count: Int) = (0, 1)) throws {
        guard batchSize > 0 else { throw CorpusError.invalidParameter("batch size must be positive (got \(batchSize))") }
        guard shard.count >= 1, (0..<shard.count).contains(shard.index) else {
            throw CorpusError.invalidParameter("shard \(shard.index) of \(shard.count) does not exist")
        }
        self.shard = shard
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
        let places = plan[index].indices.filter { $0 % shard.count == shard.index }
        let utts = places.map { utterances[plan[index][$0]] }
        let batchSeed = seed &* 0x9E37_79B9 &+ UInt64(epoch) &* 1_000_003 &+ UInt64(index)
        let extractor = self.extractor, augment = self.augment
        group.enter()
        queue.async {
            box.result = Result { try extractor.batch(utts, places: places, augment: augment, seed: batchSeed) }
            group.leave()
        }
        lock.withLock { pending = (index, group, box) }
    }
}
