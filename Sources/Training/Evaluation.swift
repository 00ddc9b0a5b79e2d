// Evaluation and decoding: the CTC loss on held-out data, greedy or beam-search transcripts, and WER/CER as corpus
// rates (total edits / total reference units, as sclite reports them) next to the notebook's mean of
// per-utterance rates. Shared by the trainer's per-epoch evaluation, `trellis eval` and `trellis transcribe`; the
// log-probabilities come from the one model-output path (ModelOutput.swift).
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
    /// The LM with its vocabulary trie, built once for every utterance.
    case beam(BeamSearchOptions, DecoderLanguageModel?)

    public var name: String {
        switch self {
        case .greedy: "greedy"
        case .beam(_, let lm): lm == nil ? "beam" : "beam+lm"
        }
    }
}

public enum Inference {
    /// Text of one matrix whose classes are `labels` (subword pieces are joined into words by the label set's decode).
    public static func decode(_ m: LogProbabilities, with decoder: DecoderChoice, labels: LabelSet = .characters) throws -> String {
        switch decoder {
        case .greedy:
            return try labels.decode(GreedyDecoder.decode(m, blank: labels.blank))
        case .beam(let options, let lm):
            // With subwords the word LM scores a word when the next ▁-piece (or the end) completes it.
            return try labels.decode(PrefixBeamSearch.decode(m, options: options, lm: lm, labels: labels).best.indices)
        }
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
    /// Utterances left out because their audio could not be decoded (file and reason each).
    public var skipped: [SkippedItem] = []

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
    /// Runs `model` (in evaluation mode) over `utterances` in length-sorted batches, through the one model-output
    /// path (`CTCModel.outputs(over:)`): the loss from the log-probabilities the decoder then reads. Utterances
    /// whose audio cannot be decoded are left out and listed in `skipped`; a model whose output is NaN is an error.
    public static func evaluate(model: inout CTCModel, utterances: [Utterance], features: FeatureSpec,
                                labels: LabelSet = .characters,
                                batchSize: Int = 16, decoder: DecoderChoice = .greedy, pack: Bool = true,
                                onBatch: (Int, Int) -> Void = { _, _ in },
                                shouldStop: () -> Bool = { false }) throws -> EvaluationResult {
        let start = Date()
        let blank = model.config.nClass - 1, workers = model.workers
        var lossSum = 0.0, counted = 0, infeasible = 0, audio = 0.0
        var ids: [String] = [], refs: [String] = [], hyps: [String] = []
        let skipped = try model.outputs(over: utterances, features: features, labels: labels, batchSize: batchSize, pack: pack,
                                        shouldStop: shouldStop) { batch, out, done, total in
            let r = try CTCObjective.lossAndGradient(logProbs: out.logProbs, lengths: out.lengths, labels: batch.labels,
                                                     blank: blank, computeGradient: false, workers: workers)
            for (i, l) in r.utteranceLosses.enumerated() {
                if l.isFinite { lossSum += l / Double(max(batch.labels[i].count, 1)); counted += 1 } else { infeasible += 1 }
            }
            for (i, m) in try out.logProbabilities().enumerated() {
                hyps.append(try Inference.decode(m, with: decoder, labels: labels))
                refs.append(batch.transcripts[i])
                ids.append(batch.ids[i])
            }
            audio += batch.audioSeconds
            onBatch(done, total)
        }
        return EvaluationResult(utterances: refs.count, loss: counted > 0 ? lossSum / Double(counted) : .nan,
                                infeasible: infeasible,
                                words: try ErrorRate.wordErrorRate(references: refs, hypotheses: hyps),
                                characters: try ErrorRate.characterErrorRate(references: refs, hypotheses: hyps),
                                ids: ids, references: refs, hypotheses: hyps,
                                seconds: Date().timeIntervalSince(start), audioSeconds: audio, skipped: skipped)
    }
}
