// Checkpoint: what a run writes after each epoch (and on Ctrl-C) and what `--resume`, `eval`, `transcribe` and
// `model load` read back. Two safetensors files per position, both written atomically (temporary file, fsync,
// rename) with a SHA-256 of their content in the metadata, so a kill at any instant leaves either the previous
// complete checkpoint or the new one, never a torn file:
//   epoch-NNN.safetensors        the model's parameters under the notebook's PyTorch names, plus its config and
//                                feature spec in the metadata (loads into the notebook with load_state_dict)
//   epoch-NNN.optim.safetensors  Adam's moments (`adam.m.NAME`, `adam.v.NAME`) and, in the metadata, the
//                                optimiser/scheduler position, the partial sums of an unfinished epoch and the
//                                metrics lines of the finished ones (metrics.jsonl is rebuilt from them on resume)
import Base
import CTC
import Audio
import Foundation
import Models
import NN

/// Running sums of the epoch in progress, so metrics of an epoch resumed mid-way count all of its steps.
public struct EpochProgress: Codable, Equatable, Sendable {
    public var steps = 0              // batches seen (applied + skipped)
    public var applied = 0
    public var skipped = 0
    public var lossSum = 0.0          // over applied steps
    public var gradNormSum = 0.0
    public var seconds = 0.0
    public var audioSeconds = 0.0
    public var utterances = 0
    /// Training utterances left out this epoch because their audio could not be decoded ("ID: reason").
    public var skippedAudio: [String]? = nil
    public init() {}

    enum CodingKeys: String, CodingKey {
        case steps, applied, skipped, seconds, utterances, skippedAudio = "skipped_audio"
        case lossSum = "loss_sum", gradNormSum = "grad_norm_sum", audioSeconds = "audio_seconds"
    }
}

/// The optimiser side of a checkpoint (everything but the moment tensors).
struct OptimizerMetadata: Codable {
    var position: TrainingPosition
    var adamStep: Int
    var learningRate: Double
    var beta1: Double
    var scheduler: OneCycleLR?
    var progress: EpochProgress
    var wallSeconds: Double          // training wall-clock so far (for --minutes across resumes)
    /// metrics.jsonl's lines up to this checkpoint, so the log and the checkpoint are durable together (nil in
    /// checkpoints written before they carried it).
    var history: [EpochMetrics]?

    static func encoder() -> JSONEncoder {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return enc
    }

    static func decoder() -> JSONDecoder {
        let dec = JSONDecoder()
        dec.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return dec
    }
}

public struct LoadedModel {
    public var model: CTCModel
    public var features: FeatureSpec
    public var path: String
    /// What the model's output classes mean (characters unless the checkpoint carries a subword tokenizer).
    public var labels: LabelSet = .characters
}

public enum Checkpoint {
    static let optimizerKey = "trellis.optimizer"

    /// Writes the model file, then the optimiser file, then `latest` (so `latest` only names complete pairs).
    static func save(run: RunFolder, position: TrainingPosition, model: inout CTCModel, features: FeatureSpec,
                     labels: LabelSet = .characters,
                     adam: Adam, scheduler: OneCycleLR?, progress: EpochProgress, wallSeconds: Double,
                     history: [EpochMetrics]) throws {
        var metadata = [ModelConfig.metadataKey: model.config.jsonString(),
                        FeatureSpec.metadataKey: features.json(),
                        "trellis.position": "epoch \(position.epoch) step \(position.step)"]
        if let m = labels.subwordModel { metadata[tokenizerKey] = m.fileText() }
        let modelFile = TensorFile(tensors: StateDict.tensors(of: &model), metadata: metadata)
        try SafeTensors.write(modelFile, to: run.modelFile(position))

        var tensors: [(name: String, tensor: Tensor)] = []
        var index = 0
        model.visitParameters { p in
            if index < adam.state.m.count, adam.state.m[index].count == p.count {
                tensors.append(("adam.m." + p.name, Tensor(shape: [p.count], data: adam.state.m[index])))
                tensors.append(("adam.v." + p.name, Tensor(shape: [p.count], data: adam.state.v[index])))
            }
            index += 1
        }
        let meta = OptimizerMetadata(position: position, adamStep: adam.state.step, learningRate: adam.learningRate,
                                     beta1: adam.beta1, scheduler: scheduler, progress: progress, wallSeconds: wallSeconds,
                                     history: history.filter { $0.epoch <= position.epoch })
        let json = String(decoding: try OptimizerMetadata.encoder().encode(meta), as: UTF8.self)
        try SafeTensors.write(TensorFile(tensors: tensors, metadata: [optimizerKey: json]), to: run.optimizerFile(position))
        try AtomicFile.write(run.modelFile(position).lastPathComponent + "\n", to: run.latestFile)
    }

    /// A model from anything that names a checkpoint (a file, a run folder, RUN@N: `CheckpointReference`):
    /// Trellis's own (config and features in the metadata) or a state dict saved by the notebook (config
    /// inferred from the tensor shapes, raw power mel assumed). `path` of the result is the file it resolved to.
    public static func loadModel(_ reference: String) throws -> LoadedModel {
        let url = try CheckpointReference.resolve(reference)
        let path = url.path
        let file = try SafeTensors.read(url)
        let config = try ModelConfig.from(file, path: path)
        var model = try CTCModel(config, seed: 0)
        try StateDict.load(file, into: &model, source: path)
        model.setMode(.evaluation)
        let features = FeatureSpec.from(metadata: file.metadata, nMels: config.nFeats)
        guard features.inputWidth == config.nFeats else {
            throw RunFolderError("\(path): the feature settings name \(features.nMels) mel bands\(features.stack > 1 ? " × \(features.stack) stacked frames" : ""), the model takes \(config.nFeats)")
        }
        let labels = try labelSet(metadata: file.metadata, classes: config.nClass, path: path)
        return LoadedModel(model: model, features: features, path: path, labels: labels)
    }

    /// Restores model weights, Adam and the scheduler from the checkpoint at `position`.
    static func restore(run: RunFolder, position: TrainingPosition, model: inout CTCModel, adam: inout Adam,
                        scheduler: inout OneCycleLR?) throws -> OptimizerMetadata {
        let weights = try SafeTensors.read(run.modelFile(position))
        try StateDict.load(weights, into: &model, source: run.modelFile(position).path)
        let optim = try SafeTensors.read(run.optimizerFile(position))
        guard let json = optim.metadata[optimizerKey],
              let meta = try? OptimizerMetadata.decoder().decode(OptimizerMetadata.self, from: Data(json.utf8)) else {
            throw RunFolderError("\(run.optimizerFile(position).path): no optimiser state in its metadata")
        }
        var state = AdamState()
        state.step = meta.adamStep
        var missing = 0
        model.visitParameters { p in
            if let m = optim["adam.m." + p.name], let v = optim["adam.v." + p.name], m.count == p.count, v.count == p.count {
                state.m.append(m.data); state.v.append(v.data)
            } else {
                missing += 1
                state.m.append([]); state.v.append([])
            }
        }
        if missing > 0 && meta.adamStep > 0 {
            throw RunFolderError("\(run.optimizerFile(position).path): Adam moments missing for \(missing) parameter(s)")
        }
        adam.state = state
        adam.learningRate = meta.learningRate
        adam.beta1 = meta.beta1
        scheduler = meta.scheduler
        return meta
    }
}
