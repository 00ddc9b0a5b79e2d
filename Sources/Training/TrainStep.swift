// One optimisation step, shared by the trainer and `bench step`: forward, log-softmax + CTC (mean), backward,
// optional clipping, Adam, OneCycle. A batch whose loss or gradient norm is infinite or NaN is never applied:
// the step reports it and leaves weights and optimiser moments untouched.
import Base
import Corpus
import Foundation
import Models
import NN

/// A batch as the model sees it.
public struct ModelBatch {
    public var input: Tensor            // (B, 1, F, T)
    public var inputLengths: [Int]      // CTC lengths (notebook: feature frames // 2)
    public var labels: [[Int]]
    public var transcripts: [String]
    public var ids: [String]
    public var audioSeconds: Double

    public init(input: Tensor, inputLengths: [Int], labels: [[Int]], transcripts: [String] = [], ids: [String] = [], audioSeconds: Double) {
        self.input = input; self.inputLengths = inputLengths; self.labels = labels
        self.transcripts = transcripts; self.ids = ids; self.audioSeconds = audioSeconds
    }

    public init(_ b: Batch, hop: Int = 200, sampleRate: Int = 16000) {
        input = Tensor(shape: [b.size, 1, b.nMels, b.maxFrames], data: b.features)
        inputLengths = b.inputLengths
        labels = (0..<b.size).map { i in (0..<b.labelLengths[i]).map { Int(b.labels[i * b.maxLabelLength + $0]) } }
        transcripts = b.transcripts
        ids = b.ids
        audioSeconds = b.audioSeconds(hop: hop, sampleRate: sampleRate)
    }

    public var size: Int { input.shape[0] }
}

public struct StepOutcome: Sendable {
    public var loss: Double
    public var gradNorm: Double
    public var applied: Bool
}

public enum TrainStep {
    /// Output frames the CTC loss may use: the notebook's input lengths, never beyond the model's T'.
    public static func outputLengths(_ batch: ModelBatch, frames: Int) -> [Int] {
        batch.inputLengths.map { min(max($0, 0), frames) }
    }

    /// Runs one step in training mode. `stepSeed` fixes the dropout masks.
    public static func run(model: inout CTCModel, adam: inout Adam, scheduler: inout OneCycleLR?, batch: ModelBatch,
                           clipNorm: Double?, pack: Bool, stepSeed: UInt64, zeroInfinity: Bool = false) throws -> StepOutcome {
        model.setMode(.training)
        model.reseedDropout(stepSeed)
        model.zeroGradients()
        let frames = model.config.outputFrames(batch.input.shape[3])
        let lengths = outputLengths(batch, frames: frames)
        let scores = model.forward(batch.input, lengths: pack ? lengths : nil)
        let r = try CTCObjective.lossAndGradient(scores: scores, outputLengths: lengths, labels: batch.labels,
                                                 blank: model.config.nClass - 1, zeroInfinity: zeroInfinity,
                                                 workers: model.workers)
        defer { if scheduler != nil { scheduler!.step(&adam) } }
        guard r.isFinite else { return StepOutcome(loss: r.loss, gradNorm: .nan, applied: false) }
        model.backward(r.gradient)
        let norm = clipNorm.map { model.clipGradientNorm(maxNorm: $0) } ?? model.gradientNorm()
        guard norm.isFinite else { return StepOutcome(loss: r.loss, gradNorm: norm, applied: false) }
        adam.step(&model)
        return StepOutcome(loss: r.loss, gradNorm: norm, applied: true)
    }
}
