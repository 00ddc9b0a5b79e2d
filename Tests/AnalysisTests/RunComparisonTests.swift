// `compare runs` on a run whose metrics.jsonl is written by hand, so every column has a known answer.
import Base
import Foundation
import Models
import XCTest
@testable import Analysis
@testable import Training

final class RunComparisonTests: XCTestCase {
    /// Four epochs: the CER drops below 90 % in epoch 3; the loss rises once (2.5 → 2.8); epoch 3's gradient norm
    /// (5.0) is more than twice the median (1.15); 3 batches were skipped.
    static let lines = """
        {"epoch":1,"steps":10,"loss":3.0,"test_loss":3.1,"cer":1.0,"wer":1.0,"decoder":"greedy","lr":0.001,"grad_norm":1.0,"seconds":60,"eval_seconds":10,"audio_seconds_per_s":5,"skipped_batches":0,"utterances":40}
        {"epoch":2,"steps":10,"loss":2.5,"test_loss":2.6,"cer":0.95,"wer":1.0,"decoder":"greedy","lr":0.002,"grad_norm":1.2,"seconds":60,"eval_seconds":10,"audio_seconds_per_s":5,"skipped_batches":1,"utterances":40}
        not a metrics line: readers skip it
        {"epoch":3,"steps":10,"loss":2.8,"test_loss":2.7,"cer":0.7,"wer":0.9,"decoder":"greedy","lr":0.001,"grad_norm":5.0,"seconds":60,"eval_seconds":10,"audio_seconds_per_s":10,"skipped_batches":0,"utterances":40}
        {"epoch":4,"steps":10,"loss":2.0,"test_loss":2.2,"cer":0.5,"wer":0.8,"decoder":"greedy","lr":0.0001,"grad_norm":1.1,"seconds":60,"eval_seconds":12,"audio_seconds_per_s":10,"skipped_batches":2,"utterances":40}
        """

    func summary(testAudioSeconds: Double? = 120) throws -> RunSummary {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        try Self.lines.write(to: file, atomically: true, encoding: .utf8)
        let metrics = MetricsLog.read(file)
        XCTAssertEqual(metrics.count, 4)
        return RunSummary(run: "runs/dnn", model: ModelConfig.standard(.dnn), metrics: metrics, testAudioSeconds: testAudioSeconds)
    }

    func testEveryColumnOfAHandWrittenRun() throws {
        let s = try summary()
        XCTAssertEqual(s.model, "dnn")
        XCTAssertEqual(s.parameters, ModelConfig.standard(.dnn).parameterCount)
        XCTAssertEqual(s.epochs, 4)
        XCTAssertEqual(s.trainSeconds, 240)
        XCTAssertEqual(s.secondsPerEpoch, 60)
        XCTAssertEqual(s.audioSecondsPerSecond, 7.5, accuracy: 1e-12, "(5·60 + 5·60 + 10·60 + 10·60) / 240")
        XCTAssertEqual(s.finalCER, 0.5)
        XCTAssertEqual(s.bestCER, 0.5)
        XCTAssertEqual(s.bestCEREpoch, 4)
        XCTAssertEqual(s.finalWER, 0.8)
        XCTAssertEqual(s.plateauExitEpoch, 3)
        XCTAssertEqual(try XCTUnwrap(s.plateauExitMinutes), 3.5, accuracy: 1e-12, "three epochs of 60 s training + 10 s evaluation")
        XCTAssertEqual(try XCTUnwrap(s.lossRoughness), 0.3 / 2.575, accuracy: 1e-12, "one rise of 0.3 over a mean loss of 2.575")
        XCTAssertEqual(s.gradNormSpikes, 1)
        XCTAssertEqual(s.skippedBatches, 3)
        XCTAssertEqual(try XCTUnwrap(s.inferenceRealTimeFactor), 0.1, accuracy: 1e-12, "12 s of evaluation for 120 s of test audio")
        XCTAssertNil(try summary(testAudioSeconds: nil).inferenceRealTimeFactor)
    }

    func testARunThatNeverLeavesThePlateauSaysSo() {
        let flat = (1...3).map { EpochMetrics(epoch: $0, steps: 1, trainLoss: 3, cer: 1, learningRate: 0.001, gradNorm: 1, seconds: 1,
                                              audioSecondsPerSecond: 1, skippedBatches: 0, utterances: 1) }
        let s = RunSummary(run: "r", model: ModelConfig.standard(.lstm), metrics: flat)
        XCTAssertNil(s.plateauExitEpoch)
        XCTAssertNil(s.plateauExitMinutes)
        XCTAssertEqual(s.lossRoughness, 0, "a flat curve does not rise")
        XCTAssertEqual(s.gradNormSpikes, 0)
        XCTAssertTrue(RunSummary.markdown([s]).contains("| never |"))
    }

    func testRecordedWallClockWinsOverTheSumOfEpochSeconds() {
        var m = EpochMetrics(epoch: 1, steps: 1, trainLoss: 1, cer: 0.5, learningRate: 0.001, gradNorm: 1, seconds: 60,
                             audioSecondsPerSecond: 1, skippedBatches: 0, utterances: 1)
        m.wallSeconds = 600     // e.g. the run was resumed after a long pause in feature caching
        XCTAssertEqual(RunSummary(run: "r", model: ModelConfig.standard(.lstm), metrics: [m]).plateauExitMinutes, 10)
    }

    func testTheJSONRowHasTheKeysTheIssueNames() throws {
        let text = try JSON.encode(try summary())
        for key in ["\"run\":", "\"model\":", "\"parameters\":", "\"epochs\":", "\"train_seconds\":", "\"final_cer\":",
                    "\"best_cer\":", "\"final_wer\":", "\"plateau_exit_epoch\":", "\"loss_roughness\":"] {
            XCTAssertTrue(text.contains(key), "\(key) missing from \(text)")
        }
    }

    func testRoughnessAndSpikesOnTheirOwn() {
        XCTAssertEqual(RunSummary.roughness([4, 3, 2, 1]), 0)
        XCTAssertEqual(try XCTUnwrap(RunSummary.roughness([1, 2, 1, 2])), 2 / 1.5, accuracy: 1e-12)
        XCTAssertNil(RunSummary.roughness([1]))
        XCTAssertEqual(RunSummary.spikes([1, 1, 1, 2.01]), 1, "median 1: only 2.01 is above 2")
        XCTAssertEqual(RunSummary.spikes([1, 1, 1, 2]), 0, "exactly twice the median is not a spike")
    }
}
