// The reader on hand-built trees: every defect is counted under its reason, nothing defective reaches training,
// and the on-disk index is reused until a file's mtime changes.
import XCTest
import Audio
@testable import Corpus

final class LibriSpeechReaderTests: XCTestCase {
    /// train/100/10: 3 good utterances, one with a digit, one transcript line without audio, one audio without a
    /// line, one corrupt file; test/200/20: 2 good utterances.
    func makeTree() throws -> String {
        let root = try TestTree.temporaryDirectory()
        let ch = root + "/train/100/10"
        for i in 0..<3 { try TestTree.writeAudio(TestTree.tone(seconds: 0.5 + 0.25 * Double(i), seed: i), to: ch + "/100-10-000\(i).flac") }
        try TestTree.writeAudio(TestTree.tone(seconds: 0.4, seed: 9), to: ch + "/100-10-0003.flac")
        try TestTree.writeAudio(TestTree.tone(seconds: 0.4, seed: 8), to: ch + "/100-10-0005.flac")
        try TestTree.write("not audio at all", to: ch + "/100-10-0006.flac")
        try TestTree.write("""
            100-10-0000 HELLO WORLD
            100-10-0001 IT'S A TEST
            100-10-0002 THREE WORDS HERE
            100-10-0003 ROOM 101
            100-10-0004 NO AUDIO FOR THIS ONE
            100-10-0006 CORRUPT FILE

            """, to: ch + "/100-10.trans.txt")
        let ch2 = root + "/test/200/20"
        for i in 0..<2 { try TestTree.writeAudio(TestTree.tone(seconds: 1.0, seed: 10 + i), to: ch2 + "/200-20-000\(i).flac") }
        try TestTree.write("200-20-0000 GOOD MORNING\n200-20-0001 GOOD NIGHT\n", to: ch2 + "/200-20.trans.txt")
        return root
    }

    func testReadsSubsetsAndReportsEveryDefect() throws {
        let root = try makeTree()
        let corpus = try SpeechCorpus.open(root)
        XCTAssertEqual(corpus.subsets.map(\.name), ["test", "train"])
        let train = try corpus.subset("train")
        XCTAssertEqual(train.utterances.map(\.id), ["100-10-0000", "100-10-0001", "100-10-0002"])
        XCTAssertEqual(train.utterances[1].text, "it's a test")
        XCTAssertEqual(train.utterances[1].transcript, "IT'S A TEST")
        XCTAssertEqual(train.utterances[1].duration, 0.75, accuracy: 1e-9)
        XCTAssertEqual(train.utterances[0].labels, [9, 6, 13, 13, 16, 1, 24, 16, 19, 13, 5])
        let reasons = Dictionary(grouping: train.skipped, by: \.reason).mapValues(\.count)
        XCTAssertEqual(reasons, [.outsideAlphabet: 1, .transcriptWithoutAudio: 1, .audioWithoutTranscript: 1, .unreadableAudio: 1])
        XCTAssertTrue(train.skipped.first { $0.reason == .outsideAlphabet }!.detail.contains("'1'"))
        XCTAssertTrue(train.skipped.first { $0.reason == .outsideAlphabet }!.location.hasSuffix("100-10.trans.txt:4"))
        XCTAssertEqual(try corpus.subset("test").utterances.count, 2)
        XCTAssertThrowsError(try corpus.subset("dev"))
        // A subset directory opens on its own too.
        XCTAssertEqual(try SpeechCorpus.open(root + "/test").utterances.count, 2)
    }

    func testIndexIsReusedUntilMtimeChanges() throws {
        let root = try makeTree()
        let first = try SpeechCorpus.open(root)
        XCTAssertEqual(first.indexHits, 0)
        XCTAssertEqual(first.indexMisses, 6)                 // 5 good + the corrupt one
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/.trellis-index.tsv"))
        let second = try SpeechCorpus.open(root)
        XCTAssertEqual(second.indexHits, 5)                  // the corrupt file is never cached
        XCTAssertEqual(second.utterances, first.utterances)
        // Rewrite one file with a different length: its stale header must not be reused.
        let path = root + "/train/100/10/100-10-0000.flac"
        try AudioFile.write(TestTree.tone(seconds: 2.0, seed: 0), to: path)
        let later = Date().addingTimeInterval(5)
        try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: path)
        let third = try SpeechCorpus.open(root)
        XCTAssertEqual(third.indexHits, 4)
        XCTAssertEqual(try third.subset("train").utterances[0].duration, 2.0, accuracy: 1e-9)
    }

    func testRejectsDirectoriesWithoutTheLayout() throws {
        let root = try TestTree.temporaryDirectory()
        try TestTree.write("x", to: root + "/a/b.txt")
        XCTAssertThrowsError(try SpeechCorpus.open(root)) { XCTAssertTrue("\($0)".contains("no LibriSpeech layout")) }
        XCTAssertThrowsError(try SpeechCorpus.open(root + "/missing"))
    }
}
