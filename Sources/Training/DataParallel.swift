// DataParallel: what one training step and the run's setup share across the processes of a data-parallel job
// (`mpirun -np N trellis train`). Every rank plans the same batches and prepares only its strided share of each
// (`BatchLoader`'s shard). Per step the ranks first agree on the global batch (utterance count, longest
// utterance, whether to stop: one small max-allreduce); each rank pads its share to the global length, computes its
// utterances' losses and gradients as parts of the GLOBAL mean (`CTCObjective`'s meanOver), and one allreduce sums
// the flat buffer [gradients…, loss, audio seconds]; every rank then clips and takes the same Adam step on the same
// numbers. Dropout and SpecAugment masks are keyed by each utterance's place in the global batch, so the weights
// after K steps are those of one process with the same --batch, to the order of floating-point sums.
// Rank 0 owns the run folder: its fresh or restored model, optimiser and position are broadcast before the first
// step (`synchronize`), and after each epoch the ranks compare a hash of their parameters (`checkIdentical`).
// With one process every collective is the identity and no buffer is copied.
import Base
import Corpus
import Distributed
import Foundation
import Models
import NN

/// What every rank knows about the global batch before a step.
public struct GlobalBatch: Sendable {
    /// Utterances kept over all shards (undecodable audio left out).
    public var utterances: Int
    /// The longest one's frames: every shard pads to it, so each utterance sees the padding it sees in one process.
    public var maxFrames: Int
    /// Some rank was asked to stop (Ctrl-C): every rank stops before this step.
    public var stop: Bool
}

public enum DataParallel {
    /// One max-allreduce of [longest, stop, count of rank 0, …, count of rank N−1]. `shard` is nil past the
    /// epoch's last batch (every rank reaches it at the same step: all plan the same batches).
    public static func agree(on shard: Batch?, stop: Bool, group: any ProcessGroup) throws -> GlobalBatch {
        var v = [Int](repeating: 0, count: 2 + group.size)
        v[0] = shard.map { $0.size > 0 ? $0.maxFrames : 0 } ?? 0
        v[1] = stop ? 1 : 0
        v[2 + group.rank] = shard?.size ?? 0
        try group.allreduceMax(&v)
        return GlobalBatch(utterances: v[2...].reduce(0, +), maxFrames: v[0], stop: v[1] != 0)
    }

    /// The one gradient allreduce: every parameter's gradient (visiting order) then the loss and audio seconds, in
    /// one contiguous buffer (one latency per step, not one per tensor).
    static func sumGradients(_ model: inout CTCModel, loss: Double, audioSeconds: Double,
                             group: any ProcessGroup) throws -> (loss: Double, audioSeconds: Double) {
        guard group.size > 1 else { return (loss, audioSeconds) }
        var flat = flatten(&model, \.grad, extra: [Float(loss), Float(audioSeconds)])
        try group.allreduceSum(&flat)
        unflatten(flat, into: &model, \.grad)
        let n = flat.count
        return (Double(flat[n - 2]), Double(flat[n - 1]))
    }

    static func flatten(_ model: inout CTCModel, _ field: WritableKeyPath<Parameter, [Float]>, extra: [Float] = []) -> [Float] {
        var n = 0
        model.visitParameters { n += $0.count }
        var flat = [Float](repeating: 0, count: n + extra.count)
        var offset = 0
        flat.withUnsafeMutableBufferPointer { f in
            model.visitParameters { p in
                p[keyPath: field].withUnsafeBufferPointer { src in
                    (f.baseAddress! + offset).update(from: src.baseAddress!, count: src.count)
                }
                offset += p.count
            }
            for (i, x) in extra.enumerated() { f[n + i] = x }
        }
        return flat
    }

    static func unflatten(_ flat: [Float], into model: inout CTCModel, _ field: WritableKeyPath<Parameter, [Float]>) {
        var offset = 0
        flat.withUnsafeBufferPointer { f in
            model.visitParameters { p in
                let count = p.count
                p[keyPath: field].withUnsafeMutableBufferPointer { dst in
                    dst.baseAddress!.update(from: f.baseAddress! + offset, count: count)
                }
                offset += count
            }
        }
    }

    /// What rank 0 sends before the first step besides the tensors.
    struct StateHeader: Codable {
        var position: TrainingPosition
        var progress: EpochProgress
        var wallSeconds: Double
        var adamStep: Int
        var learningRate: Double
        var beta1: Double
        var scheduler: OneCycleLR?
        /// Adam's moment sizes per parameter (0 before the first step).
        var moments: [Int]
    }

    /// Makes every rank's model, optimiser and position rank 0's (fresh or restored from its run folder).
    static func synchronize(model: inout CTCModel, adam: inout Adam, scheduler: inout OneCycleLR?,
                            position: inout TrainingPosition, progress: inout EpochProgress, wallSeconds: inout Double,
                            group: any ProcessGroup) throws {
        guard group.size > 1 else { return }
        var header: [UInt8] = []
        if group.isRoot {
            let h = StateHeader(position: position, progress: progress, wallSeconds: wallSeconds, adamStep: adam.state.step,
                                learningRate: adam.learningRate, beta1: adam.beta1, scheduler: scheduler,
                                moments: adam.state.m.map(\.count))
            header = [UInt8](try OptimizerMetadata.encoder().encode(h))
        }
        try group.broadcast(&header, root: 0)
        let h = try OptimizerMetadata.decoder().decode(StateHeader.self, from: Data(header))
        var values = flatten(&model, \.value)
        try group.broadcast(&values, root: 0)
        unflatten(values, into: &model, \.value)
        // Adam's moments, m then v, one buffer each.
        for moment in [WritableKeyPath<AdamState, [[Float]]>](arrayLiteral: \.m, \.v) {
            var flat = group.isRoot ? adam.state[keyPath: moment].flatMap { $0 } : [Float](repeating: 0, count: h.moments.reduce(0, +))
            try group.broadcast(&flat, root: 0)
            var parts: [[Float]] = [], offset = 0
            for c in h.moments { parts.append(Array(flat[offset..<offset + c])); offset += c }
            adam.state[keyPath: moment] = parts
        }
        adam.state.step = h.adamStep
        adam.learningRate = h.learningRate
        adam.beta1 = h.beta1
        scheduler = h.scheduler
        position = h.position
        progress = h.progress
        wallSeconds = h.wallSeconds
    }

    /// After an epoch: the ranks' parameters must be bit-identical (same gradients, same Adam step). A 63-bit hash
    /// of the values is compared with one max-allreduce of (h, −h); a difference is a bug or a broken node, and the
    /// job stops rather than train different models.
    static func checkIdentical(_ model: inout CTCModel, group: any ProcessGroup) throws {
        guard group.size > 1 else { return }
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        model.visitParameters { p in
            for x in p.value { h = (h ^ UInt64(x.bitPattern)) &* 0x0000_0100_0000_01B3 }
        }
        let signed = Int(h >> 1)
        var v = [signed, -signed]
        try group.allreduceMax(&v)
        guard v[0] == signed, v[1] == -signed else {
            throw DistributedError("the ranks' parameters differ after an epoch (rank \(group.rank) on \(group.host)); every rank must run the same Trellis build on the same data")
        }
    }
}
