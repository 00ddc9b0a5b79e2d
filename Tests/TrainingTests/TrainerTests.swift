// The trainer's promises: it learns, a run resumed after Ctrl-C (or from any checkpoint) ends with exactly the
// weights of an uninterrupted run, damaged checkpoints are passed over, impossible batches are never applied,
// and every file of a run folder reads back.
import Audio
import Foundation
import Models
import NN
import XCTest
@testable import Training

final class TrainerTests: XCTestCase {
    func weights(_ run: RunFolder, _ p: TrainingPosition) throws -> [Float] {
        try SafeTensors.read(run.modelFile(p)).tensors.flatMap(\.tensor.data)
    }

    func testTrainingDrivesTheLossDownAndLearnsTheToyAlphabet() throws {
        let data = try ToyCorpus.make(train: 48, test: 8)
        let run = RunFolder(try ToyCorpus.temporaryDirectory() + "/run")
        // When this tiny model leaves CTC's all-blank plateau depends on its initial weights: measured over seeds
        // 7, 8, 9 at 30 epochs, lr 3e-3 ended at CER 0.64, 0.64, 0.56 (0.2, 0.96, 0.56 with the notebook's
        // `frames // 2` lengths), lr 6e-3 at 0.0, 0.64, 0.8, lr 1e-2 at 1.0 for all. So the run is pinned to a
        // seed (the default 7) at 6e-3; the claim tested is that training can learn the alphabet, not that every
        // start does in 30 epochs.
        var o = ToyCorpus.options(epochs: 30)
        o.learningRate = 6e-3
        let s = try Trainer.start(options: o, data: data, run: run, events: ToyCorpus.quiet())
        XCTAssertEqual(s.ending, .finished)
        XCTAssertEqual(s.metrics.map(\.epoch), Array(1...30))
        let first = s.metrics.first!, last = s.metrics.last!
        XCTAssertLessThan(last.trainLoss, 0.5 * first.trainLoss, "training loss did not halve: \(s.metrics.map(\.trainLoss))")
        XCTAssertLessThan(last.testLoss!, first.testLoss!)
        XCTAssertLessThan(last.cer!, 0.5, "the toy alphabet should be nearly learnt; CER per epoch \(s.metrics.map { $0.cer! }), loss \(s.metrics.map(\.trainLoss))")
        // Everything a run folder promises is there and reads back.
        XCTAssertEqual(MetricsLog.read(run.metricsFile).count, 30)
        let loaded = try Checkpoint.loadModel(run.modelFile(TrainingPosition(epoch: 30, step: 0)).path)
        XCTAssertEqual(loaded.model.config, ToyCorpus.options(epochs: 30).model)
        XCTAssertEqual(loaded.features, ToyCorpus.options(epochs: 30).features)
        let files = run.alignmentFiles(epoch: 30, utterance: 1)
        let rows = try String(contentsOf: files.matrix, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.first?.split(separator: " ").count, 29)
        for row in rows {
            let sum = row.split(separator: " ").compactMap { Double($0) }.reduce(0, +)
            XCTAssertEqual(sum, 1, accuracy: 1e-4, "each frame of a dumped matrix is a distribution")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.url.appendingPathComponent("eval/epoch-030.hyp.trn").path))
    }

    func testStopAndResumeEndsWithTheWeightsOfAnUninterruptedRun() throws {
        let data = try ToyCorpus.make(train: 20, test: 4)
        let tmp = try ToyCorpus.temporaryDirectory()
        let straight = RunFolder(tmp + "/straight"), resumed = RunFolder(tmp + "/resumed")
        var o = ToyCorpus.options(epochs: 3)
        o.specAugment = true   // the augmentation's randomness must also replay exactly
        _ = try Trainer.start(options: o, data: data, run: straight, events: ToyCorpus.quiet())

        // Stop in the middle of epoch 2: epoch 1 polls 6 times (5 steps + the end), epoch 2 runs 2 steps, the 9th poll stops.
        let stopped = try Trainer.start(options: o, data: data, run: resumed, events: ToyCorpus.quiet(stopAfter: 8))
        XCTAssertEqual(stopped.ending, .interrupted)
        XCTAssertEqual(stopped.position, TrainingPosition(epoch: 1, step: 2))
        var log: [String] = []
        let finished = try Trainer.resume(run: resumed, events: ToyCorpus.quiet(log: { log.append($0) }))
        XCTAssertEqual(finished.ending, .finished)
        XCTAssertTrue(log.contains { $0.contains("resuming") && $0.contains("step 2") }, "\(log)")

        let end = TrainingPosition(epoch: 3, step: 0)
        XCTAssertEqual(try weights(resumed, end), try weights(straight, end), "resumed weights differ from the straight run's")
        let a = MetricsLog.read(straight.metricsFile), b = MetricsLog.read(resumed.metricsFile)
        XCTAssertEqual(b.map(\.epoch), [1, 2, 3])
        XCTAssertEqual(a.map(\.trainLoss), b.map(\.trainLoss), "the resumed epoch's loss counts all its steps")
        XCTAssertEqual(a.map(\.cer), b.map(\.cer))
        // The mid-epoch checkpoint was superseded and removed.
        XCTAssertFalse(resumed.checkpointPositions().contains { $0.step != 0 })
    }

    func testADamagedNewestCheckpointIsSkippedOnResume() throws {
        let data = try ToyCorpus.make(train: 8, test: 2)
        let run = RunFolder(try ToyCorpus.temporaryDirectory() + "/run")
        _ = try Trainer.start(options: ToyCorpus.options(epochs: 2), data: data, run: run,
                              events: ToyCorpus.quiet(stopAfter: 2 + 1))   // epoch 1 (2 steps), then stop at once
        XCTAssertEqual(run.checkpointPositions().first, TrainingPosition(epoch: 1, step: 0))
        // Simulate a torn write that slipped past the atomic rename (e.g. a disk error): flip a byte.
        let url = run.modelFile(TrainingPosition(epoch: 1, step: 0))
        var bytes = [UInt8](try Data(contentsOf: url))
        bytes[bytes.count - 3] ^= 0xFF
        try Data(bytes).write(to: url)
        var log: [String] = []
        let s = try Trainer.resume(run: run, events: ToyCorpus.quiet(log: { log.append($0) }))
        XCTAssertTrue(log.contains { $0.contains("skipping checkpoint epoch-001") }, "\(log)")
        XCTAssertTrue(log.contains { $0.contains("starting from the beginning") }, "\(log)")
        XCTAssertEqual(s.ending, .finished)
        XCTAssertEqual(MetricsLog.read(run.metricsFile).map(\.epoch), [1, 2])
    }

    func testABatchWithAnImpossibleUtteranceIsSkippedNotApplied() throws {
        // 0.1 s of audio gives 5 output frames: too few for 12 letters.
        let tooShort = (id: "100-1-9999", text: "abcabcabcabc", wave: Waveform(samples: Array(repeating: 0.01, count: 1600), sampleRate: 16000))
        let data = try ToyCorpus.make(train: 3, test: 2, extra: [tooShort])
        var o = ToyCorpus.options(epochs: 1)
        o.batchSize = 1
        o.zeroInfinity = false
        let run = RunFolder(try ToyCorpus.temporaryDirectory() + "/run")
        var log: [String] = []
        let s = try Trainer.start(options: o, data: data, run: run, events: ToyCorpus.quiet(log: { log.append($0) }))
        XCTAssertEqual(s.metrics.first?.skippedBatches, 1)
        XCTAssertEqual(s.metrics.first?.steps, 3)
        XCTAssertTrue(log.contains { $0.contains("skipped batch") && $0.contains("100-1-9999") }, "\(log)")
        XCTAssertTrue(try weights(run, TrainingPosition(epoch: 1, step: 0)).allSatisfy(\.isFinite))

        // With zero_infinity (the default recipe) the same utterance adds nothing and the batch is applied.
        o.zeroInfinity = true
        let run2 = RunFolder(try ToyCorpus.temporaryDirectory() + "/run")
        let s2 = try Trainer.start(options: o, data: data, run: run2, events: ToyCorpus.quiet())
        XCTAssertEqual(s2.metrics.first?.skippedBatches, 0)
        XCTAssertEqual(s2.metrics.first?.steps, 4)
    }

    func testStartingOverAnExistingRunIsRefused() throws {
        let data = try ToyCorpus.make(train: 4, test: 0)
        let run = RunFolder(try ToyCorpus.temporaryDirectory() + "/run")
        _ = try Trainer.start(options: ToyCorpus.options(epochs: 1), data: data, run: run, events: ToyCorpus.quiet())
        XCTAssertThrowsError(try Trainer.start(options: ToyCorpus.options(epochs: 1), data: data, run: run, events: ToyCorpus.quiet())) {
            XCTAssertTrue("\($0)".contains("--resume"), "\($0)")
        }
    }

    func testStepSeedsDifferPerStepAndEpoch() {
        let seeds = Set((1...3).flatMap { e in (0..<100).map { Trainer.stepSeed(7, epoch: e, index: $0) } })
        XCTAssertEqual(seeds.count, 300)
    }
}
