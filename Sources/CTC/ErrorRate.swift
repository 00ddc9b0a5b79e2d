// Word and character error rates (Levenshtein with substitution/deletion/insertion counts) and NIST sclite
// `trn` hypothesis/reference files.
//
// Alignment: minimal number of edits (the Levenshtein distance); among equally short alignments the one sclite
// would prefer (its weights sub 4, ins 3, del 3, i.e. fewer substitutions) decides the S/D/I split.
// Tokenisation: words are whitespace-separated (runs of spaces count once; the notebook's utils split on single
// spaces, which turns a trailing space into an inserted empty word). Characters: after collapsing whitespace runs
// and trimming, every character including the space counts, as the notebook's `cer`.
// Rates: `corpus` = Σ edits / Σ reference length (sclite's Err); `meanPerUtterance` = mean of per-utterance rates
// (the notebook's avg_wer / avg_cer), over utterances with a non-empty reference (the notebook raises there).
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
    /// Minimal-edit alignment counts of `hypothesis` against `reference`.
    public static func counts<T: Equatable>(reference r: [T], hypothesis h: [T]) -> EditCounts {
        let n = r.count, m = h.count
        // cost[i][j] = (edits, sclite weight) for r[0..<i] vs h[0..<j]; lexicographic minimum.
        let w = m + 1
        var edits = [Int](repeating: 0, count: (n + 1) * w)
        var weight = [Int](repeating: 0, count: (n + 1) * w)
        var move = [UInt8](repeating: 0, count: (n + 1) * w)   // 0 diag, 1 deletion (up), 2 insertion (left)
        for i in 1...max(n, 1) where i <= n { edits[i * w] = i; weight[i * w] = 3 * i; move[i * w] = 1 }
        for j in 1...max(m, 1) where j <= m { edits[j] = j; weight[j] = 3 * j; move[j] = 2 }
        if n > 0 && m > 0 {
            for i in 1...n {
                for j in 1...m {
                    let same = r[i - 1] == h[j - 1]
                    var be = edits[(i - 1) * w + j - 1] + (same ? 0 : 1)
                    var bw = weight[(i - 1) * w + j - 1] + (same ? 0 : 4)
                    var bm: UInt8 = 0
                    let de = edits[(i - 1) * w + j] + 1, dw = weight[(i - 1) * w + j] + 3
                    if de < be || (de == be && dw < bw) { be = de; bw = dw; bm = 1 }
                    let ie = edits[i * w + j - 1] + 1, iw = weight[i * w + j - 1] + 3
                    if ie < be || (ie == be && iw < bw) { be = ie; bw = iw; bm = 2 }
                    edits[i * w + j] = be; weight[i * w + j] = bw; move[i * w + j] = bm
                }
            }
        }
        var c = EditCounts(referenceLength: n)
        var i = n, j = m
        while i > 0 || j > 0 {
            switch move[i * w + j] {
            case 0:
                if r[i - 1] != h[j - 1] { c.substitutions += 1 }
                i -= 1; j -= 1
            case 1: c.deletions += 1; i -= 1
            default: c.insertions += 1; j -= 1
            }
        }
        return c
    }
}

/// Corpus-level WER or CER, both aggregations, labelled.
public struct ErrorRateReport: Sendable, Equatable {
    public enum Unit: String, Sendable { case word, character }
    public var unit: Unit
    /// Summed counts over all utterances.
    public var totals: EditCounts
    public var perUtterance: [EditCounts]
    /// Σ errors / Σ reference length (sclite's figure); nil if every reference is empty.
    public var corpusRate: Double? { totals.rate }
    /// Mean of per-utterance rates over utterances with a non-empty reference (the notebook's average).
    public var meanPerUtteranceRate: Double? {
        let rates = perUtterance.compactMap(\.rate)
        return rates.isEmpty ? nil : rates.reduce(0, +) / Double(rates.count)
    }
}

public enum ErrorRate {
    /// Whitespace-separated words.
    public static func words(_ s: String) -> [Substring] { s.split(whereSeparator: { $0.isWhitespace }) }

    /// Characters after collapsing whitespace runs to one space and trimming.
    public static func characters(_ s: String) -> [Character] { Array(words(s).joined(separator: " ")) }

    public static func wordCounts(reference: String, hypothesis: String) -> EditCounts {
        EditDistance.counts(reference: words(reference), hypothesis: words(hypothesis))
    }

    public static func characterCounts(reference: String, hypothesis: String) -> EditCounts {
        EditDistance.counts(reference: characters(reference), hypothesis: characters(hypothesis))
    }

    /// WER over a corpus (pairs in order).
    public static func wordErrorRate(references: [String], hypotheses: [String]) throws(CTCError) -> ErrorRateReport {
        try report(.word, references, hypotheses, wordCounts)
    }

    /// CER over a corpus (pairs in order).
    public static func characterErrorRate(references: [String], hypotheses: [String]) throws(CTCError) -> ErrorRateReport {
        try report(.character, references, hypotheses, characterCounts)
    }

    static func report(_ unit: ErrorRateReport.Unit, _ refs: [String], _ hyps: [String],
                       _ f: (String, String) -> EditCounts) throws(CTCError) -> ErrorRateReport {
        guard refs.count == hyps.count else {
            throw .shapeMismatch("\(refs.count) references but \(hyps.count) hypotheses")
        }
        let per = zip(refs, hyps).map { f($0, $1) }
        return ErrorRateReport(unit: unit, totals: per.reduce(EditCounts(), +), perUtterance: per)
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

    /// Writes `entries` to `url` (UTF-8).
    public static func write(_ entries: [(id: String, text: String)], to url: URL) throws {
        try contents(entries).write(to: url, atomically: true, encoding: .utf8)
    }
}
