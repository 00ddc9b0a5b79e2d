// TrainingOptions: everything a run needs besides the data, saved in RUN_DIR/run.json so `--resume` rebuilds
// the identical run. Two recipes:
//  - `corrected(kind)` (the default): log-mel with per-utterance normalisation, SpecAugment, the models without the
//    29-wide LSTM projection and with a Linear classifier, Adam + OneCycle (lr 2e-3 for the BiLSTM, as the
//    reference fix, and for the BiGRU), gradient clipping at 5, sequences packed by length, the classifier's blank
//    bias started at 3 (the models leave the all-blank plateau in their first epoch, not their second to fourth:
//    docs/training.md);
//  - `notebook(kind)` (`--seed-faithful`): raw power mel, the notebook's exact models (Cells 32/40), lr 1e-3,
//    batch 64, 20 epochs, no clipping, padded frames fed through the LSTMs as in the notebook (the GRU and BiGRU,
//    not in the notebook, get this recipe with their own Linear-classifier model).
// Augmentations (issue 11; all off unless asked for, so both recipes and every older run.json keep their meaning):
// SpecAugment's mask counts and adaptive time masks, speed perturbation, additive white or pink noise, synthetic
// reverberation. Frame stacking is not here but in `features` (FeatureSpec.stack): it changes the model's input,
// so evaluation and transcription need it too.
import Base
import Corpus
import CTC
import Audio
import Foundation
import Models

public struct TrainingOptions: Codable, Equatable, Sendable {
    public var model: ModelConfig
    public var seedFaithful: Bool
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Double      // OneCycle max_lr
    public var divFactor: Double = 5     // the notebook's OneCycleLR(div_factor=5, final_div_factor=10)
    public var finalDivFactor: Double = 10
    public var pctStart: Double = 0.3
    public var clipNorm: Double?         // nil = no clipping (the notebook)
    public var seed: UInt64
    public var threads: Int
    public var features: FeatureSpec     // how audio becomes the model's input: the same for training, evaluation and transcription
    public var specAugment: Bool         // TimeMasking(15) + FrequencyMasking(20) on training batches
    public var packSequences: Bool       // LSTMs skip padded frames (pack_padded_sequence semantics)
    public var maxMinutes: Double?       // stop after the epoch that crosses this wall-clock budget
    public var zeroInfinity: Bool        // PyTorch's CTCLoss(zero_infinity=): impossible utterances add 0, not +∞
    public var blankBias: Double? = nil  // initial classifier bias of the blank (others 0); nil = PyTorch's default init
    public var alignmentUtterances: Int = 3
    public var evalBatchSize: Int = 16
    /// The subword tokenizer the run trains on (`train --tokenizer`); nil = the notebook's 29 characters.
    public var tokenizer: TokenizerRecord? = nil
    /// SpecAugment's masks per axis, and the adaptive time-mask ratio (width parameter = ratio × frames; nil = 15 frames).
    public var timeMasks: Int = 1
    public var freqMasks: Int = 1
    public var timeMaskRatio: Double? = nil
    /// Speed-perturbation factors, one drawn uniformly per training utterance (empty = none).
    public var speedPerturb: [Double] = []
    /// Additive noise at an SNR (dB) drawn uniformly from this range per training utterance (nil = none).
    public var noiseSNR: ClosedRange<Double>? = nil
    public var noiseColor: NoiseColor = .white
    /// Probability that a training utterance is reverberated by a synthetic room (0 = never).
    public var reverb: Double = 0

    enum CodingKeys: String, CodingKey {
        case model, epochs, seed, threads, features
        case seedFaithful = "seed_faithful", batchSize = "batch_size", learningRate = "lr", divFactor = "div_factor"
        case finalDivFactor = "final_div_factor", pctStart = "pct_start", clipNorm = "clip_norm"
        case specAugment = "spec_augment", packSequences = "pack_sequences", maxMinutes = "max_minutes"
        case alignmentUtterances = "alignment_utterances", evalBatchSize = "eval_batch_size", zeroInfinity = "zero_infinity"
        case blankBias = "blank_bias", tokenizer
        case timeMasks = "time_masks", freqMasks = "freq_masks", timeMaskRatio = "time_mask_ratio"
        case speedPerturb = "speed_perturb", noiseSNR = "noise_snr", noiseColor = "noise_color", reverb
    }

    /// Run files written before the features were one object kept `log_mel` and `normalize` beside the other
    /// options (and torchaudio's rate, n_fft and hop implicitly); they still resume.
    private enum LegacyKeys: String, CodingKey { case logMel = "log_mel", normalize }

    public init(model: ModelConfig, seedFaithful: Bool, epochs: Int, batchSize: Int, learningRate: Double,
                clipNorm: Double?, seed: UInt64, threads: Int, features: FeatureSpec, specAugment: Bool,
                packSequences: Bool, maxMinutes: Double?, zeroInfinity: Bool) {
        self.model = model; self.seedFaithful = seedFaithful; self.epochs = epochs; self.batchSize = batchSize
        self.learningRate = learningRate; self.clipNorm = clipNorm; self.seed = seed; self.threads = threads
        self.features = features; self.specAugment = specAugment; self.packSequences = packSequences
        self.maxMinutes = maxMinutes; self.zeroInfinity = zeroInfinity
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decode(ModelConfig.self, forKey: .model)
        seedFaithful = try c.decode(Bool.self, forKey: .seedFaithful)
        epochs = try c.decode(Int.self, forKey: .epochs)
        batchSize = try c.decode(Int.self, forKey: .batchSize)
        learningRate = try c.decode(Double.self, forKey: .learningRate)
        divFactor = try c.decodeIfPresent(Double.self, forKey: .divFactor) ?? divFactor
        finalDivFactor = try c.decodeIfPresent(Double.self, forKey: .finalDivFactor) ?? finalDivFactor
        pctStart = try c.decodeIfPresent(Double.self, forKey: .pctStart) ?? pctStart
        clipNorm = try c.decodeIfPresent(Double.self, forKey: .clipNorm)
        seed = try c.decode(UInt64.self, forKey: .seed)
        threads = try c.decode(Int.self, forKey: .threads)
        if let f = try c.decodeIfPresent(FeatureSpec.self, forKey: .features) {
            features = f
        } else {
            let legacy = try decoder.container(keyedBy: LegacyKeys.self)
            features = FeatureSpec(nMels: model.nFeats, logMel: try legacy.decode(Bool.self, forKey: .logMel),
                                   normalize: try legacy.decode(Bool.self, forKey: .normalize))
        }
        specAugment = try c.decode(Bool.self, forKey: .specAugment)
        packSequences = try c.decode(Bool.self, forKey: .packSequences)
        maxMinutes = try c.decodeIfPresent(Double.self, forKey: .maxMinutes)
        zeroInfinity = try c.decodeIfPresent(Bool.self, forKey: .zeroInfinity) ?? false
        alignmentUtterances = try c.decodeIfPresent(Int.self, forKey: .alignmentUtterances) ?? alignmentUtterances
        evalBatchSize = try c.decodeIfPresent(Int.self, forKey: .evalBatchSize) ?? evalBatchSize
        blankBias = try c.decodeIfPresent(Double.self, forKey: .blankBias)
        tokenizer = try c.decodeIfPresent(TokenizerRecord.self, forKey: .tokenizer)
        // Absent in run files written before the augmentations existed: those runs had exactly these defaults.
        timeMasks = try c.decodeIfPresent(Int.self, forKey: .timeMasks) ?? timeMasks
        freqMasks = try c.decodeIfPresent(Int.self, forKey: .freqMasks) ?? freqMasks
        timeMaskRatio = try c.decodeIfPresent(Double.self, forKey: .timeMaskRatio)
        speedPerturb = try c.decodeIfPresent([Double].self, forKey: .speedPerturb) ?? speedPerturb
        noiseSNR = try c.decodeIfPresent(ClosedRange<Double>.self, forKey: .noiseSNR)
        noiseColor = try c.decodeIfPresent(NoiseColor.self, forKey: .noiseColor) ?? noiseColor
        reverb = try c.decodeIfPresent(Double.self, forKey: .reverb) ?? reverb
    }

    /// Whether training batches are augmented at all (SpecAugment or any waveform perturbation).
    public var augments: Bool { specAugment || !speedPerturb.isEmpty || noiseSNR != nil || reverb > 0 }

    /// How the trainer turns training audio into the model's input.
    public var trainingPipeline: FeaturePipeline {
        let spec = specAugment ? SpecAugment(timeMasks: timeMasks, freqMasks: freqMasks, timeMaskRatio: timeMaskRatio) : nil
        return FeaturePipeline(features: features, specAugment: spec, speedFactors: speedPerturb, noiseSNR: noiseSNR,
                               noiseColor: noiseColor, reverbProbability: reverb)
    }

    public static func corrected(_ kind: ModelKind) -> TrainingOptions {
        let model = ModelConfig.standard(kind)
        var o = TrainingOptions(model: model, seedFaithful: false, epochs: 12, batchSize: 16,
                                learningRate: kind.isBidirectional ? 2e-3 : 1e-3, clipNorm: 5, seed: 7, threads: Workers.available.count,
                                features: FeatureSpec(nMels: model.nFeats, logMel: true, normalize: true),
                                specAugment: true, packSequences: true, maxMinutes: nil, zeroInfinity: true)
        o.blankBias = model.linearClassifier ? defaultBlankBias : nil
        return o
    }

    /// The corrected recipe's initial blank bias: the softmax starts with the blank about e³ ≈ 20 times as likely as
    /// each letter (p ≈ 0.42), the plateau's prior, so the first steps go into the letters.
    public static let defaultBlankBias = 3.0

    public static func notebook(_ kind: ModelKind) -> TrainingOptions {
        let model = ModelConfig.seed(kind)
        return TrainingOptions(model: model, seedFaithful: true, epochs: 20, batchSize: 64, learningRate: 1e-3,
                               clipNorm: nil, seed: 7, threads: Workers.available.count, features: .notebook(nMels: model.nFeats), specAugment: true,
                               packSequences: false, maxMinutes: nil, zeroInfinity: false)
    }

    public func validationError() -> String? {
        if let e = model.validationError() { return e }
        if epochs < 1 { return "--epochs must be at least 1" }
        if batchSize < 1 { return "--batch must be at least 1" }
        if !(learningRate > 0) { return "--lr must be positive" }
        if threads < 1 { return "--threads must be at least 1" }
        if let b = blankBias, !b.isFinite { return "--blank-bias must be a finite number" }
        if blankBias != nil && !model.linearClassifier { return "--blank-bias needs a Linear classifier (not the 29-wide projection head)" }
        if let t = tokenizer {
            if t.pieces < SubwordTokenizer.basePieces.count { return "the tokenizer must have at least \(SubwordTokenizer.basePieces.count) pieces" }
            if model.nClass != t.pieces + 1 { return "the model outputs \(model.nClass) classes but the tokenizer has \(t.pieces) pieces + blank" }
            if !model.linearClassifier && model.kind != .dnn { return "--tokenizer needs a Linear classifier (not the 29-wide projection head of --seed-faithful or --head proj)" }
        }
        if !(0...20).contains(timeMasks) { return "--time-masks must be between 0 and 20 (got \(timeMasks))" }
        if !(0...20).contains(freqMasks) { return "--freq-masks must be between 0 and 20 (got \(freqMasks))" }
        if let r = timeMaskRatio, !(r > 0 && r <= 1) { return "--time-mask-ratio must be in (0, 1] (got \(r))" }
        if let f = speedPerturb.first(where: { !($0 >= 0.5 && $0 <= 2) }) { return "--speed-perturb factors must be between 0.5 and 2 (got \(f))" }
        if let r = noiseSNR, !(r.lowerBound.isFinite && r.upperBound.isFinite && r.lowerBound >= -30 && r.upperBound <= 100) {
            return "--noise-snr must lie between -30 and 100 dB (got \(r.lowerBound):\(r.upperBound))"
        }
        if !(reverb >= 0 && reverb <= 1) { return "--reverb is a probability, between 0 and 1 (got \(reverb))" }
        if let e = features.validationError() { return e }
        if features.inputWidth != model.nFeats {
            if features.stack > 1 {
                return "the features have \(features.nMels) mel bins × \(features.stack) stacked frames = \(features.inputWidth) values per frame but the model reads \(model.nFeats)"
            }
            return "the features have \(features.nMels) mel bins but the model reads \(model.nFeats)"
        }
        return nil
    }

    public func jsonData() throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try enc.encode(self)
    }
}
