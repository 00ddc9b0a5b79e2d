// `corpus text`: a subset's transcripts as the plain text `lm build` reads, checked against the transcript lines
// written by hand into a two-subset corpus (lower case, id order, no ids, the other subset left out).
import Foundation
import XCTest

final class CorpusTextCommandTests: XCTestCase {
    func testWritesTheSubsetsSentencesInIdOrder() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let audio = root.appendingPathComponent("fixtures/audio/speech16k.flac").path
        let transcripts = [("train", "1", ["1-10-0001 THE DOG'S BONE", "1-10-0000 A CAT SAT"]), ("test", "2", ["2-10-0000 HELD OUT"])]
        for (subset, speaker, lines) in transcripts {
            let chapter = dir.appendingPathComponent("corpus/\(subset)/\(speaker)/10")
            try FileManager.default.createDirectory(at: chapter, withIntermediateDirectories: true)
            for line in lines {
                let id = String(line.prefix(while: { $0 != " " }))
                try FileManager.default.copyItem(atPath: audio, toPath: chapter.appendingPathComponent("\(id).flac").path)
            }
            try (lines.joined(separator: "\n") + "\n").write(to: chapter.appendingPathComponent("\(speaker)-10.trans.txt"),
                                                              atomically: true, encoding: .utf8)
        }
        let result = try TrellisBinary.run(["corpus", "text", "corpus", "--out", "train.txt", "--json"], currentDirectory: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("train.txt"), encoding: .utf8), "a cat sat\nthe dog's bone\n")
        let reply = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(reply["utterances"] as? Int, 2)
        XCTAssertEqual(reply["tokens"] as? Int, 6)

        let missing = try TrellisBinary.run(["corpus", "text", "corpus", "--subset", "dev", "--out", "x.txt"], currentDirectory: dir)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("no subset 'dev'"), missing.stderr)
    }
}
