// One optimisation step, shared by the trainer and `bench step`: the batch's model output (`CTCModel.output`,
// the one path: lengths, forward, log-softmax), the CTC objective (mean) and its gradient, backward, optional
// clipping, Adam, OneCycle. A batch whose loss or gradient norm is infinite or NaN is never applied: the step
// reports it and leaves weights and optimiser moments untouched.
import Base
import Corpus
import Foundation
import Models
import NN

public struct StepOutcome: Sendable {
    public var loss: Double
    public var gradNorm: Double
    public var applied: Bool
}

public enum TrainStep {
    /// Runs one step in training mode. `stepSeed` fixes the dropout masks. A batch left empty (every utterance's
    /// audio undecodable) is not applied; the scheduler still advances, as for any batch of the epoch's plan.
    public static func run(model: inout CTCModel, adam: inout Adam, scheduler: inout OneCycleLR?, batch: Batch,
                           clipNorm: Double?, pack: Bool, stepSeed: UInt64, zeroInfinity: Bool = false) throws -> StepOutcome {
        defer { if scheduler != nil { scheduler!.step(&adam) } }
        guard batch.size > 0 else { return StepOutcome(loss: .nan, gradNorm: .nan, applied: false) }
        model.setMode(.training)
        model.reseedDropout(stepSeed)
        model.zeroGradients()
        let out = model.output(for: batch, pack: pack)
        let r = try CTCObjective.lossAndGradient(logProbs: out.logProbs, lengths: out.lengths, labels: batch.labels,
                                                 blank: model.config.nClass - 1, zeroInfinity: zeroInfinity,
                                                 workers: model.workers)
        guard r.isFinite else { return StepOutcome(loss: r.loss, gradNorm: .nan, applied: false) }
        model.backward(r.gradient)
        let norm = clipNorm.map { model.clipGradientNorm(maxNorm: $0) } ?? model.gradientNorm()
        guard norm.isFinite else { return StepOutcome(loss: r.loss, gradNorm: norm, applied: false) }
        adam.step(&model)
        return StepOutcome(loss: r.loss, gradNorm: norm, applied: true)
    }
}
