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

    /// Cross-check the corpus WER and counts with NIST sclite (Debian sctk) when it is installed.
    func testAgainstSclite() throws {
        let candidates = ["/usr/lib/sctk/bin/sclite", "/usr/bin/sclite", "/usr/local/bin/sclite"]
        guard let sclite = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("sclite (Debian package sctk) is not installed")
        }
        let refs = ["the cat sat on the mat", "hello world", "a quick brown fox jumps", "one two three", "it's fine"]
        let hyps = ["the bat sat the mat now", "hello word", "quick brown fox jumped over", "one two three", "its fine"]
        let ids = (0..<refs.count).map { "spk_\($0)" }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ctc-sclite-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try TrnWriter.write(zip(ids, refs).map { (id: $0, text: $1) }, to: dir.appendingPathComponent("ref.trn"))
        try TrnWriter.write(zip(ids, hyps).map { (id: $0, text: $1) }, to: dir.appendingPathComponent("hyp.trn"))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: sclite)
        p.currentDirectoryURL = dir
        p.arguments = ["-r", "ref.trn", "trn", "-h", "hyp.trn", "trn", "-i", "rm", "-o", "sum", "stdout"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = Pipe()
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        // | Sum/Avg|    5     18   |  Corr   Sub   Del   Ins   Err  S.Err | (percentages)
        guard let line = out.split(separator: "\n").first(where: { $0.contains("Sum/Avg") }) else {
            return XCTFail("no Sum/Avg line in sclite output:\n\(out)")
        }
        print("sclite:", line)
        let nums = line.split(whereSeparator: { $0 == "|" || $0 == " " }).compactMap { Double($0) }
        let mine = try ErrorRate.wordErrorRate(references: refs, hypotheses: hyps)
        let n = Double(mine.totals.referenceLength)
        XCTAssertEqual(nums[1], n)
        XCTAssertEqual(nums[3], (100 * Double(mine.totals.substitutions) / n * 10).rounded() / 10, accuracy: 1e-9, line.description)
        XCTAssertEqual(nums[4], (100 * Double(mine.totals.deletions) / n * 10).rounded() / 10, accuracy: 1e-9)
        XCTAssertEqual(nums[5], (100 * Double(mine.totals.insertions) / n * 10).rounded() / 10, accuracy: 1e-9)
        XCTAssertEqual(nums[6], (100 * mine.corpusRate! * 10).rounded() / 10, accuracy: 1e-9)
    }
}
