// LM tuning (`trellis tune-lm`): the beam decoder's α and β searched on a grid over a development set. The model
// runs once (its log-probability matrices are cached by the caller, through the one model-output path); each grid
// cell then only decodes, the utterances split over threads with Base's `parallelFor`. The WER and CER of a cell are
// corpus rates, as `eval` reports them.
import Base
import CTC
import Foundation

/// The decoder's input for one utterance: its log-probabilities and reference transcript.
public struct DecodingCase: Sendable {
    public var id: String
    public var matrix: LogProbabilities
    public var reference: String

    public init(id: String, matrix: LogProbabilities, reference: String) {
        self.id = id; self.matrix = matrix; self.reference = reference
    }
}

public struct TuningCell: Sendable {
    public var alpha: Double
    public var beta: Double
    public var words: ErrorRateReport
    public var characters: ErrorRateReport
    public var seconds: Double
    public var wer: Double { words.corpusRate ?? .nan }
    public var cer: Double { characters.corpusRate ?? .nan }
}

public enum LMTuning {
    /// Hypotheses of every case with `decoder`, in case order, decoded in parallel (cases interleaved over the
    /// workers, so long and short utterances share out evenly). Stops early (returning nil) when `shouldStop`.
    public static func decodeAll(_ cases: [DecodingCase], with decoder: DecoderChoice, labels: LabelSet = .characters,
                                 workers: Workers, shouldStop: @escaping @Sendable () -> Bool = { false }) throws -> [String]? {
        var hypotheses = [String](repeating: "", count: cases.count)
        let w = min(workers.count, max(cases.count, 1))
        var failures = [String?](repeating: nil, count: w)
        var stopped = [Bool](repeating: false, count: w)
        hypotheses.withUnsafeMutableBufferPointer { hyps in
            failures.withUnsafeMutableBufferPointer { fail in
                stopped.withUnsafeMutableBufferPointer { stop in
                    parallelFor(w) { worker in       // each worker writes its own indices and its own error slot
                        var i = worker
                        while i < cases.count {
                            if shouldStop() { stop[worker] = true; return }
                            do { hyps[i] = try Inference.decode(cases[i].matrix, with: decoder, labels: labels) } catch {
                                fail[worker] = "\(cases[i].id): \(error)"; return
                            }
                            i += w
                        }
                    }
                }
            }
        }
        if let message = failures.compactMap({ $0 }).first { throw CTCError.invalidArgument(message) }
        return stopped.contains(true) ? nil : hypotheses
    }

    /// WER and CER of `hypotheses` against the cases' references.
    public static func rates(_ cases: [DecodingCase], _ hypotheses: [String]) throws -> (words: ErrorRateReport, characters: ErrorRateReport) {
        let refs = cases.map(\.reference)
        return (try ErrorRate.wordErrorRate(references: refs, hypotheses: hypotheses),
                try ErrorRate.characterErrorRate(references: refs, hypotheses: hypotheses))
    }

    /// Every (α, β) of the grid, α-major (the order of the returned cells), decoded with `base`'s other settings.
    /// `onCell` sees each cell as it is done. Returns nil when stopped.
    public static func grid(_ cases: [DecodingCase], alphas: [Double], betas: [Double], base: BeamSearchOptions,
                            lm: DecoderLanguageModel, labels: LabelSet = .characters, workers: Workers,
                            shouldStop: @escaping @Sendable () -> Bool = { false },
                            onCell: (TuningCell) -> Void = { _ in }) throws -> [TuningCell]? {
        var cells: [TuningCell] = []
        for alpha in alphas {
            for beta in betas {
                var options = base
                options.alpha = alpha
                options.beta = beta
                let start = Date()
                guard let hyps = try decodeAll(cases, with: .beam(options, lm), labels: labels, workers: workers, shouldStop: shouldStop) else { return nil }
                let r = try rates(cases, hyps)
                let cell = TuningCell(alpha: alpha, beta: beta, words: r.words, characters: r.characters,
                                      seconds: Date().timeIntervalSince(start))
                cells.append(cell)
                onCell(cell)
            }
        }
        return cells
    }
}
