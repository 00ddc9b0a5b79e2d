// WER and CER against NIST sclite: every case under fixtures/golden/sclite/ is read and paired by
// `TranscriptPairs` (format detected from the file) and scored by `ErrorRate`; the counts must equal sclite's,
// per utterance and in total, as tools/golden_sclite.py recorded them (`sctk sclite ... -i rm -o pra`).
// Cases sclite refuses must be refused too. sctk is not needed here: the goldens are committed.
import XCTest
import Foundation
@testable import CTC

final class ErrorRateGoldenTests: XCTestCase {
    struct Golden: Decodable {
        let sclite: String
        let cases: [String: Case]
    }
    struct Case: Decodable {
        let what: String
        let status: String
        let reference: String
        let hypothesis: String
        let words: Totals?
        let characters: Totals?
        /// id → [C, S, D, I]
        let utterances: [String: [String: [Int]]]?
    }
    struct Totals: Decodable, Equatable {
        let C, S, D, I, N: Int
    }

    static func golden() throws -> Golden { try Fixture.json("sclite/sclite_counts.json", as: Golden.self) }

    static func pairs(_ name: String, _ c: Case) throws -> TranscriptPairs {
        try TranscriptPairs.read(reference: Fixture.url("sclite/\(name)/\(c.reference)").path,
                                 hypothesis: Fixture.url("sclite/\(name)/\(c.hypothesis)").path)
    }

    static func totals(_ c: EditCounts) -> Totals {
        Totals(C: c.correct, S: c.substitutions, D: c.deletions, I: c.insertions, N: c.referenceLength)
    }

    func testEveryCaseAgreesWithSclite() throws {
        let golden = try Self.golden()
        XCTAssertGreaterThanOrEqual(golden.cases.count, 14, "the golden file lost cases")
        for (name, c) in golden.cases.sorted(by: { $0.key < $1.key }) where c.status == "ok" {
            let p = try Self.pairs(name, c)
            let words = try ErrorRate.wordErrorRate(references: p.references, hypotheses: p.hypotheses)
            let chars = try ErrorRate.characterErrorRate(references: p.references, hypotheses: p.hypotheses)
            XCTAssertEqual(Self.totals(words.totals), c.words, "\(name) (\(c.what)): words")
            XCTAssertEqual(Self.totals(chars.totals), c.characters, "\(name) (\(c.what)): characters")
            // The same utterances are scored (sclite leaves out reference ids without a hypothesis) ...
            let expected = try XCTUnwrap(c.utterances)
            XCTAssertEqual(Set(p.trnIDs), Set(expected.keys), name)
            // ... with the same counts each.
            for (i, id) in p.trnIDs.enumerated() {
                let w = words.perUtterance[i], ch = chars.perUtterance[i]
                XCTAssertEqual([w.correct, w.substitutions, w.deletions, w.insertions], expected[id]?["words"], "\(name) \(id) words")
                XCTAssertEqual([ch.correct, ch.substitutions, ch.deletions, ch.insertions], expected[id]?["characters"], "\(name) \(id) characters")
            }
            let allIDs = p.reference.utterances.map { $0.id ?? "" }
            XCTAssertEqual(p.unpairedReferenceIDs, p.reference.format.hasIDs ? allIDs.filter { expected[$0] == nil } : [], name)
        }
    }

    func testCasesScliteRefusesAreRefused() throws {
        let golden = try Self.golden()
        let refused = golden.cases.filter { $0.value.status == "error" }
        XCTAssertEqual(Set(refused.keys), ["unpaired_hypothesis", "duplicate_id"])
        XCTAssertThrowsError(try Self.pairs("unpaired_hypothesis", refused["unpaired_hypothesis"]!)) { e in
            guard case .hypothesesWithoutReference(_, let ids) = e as? TranscriptError else { return XCTFail("\(e)") }
            XCTAssertEqual(ids, ["a_9"])
        }
        XCTAssertThrowsError(try Self.pairs("duplicate_id", refused["duplicate_id"]!)) { e in
            guard case .duplicateID(_, "a_1", 1, 2) = e as? TranscriptError else { return XCTFail("\(e)") }
        }
    }

    /// The named behaviours, read off the goldens: what each case is there to show.
    func testWhatTheCasesShow() throws {
        let g = try Self.golden().cases
        // Every hypothesis empty: WER is exactly 100 % (the demo's early epochs; the old line pairing said 91.49 %).
        let demo = try ErrorRate.wordErrorRate(references: Self.pairs("demo_all_empty", g["demo_all_empty"]!).references,
                                               hypotheses: Self.pairs("demo_all_empty", g["demo_all_empty"]!).hypotheses)
        XCTAssertEqual(demo.corpusRate, 1.0)
        // Unpaired reference ids are left out, not counted as deletions.
        let unpaired = try Self.pairs("unpaired_reference", g["unpaired_reference"]!)
        XCTAssertEqual(unpaired.unpairedReferenceIDs, ["a_3", "b_1"])
        XCTAssertEqual(g["unpaired_reference"]!.words!.D, 0)
        // Out of order: pairs follow the reference file.
        XCTAssertEqual(try Self.pairs("out_of_order", g["out_of_order"]!).trnIDs, ["a_1", "a_2", "b_1", "b_2"])
        // sclite's alignment, not the fewest edits: 10 errors where Levenshtein counts 9.
        let nl = try Self.pairs("not_levenshtein", g["not_levenshtein"]!)
        let words = try ErrorRate.wordErrorRate(references: nl.references, hypotheses: nl.hypotheses)
        XCTAssertEqual(words.totals.errors, 10)
        XCTAssertEqual(words.distances.reduce(0, +), 9)
    }

    /// `wer --trn-out` writes the scored pairs as trn files; read back, they give the same counts.
    func testTrnFilesReadBackToTheSameCounts() throws {
        let golden = try Self.golden()
        for (name, c) in golden.cases where c.status == "ok" {
            let p = try Self.pairs(name, c)
            let ref = try TrnWriter.contents(zip(p.trnIDs, p.references).map { (id: $0, text: $1) })
            let hyp = try TrnWriter.contents(zip(p.trnIDs, p.hypotheses).map { (id: $0, text: $1) })
            let back = try TranscriptPairs(referenceName: "ref.trn", referenceContents: ref, hypothesisName: "hyp.trn", hypothesisContents: hyp)
            XCTAssertEqual(back.reference.format, .trn)
            XCTAssertEqual(back.trnIDs, p.trnIDs, name)
            XCTAssertEqual(try ErrorRate.wordErrorRate(references: back.references, hypotheses: back.hypotheses),
                           try ErrorRate.wordErrorRate(references: p.references, hypotheses: p.hypotheses), name)
            XCTAssertEqual(try ErrorRate.characterErrorRate(references: back.references, hypotheses: back.hypotheses),
                           try ErrorRate.characterErrorRate(references: p.references, hypotheses: p.hypotheses), name)
        }
    }
}
