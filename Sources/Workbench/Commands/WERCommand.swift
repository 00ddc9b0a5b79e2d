// `wer`: word and character error rates of a hypothesis transcript file against a reference file, counted
// and paired as NIST sclite counts and pairs them (CTC's `TranscriptPairs` and `ErrorRate`), with the corpus
// rate and the notebook's mean of per-utterance rates, the reference ids left unscored, and optional sclite
// `trn` files. Also the pieces `eval` shares: the WER/CER text lines and the `--json` error-rate reply.
import ArgumentParser
import CTC
import Foundation

extension TranscriptFormat: ExpressibleByArgument {}

struct WER: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "wer",
        abstract: "WER and CER of a hypothesis file against a reference file, counted as sclite counts them.",
        discussion: """
            Formats: trn (`text (utterance-id)`, as sclite reads it and `--trn-out` and `eval --trn` write it), \
            LibriSpeech trans.txt (`UTTERANCE-ID TEXT`) and plain text (one utterance per line). The format is \
            detected (trn when the first line ends in `(id)`; trans for a *.trans.txt name or LibriSpeech ids; \
            otherwise text) unless --format forces it for both files. LF and CRLF line ends are read alike.

            Pairing, as `sclite -r REF trn -h HYP trn -i rm`: files with ids pair by id in any order. A reference \
            id with no hypothesis is left out of the scores (not counted as deletions) and listed as unpaired; a \
            hypothesis id with no reference, or an id twice in one file, is an error (sclite stops there too). \
            Plain-text files pair by line. A file with ids cannot be paired with one without.

            Counting, as sclite: the alignment of least weight (substitution 4, insertion and deletion 3), \
            which can count more errors than the fewest edits; words and characters compare case-insensitively; \
            CER counts the space between words. The corpus rate is Σerrors / Σreference length (sclite's Err); \
            the mean per utterance is the notebook's average of per-utterance Levenshtein rates.
            """
    )

    @Option(help: "Reference transcripts (trn, trans.txt or plain text).", completion: .file())
    var ref: String

    @Option(help: "Hypotheses, in the same format family: ids in any order, or plain text in the same order.", completion: .file())
    var hyp: String

    @Option(help: "Read both files in this format instead of detecting it.")
    var format: TranscriptFormat?

    @Option(help: "Also write the scored pairs to PREFIX.ref.trn and PREFIX.hyp.trn for sclite (plain-text lines get ids utt_0001, ...).",
            completion: .file())
    var trnOut: String?

    @Flag(help: "Print one JSON object.")
    var json = false

    mutating func run(session: inout Session) throws {
        let pairs: TranscriptPairs, words: ErrorRateReport, chars: ErrorRateReport
        do {
            pairs = try TranscriptPairs.read(reference: ref, hypothesis: hyp, format: format)
            words = try ErrorRate.wordErrorRate(references: pairs.references, hypotheses: pairs.hypotheses)
            chars = try ErrorRate.characterErrorRate(references: pairs.references, hypotheses: pairs.hypotheses)
        } catch { throw WorkbenchError("\(error)") }
        let trnFiles = trnOut.map { [$0 + ".ref.trn", $0 + ".hyp.trn"] }
        if let trnFiles {
            do {
                try TrnWriter.write(zip(pairs.trnIDs, pairs.references).map { (id: $0, text: $1) }, to: URL(fileURLWithPath: trnFiles[0]))
                try TrnWriter.write(zip(pairs.trnIDs, pairs.hypotheses).map { (id: $0, text: $1) }, to: URL(fileURLWithPath: trnFiles[1]))
            } catch { throw WorkbenchError("cannot write the trn files: \(error)") }
        }
        if json {
            let reply = Reply(reference: .init(pairs.reference), hypothesis: .init(pairs.hypothesis),
                              utterances: pairs.pairs.count, unpairedReferenceIDs: pairs.unpairedReferenceIDs, trn: trnFiles)
            try printJSON(ReplyWithErrorRates(fields: reply, errorRates: ErrorRateReply(words: words, characters: chars)))
            return
        }
        func describe(_ f: TranscriptFile) -> String { "\(f.name) (\(f.format.rawValue), \(f.utterances.count) utterances)" }
        Console.out("\(pairs.pairs.count) utterances scored: \(describe(pairs.reference)) against \(describe(pairs.hypothesis))")
        for line in errorRateLines(words: words, characters: chars) { Console.out(line) }
        let unpaired = pairs.unpairedReferenceIDs
        if !unpaired.isEmpty {
            Console.out("unpaired: \(unpaired.count) reference utterance(s) have no hypothesis and are not scored (as sclite): "
                + unpaired.prefix(10).joined(separator: ", ") + (unpaired.count > 10 ? ", ..." : ""))
        }
        if let trnFiles {
            Console.out("wrote \(trnFiles[0]) and \(trnFiles[1]) (sctk sclite -r \(trnFiles[0]) trn -h \(trnFiles[1]) trn -i rm)")
        }
    }

    /// `wer --json`'s own keys; `wer` and `cer` come from `ErrorRateReply`.
    struct Reply: Encodable {
        struct File: Encodable {
            var file: String
            var format: TranscriptFormat
            var utterances: Int
            init(_ f: TranscriptFile) { file = f.name; format = f.format; utterances = f.utterances.count }
        }
        var reference: File
        var hypothesis: File
        /// Scored (paired) utterances.
        var utterances: Int
        var unpairedReferenceIDs: [String]
        var trn: [String]?

        enum CodingKeys: String, CodingKey {
            case reference, hypothesis, utterances, unpairedReferenceIDs = "unpaired_reference_ids", trn
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(reference, forKey: .reference); try c.encode(hypothesis, forKey: .hypothesis)
            try c.encode(utterances, forKey: .utterances); try c.encode(unpairedReferenceIDs, forKey: .unpairedReferenceIDs)
            try c.encode(trn, forKey: .trn)   // null without --trn-out
        }
    }
}

/// A command's `--json` reply with the `wer` and `cer` objects of `ErrorRateReply` beside its own keys (`wer` and
/// `eval` both), so the two objects are declared once.
struct ReplyWithErrorRates<Fields: Encodable>: Encodable {
    var fields: Fields
    var errorRates: ErrorRateReply
    func encode(to encoder: Encoder) throws {
        try fields.encode(to: encoder)
        try errorRates.encode(to: encoder)   // the same keyed container: one flat object
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
