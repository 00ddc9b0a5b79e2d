// Evaluation and inference: a model's per-frame log-probabilities for a batch, the CTC loss on held-out data,
// greedy or beam-search transcripts, and WER/CER as corpus rates (total edits / total reference units, as
// sclite reports them) next to the notebook's mean of per-utterance rates. Shared by the trainer's per-epoch
// evaluation, `trellis eval`, `trellis transcribe` and the REPL's `probs from`.
import Base
import Audio
import CTC
import Corpus
import Foundation
import LanguageModel
import Models
import NN

public enum DecoderChoice: Sendable {
    case greedy
    case beam(BeamSearchOptions, (any LanguageModel)?)

    public var name: String {
        switch self {
        case .greedy: "greedy"
        case .beam(_, let lm): lm == nil ? "beam" : "beam+lm"
        }
    }
}

public enum Inference {
    /// Per-utterance natural-log probabilities over the 29 tokenizer classes, `lengths[b]` frames each. The
    /// notebook's BiLSTM emits 58 columns and trains with log_softmax over all of them; its classes are the
    /// first 29, so those are kept (renormalised rows would change nothing for greedy decoding; the beam search
    /// sees the same relative scores the loss saw).
    public static func logProbabilities(scores: Tensor, lengths: [Int], classes: Int) -> [LogProbabilities] {
        let (b, t, c) = (scores.shape[0], scores.shape[1], scores.shape[2])
        let lp = CTCObjective.logSoftmax(scores)
        return (0..<b).map { i in
            let n = min(max(lengths[i], 0), t)
            var values = [Double](repeating: 0, count: n * classes)
            for f in 0..<n { for k in 0..<classes { values[f * classes + k] = Double(lp[(i * t + f) * c + k]) } }
            // Values are finite log-softmax outputs, so this cannot fail.
            return try! LogProbabilities(frames: n, classes: classes, logValues: values)
        }
    }

    public static func decode(_ m: LogProbabilities, with decoder: DecoderChoice) throws -> String {
        switch decoder {
        case .greedy:
            return try Tokenizer().text(GreedyDecoder.decode(m))
        case .beam(let options, let lm):
            return try PrefixBeamSearch.decode(m, options: options, languageModel: lm).best.text()
        }
    }

    /// Log-probabilities of one audio file under `loaded` (features as the model was trained).
    public static func logProbabilities(audioPath: String, model loaded: inout LoadedModel) throws -> LogProbabilities {
        let spec = loaded.features
        let wave = try AudioFile.load(audioPath, targetRate: spec.melConfig.sampleRate)
        let feats = try MelSpectrogram(spec.melConfig)(wave)
        let x = Tensor(shape: [1, 1, feats.bins, feats.frames], data: feats.values)
        let config = loaded.model.config
        let frames = config.outputFrames(feats.frames)
        let length = min(feats.frames / config.stride, frames)
        loaded.model.setMode(.evaluation)
        let scores = loaded.model.forward(x, lengths: [length])
        return logProbabilities(scores: scores, lengths: [length], classes: config.nClass)[0]
    }
}

public struct EvaluationResult: Sendable {
    public var utterances: Int
    /// Mean over utterances of −log p(labels) / label length (the notebook's reduction='mean' over the set).
    public var loss: Double
    /// Utterances whose labels cannot fit their frames (excluded from the loss, still decoded).
    public var infeasible: Int
    public var words: ErrorRateReport
    public var characters: ErrorRateReport
    public var ids: [String]
    public var references: [String]
    public var hypotheses: [String]
    public var seconds: Double
    public var audioSeconds: Double

    public var wer: Double { words.corpusRate ?? .nan }
    public var cer: Double { characters.corpusRate ?? .nan }

    /// References and hypotheses as sclite `trn` files: `sclite -r REF trn -h HYP trn -i rm`.
    public func writeTrn(reference: URL, hypothesis: URL) throws {
        try FileManager.default.createDirectory(at: reference.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: hypothesis.deletingLastPathComponent(), withIntermediateDirectories: true)
        try TrnWriter.write(zip(ids, references).map { (id: $0, text: $1) }, to: reference)
        try TrnWriter.write(zip(ids, hypotheses).map { (id: $0, text: $1) }, to: hypothesis)
    }
}

public enum Evaluator {
    /// Runs `model` (in evaluation mode) over `utterances` in length-sorted batches.
    public static func evaluate(model: inout CTCModel, utterances: [Utterance], features: FeatureSpec,
                                batchSize: Int = 16, decoder: DecoderChoice = .greedy, pack: Bool = true,
                                extractor: Corpus.FeatureExtractor? = nil,
                                onBatch: (Int, Int) -> Void = { _, _ in },
                                shouldStop: () -> Bool = { false }) throws -> EvaluationResult {
        let start = Date()
        let config = model.config
        let ex = try extractor ?? Corpus.FeatureExtractor(features.pipeline(specAugment: false, stride: config.stride), cache: false)
        let loader = try BatchLoader(utterances: utterances, batchSize: batchSize, extractor: ex, shuffle: false,
                                     augment: false, seed: 0)
        model.setMode(.evaluation)
        defer { model.setMode(.training) }
        var lossSum = 0.0, counted = 0, infeasible = 0, audio = 0.0, done = 0
        var ids: [String] = [], refs: [String] = [], hyps: [String] = []
        while let b = try loader.next() {
            if shouldStop() { break }
            let batch = ModelBatch(b)
            let frames = config.outputFrames(batch.input.shape[3])
            let lengths = TrainStep.outputLengths(batch, frames: frames)
            let scores = model.forward(batch.input, lengths: pack ? lengths : nil)
            let r = try CTCObjective.lossAndGradient(scores: scores, outputLengths: lengths, labels: batch.labels,
                                                     blank: config.nClass - 1, computeGradient: false, workers: model.workers)
            for (i, l) in r.utteranceLosses.enumerated() {
                if l.isFinite { lossSum += l / Double(max(batch.labels[i].count, 1)); counted += 1 } else { infeasible += 1 }
            }
            for (i, m) in Inference.logProbabilities(scores: scores, lengths: lengths, classes: config.nClass).enumerated() {
                hyps.append(try Inference.decode(m, with: decoder))
                refs.append(batch.transcripts[i])
                ids.append(batch.ids[i])
            }
            audio += batch.audioSeconds
            done += 1
            onBatch(done, loader.count)
        }
        return EvaluationResult(utterances: refs.count, loss: counted > 0 ? lossSum / Double(counted) : .nan,
                                infeasible: infeasible,
                                words: try ErrorRate.wordErrorRate(references: refs, hypotheses: hyps),
                                characters: try ErrorRate.characterErrorRate(references: refs, hypotheses: hyps),
                                ids: ids, references: refs, hypotheses: hyps,
                                seconds: Date().timeIntervalSince(start), audioSeconds: audio)
    }
}
