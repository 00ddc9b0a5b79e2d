// The one path from audio to a model's log-probabilities: a batch and a single recording give the same matrix
// for the same utterance, the lengths are the frames the model really outputs, a model whose output is NaN is
// a clear error (issue 8, defect 3: `try!` trapped in `probs from`, `eval`, `transcribe`), and undecodable
// audio is skipped and named, in the evaluation and in training (issue 8, defect 11: a corrupt FLAC aborted
// the run).
import Audio
import CTC
import Corpus
import Foundation
import Models
import NN
import XCTest
@testable import Training

final class ModelOutputTests: XCTestCase {
    let features = FeatureSpec(nMels: 32, logMel: true, normalize: true)

    func model(cnnLayers: Int, seed: UInt64 = 3) throws -> LoadedModel {
        let c = ModelConfig(kind: .bilstm, nCNNLayers: cnnLayers, nRNNLayers: 1, rnnDim: 24, nFeats: 32, dropout: 0.1, channels: 4)
        var m = try CTCModel(c, seed: seed)
        m.setMode(.evaluation)
        return LoadedModel(model: m, features: features, path: "test")
    }

    /// Utterances of several lengths, odd and even feature-frame counts among them.
    func corpus() throws -> [Utterance] {
        let root = try ToyCorpus.make(train: 6, test: 0)
        return try TrainingData.open(root).train.utterances
    }

    func batch(_ utts: [Utterance]) throws -> Batch {
        try Corpus.FeatureExtractor(FeaturePipeline(features: features, specAugment: nil), cache: false)
            .batch(utts, augment: false, seed: 0)
    }

    func assertSame(_ a: LogProbabilities, _ b: LogProbabilities, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.frames, b.frames, what, file: file, line: line)
        XCTAssertEqual(a.classes, b.classes, what, file: file, line: line)
        guard a.values.count == b.values.count else { return }
        let worst = zip(a.values, b.values).map { abs($0 - $1) }.max() ?? 0
        // Only the GEMMs' blocking differs between a batch of one and a padded batch.
        XCTAssertLessThan(worst, 1e-4, "\(what): max |Δ log p| \(worst)", file: file, line: line)
    }

    func testBatchAndRecordingPathsAgreeForEveryUtteranceOfAPaddedBatch() throws {
        // Without residual blocks no output frame's receptive field reaches into the padding, and the packed
        // BiLSTM never reads it: each utterance's rows must not depend on its neighbours.
        var loaded = try model(cnnLayers: 0)
        let utts = try corpus()
        let b = try batch(utts)
        XCTAssertGreaterThan(Set(b.featureLengths).count, 1, "the test needs padding")
        let out = loaded.model.output(for: b)
        for (i, u) in utts.enumerated() {
            assertSame(try out.logProbabilities(i), try loaded.output(forRecording: u.audioPath), u.id)
        }
    }

    func testTheLongestUtteranceAgreesWithResidualBlocks() throws {
        var loaded = try model(cnnLayers: 2)
        let utts = try corpus()
        let b = try batch(utts)
        let longest = b.featureLengths.indices.max { b.featureLengths[$0] < b.featureLengths[$1] }!
        let out = loaded.model.output(for: b)
        assertSame(try out.logProbabilities(longest),
                   try loaded.output(forRecording: utts.first { $0.id == b.ids[longest] }!.audioPath), "longest")
    }

    func testLengthsAreTheFramesTheModelOutputsForEachUtteranceAlone() throws {
        var loaded = try model(cnnLayers: 1)
        let utts = try corpus()
        let b = try batch(utts)
        XCTAssertTrue(b.featureLengths.contains { $0 % 2 == 1 } && b.featureLengths.contains { $0 % 2 == 0 },
                      "odd and even frame counts: \(b.featureLengths)")
        let out = loaded.model.output(for: b)
        for (i, u) in utts.enumerated() {
            // The model's forward pass on this utterance alone, unpadded: its real output frames.
            let alone = try batch([u])
            let scores = loaded.model.forward(Tensor(shape: [1, 1, alone.nMels, alone.maxFrames], data: alone.features))
            XCTAssertEqual(out.lengths[i], scores.shape[1], "\(u.id): \(b.featureLengths[i]) feature frames")
            XCTAssertEqual(try loaded.output(forRecording: u.audioPath).frames, scores.shape[1])
        }
    }

    func testNaNWeightIsAClearErrorNotATrap() throws {
        var loaded = try model(cnnLayers: 1)
        var first = true
        loaded.model.visitParameters { p in
            if first { p.value[0] = .nan; first = false }
        }
        let utts = try corpus()
        XCTAssertThrowsError(try loaded.output(forRecording: utts[0].audioPath)) {
            XCTAssertTrue($0 is ModelOutputError && "\($0)".contains("not a number"), "\($0)")
        }
        XCTAssertThrowsError(try Evaluator.evaluate(model: &loaded.model, utterances: utts, features: features)) {
            XCTAssertTrue("\($0)".contains("not a number"), "\($0)")
        }
    }

    func testEvaluationSkipsAndNamesUndecodableAudio() throws {
        var loaded = try model(cnnLayers: 1)
        let utts = try corpus()
        try ToyCorpus.corruptBody(of: utts[2].audioPath)
        let r = try Evaluator.evaluate(model: &loaded.model, utterances: utts, features: features, batchSize: 4)
        XCTAssertEqual(r.utterances, utts.count - 1)
        XCTAssertFalse(r.ids.contains(utts[2].id))
        XCTAssertEqual(r.skipped.map(\.location), [utts[2].audioPath])
    }

    func testTrainingGoesOnPastACorruptFLACAndReportsIt() throws {
        let data = try ToyCorpus.make(train: 8, test: 3)
        let d = try TrainingData.open(data)
        let badTrain = d.train.utterances[5], badTest = d.test!.utterances[1]
        try ToyCorpus.corruptBody(of: badTrain.audioPath)
        try ToyCorpus.corruptBody(of: badTest.audioPath)
        let run = RunFolder(try ToyCorpus.temporaryDirectory() + "/run")
        var log: [String] = []
        let s = try Trainer.start(options: ToyCorpus.options(epochs: 2), data: data, run: run,
                                  events: ToyCorpus.quiet(log: { log.append($0) }))
        XCTAssertEqual(s.ending, .finished)
        let metrics = MetricsLog.read(run.metricsFile)
        XCTAssertEqual(metrics.map(\.epoch), [1, 2])
        for m in metrics {
            XCTAssertEqual(m.utterances, 7, "the corrupt training utterance is not counted")
            XCTAssertEqual(m.skippedAudio?.count, 2)
            XCTAssertTrue(m.skippedAudio?.contains { $0.hasPrefix(badTrain.id) } ?? false, "\(m.skippedAudio ?? [])")
            XCTAssertTrue(m.skippedAudio?.contains { $0.hasPrefix(badTest.id) } ?? false, "\(m.skippedAudio ?? [])")
        }
        XCTAssertTrue(log.contains { $0.contains(badTrain.id) && $0.contains("unreadable audio") }, "\(log)")
        XCTAssertTrue(log.contains { $0.contains("skipped 2 undecodable audio file(s)") }, "\(log)")
    }

    /// What analyses over a data set (blank statistics, alignments per checkpoint) will read: every utterance
    /// once, each with its own output frames, and the model's mode left as it was.
    func testOutputsOverADataSetVisitEveryUtteranceOnce() throws {
        var loaded = try model(cnnLayers: 1)
        loaded.model.setMode(.training)
        let utts = try corpus()
        var seen: [String] = [], blankShare: [Double] = []
        let config = loaded.model.config
        let skipped = try loaded.model.outputs(over: utts, features: features, batchSize: 4) { batch, out, _, _ in
            XCTAssertEqual(out.lengths, batch.featureLengths.map { config.outputFrames($0) })
            for (i, m) in try out.logProbabilities().enumerated() {
                seen.append(batch.ids[i])
                let blanks = (0..<m.frames).filter { t in (0..<m.classes).max { m[t, $0] < m[t, $1] } == m.classes - 1 }.count
                blankShare.append(Double(blanks) / Double(m.frames))
            }
        }
        XCTAssertEqual(skipped, [])
        XCTAssertEqual(seen.sorted(), utts.map(\.id).sorted())
        XCTAssertTrue(blankShare.allSatisfy { (0...1).contains($0) })
        XCTAssertEqual(loaded.model.mode, .training)
    }
}
