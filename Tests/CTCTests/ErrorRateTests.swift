import XCTest
import Foundation
@testable import CTC

final class ErrorRateTests: XCTestCase {
    func testHandMadeCounts() {
        // the cat sat on the mat → the bat sat the mat now : 1 sub (cat→bat), 1 del (on), 1 ins (now).
        var c = ErrorRate.wordCounts(reference: "the cat sat on the mat", hypothesis: "the bat sat the mat now")
        XCTAssertEqual(c, EditCounts(substitutions: 1, deletions: 1, insertions: 1, referenceLength: 6))
        XCTAssertEqual(c.rate!, 0.5, accuracy: 1e-15)
        c = ErrorRate.wordCounts(reference: "a b c", hypothesis: "")
        XCTAssertEqual(c, EditCounts(deletions: 3, referenceLength: 3))
        c = ErrorRate.wordCounts(reference: "", hypothesis: "x y")
        XCTAssertEqual(c, EditCounts(insertions: 2, referenceLength: 0))
        XCTAssertNil(c.rate)
        // Whitespace runs and a trailing space do not create words.
        XCTAssertEqual(ErrorRate.wordCounts(reference: "hello  world", hypothesis: "hello world ").errors, 0)
        // Characters, spaces included: "abc d" → "abd  dx": del c, ins x.
        c = ErrorRate.characterCounts(reference: "abc d", hypothesis: "abd  dx")
        XCTAssertEqual(c, EditCounts(substitutions: 1, deletions: 0, insertions: 1, referenceLength: 5))
        // kitten → sitting: the classic 2 subs + 1 ins.
        XCTAssertEqual(EditDistance.counts(reference: Array("kitten"), hypothesis: Array("sitting")),
                       EditCounts(substitutions: 2, insertions: 1, referenceLength: 6))
    }

    func testCorpusVersusMeanOfUtterances() throws {
        let r = try ErrorRate.wordErrorRate(references: ["a b c d", "e f", ""], hypotheses: ["a b c d", "x", "z"])
        XCTAssertEqual(r.totals, EditCounts(substitutions: 1, deletions: 1, insertions: 1, referenceLength: 6))
        XCTAssertEqual(r.corpusRate!, 3.0 / 6.0, accuracy: 1e-15)
        XCTAssertEqual(r.meanPerUtteranceRate!, (0.0 + 1.0) / 2.0, accuracy: 1e-15)
        XCTAssertThrowsError(try ErrorRate.wordErrorRate(references: ["a"], hypotheses: []))
    }

    func testTrnLines() throws {
        XCTAssertEqual(try TrnWriter.line(id: "spk1-utt2", text: " hello   world "), "hello world (spk1-utt2)")
        XCTAssertEqual(try TrnWriter.line(id: "u", text: ""), "(u)")
        XCTAssertThrowsError(try TrnWriter.line(id: "a b", text: "x"))
        XCTAssertThrowsError(try TrnWriter.line(id: "a", text: "x (y)"))
    }

    /// sclite's weights (substitution 4, insertion and deletion 3) pick the alignment of least weight, not of
    /// fewest edits; the notebook's per-utterance mean keeps the Levenshtein distance.
    func testScliteAlignmentIsNotAlwaysTheFewestEdits() throws {
        let r = "a b c d e", h = "d e x y z"
        // Enumerated by hand: 5 substitutions weigh 20; deleting a b c, keeping d e, inserting x y z weighs 18.
        XCTAssertEqual(ErrorRate.wordCounts(reference: r, hypothesis: h), EditCounts(deletions: 3, insertions: 3, referenceLength: 5))
        XCTAssertEqual(EditDistance.levenshtein(reference: ErrorRate.words(r), hypothesis: ErrorRate.words(h)), 5)
        let report = try ErrorRate.wordErrorRate(references: [r], hypotheses: [h])
        XCTAssertEqual(report.corpusRate!, 6.0 / 5.0, accuracy: 1e-15)
        XCTAssertEqual(report.meanPerUtteranceRate!, 5.0 / 5.0, accuracy: 1e-15)
    }

    /// Levenshtein against a brute-force recursion over every alignment, on all short strings over {a, b}.
    func testLevenshteinAgainstRecursion() {
        func brute(_ r: ArraySlice<Character>, _ h: ArraySlice<Character>) -> Int {
            guard let x = r.first else { return h.count }
            guard let y = h.first else { return r.count }
            return min(brute(r.dropFirst(), h.dropFirst()) + (x == y ? 0 : 1), brute(r.dropFirst(), h) + 1, brute(r, h.dropFirst()) + 1)
        }
        var all: [[Character]] = [[]], layer: [[Character]] = [[]]
        for _ in 0..<4 { layer = layer.flatMap { [$0 + ["a"], $0 + ["b"]] }; all += layer }
        for r in all { for h in all {
            XCTAssertEqual(EditDistance.levenshtein(reference: r, hypothesis: h), brute(r[...], h[...]), "\(r) \(h)")
        } }
    }

    /// Words and characters compare case-insensitively, as sclite does without -s.
    func testCaseIsFolded() {
        XCTAssertEqual(ErrorRate.wordCounts(reference: "Hello World", hypothesis: "hello WORLD").errors, 0)
        XCTAssertEqual(ErrorRate.characterCounts(reference: "Ab", hypothesis: "aB").errors, 0)
    }

    /// The JSON reply: snake_case keys, both error rates nested, an undefined rate as an explicit null.
    func testReplyKeys() throws {
        let words = try ErrorRate.wordErrorRate(references: ["a b", ""], hypotheses: ["a c", "x"])
        let chars = try ErrorRate.characterErrorRate(references: ["", ""], hypotheses: ["x", ""])
        let data = try JSONEncoder().encode(ErrorRateReply(words: words, characters: chars))
        let obj = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
        XCTAssertEqual(Set(obj.keys), ["wer", "cer"])
        XCTAssertEqual(Set(obj["wer"]!.keys), ["unit", "utterances", "errors", "substitutions", "deletions", "insertions",
                                                "correct", "reference_length", "rate", "utterance_mean"])
        XCTAssertEqual(obj["wer"]!["unit"] as? String, "word")
        XCTAssertEqual(obj["wer"]!["errors"] as? Int, 2)
        XCTAssertEqual(obj["wer"]!["rate"] as? Double, 1.0)
        XCTAssertEqual(obj["wer"]!["utterance_mean"] as? Double, 0.5)
        XCTAssertTrue(obj["cer"]!["rate"] is NSNull)
        XCTAssertEqual(try JSONDecoder().decode(ErrorRateReply.self, from: data), ErrorRateReply(words: words, characters: chars))
    }
}
