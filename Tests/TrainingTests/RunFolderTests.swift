// What a run folder promises beyond training itself: a checkpoint named by a run folder, RUN@N or RUN@latest
// resolves to the file meant (or to one clear sentence); a run is trained by one process at a time, and the
// second one is told who holds it; a metrics line lost to a kill between its checkpoint and metrics.jsonl comes
// back on resume, because the checkpoint carries the lines up to it.
import Foundation
import Models
import NN
import XCTest
@testable import Training

final class RunFolderTests: XCTestCase {
    /// A finished two-epoch run of the toy recipe (8 utterances, 2 steps per epoch).
    func twoEpochRun() throws -> RunFolder {
        let data = try ToyCorpus.make(train: 8, test: 2)
        let run = RunFolder(try ToyCorpus.temporaryDirectory() + "/run")
        _ = try Trainer.start(options: ToyCorpus.options(epochs: 2), data: data, run: run, events: ToyCorpus.quiet())
        return run
    }

    func assertResolveFails(_ text: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try CheckpointReference.resolve(text), file: file, line: line) { e in
            XCTAssertTrue("\(e)".contains(expected), "\(e)", file: file, line: line)
        }
    }

    func testARunFolderEpochOrPointerResolvesToItsCheckpoint() throws {
        let run = try twoEpochRun()
        let r = run.url.path
        let epoch1 = run.modelFile(TrainingPosition(epoch: 1, step: 0)), epoch2 = run.modelFile(TrainingPosition(epoch: 2, step: 0))
        XCTAssertEqual(try CheckpointReference.resolve(r), epoch2)
        XCTAssertEqual(try CheckpointReference.resolve(r + "/"), epoch2)
        XCTAssertEqual(try CheckpointReference.resolve(r + "@latest"), epoch2)
        XCTAssertEqual(try CheckpointReference.resolve(r + "@1"), epoch1)
        XCTAssertEqual(try CheckpointReference.resolve(r + "/latest"), epoch2)
        XCTAssertEqual(try CheckpointReference.resolve(r + "/checkpoints"), epoch2)
        XCTAssertEqual(try CheckpointReference.resolve(epoch1.path), epoch1)
        // The model loads through every form, and says which file it read.
        XCTAssertEqual(try Checkpoint.loadModel(r + "@1").path, epoch1.path)
        XCTAssertEqual(try Checkpoint.loadModel(r).model.config, ToyCorpus.options(epochs: 2).model)

        assertResolveFails(r + "@7", "has no complete checkpoint of epoch 7; it has epochs 1, 2")
        assertResolveFails(r + "@two", "an epoch number or 'latest'")
        assertResolveFails(run.optimizerFile(TrainingPosition(epoch: 1, step: 0)).path, "holds the optimiser's state, not a model; load \(epoch1.path)")
        assertResolveFails(run.url.appendingPathComponent("alignments").path, "is a folder but not a training run")
        assertResolveFails(r + "/nothing-here", "no checkpoint at \(r)/nothing-here")
        // A text file given as a checkpoint: one sentence, not a header length of 3472325239070748773.
        XCTAssertThrowsError(try Checkpoint.loadModel(run.metricsFile.path)) { e in
            XCTAssertTrue("\(e)".contains("not a safetensors checkpoint: it is a text file"), "\(e)")
        }
        // A run without a checkpoint yet.
        let empty = RunFolder(try ToyCorpus.temporaryDirectory() + "/empty")
        try empty.create()
        assertResolveFails(empty.url.path, "without a complete checkpoint yet")
        assertResolveFails(empty.url.path + "@1", "it has none yet")
    }

    func testASecondProcessOnARunIsRefusedAndToldWhoHoldsIt() throws {
        let run = try twoEpochRun()
        let held = try RunLock.acquire(run)
        XCTAssertEqual(held.holder.pid, getpid())
        // A second open of the lock file conflicts with the first (flock locks belong to the open file), exactly
        // as a second process would.
        XCTAssertThrowsError(try RunLock.acquire(run)) { e in
            XCTAssertTrue("\(e)".contains("is in use: trellis process \(getpid()) on \(held.holder.host) has been training it since \(held.holder.started)"), "\(e)")
        }
        XCTAssertThrowsError(try Trainer.resume(run: run, events: ToyCorpus.quiet())) { e in
            XCTAssertTrue("\(e)".contains("is in use"), "\(e)")
        }
        XCTAssertEqual(MetricsLog.read(run.metricsFile).map(\.epoch), [1, 2], "the refused resume touched nothing")
        held.release()
        let s = try Trainer.resume(run: run, events: ToyCorpus.quiet())
        XCTAssertEqual(s.ending, .finished)
        XCTAssertNoThrow(try RunLock.acquire(run), "the lock is released when training returns")
    }

    func testAMetricsLineLostAfterItsCheckpointComesBackOnResume() throws {
        let data = try ToyCorpus.make(train: 8, test: 2)
        let tmp = try ToyCorpus.temporaryDirectory()
        let straight = RunFolder(tmp + "/straight"), killed = RunFolder(tmp + "/killed")
        let o = ToyCorpus.options(epochs: 3)
        _ = try Trainer.start(options: o, data: data, run: straight, events: ToyCorpus.quiet())
        // Two epochs (3 polls each: 2 steps and the end), then stop at the start of the third.
        _ = try Trainer.start(options: o, data: data, run: killed, events: ToyCorpus.quiet(stopAfter: 6))
        XCTAssertEqual(MetricsLog.read(killed.metricsFile).map(\.epoch), [1, 2])
        // What a SIGKILL after epoch 2's checkpoint but before its metrics line leaves: the line is missing.
        let lines = try String(contentsOf: killed.metricsFile, encoding: .utf8).split(separator: "\n")
        try (lines[0] + "\n").write(to: killed.metricsFile, atomically: true, encoding: .utf8)
        XCTAssertEqual(MetricsLog.read(killed.metricsFile).map(\.epoch), [1])

        _ = try Trainer.resume(run: killed, events: ToyCorpus.quiet())
        let a = MetricsLog.read(straight.metricsFile), b = MetricsLog.read(killed.metricsFile)
        XCTAssertEqual(b.map(\.epoch), [1, 2, 3], "each epoch exactly once")
        XCTAssertEqual(b.map(\.trainLoss), a.map(\.trainLoss))
        XCTAssertEqual(b.map(\.cer), a.map(\.cer))
    }

    func testALatestLeftBehindByAKillIsRewrittenOnResume() throws {
        let run = try twoEpochRun()
        // A kill between epoch 2's two files and `latest` leaves `latest` naming epoch 1 (scripts/faults hits it).
        try "epoch-001.safetensors\n".write(to: run.latestFile, atomically: true, encoding: .utf8)
        let s = try Trainer.resume(run: run, events: ToyCorpus.quiet())   // nothing left to train
        XCTAssertEqual(s.position, TrainingPosition(epoch: 2, step: 0))
        XCTAssertEqual(try String(contentsOf: run.latestFile, encoding: .utf8), "epoch-002.safetensors\n")
    }

    func testLinesOfEpochsAfterTheCheckpointAreDroppedOnResume() throws {
        let run = try twoEpochRun()
        // As if epoch 2's checkpoint had been lost while its line survived (the newest checkpoint is epoch 1).
        try FileManager.default.removeItem(at: run.modelFile(TrainingPosition(epoch: 2, step: 0)))
        var log: [String] = []
        _ = try Trainer.resume(run: run, events: ToyCorpus.quiet(log: { log.append($0) }))
        XCTAssertTrue(log.contains { $0.contains("resuming") && $0.contains("after epoch 1") }, "\(log)")
        XCTAssertEqual(MetricsLog.read(run.metricsFile).map(\.epoch), [1, 2])
    }

    func testAFileSizeLimitLeavesThePreviousCheckpointAndMetricsIntact() throws {
        let run = try twoEpochRun()
        let metricsBefore = try Data(contentsOf: run.metricsFile)
        let latestBefore = try Data(contentsOf: run.latestFile)
        var history = MetricsLog.read(run.metricsFile)
        history.append(history[1])
        history[2].epoch = 3

        // `ulimit -f` for this process, with SIGXFSZ ignored so writes past it fail with EFBIG instead of killing
        // the test runner; both are restored before any assertion can return early.
        var saved = rlimit()
        getrlimit(Int32(RLIMIT_FSIZE.rawValue), &saved)
        var limited = saved
        limited.rlim_cur = rlim_t(metricsBefore.count)
        let oldHandler = signal(SIGXFSZ, SIG_IGN)
        setrlimit(Int32(RLIMIT_FSIZE.rawValue), &limited)
        let metricsError = Result { try MetricsLog.write(history, to: run.metricsFile) }
        var model = try CTCModel(ToyCorpus.options(epochs: 2).model, seed: 1)
        let checkpointError = Result {
            try Checkpoint.save(run: run, position: TrainingPosition(epoch: 3, step: 0), model: &model,
                                features: ToyCorpus.options(epochs: 2).features, adam: Adam(learningRate: 1e-3),
                                scheduler: nil, progress: EpochProgress(), wallSeconds: 0, history: history)
        }
        setrlimit(Int32(RLIMIT_FSIZE.rawValue), &saved)
        signal(SIGXFSZ, oldHandler)

        // The system's reason, in strerror's words or Base.AtomicFile's ("file size limit exceeded").
        func namesTheLimit(_ e: Error) -> Bool { ["file too large", "file size limit"].contains { "\(e)".lowercased().contains($0) } }
        XCTAssertThrowsError(try metricsError.get()) { e in
            XCTAssertTrue(namesTheLimit(e) && "\(e)".contains("is unchanged"), "\(e)")
        }
        XCTAssertThrowsError(try checkpointError.get()) { e in XCTAssertTrue(namesTheLimit(e), "\(e)") }
        XCTAssertEqual(try Data(contentsOf: run.metricsFile), metricsBefore)
        XCTAssertEqual(try Data(contentsOf: run.latestFile), latestBefore)
        XCTAssertEqual(run.checkpointPositions().first, TrainingPosition(epoch: 2, step: 0))
        XCTAssertNoThrow(try Checkpoint.loadModel(run.url.path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: run.checkpointsDir.path).filter { $0.contains(".tmp-") }
        XCTAssertEqual(leftovers, [], "a failed write removes its temporary file")
    }
}
