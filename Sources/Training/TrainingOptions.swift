// TrainingOptions: everything a run needs besides the data, saved in RUN_DIR/run.json so `--resume` rebuilds
// the identical run. Two recipes:
//  - `corrected(kind)` (the default): log-mel with per-utterance normalisation, SpecAugment, the models without the
//    29-wide LSTM projection and with a Linear classifier, Adam + OneCycle (lr 2e-3 for the BiLSTM, as the
//    reference fix, and for the BiGRU), gradient clipping at 5, sequences packed by length;
//  - `notebook(kind)` (`--seed-faithful`): raw power mel, the notebook's exact models (Cells 32/40), lr 1e-3,
//    batch 64, 20 epochs, no clipping, padded frames fed through the LSTMs as in the notebook (the GRU and BiGRU,
//    not in the notebook, get this recipe with their own Linear-classifier model).
import Base
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

    enum CodingKeys: String, CodingKey {
        case model, epochs, seed, threads, features
        case seedFaithful = "seed_faithful", batchSize = "batch_size", learningRate = "lr", divFactor = "div_factor"
        case finalDivFactor = "final_div_factor", pctStart = "pct_start", clipNorm = "clip_norm"
        case specAugment = "spec_augment", packSequences = "pack_sequences", maxMinutes = "max_minutes"
        case alignmentUtterances = "alignment_utterances", evalBatchSize = "eval_batch_size", zeroInfinity = "zero_infinity"
        case blankBias = "blank_bias", tokenizer
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
    }

    public static func corrected(_ kind: ModelKind) -> TrainingOptions {
        let model = ModelConfig.standard(kind)
        return TrainingOptions(model: model, seedFaithful: false, epochs: 12, batchSize: 16,
                               learningRate: kind.isBidirectional ? 2e-3 : 1e-3, clipNorm: 5, seed: 7, threads: Workers.available.count,
                               features: FeatureSpec(nMels: model.nFeats, logMel: true, normalize: true),
                               specAugment: true, packSequences: true, maxMinutes: nil, zeroInfinity: true)
    }

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
        if let e = features.validationError() { return e }
        if features.nMels != model.nFeats {
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
