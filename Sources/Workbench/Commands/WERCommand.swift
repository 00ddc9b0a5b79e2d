// `wer`: word and character error rates of hypothesis lines against reference lines (one utterance
// per line), with substitutions/deletions/insertions, both the corpus rate (sclite's Σerrors/Σwords)
// and the mean of per-utterance rates (the notebook's average), and optional sclite `trn` files.
import ArgumentParser
import CTC
import Foundation

struct WER: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "wer",
        abstract: "WER and CER of a hypothesis file against a reference file (one utterance per line)."
    )

    @Option(help: "Reference transcripts, one per line.", completion: .file())
    var ref: String

    @Option(help: "Hypotheses, one per line, in the same order.", completion: .file())
    var hyp: String

    @Option(help: "Also write PREFIX.ref.trn and PREFIX.hyp.trn for sclite (ids utt0001, ...).", completion: .file())
    var trnOut: String?

    @Flag(help: "Print one JSON object.")
    var json = false

    mutating func run(session: inout Session) throws {
        let refs = try lines(ref), hyps = try lines(hyp)
        guard refs.count == hyps.count else {
            throw WorkbenchError("\(ref) has \(refs.count) lines but \(hyp) has \(hyps.count): one utterance per line in both")
        }
        let words: ErrorRateReport, chars: ErrorRateReport
        do {
            words = try ErrorRate.wordErrorRate(references: refs, hypotheses: hyps)
            chars = try ErrorRate.characterErrorRate(references: refs, hypotheses: hyps)
        } catch { throw WorkbenchError("\(error)") }
        if let trnOut {
            let ids = (0..<refs.count).map { String(format: "utt%04d", $0 + 1) }
            do {
                try TrnWriter.write(Array(zip(ids, refs)).map { (id: $0.0, text: $0.1) }, to: URL(fileURLWithPath: trnOut + ".ref.trn"))
                try TrnWriter.write(Array(zip(ids, hyps)).map { (id: $0.0, text: $0.1) }, to: URL(fileURLWithPath: trnOut + ".hyp.trn"))
            } catch { throw WorkbenchError("cannot write the trn files: \(error)") }
        }
        if json {
            func report(_ r: ErrorRateReport) -> JSON {
                .object([
                    ("corpus_rate", r.corpusRate.map { .number($0) } ?? .null),
                    ("mean_per_utterance_rate", r.meanPerUtteranceRate.map { .number($0) } ?? .null),
                    ("substitutions", .int(r.totals.substitutions)), ("deletions", .int(r.totals.deletions)),
                    ("insertions", .int(r.totals.insertions)), ("reference_length", .int(r.totals.referenceLength)),
                ])
            }
            Console.out(JSON.object([
                ("utterances", .int(refs.count)),
                ("wer", report(words)), ("cer", report(chars)),
                ("trn", trnOut.map { .array([.string($0 + ".ref.trn"), .string($0 + ".hyp.trn")]) } ?? .null),
            ]).text)
            return
        }
        Console.out("\(refs.count) utterances")
        for line in errorRateLines(words: words, characters: chars) { Console.out(line) }
        if let trnOut { Console.out("wrote \(trnOut).ref.trn and \(trnOut).hyp.trn (sclite -r \(trnOut).ref.trn -h \(trnOut).hyp.trn -i rm)") }
    }

    private func lines(_ path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WorkbenchError("cannot read \(path): no such file or not readable")
        }
        var text = String(decoding: data, as: UTF8.self)
        if let last = text.last, last.isNewline { text.removeLast() }   // the final line's newline ("\r\n" is one Character)
        if text.isEmpty { return [] }
        return text.split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline }).map(String.init)
    }
}

/// The WER and CER lines `wer` and `eval` print: the corpus rate (as sclite), the notebook's mean of per-utterance
/// rates, and the edit counts.
func errorRateLines(words: ErrorRateReport, characters: ErrorRateReport) -> [String] {
    func percent(_ v: Double?) -> String { v.map { String(format: "%.2f %%", $0 * 100) } ?? "n/a (empty references)" }
    return [("WER", words), ("CER", characters)].map { name, r in
        let t = r.totals
        return "\(name): corpus \(percent(r.corpusRate)) (Σerrors/Σ\(r.unit == .word ? "words" : "characters")), "
            + "mean per utterance \(percent(r.meanPerUtteranceRate)); "
            + "S=\(t.substitutions) D=\(t.deletions) I=\(t.insertions) of N=\(t.referenceLength)"
    }
}
