// Batches: layout, padding, lengths, determinism for a seed, and the prefetching loader visiting every utterance once.
import XCTest
import Audio
import CTC
@testable import Corpus

final class BatchingTests: XCTestCase {
    func makeCorpus(_ n: Int) throws -> [Utterance] {
        let root = try TestTree.temporaryDirectory()
        var trans = ""
        for i in 0..<n {
            let id = String(format: "7-1-%04d", i)
            try TestTree.writeAudio(TestTree.tone(seconds: 0.3 + 0.1 * Double(i % 5), seed: i), to: "\(root)/s/7/1/\(id).flac")
            trans += "\(id) \(["A B", "HELLO", "IT'S TIME", "Z"][i % 4])\n"
        }
        try TestTree.write(trans, to: "\(root)/s/7/1/7-1.trans.txt")
        return try SpeechCorpus.open(root).utterances
    }

    func testBatchLayoutPaddingAndLengths() throws {
        let utts = try makeCorpus(3)
        var mel = MelConfig(); mel.nMels = 16
        let ex = try FeatureExtractor(FeaturePipeline(mel: mel, specAugment: nil))
        let b = try ex.batch(utts, augment: false, seed: 0)
        XCTAssertEqual(b.size, 3)
        XCTAssertEqual(b.featureLengths, [25, 33, 41])       // 1 + samples / 200
        XCTAssertEqual(b.inputLengths, [12, 16, 20])
        XCTAssertEqual(b.maxFrames, 41)
        XCTAssertEqual(b.features.count, 3 * 16 * 41)
        let single = try MelSpectrogram(mel)(AudioFile.load(utts[0].audioPath))
        for m in 0..<16 {
            for t in 0..<41 {
                let v = b.features[(0 * 16 + m) * 41 + t]
                XCTAssertEqual(v, t < 25 ? single[m, t] : 0)
            }
        }
        XCTAssertEqual(b.labelLengths, [3, 5, 9])
        XCTAssertEqual(b.maxLabelLength, 9)
        XCTAssertEqual(Array(b.labels[0..<9]), [2, 1, 3, 28, 28, 28, 28, 28, 28])
        XCTAssertEqual(b.transcripts, ["a b", "hello", "it's time"])
    }

    func testLoaderVisitsEveryUtteranceOnceAndIsReproducible() throws {
        let utts = try makeCorpus(11)
        var mel = MelConfig.logMelNormalized; mel.nMels = 20
        let pipeline = FeaturePipeline(mel: mel, specAugment: SpecAugment(timeMaskParam: 5, freqMaskParam: 4))
        func run(_ seed: UInt64) throws -> [Batch] {
            let loader = try BatchLoader(utterances: utts, batchSize: 4, extractor: try FeatureExtractor(pipeline),
                                         shuffle: true, augment: true, seed: seed, epoch: 2)
            var out: [Batch] = []
            while let b = try loader.next() { out.append(b) }
            XCTAssertNil(try loader.next())
            return out
        }
        let a = try run(5), b = try run(5)
        XCTAssertEqual(a.count, 3)
        XCTAssertEqual(a.flatMap(\.ids).sorted(), utts.map(\.id).sorted())
        XCTAssertEqual(a.map(\.ids), b.map(\.ids))
        XCTAssertEqual(a.map(\.features), b.map(\.features))
        // Length bucketing: within a batch durations are adjacent in sorted order.
        for batch in a {
            let d = batch.featureLengths
            XCTAssertLessThanOrEqual(d.max()! - d.min()!, 40)
        }
    }
}
