// TrainingOptions: everything a run needs besides the data, saved in RUN_DIR/run.json so `--resume` rebuilds
// the identical run. Two recipes:
//  - `corrected(kind)` (the default): log-mel with per-utterance normalisation, SpecAugment, the models without the
//    29-wide LSTM projection and with a Linear classifier, Adam + OneCycle (lr 2e-3 for the BiLSTM, as the
//    reference fix), gradient clipping at 5, sequences packed by length;
//  - `notebook(kind)` (`--seed-faithful`): raw power mel, the notebook's exact models (Cells 32/40), lr 1e-3,
//    batch 64, 20 epochs, no clipping, padded frames fed through the LSTMs as in the notebook.
import Base
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
    public var logMel: Bool              // natural log of the mel power (floor 1e-10)
    public var normalize: Bool           // per-utterance, per-bin mean/std normalisation
    public var specAugment: Bool         // TimeMasking(15) + FrequencyMasking(20) on training batches
    public var packSequences: Bool       // LSTMs skip padded frames (pack_padded_sequence semantics)
    public var maxMinutes: Double?       // stop after the epoch that crosses this wall-clock budget
    public var zeroInfinity: Bool        // PyTorch's CTCLoss(zero_infinity=): impossible utterances add 0, not +∞
    public var alignmentUtterances: Int = 3
    public var evalBatchSize: Int = 16

    enum CodingKeys: String, CodingKey {
        case model, epochs, seed, threads, normalize
        case seedFaithful = "seed_faithful", batchSize = "batch_size", learningRate = "lr", divFactor = "div_factor"
        case finalDivFactor = "final_div_factor", pctStart = "pct_start", clipNorm = "clip_norm", logMel = "log_mel"
        case specAugment = "spec_augment", packSequences = "pack_sequences", maxMinutes = "max_minutes"
        case alignmentUtterances = "alignment_utterances", evalBatchSize = "eval_batch_size", zeroInfinity = "zero_infinity"
    }

    public static func corrected(_ kind: ModelKind) -> TrainingOptions {
        TrainingOptions(model: .standard(kind), seedFaithful: false, epochs: 12, batchSize: 16,
                        learningRate: kind == .bilstm ? 2e-3 : 1e-3, clipNorm: 5, seed: 7, threads: Workers.available.count, logMel: true,
                        normalize: true, specAugment: true, packSequences: true, maxMinutes: nil, zeroInfinity: true)
    }

    public static func notebook(_ kind: ModelKind) -> TrainingOptions {
        TrainingOptions(model: .seed(kind), seedFaithful: true, epochs: 20, batchSize: 64, learningRate: 1e-3,
                        clipNorm: nil, seed: 7, threads: Workers.available.count, logMel: false, normalize: false, specAugment: true,
                        packSequences: false, maxMinutes: nil, zeroInfinity: false)
    }

    public func validationError() -> String? {
        if let e = model.validationError() { return e }
        if epochs < 1 { return "--epochs must be at least 1" }
        if batchSize < 1 { return "--batch must be at least 1" }
        if !(learningRate > 0) { return "--lr must be positive" }
        if threads < 1 { return "--threads must be at least 1" }
        return nil
    }

    /// How audio becomes the model's input: the same for training, evaluation and transcription.
    public var features: FeatureSpec { FeatureSpec(nMels: model.nFeats, logMel: logMel, normalize: normalize) }

    public func jsonData() throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try enc.encode(self)
    }
}
