// `corpus stats` reports what would hurt training (issue 8, item 17): duplicate ids, audio that does not decode
// although its header reads (only `--decode` finds it: the index reads headers), and transcripts longer than CTC
// can align in their audio's frames.
import Audio
import Foundation
import XCTest

final class CorpusStatsBadInputTests: XCTestCase {
    private func tone(seconds: Double) -> Waveform {
        Waveform(samples: (0..<Int(seconds * 16000)).map { Float(sin(Double($0) * 0.07) * 0.4) }, sampleRate: 16000)
    }

    func testStatsReportDuplicatesUndecodableAudioAndLabelsTooLong() throws {
        let root = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let ch = root.appendingPathComponent("train/100/10")
        try FileManager.default.createDirectory(at: ch, withIntermediateDirectories: true)
        try AudioFile.write(tone(seconds: 1), to: ch.appendingPathComponent("100-10-0000.flac").path)
        try AudioFile.write(tone(seconds: 0.1), to: ch.appendingPathComponent("100-10-0001.flac").path)
        let damaged = ch.appendingPathComponent("100-10-0002.flac")
        try AudioFile.write(tone(seconds: 1), to: damaged.path)
        var bytes = [UInt8](try Data(contentsOf: damaged))
        for i in (bytes.count / 2)..<(bytes.count - 4) { bytes[i] = UInt8(truncatingIfNeeded: i &* 131) }
        try Data(bytes).write(to: damaged)
        XCTAssertNoThrow(try AudioFile.info(damaged.path), "the header still reads, so opening the corpus cannot tell")
        try "100-10-0000 HELLO\n100-10-0001 A SENTENCE FAR TOO LONG FOR ONE TENTH OF A SECOND\n100-10-0002 DAMAGED\n100-10-0000 HELLO AGAIN\n"
            .write(to: ch.appendingPathComponent("100-10.trans.txt"), atomically: true, encoding: .utf8)

        func stats(_ extra: [String]) throws -> [String: Any] {
            let r = try TrellisBinary.run(["corpus", "stats", root.path, "--json"] + extra)
            XCTAssertEqual(r.status, 0, r.stderr)
            let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            return try XCTUnwrap((object?["subsets"] as? [[String: Any]])?.first)
        }
        let plain = try stats([])
        XCTAssertTrue(plain["undecodable"] is NSNull, "\(plain)")
        let tooLong = try XCTUnwrap(plain["labels_too_long"] as? [[String: Any]])
        XCTAssertEqual(tooLong.map { $0["id"] as? String }, ["100-10-0001"])
        XCTAssertEqual(tooLong.first?["available_frames"] as? Int, 4, "0.1 s: 1 + 1600/200 = 9 features, stride 2")
        let skipped = try XCTUnwrap(plain["skipped_reasons"] as? [[String: Any]])
        XCTAssertEqual(skipped.map { $0["reason"] as? String }, ["duplicate utterance id"])

        let decoded = try stats(["--decode"])
        let bad = try XCTUnwrap(decoded["undecodable"] as? [[String: Any]])
        XCTAssertEqual(bad.map { $0["path"] as? String }, [damaged.path])
    }
}
