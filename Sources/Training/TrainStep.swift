// One optimisation step, shared by the trainer and `bench step`: the batch's model output (`CTCModel.output`,
// the one path: lengths, forward, log-softmax), the CTC objective (mean) and its gradient, backward, optional
// clipping, Adam, OneCycle. A batch whose loss or gradient norm is infinite or NaN is never applied: the step
// reports it and leaves weights and optimiser moments untouched.
// In a data-parallel job each rank runs the same step on its share of the global batch: losses and gradients
// are parts of the global mean, summed by one allreduce before clipping (DataParallel.swift); alone, the
// collectives are the identity and the step is the plain one.
import Base
import Corpus
import Distributed
import Foundation
import Models
import NN

public struct StepOutcome: Sendable {
    public var loss: Double
    public var gradNorm: Double
    public var applied: Bool
    /// Seconds of audio in the (global) batch.
    public var audioSeconds: Double = 0
}

public enum TrainStep {
    /// Runs one step in training mode on a whole batch. `stepSeed` fixes the dropout masks. A batch left empty
    /// (every utterance's audio undecodable) is not applied; the scheduler still advances, as for any batch of the
    /// epoch's plan.
    public static func run(model: inout CTCModel, adam: inout Adam, scheduler: inout OneCycleLR?, batch: Batch,
                           clipNorm: Double?, pack: Bool, stepSeed: UInt64, zeroInfinity: Bool = false) throws -> StepOutcome {
        let whole = GlobalBatch(utterances: batch.size, maxFrames: batch.maxFrames, stop: false)
        return try run(model: &model, adam: &adam, scheduler: &scheduler, shard: batch, global: whole, group: SingleProcess(),
                       clipNorm: clipNorm, pack: pack, stepSeed: stepSeed, zeroInfinity: zeroInfinity)
    }

    /// One optimisation step on this rank's `shard` of a global batch (`global` from `DataParallel.agree`): loss
    /// and gradient as parts of the global mean, summed over the ranks before clipping. Every rank calls it for
    /// every planned batch, an empty shard included (it contributes zeros); a non-finite loss on any rank makes the
    /// sum non-finite, and every rank skips the batch.
    public static func run(model: inout CTCModel, adam: inout Adam, scheduler: inout OneCycleLR?, shard: Batch,
                           global: GlobalBatch, group: any ProcessGroup, clipNorm: Double?, pack: Bool,
                           stepSeed: UInt64, zeroInfinity: Bool = false) throws -> StepOutcome {
        defer { if scheduler != nil { scheduler!.step(&adam) } }
        guard global.utterances > 0 else { return StepOutcome(loss: .nan, gradNorm: .nan, applied: false) }
        model.setMode(.training)
        model.reseedDropout(stepSeed, items: shard.places)
        model.zeroGradients()
        var loss = 0.0
        if shard.size > 0 {
            let batch = shard.padded(toFrames: global.maxFrames)
            let out = model.output(for: batch, pack: pack)
            let r = try CTCObjective.lossAndGradient(logProbs: out.logProbs, lengths: out.lengths, labels: batch.labels,
                                                     blank: model.config.nClass - 1, zeroInfinity: zeroInfinity,
                                                     meanOver: global.utterances, workers: model.workers)
            loss = r.loss
            if r.isFinite { model.backward(r.gradient) }
        }
        let (total, audio) = try DataParallel.sumGradients(&model, loss: loss, audioSeconds: shard.audioSeconds, group: group)
        guard total.isFinite else {
            return StepOutcome(loss: total, gradNorm: .nan, applied: false, audioSeconds: audio)
        }
        let norm = clipNorm.map { model.clipGradientNorm(maxNorm: $0) } ?? model.gradientNorm()
        guard norm.isFinite else {
            return StepOutcome(loss: total, gradNorm: norm, applied: false, audioSeconds: audio)
        }
        adam.step(&model)
        return StepOutcome(loss: total, gradNorm: norm, applied: true, audioSeconds: audio)
    }
}
