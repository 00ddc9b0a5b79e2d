// `wer` end to end through the built `trellis` binary: on every sclite golden case (fixtures/golden/sclite, from
// tools/golden_sclite.py) its JSON counts equal sclite's; the trn files `--trn-out` writes read back to the same
// numbers; unpaired ids are reported; the refusals carry a sentence a student understands.
import Foundation
import XCTest

final class WERCommandTests: XCTestCase {
    private static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/golden/sclite")

    private func wer(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let r = try TrellisBinary.run(["wer"] + arguments + ["--json"])
        XCTAssertEqual(r.status, 0, "\(arguments)\n\(r.stderr)", file: file, line: line)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout, file: file, line: line)
    }

    /// [C, S, D, I, N] of one `wer` or `cer` object.
    private func counts(_ reply: [String: Any], _ key: String) -> [Int] {
        let o = reply[key] as? [String: Any] ?? [:]
        return ["correct", "substitutions", "deletions", "insertions", "reference_length"].map { o[$0] as? Int ?? -1 }
    }

    func testEveryGoldenCaseThroughTheCommand() throws {
        let data = try Data(contentsOf: Self.golden.appendingPathComponent("sclite_counts.json"))
        let cases = try XCTUnwrap((JSONSerialization.jsonObject(with: data) as? [String: Any])?["cases"] as? [String: [String: Any]])
        XCTAssertGreaterThanOrEqual(cases.count, 14)
        let scratch = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        for (name, c) in cases {
            let ref = Self.golden.appendingPathComponent("\(name)/\(c["reference"] as! String)").path
            let hyp = Self.golden.appendingPathComponent("\(name)/\(c["hypothesis"] as! String)").path
            guard c["status"] as? String == "ok" else {
                let r = try TrellisBinary.run(["wer", "--ref", ref, "--hyp", hyp])
                XCTAssertEqual(r.status, 1, name)
                XCTAssertTrue(r.stderr.contains("sclite"), "\(name): \(r.stderr)")
                continue
            }
            func expected(_ key: String) -> [Int] {
                let t = c[key] as! [String: Int]
                return [t["C"]!, t["S"]!, t["D"]!, t["I"]!, t["N"]!]
            }
            let prefix = scratch.appendingPathComponent(name).path
            let reply = try wer(["--ref", ref, "--hyp", hyp, "--trn-out", prefix])
            XCTAssertEqual(counts(reply, "wer"), expected("words"), name)
            XCTAssertEqual(counts(reply, "cer"), expected("characters"), name)
            XCTAssertEqual(reply["utterances"] as? Int, (c["utterances"] as! [String: Any]).count, name)
            // Round trip: the written trn files give the same numbers.
            let back = try wer(["--ref", prefix + ".ref.trn", "--hyp", prefix + ".hyp.trn"])
            XCTAssertEqual((back["reference"] as? [String: Any])?["format"] as? String, "trn")
            for key in ["wer", "cer"] {
                XCTAssertEqual(counts(back, key), counts(reply, key), "\(name) \(key) after --trn-out")
                XCTAssertEqual((back[key] as? [String: Any])?["rate"] as? Double, (reply[key] as? [String: Any])?["rate"] as? Double)
            }
        }
    }

    func testUnpairedIdsAreReported() throws {
        let ref = Self.golden.appendingPathComponent("unpaired_reference/ref.trn").path
        let hyp = Self.golden.appendingPathComponent("unpaired_reference/hyp.trn").path
        let reply = try wer(["--ref", ref, "--hyp", hyp])
        XCTAssertEqual(reply["unpaired_reference_ids"] as? [String], ["a_3", "b_1"])
        XCTAssertEqual((reply["reference"] as? [String: Any])?["utterances"] as? Int, 4)
        XCTAssertEqual(reply["utterances"] as? Int, 2)
        let text = try TrellisBinary.run(["wer", "--ref", ref, "--hyp", hyp])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("2 reference utterance(s) have no hypothesis and are not scored (as sclite): a_3, b_1"), text.stdout)
    }

    func testFormatsAreForcedOrRefused() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ref = dir.appendingPathComponent("ref.txt").path, hyp = dir.appendingPathComponent("hyp.txt").path
        try "u1 the cat\nu2 a dog\n".write(toFile: ref, atomically: true, encoding: .utf8)
        try "u2 a dog\nu1 the hat\n".write(toFile: hyp, atomically: true, encoding: .utf8)
        // Detected as plain text, the ids are words and the lines pair by position: 3 + 3 substitutions.
        XCTAssertEqual(counts(try wer(["--ref", ref, "--hyp", hyp]), "wer"), [0, 6, 0, 0, 6])
        // Forced to trans, they pair by id: one substitution (cat → hat).
        XCTAssertEqual(counts(try wer(["--ref", ref, "--hyp", hyp, "--format", "trans"]), "wer"), [3, 1, 0, 0, 4])
        let bad = try TrellisBinary.run(["wer", "--ref", ref, "--hyp", hyp, "--format", "sgml"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("'trn', 'trans' or 'text'"), bad.stderr)
        // A trn reference against a plain-text hypothesis.
        let trn = dir.appendingPathComponent("ref.trn").path
        try "the cat (u1)\n".write(toFile: trn, atomically: true, encoding: .utf8)
        let mixed = try TrellisBinary.run(["wer", "--ref", trn, "--hyp", hyp])
        XCTAssertEqual(mixed.status, 1)
        XCTAssertTrue(mixed.stderr.contains("cannot be paired"), mixed.stderr)
    }
}
