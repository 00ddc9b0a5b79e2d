// What a corpus reader must survive from the outside world: Windows line ends, a stray Latin-1 byte, an utterance
// listed twice, a damaged or hostile `.trellis-index.tsv`. Each case was a defect (issue 8): the test fails on the
// old reader and says what the reader does now.
import XCTest
import Audio
@testable import Corpus

final class HostileInputTests: XCTestCase {
    /// One chapter, 100/10, with three 0.5 s utterances and the given transcript bytes.
    private func chapter(transcript: [UInt8]) throws -> String {
        let root = try TestTree.temporaryDirectory()
        let ch = root + "/train/100/10"
        for i in 0..<3 { try TestTree.writeAudio(TestTree.tone(seconds: 0.5, seed: i), to: ch + "/100-10-000\(i).flac") }
        try Data(transcript).write(to: URL(fileURLWithPath: ch + "/100-10.trans.txt"))
        return root
    }

    private let threeLines = "100-10-0000 HELLO WORLD\n100-10-0001 GOOD MORNING\n100-10-0002 GOOD NIGHT\n"

    /// Before: a CRLF transcript was one "line", so every file was "audio without transcript" (0 utterances).
    func testCRLFTranscriptsReadLikeLF() throws {
        let root = try chapter(transcript: Array(threeLines.replacingOccurrences(of: "\n", with: "\r\n").utf8))
        let train = try SpeechCorpus.open(root, useIndex: false).subset("train")
        XCTAssertEqual(train.utterances.map(\.text), ["hello world", "good morning", "good night"])
        XCTAssertEqual(train.skipped, [])
    }

    /// Before: one Latin-1 byte made the whole chapter "no 100-10.trans.txt in the chapter folder".
    func testANonUTF8LineIsSkippedAloneWithItsLineNumber() throws {
        var bytes = Array(threeLines.utf8)
        let at = bytes.firstIndex(of: UInt8(ascii: "M"))!       // GOOD MORNING → GOOD M\xE9RNING on line 2
        bytes[at] = 0xE9
        let root = try chapter(transcript: bytes)
        let train = try SpeechCorpus.open(root, useIndex: false).subset("train")
        XCTAssertEqual(train.utterances.map(\.id), ["100-10-0000", "100-10-0002"], "the readable lines are kept")
        let bad = train.skipped.filter { $0.reason == .notUTF8 }
        XCTAssertEqual(bad.count, 1)
        XCTAssertTrue(bad[0].location.hasSuffix("100-10.trans.txt:2"), bad[0].location)
        XCTAssertTrue(bad[0].detail.hasPrefix("100-10-0001: "), bad[0].detail)
        XCTAssertEqual(train.skipped.count, 1, "its audio is not listed again as without transcript: \(train.skipped)")
        XCTAssertFalse(train.skipped.contains { $0.detail.contains("no 100-10.trans.txt") })
    }

    /// Before: a line given twice was trained twice without a word.
    func testDuplicateTranscriptLinesAreReportedAndUsedOnce() throws {
        let root = try chapter(transcript: Array((threeLines + "100-10-0001 GOOD EVENING\n").utf8))
        let train = try SpeechCorpus.open(root, useIndex: false).subset("train")
        XCTAssertEqual(train.utterances.map(\.id), ["100-10-0000", "100-10-0001", "100-10-0002"])
        XCTAssertEqual(train.utterances[1].text, "good morning", "the first line wins")
        let dup = train.skipped.filter { $0.reason == .duplicateID }
        XCTAssertEqual(dup.count, 1)
        XCTAssertTrue(dup[0].location.hasSuffix("100-10.trans.txt:4"), dup[0].location)
        XCTAssertTrue(dup[0].detail.contains("line 2"), dup[0].detail)
    }

    func testTheSameUtteranceAsFLACAndWAVIsUsedOnce() throws {
        let root = try chapter(transcript: Array(threeLines.utf8))
        try AudioFile.write(TestTree.tone(seconds: 0.5, seed: 7), to: root + "/train/100/10/100-10-0001.wav")
        let train = try SpeechCorpus.open(root, useIndex: false).subset("train")
        XCTAssertEqual(train.utterances.map(\.id), ["100-10-0000", "100-10-0001", "100-10-0002"])
        XCTAssertTrue(train.utterances[1].audioPath.hasSuffix(".flac"))
        XCTAssertEqual(train.skipped.map(\.reason), [.duplicateID])
    }

    /// Before: an index line with 9e18 frames (mtime and size matching) was trusted: 156 billion hours, and batching
    /// trapped on overflow. Now the header is read again and the entry repaired.
    func testAnImplausibleIndexEntryIsReadAgain() throws {
        let root = try chapter(transcript: Array(threeLines.utf8))
        let honest = try SpeechCorpus.open(root)
        XCTAssertEqual(honest.indexMisses, 3)
        let indexPath = try XCTUnwrap(honest.indexPath)
        let text = try String(contentsOfFile: indexPath, encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        var fields = lines[1].split(separator: "\t").map(String.init)
        fields[3] = "9000000000000000000"
        lines[1] = fields.joined(separator: "\t")
        var rate = lines[2].split(separator: "\t").map(String.init)
        rate[4] = "0"                                               // a zero rate: infinite durations
        lines[2] = rate.joined(separator: "\t")
        try (lines.joined(separator: "\r\n") + "\r\n").write(toFile: indexPath, atomically: true, encoding: .utf8)

        let reopened = try SpeechCorpus.open(root)
        XCTAssertEqual(reopened.indexHits, 1, "the one plausible entry (CRLF and all) is reused")
        XCTAssertEqual(reopened.indexMisses, 2)
        XCTAssertEqual(reopened.utterances, honest.utterances)
        XCTAssertLessThan(try reopened.subset("train").hours, 1)
        let batches = BatchPlan.make(reopened.utterances, batchSize: 2, shuffle: false, seed: 0, epoch: 0)
        XCTAssertEqual(batches.flatMap { $0 }.sorted(), [0, 1, 2])
    }

    /// An id in two subsets (a test utterance also trained on) is listed by the corpus, not silently kept.
    func testIdsInSeveralSubsetsAreListed() throws {
        let root = try chapter(transcript: Array(threeLines.utf8))
        try TestTree.writeAudio(TestTree.tone(seconds: 0.5, seed: 5), to: root + "/test/100/10/100-10-0001.flac")
        try TestTree.write("100-10-0001 GOOD MORNING\n", to: root + "/test/100/10/100-10.trans.txt")
        let corpus = try SpeechCorpus.open(root, useIndex: false)
        XCTAssertEqual(corpus.idsInSeveralSubsets.map(\.id), ["100-10-0001"])
        XCTAssertEqual(corpus.idsInSeveralSubsets.first?.subsets, ["test", "train"])
    }

    func testPlausibilityRule() {
        typealias E = AudioHeaderCache.Entry
        XCTAssertTrue(E(mtime: 1, size: 10, frames: 16000, sampleRate: 16000).isPlausible)
        XCTAssertFalse(E(mtime: 1, size: 10, frames: 9_000_000_000_000_000_000, sampleRate: 16000).isPlausible)
        XCTAssertFalse(E(mtime: 1, size: 10, frames: -1, sampleRate: 16000).isPlausible)
        XCTAssertFalse(E(mtime: 1, size: 10, frames: 100, sampleRate: 0).isPlausible)
        XCTAssertFalse(E(mtime: 1, size: 10, frames: 100, sampleRate: Int.max).isPlausible)
    }

    /// Batching orders by duration without multiplying into an overflow, whatever the frame counts.
    func testBatchPlanSurvivesHugeFrameCounts() {
        func utt(_ id: String, _ frames: Int, _ rate: Int) -> Utterance {
            Utterance(id: id, subset: "s", speaker: "1", chapter: "1", audioPath: "/x", transcript: "A", text: "a",
                      frames: frames, sampleRate: rate)
        }
        let u = [utt("a", Int.max / 2, 1_000_000), utt("b", 16000, 16000), utt("c", Int.max, 8000)]
        XCTAssertEqual(BatchPlan.make(u, batchSize: 1, shuffle: false, seed: 0, epoch: 0), [[1], [0], [2]])
    }
}

/// `corpus stats` names the utterances CTC cannot align: more labels (plus a blank between repeats) than the frames
/// the model sees (16 kHz, hop 200, stride 2: one frame per 400 samples).
final class LabelsTooLongTests: XCTestCase {
    private func utt(_ id: String, seconds: Double, text: String) -> Utterance {
        Utterance(id: id, subset: "s", speaker: "1", chapter: "1", audioPath: "/x", transcript: text.uppercased(), text: text,
                  frames: Int(seconds * 16000), sampleRate: 16000)
    }

    func testUtterancesTooShortForTheirTranscriptAreListed() {
        let subset = CorpusSubset(name: "s", directory: "/x", utterances: [
            utt("1-1-0", seconds: 0.1, text: "hello world"),     // 1 + 1600/200 = 9 features → 4 frames; needs 11 + 1
            utt("1-1-1", seconds: 2.0, text: "hello world"),     // 80 frames
        ], skipped: [])
        let stats = SubsetStats(subset)
        XCTAssertEqual(stats.tooLong.map(\.id), ["1-1-0"])
        XCTAssertEqual(stats.tooLong.first?.needed, 12)
        XCTAssertEqual(stats.tooLong.first?.available, 4)
        XCTAssertEqual(FrameBudget.notebook.modelFrames(utt("x", seconds: 1, text: "a")), 40)
        // An 8 kHz file is resampled to 16 kHz first, so it gets as many frames per second.
        var slow = utt("x", seconds: 1, text: "a"); slow.frames = 8000; slow.sampleRate = 8000
        XCTAssertEqual(FrameBudget.notebook.modelFrames(slow), 40)
    }
}
