// Data-parallel shards of a batch: the oracle is the whole batch. Every rank's share, padded to the global
// length, must hold exactly the whole batch's utterances with the same features — SpecAugment masks included,
// since they are keyed by each utterance's place in the batch — and the shares must cover every utterance once.
import XCTest
import Audio
@testable import Corpus

extension BatchingTests {
    func testShardsPaddedToTheGlobalLengthAreSlicesOfTheWholeBatch() throws {
        try checkShards(FeaturePipeline(features: FeatureSpec(nMels: 20, logMel: true, normalize: true),
                                        specAugment: SpecAugment(timeMaskParam: 5, freqMaskParam: 4)))
    }

    /// The same with every augmentation of `train` and frame stacking: speed, reverberation and noise are drawn from
    /// the utterance's stream as the masks are, so a rank's share still holds what the whole batch holds.
    func testShardsAreSlicesOfTheWholeBatchWithEveryAugmentation() throws {
        var spec = FeatureSpec(nMels: 20, logMel: true, normalize: true)
        spec.stack = 2
        try checkShards(FeaturePipeline(features: spec, specAugment: SpecAugment(timeMaskParam: 5, freqMaskParam: 4, timeMasks: 2,
                                                                                 freqMasks: 2, timeMaskRatio: 0.1),
                                        speedFactors: [0.9, 1.0, 1.1], noiseSNR: 5...20, noiseColor: .pink, reverbProbability: 0.5))
    }

    func checkShards(_ pipeline: FeaturePipeline) throws {
        let utts = try makeCorpus(11)
        func epoch(_ shard: (Int, Int)) throws -> [Batch] {
            let loader = try BatchLoader(utterances: utts, batchSize: 5, extractor: try FeatureExtractor(pipeline),
                                         shuffle: true, augment: true, seed: 9, epoch: 3, shard: shard)
            var out: [Batch] = []
            while let b = try loader.next() { out.append(b) }
            return out
        }
        let whole = try epoch((0, 1))
        for ranks in [2, 3] {
            let shards = try (0..<ranks).map { try epoch(($0, ranks)) }
            for s in shards { XCTAssertEqual(s.count, whole.count, "every rank plans the same number of steps") }
            for (step, w) in whole.enumerated() {
                XCTAssertEqual(shards.map { $0[step].size }.reduce(0, +), w.size)
                for (rank, s) in shards.enumerated() {
                    let part = s[step]
                    XCTAssertEqual(part.places, Array(stride(from: rank, to: w.size, by: ranks)))
                    guard part.size > 0 else { continue }
                    let padded = part.padded(toFrames: w.maxFrames)
                    for (i, place) in part.places.enumerated() {
                        XCTAssertEqual(padded.ids[i], w.ids[place])
                        XCTAssertEqual(padded.featureLengths[i], w.featureLengths[place])
                        XCTAssertEqual(padded.labels[i], w.labels[place])
                        let n = w.nMels * w.maxFrames
                        XCTAssertEqual(Array(padded.features[i * n..<(i + 1) * n]), Array(w.features[place * n..<(place + 1) * n]),
                                       "step \(step), rank \(rank) of \(ranks): utterance \(w.ids[place])'s features differ")
                    }
                }
            }
        }
    }

    func testAShardThatDoesNotExistIsRefused() throws {
        let utts = try makeCorpus(2)
        let ex = try FeatureExtractor(FeaturePipeline(features: FeatureSpec(nMels: 8, logMel: false, normalize: false), specAugment: nil))
        XCTAssertThrowsError(try BatchLoader(utterances: utts, batchSize: 2, extractor: ex, shuffle: false, augment: false,
                                             seed: 0, shard: (2, 2)))
    }
}
