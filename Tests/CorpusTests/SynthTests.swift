// The generator end to end: a small corpus is synthesised, then read back by the LibriSpeech reader.
import XCTest
import Audio
@testable import Corpus

final class SynthTests: XCTestCase {
    func testSentenceFilterKeepsOnlySpeakableText() {
        let s = SentenceSource.sentences(fromParagraphs: [
            "The cat sat on the mat. Dr. Smith went home today. It cost 5 dollars, they said!",
            "IBM makes big machines now. Isn't it a lovely day to walk outside? Too short.",
            "\"Well,\" she said, \"the quick brown fox jumps over the lazy dog.\"\n\t-- Anonymous",
        ], minWords: 3, maxWords: 25)
        // "Dr." ends a sentence of its own (dropped: one word); what follows is speakable as written.
        XCTAssertEqual(s.map(\.text), ["the cat sat on the mat", "smith went home today", "isn't it a lovely day to walk outside",
                                        "well she said the quick brown fox jumps over the lazy dog"])
        XCTAssertFalse(s[2].spoken.contains("\""))
    }

    func testFortunesGiveThousandsOfSentences() throws {
        let s = try SentenceSource.fortunes()
        XCTAssertGreaterThan(s.count, 3000)
        for x in s.prefix(500) {
            XCTAssertTrue((3...25).contains(x.words))
            XCTAssertTrue(x.text.allSatisfy { $0 == " " || $0 == "'" || ("a"..."z").contains($0) }, x.text)
        }
    }

    func testSynthesisedCorpusReadsBackAndIsDeterministic() throws {
        let out = try TestTree.temporaryDirectory()
        let words = ["red", "green", "little", "happy", "old", "quiet", "bright", "cold", "small", "brave"]
        let nouns = ["cat", "house", "river", "garden", "teacher", "window", "bird", "road", "boat", "letter"]
        var lines: [String] = []
        for i in 0..<40 { lines.append("The \(words[i % 10]) \(nouns[(i * 3) % 10]) was near the \(nouns[(i * 7 + 1) % 10]) \(i % 2 == 0 ? "today" : "again").") }
        try lines.joined(separator: "\n").write(toFile: out + "/text.txt", atomically: true, encoding: .utf8)
        var o = SynthOptions(output: out + "/a", trainCount: 8, testCount: 4)
        o.textFile = out + "/text.txt"
        o.seed = 7
        o.maxWords = 8
        o.noiseSNR = 20...30
        let report = try Synthesizer.run(o)
        XCTAssertEqual(report.failures, [])
        XCTAssertEqual(report.trainUtterances, 8)
        XCTAssertEqual(report.testUtterances, 4)
        XCTAssertEqual(report.utterancesPerEngine["espeak"], 6)
        XCTAssertEqual(report.utterancesPerEngine["flite"], 6)

        let corpus = try SpeechCorpus.open(out + "/a")
        XCTAssertEqual(corpus.subsets.map(\.name), ["test", "train"])
        XCTAssertEqual(corpus.skipped, [])
        let train = try corpus.subset("train"), test = try corpus.subset("test")
        XCTAssertEqual(train.utterances.count, 8)
        XCTAssertEqual(test.utterances.count, 4)
        XCTAssertTrue(train.speakers.isDisjoint(with: test.speakers))
        XCTAssertTrue(Set(train.utterances.map(\.text)).isDisjoint(with: Set(test.utterances.map(\.text))))
        for u in corpus.utterances {
            XCTAssertEqual(u.sampleRate, 16000)
            XCTAssertTrue(u.duration > 0.3 && u.duration <= 12, "\(u.id) \(u.duration)")
            XCTAssertEqual(u.transcript, u.text.uppercased())
        }
        // Held-out voices: SPEAKERS.txt names awb / m4 / f4 only for test speakers.
        let speakers = try String(contentsOfFile: out + "/a/SPEAKERS.txt", encoding: .utf8)
        for line in speakers.split(separator: "\n") where line.contains("| train |") {
            XCTAssertFalse(line.contains("awb") || line.contains("+m4") || line.contains("+f4"), String(line))
        }

        // Same seed, one job instead of two: identical audio and transcripts.
        o.output = out + "/b"
        o.jobs = 1
        _ = try Synthesizer.run(o)
        let again = try SpeechCorpus.open(out + "/b")
        XCTAssertEqual(again.utterances.map(\.id), corpus.utterances.map(\.id))
        XCTAssertEqual(again.utterances.map(\.text), corpus.utterances.map(\.text))
        for (x, y) in zip(corpus.utterances, again.utterances) {
            XCTAssertEqual(try AudioFile.load(x.audioPath).samples, try AudioFile.load(y.audioPath).samples)
        }
    }
}
