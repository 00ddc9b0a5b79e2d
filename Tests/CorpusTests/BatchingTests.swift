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
        let spec = FeatureSpec(nMels: 16, logMel: false, normalize: false)
        let mel = spec.melConfig
        let ex = try FeatureExtractor(FeaturePipeline(features: spec, specAugment: nil))
        let b = try ex.batch(utts, augment: false, seed: 0)
        XCTAssertEqual(b.size, 3)
        XCTAssertEqual(b.featureLengths, [25, 33, 41])       // 1 + samples / 200
        XCTAssertEqual(b.audioSeconds, Double(25 + 33 + 41) * 200 / 16000, accuracy: 1e-12)
        XCTAssertEqual(b.maxFrames, 41)
        XCTAssertEqual(b.features.count, 3 * 16 * 41)
        let single = try MelSpectrogram(mel)(AudioFile.load(utts[0].audioPath))
        for m in 0..<16 {
            for t in 0..<41 {
                let v = b.features[(0 * 16 + m) * 41 + t]
                XCTAssertEqual(v, t < 25 ? single[m, t] : 0)
            }
        }
        XCTAssertEqual(b.labels, utts.map(\.labels))
        XCTAssertEqual(b.labels[0], [2, 1, 3])
        XCTAssertEqual(b.transcripts, ["a b", "hello", "it's time"])
        XCTAssertEqual(b.skipped, [])
    }

    func testLoaderVisitsEveryUtteranceOnceAndIsReproducible() throws {
        let utts = try makeCorpus(11)
        let pipeline = FeaturePipeline(features: FeatureSpec(nMels: 20, logMel: true, normalize: true),
                                       specAugment: SpecAugment(timeMaskParam: 5, freqMaskParam: 4))
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

    /// Defect 11 of issue 8: the index reads only headers, so a FLAC whose body is corrupt reached the trainer and
    /// aborted it. A batch leaves such an utterance out and names it; the others are batched as usual.
    func testUndecodableAudioIsSkippedAndNamed() throws {
        let utts = try makeCorpus(3)
        try TestTree.corruptBody(of: utts[1].audioPath)
        let ex = try FeatureExtractor(FeaturePipeline(features: FeatureSpec(nMels: 16, logMel: false, normalize: false), specAugment: nil))
        let b = try ex.batch(utts, augment: false, seed: 0)
        XCTAssertEqual(b.ids, [utts[0].id, utts[2].id])
        XCTAssertEqual(b.labels, [utts[0].labels, utts[2].labels])
        XCTAssertEqual(b.featureLengths, [25, 41])
        XCTAssertEqual(b.skipped.count, 1)
        XCTAssertEqual(b.skipped.first?.reason, .unreadableAudio)
        XCTAssertEqual(b.skipped.first?.location, utts[1].audioPath)
        XCTAssertTrue(b.skipped.first?.detail.hasPrefix(utts[1].id) ?? false)
        // Outside a corpus (transcribe, probs from) the same file is an error, not a skip.
        XCTAssertThrowsError(try ex.batch(recording: utts[1].audioPath))
    }
}

extension BatchingTests {
    /// Frame stacking in a batch: K × bins values per frame, ceil(T / K) frames per utterance, the durations still
    /// in seconds of audio, and each utterance's matrix the stacked matrix of its unstacked features.
    func testStackedBatchesHoldTheStackedFeatures() throws {
        let utts = try makeCorpus(3)
        var spec = FeatureSpec(nMels: 16, logMel: true, normalize: true)
        let plain = try FeatureExtractor(FeaturePipeline(features: spec, specAugment: nil)).batch(utts, augment: false, seed: 0)
        spec.stack = 3
        let b = try FeatureExtractor(FeaturePipeline(features: spec, specAugment: nil)).batch(utts, augment: false, seed: 0)
        XCTAssertEqual(b.nMels, 48)
        XCTAssertEqual(b.featureLengths, [9, 11, 14])                // ceil([25, 33, 41] / 3)
        XCTAssertEqual(b.maxFrames, 14)
        XCTAssertEqual(b.audioSeconds, Double(9 + 11 + 14) * 3 * 200 / 16000, accuracy: 1e-12)
        for i in 0..<3 {
            let t = plain.featureLengths[i]
            var m = FeatureMatrix(bins: 16, frames: t)
            for r in 0..<16 { for f in 0..<t { m[r, f] = plain.features[(i * 16 + r) * plain.maxFrames + f] } }
            let s = m.stacked(3)
            for r in 0..<48 {
                for f in 0..<b.maxFrames {
                    XCTAssertEqual(b.features[(i * 48 + r) * b.maxFrames + f], f < s.frames ? s[r, f] : 0)
                }
            }
        }
    }

    /// Waveform augmentations change the features (and are not cached), are reproduced by the same seed, and
    /// leave evaluation (augment: false) alone.
    func testWaveformAugmentationsAreDrawnPerUtteranceAndReproducible() throws {
        let utts = try makeCorpus(4)
        let spec = FeatureSpec(nMels: 16, logMel: true, normalize: true)
        let clean = try FeatureExtractor(FeaturePipeline(features: spec, specAugment: nil)).batch(utts, augment: true, seed: 4)
        for pipeline in [FeaturePipeline(features: spec, specAugment: nil, noiseSNR: 0...10, noiseColor: .pink),
                         FeaturePipeline(features: spec, specAugment: nil, reverbProbability: 1),
                         FeaturePipeline(features: spec, specAugment: nil, speedFactors: [0.8])] {
            let ex = try FeatureExtractor(pipeline)
            let a = try ex.batch(utts, augment: true, seed: 4), again = try ex.batch(utts, augment: true, seed: 4)
            XCTAssertEqual(a.features, again.features)
            XCTAssertNotEqual(a.features, clean.features)
            XCTAssertEqual(try ex.batch(utts, augment: false, seed: 4).features, clean.features)
        }
        // Speed 0.8 plays the audio 1.25 times longer: 1 + samples / hop frames of the resampled audio.
        let slow = try FeatureExtractor(FeaturePipeline(features: spec, specAugment: nil, speedFactors: [0.8])).batch(utts, augment: true, seed: 4)
        for (i, u) in utts.enumerated() {
            XCTAssertEqual(Double(slow.featureLengths[i]), 1 + Double(u.frames) * 1.25 / 200, accuracy: 1.5)
        }
    }
}
