// Word and character error rates scored as NIST sclite scores them, the JSON reply that reports them, and
// NIST sclite `trn` files (reading them, with the other transcript formats, is Transcripts.swift's job).
//
// Alignment: sclite's (src/sclite/net_dp.c with word.c's weights): the alignment of least weight, where a
// correct word costs 0, a substitution 4, an insertion or a deletion 3; ties go to the diagonal (correct or
// substitution), then to the deletion, then to the insertion. This is not always the alignment with the fewest
// edits: "a b c d e" → "d e x y z" is 5 substitutions by Levenshtein but D=3 I=3 with 2 correct by sclite
// (weight 18 < 20), and sclite's 6 errors are what its WER counts. `EditDistance.levenshtein` keeps the plain
// minimal edit count for the notebook's average.
// Tokens compare case-insensitively (lower-cased), as sclite does without `-s`.
// Tokenisation: words are whitespace-separated (runs of spaces count once; the notebook's utils split on single
// spaces, which turns a trailing space into an inserted empty word). Characters: after collapsing whitespace runs
// and trimming, every character including the space counts, as the notebook's `cer` (sclite's own `-c` mode drops
// the spaces, so tools/golden_sclite.py scores characters as words of one character, the space as `<sp>`).
// Rates: `corpus` = Σ errors / Σ reference length (sclite's Err); `meanPerUtterance` = mean of per-utterance
// Levenshtein rates (the notebook's avg_wer / avg_cer), over utterances with a non-empty reference (the notebook
// raises there).
import Base
import Foundation

/// Edit counts of one hypothesis against one reference (or a sum of them).
public struct EditCounts: Sendable, Equatable, CustomStringConvertible {
    public var substitutions = 0
    public var deletions = 0
    public var insertions = 0
    public var referenceLength = 0
    public init(substitutions: Int = 0, deletions: Int = 0, insertions: Int = 0, referenceLength: Int = 0) {
        self.substitutions = substitutions; self.deletions = deletions; self.insertions = insertions; self.referenceLength = referenceLength
    }
    public var errors: Int { substitutions + deletions + insertions }
    public var correct: Int { referenceLength - substitutions - deletions }
    /// errors / reference length; nil for an empty reference.
    public var rate: Double? { referenceLength > 0 ? Double(errors) / Double(referenceLength) : nil }
    public static func + (a: EditCounts, b: EditCounts) -> EditCounts {
        EditCounts(substitutions: a.substitutions + b.substitutions, deletions: a.deletions + b.deletions,
                   insertions: a.insertions + b.insertions, referenceLength: a.referenceLength + b.referenceLength)
    }
    public var description: String {
        "S=\(substitutions) D=\(deletions) I=\(insertions) N=\(referenceLength)" + (rate.map { String(format: " rate=%.4f", $0) } ?? "")
    }
}

public enum EditDistance {
    /// sclite's weights: a substitution costs more than an insertion or a deletion, less than both together.
    static let substitutionWeight = 4, insertionWeight = 3, deletionWeight = 3

    /// S/D/I counts of sclite's alignment of `hypothesis` against `reference` (see the file header).
    public static func counts<T: Equatable>(reference r: [T], hypothesis h: [T]) -> EditCounts {
        let n = r.count, m = h.count, w = m + 1
        var weight = [Int](repeating: 0, count: (n + 1) * w)
        var move = [Move](repeating: .diagonal, count: (n + 1) * w)
        for j in stride(from: 1, through: m, by: 1) { weight[j] = weight[j - 1] + insertionWeight; move[j] = .insertion }
        for i in stride(from: 1, through: n, by: 1) {
            weight[i * w] = weight[(i - 1) * w] + deletionWeight; move[i * w] = .deletion
            for j in stride(from: 1, through: m, by: 1) {
                let sub = weight[(i - 1) * w + j - 1] + (r[i - 1] == h[j - 1] ? 0 : substitutionWeight)
                let del = weight[(i - 1) * w + j] + deletionWeight
                let ins = weight[i * w + j - 1] + insertionWeight
                // net_dp.c's order of preference on ties.
                if sub <= del && sub <= ins { weight[i * w + j] = sub; move[i * w + j] = .diagonal }
                else if del < ins { weight[i * w + j] = del; move[i * w + j] = .deletion }
                else { weight[i * w + j] = ins; move[i * w + j] = .insertion }
            }
        }
        var c = EditCounts(referenceLength: n)
        var i = n, j = m
        while i > 0 || j > 0 {
            switch move[i * w + j] {
            case .diagonal:
                if r[i - 1] != h[j - 1] { c.substitutions += 1 }
                i -= 1; j -= 1
            case .deletion: c.deletions += 1; i -= 1
            case .insertion: c.insertions += 1; j -= 1
            }
        }
        return c
    }

    /// The Levenshtein distance: the least number of substitutions, deletions and insertions (unit costs).
    public static func levenshtein<T: Equatable>(reference r: [T], hypothesis h: [T]) -> Int {
        var previous = Array(0...h.count), current = previous
        for i in stride(from: 1, through: r.count, by: 1) {
            current[0] = i
            for j in stride(from: 1, through: h.count, by: 1) {
                current[j] = min(previous[j - 1] + (r[i - 1] == h[j - 1] ? 0 : 1), previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[h.count]
    }

    private enum Move { case diagonal, deletion, insertion }
}

/// Corpus-level WER or CER, both aggregations, labelled.
public struct ErrorRateReport: Sendable, Equatable {
    public enum Unit: String, Sendable, Codable { case word, character }
    public var unit: Unit
    /// Summed counts over all utterances.
    public var totals: EditCounts
    /// sclite's counts, one per utterance.
    public var perUtterance: [EditCounts]
    /// Levenshtein distances, one per utterance (the notebook's numerators).
    public var distances: [Int]
    /// Σ errors / Σ reference length (sclite's figure); nil if every reference is empty.
    public var corpusRate: Double? { totals.rate }
    /// Mean of per-utterance Levenshtein rates over utterances with a non-empty reference (the notebook's average).
    public var meanPerUtteranceRate: Double? {
        let rates = zip(perUtterance, distances).compactMap { c, d in c.referenceLength > 0 ? Double(d) / Double(c.referenceLength) : nil }
        return rates.isEmpty ? nil : rates.reduce(0, +) / Double(rates.count)
    }
}

public enum ErrorRate {
    /// Whitespace-separated words.
    public static func words(_ s: String) -> [Substring] { s.split(whereSeparator: { $0.isWhitespace }) }

    /// Characters after collapsing whitespace runs to one space and trimming.
    public static func characters(_ s: String) -> [Character] { Array(words(s).joined(separator: " ")) }

    public static func wordCounts(reference: String, hypothesis: String) -> EditCounts {
        EditDistance.counts(reference: words(reference.lowercased()), hypothesis: words(hypothesis.lowercased()))
    }

    public static func characterCounts(reference: String, hypothesis: String) -> EditCounts {
        EditDistance.counts(reference: characters(reference.lowercased()), hypothesis: characters(hypothesis.lowercased()))
    }

    /// WER over a corpus (pairs in order).
    public static func wordErrorRate(references: [String], hypotheses: [String]) throws(CTCError) -> ErrorRateReport {
        try report(.word, references, hypotheses) { words($0.lowercased()) }
    }

    /// CER over a corpus (pairs in order).
    public static func characterErrorRate(references: [String], hypotheses: [String]) throws(CTCError) -> ErrorRateReport {
        try report(.character, references, hypotheses) { characters($0.lowercased()) }
    }

    static func report<T: Equatable>(_ unit: ErrorRateReport.Unit, _ refs: [String], _ hyps: [String],
                                     _ tokens: (String) -> [T]) throws(CTCError) -> ErrorRateReport {
        guard refs.count == hyps.count else {
            throw .shapeMismatch("\(refs.count) references but \(hyps.count) hypotheses")
        }
        var per: [EditCounts] = [], distances: [Int] = []
        for (r, h) in zip(refs, hyps) {
            let rt = tokens(r), ht = tokens(h)
            per.append(EditDistance.counts(reference: rt, hypothesis: ht))
            distances.append(EditDistance.levenshtein(reference: rt, hypothesis: ht))
        }
        return ErrorRateReport(unit: unit, totals: per.reduce(EditCounts(), +), perUtterance: per, distances: distances)
    }
}

/// One error rate as `--json` reports it (`wer` and `eval` alike): sclite's corpus counts and rate, and the
/// notebook's mean of per-utterance rates. Rates are fractions (0.25, not 25 %); null when undefined.
public struct ErrorRateSummary: Codable, Sendable, Equatable {
    public var unit: ErrorRateReport.Unit
    public var utterances: Int
    public var errors: Int
    public var substitutions: Int
    public var deletions: Int
    public var insertions: Int
    public var correct: Int
    /// Reference words (WER) or characters (CER).
    public var referenceLength: Int
    /// Σ errors / Σ reference length, as sclite; null if every reference is empty.
    public var rate: Double?
    /// The notebook's mean of per-utterance rates; null if every reference is empty.
    public var utteranceMean: Double?

    public init(_ r: ErrorRateReport) {
        unit = r.unit; utterances = r.perUtterance.count
        errors = r.totals.errors; substitutions = r.totals.substitutions; deletions = r.totals.deletions
        insertions = r.totals.insertions; correct = r.totals.correct; referenceLength = r.totals.referenceLength
        rate = r.corpusRate; utteranceMean = r.meanPerUtteranceRate
    }

    enum CodingKeys: String, CodingKey {
        case unit, utterances, errors, substitutions, deletions, insertions, correct
        case referenceLength = "reference_length", rate, utteranceMean = "utterance_mean"
    }

    // Written by hand so that an undefined rate is an explicit null rather than a missing key.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(unit, forKey: .unit); try c.encode(utterances, forKey: .utterances)
        try c.encode(errors, forKey: .errors); try c.encode(substitutions, forKey: .substitutions)
        try c.encode(deletions, forKey: .deletions); try c.encode(insertions, forKey: .insertions)
        try c.encode(correct, forKey: .correct); try c.encode(referenceLength, forKey: .referenceLength)
        try c.encode(rate, forKey: .rate); try c.encode(utteranceMean, forKey: .utteranceMean)
    }
}

/// The error-rate part of a `--json` reply: `{"wer": {...}, "cer": {...}}`. A command's reply that has other keys
/// too encodes this into its own object (`try errorRates.encode(to: encoder)`), so the two keys mean the same
/// everywhere.
public struct ErrorRateReply: Codable, Sendable, Equatable {
    public var wer: ErrorRateSummary
    public var cer: ErrorRateSummary
    public init(words: ErrorRateReport, characters: ErrorRateReport) {
        wer = ErrorRateSummary(words); cer = ErrorRateSummary(characters)
    }
}

/// NIST sclite `trn` files: one `text (utterance-id)` line per utterance.
public enum TrnWriter {
    /// One line; throws if the id is empty or contains whitespace or parentheses, or the text contains parentheses.
    public static func line(id: String, text: String) throws(CTCError) -> String {
        guard !id.isEmpty, !id.contains(where: { $0.isWhitespace || $0 == "(" || $0 == ")" }) else {
            throw .invalidArgument("utterance id '\(id)' must be non-empty without spaces or parentheses for a trn file")
        }
        guard !text.contains(where: { $0 == "(" || $0 == ")" }) else {
            throw .invalidArgument("text of utterance '\(id)' contains parentheses, which a trn file cannot hold")
        }
        let clean = ErrorRate.words(text).joined(separator: " ")
        return clean.isEmpty ? "(\(id))" : "\(clean) (\(id))"
    }

    /// The whole file's text.
    public static func contents(_ entries: [(id: String, text: String)]) throws(CTCError) -> String {
        var s = ""
        for e in entries { s += try line(id: e.id, text: e.text) + "\n" }
        return s
    }

    /// Writes `entries` to `url` (UTF-8), atomically.
    public static func write(_ entries: [(id: String, text: String)], to url: URL) throws {
        try AtomicFile.write(contents(entries), to: url)
    }
}
