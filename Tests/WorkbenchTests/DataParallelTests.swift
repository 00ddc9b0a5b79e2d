// `mpirun -np 2 trellis train` against one process. The oracle of the first test is the one-process run itself:
// with the same --batch (the global batch), two ranks each computing half of every batch and summing gradients
// in an allreduce must end at the same parameters, to the order of floating-point sums, with dropout and
// SpecAugment on. The second kills one rank mid-epoch: the job must stop (not hang) with a message naming the
// rank, and `--resume` under mpirun must finish with exactly the weights of an uninterrupted two-rank run.
// The tests skip only when mpirun is missing (scripts/setup installs openmpi-bin) or the speech synthesisers are.
import Foundation
import Models
import XCTest

final class DataParallelTests: XCTestCase {
    nonisolated(unsafe) static var corpus: URL?

    static func mpirun() -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let path = "\(dir)/mpirun"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// A small synthetic corpus, made once for the class.
    func data() throws -> URL {
        guard Self.mpirun() != nil else { throw XCTSkip("mpirun is not installed (scripts/setup installs openmpi-bin); the MPI tests cannot run") }
        if let c = Self.corpus { return c }
        let dir = try TrellisBinary.temporaryDirectory().appendingPathComponent("data")
        let synth = try TrellisBinary.run(["corpus", "synth", "--out", dir.path, "--train", "12", "--test", "3", "--seed", "5"])
        try XCTSkipIf(synth.status != 0 && synth.stderr.contains("espeak"), "speech synthesis tools missing: \(synth.stderr)")
        XCTAssertEqual(synth.status, 0, synth.stderr)
        Self.corpus = dir
        return dir
    }

    override class func tearDown() {
        if let c = corpus { try? FileManager.default.removeItem(at: c.deletingLastPathComponent()) }
        super.tearDown()
    }

    /// Two 1-thread ranks; run as root (CI containers) Open MPI needs the two ALLOW variables, and on a machine
    /// with fewer cores than ranks --oversubscribe.
    func mpirunProcess(_ ranks: Int, _ arguments: [String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.mpirun()!)
        p.arguments = ["-np", "\(ranks)", "--oversubscribe", try TrellisBinary.url().path] + arguments
        var env = ProcessInfo.processInfo.environment
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        env["OPENBLAS_NUM_THREADS"] = "1"
        p.environment = env
        return p
    }

    /// Runs mpirun to the end; both of its streams (the ranks' narration, mpirun's reports) go to `log`.
    func runMPI(_ ranks: Int, _ arguments: [String], log: URL) throws -> Int32 {
        let p = try mpirunProcess(ranks, arguments)
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    func weights(_ file: URL) throws -> [String: [Float]] {
        let f = try SafeTensors.read(file)
        var out: [String: [Float]] = [:]
        for (name, tensor) in f.tensors { out[name] = tensor.data }
        return out
    }

    func losses(_ run: URL) throws -> [Double] {
        let text = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        return text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["loss"] as? Double
        }
    }

    // --batch 5 over 12 utterances: batches of 5, 5 and 2, so the ranks' shares are uneven (3 + 2, 1 + 1).
    let recipe = ["--epochs", "2", "--rnn-dim", "16", "--cnn-layers", "1", "--rnn-layers", "2", "--batch", "5", "--threads", "1"]

    func testTwoRanksEndAtTheParametersOfOneProcessWithTheSameGlobalBatch() throws {
        let data = try data()
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let one = dir.appendingPathComponent("one"), two = dir.appendingPathComponent("two")
        let single = try TrellisBinary.run(["train", "--data", data.path, "--out", one.path] + recipe,
                                           environment: ["OPENBLAS_NUM_THREADS": "1"])
        XCTAssertEqual(single.status, 0, single.stderr)
        let log = dir.appendingPathComponent("mpi.err")
        XCTAssertEqual(try runMPI(2, ["train", "--data", data.path, "--out", two.path] + recipe, log: log), 0,
                       (try? String(contentsOf: log, encoding: .utf8)) ?? "")

        // The per-epoch training losses (each rank's share summed in the allreduce) agree to float rounding.
        let (l1, l2) = (try losses(one), try losses(two))
        XCTAssertEqual(l1.count, 2)
        XCTAssertEqual(l2.count, 2)
        for (a, b) in zip(l1, l2) { XCTAssertEqual(a, b, accuracy: 1e-5 * abs(a)) }

        let start = try weights(one.appendingPathComponent("checkpoints/epoch-001.safetensors"))
        let a = try weights(one.appendingPathComponent("checkpoints/epoch-002.safetensors"))
        let b = try weights(two.appendingPathComponent("checkpoints/epoch-002.safetensors"))
        XCTAssertEqual(Set(a.keys), Set(b.keys))
        var largestChange: Float = 0, compared = 0
        for (name, x) in a {
            // A convolution's bias followed by the per-frame LayerNorm over the features has gradient exactly 0 (the
            // norm subtracts any per-channel constant); its computed gradient is rounding noise, which Adam's
            // m/√v turns into steps of the learning rate's size in either direction. It is no test of reduction.
            if name.hasSuffix("conv_block.0.bias") || name.hasSuffix("conv_block.4.bias") { continue }
            let y = try XCTUnwrap(b[name]), s = try XCTUnwrap(start[name])
            for i in x.indices {
                XCTAssertEqual(x[i], y[i], accuracy: 2e-5, "\(name)[\(i)]: one process \(x[i]), two ranks \(y[i])")
                largestChange = max(largestChange, abs(x[i] - s[i]))
                compared += 1
                if abs(x[i] - y[i]) > 2e-5 { return }  // one failure says it; do not print thousands
            }
        }
        // The comparison means something only if the second epoch moved the weights well beyond the tolerance.
        XCTAssertGreaterThan(largestChange, 5e-4)
        XCTAssertGreaterThan(compared, 10_000)
    }

    func testAKilledRankStopsTheJobAndTheResumedRunEndsWithTheUninterruptedWeights() throws {
        let data = try data()
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // --batch 2: six steps per epoch, so a kill soon after the first checkpoint lands inside epoch 2.
        let recipe = recipe.map { $0 == "5" ? "2" : $0 }
        let straight = dir.appendingPathComponent("straight"), run = dir.appendingPathComponent("killed")
        let log = dir.appendingPathComponent("mpi.err")
        XCTAssertEqual(try runMPI(2, ["train", "--data", data.path, "--out", straight.path] + recipe, log: log), 0,
                       (try? String(contentsOf: log, encoding: .utf8)) ?? "")

        let p = try mpirunProcess(2, ["train", "--data", data.path, "--out", run.path] + recipe)
        let killedLog = dir.appendingPathComponent("killed.err")
        FileManager.default.createFile(atPath: killedLog.path, contents: nil)
        // mpirun's own report of the dead rank may go to either stream.
        let killedOut = try FileHandle(forWritingTo: killedLog)
        p.standardOutput = killedOut
        p.standardError = killedOut
        try p.run()
        let first = run.appendingPathComponent("checkpoints/epoch-001.optim.safetensors")
        while p.isRunning && !FileManager.default.fileExists(atPath: first.path) { usleep(10_000) }
        XCTAssertTrue(p.isRunning, "the run ended before it could be killed")
        // mpirun's children are the ranks; kill the last one started.
        let ranks = children(of: p.processIdentifier)
        XCTAssertEqual(ranks.count, 2, "mpirun's children: \(ranks)")
        let secondDone = FileManager.default.fileExists(atPath: run.appendingPathComponent("checkpoints/epoch-002.safetensors").path)
        XCTAssertFalse(secondDone, "epoch 2 finished before the kill")
        if let victim = ranks.max() { kill(victim, SIGKILL) }
        // No hang: mpirun must notice the dead rank and end the job (a guard, not a timing: 120 s is far off).
        let deadline = Date().addingTimeInterval(120)
        while p.isRunning && Date() < deadline { usleep(50_000) }
        if p.isRunning { p.terminate(); XCTFail("the job hung after one rank was killed") }
        p.waitUntilExit()
        XCTAssertNotEqual(p.terminationStatus, 0)
        let message = try String(contentsOf: killedLog, encoding: .utf8)
        XCTAssertTrue(message.contains("rank") && message.contains("signal 9"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.appendingPathComponent("checkpoints/epoch-002.safetensors").path))

        let resumed = dir.appendingPathComponent("resumed.err")
        XCTAssertEqual(try runMPI(2, ["train", "--resume", run.path], log: resumed), 0,
                       (try? String(contentsOf: resumed, encoding: .utf8)) ?? "")
        XCTAssertTrue(try String(contentsOf: resumed, encoding: .utf8).contains("resuming"))
        XCTAssertEqual(try losses(run).count, 2)
        let last = "checkpoints/epoch-002.safetensors"
        XCTAssertEqual(try Data(contentsOf: run.appendingPathComponent(last)), try Data(contentsOf: straight.appendingPathComponent(last)),
                       "the resumed two-rank run's final weights differ from the uninterrupted two-rank run's")
    }

    /// `--tokenizer` under mpirun: the follower rank has no run folder, so it gets the tokenizer from rank 0 (it used
    /// to look for tokenizer.bpe in its working directory and stop the job). The oracle is again one process: the
    /// two ranks' per-epoch losses on the pieces are its losses, and the checkpoint's classes are the pieces + blank.
    func testTwoRanksTrainOnSubwordPiecesAsOneProcessDoes() throws {
        let data = try data()
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = dir.appendingPathComponent("train.txt").path, bpe = dir.appendingPathComponent("t.bpe").path
        for args in [["corpus", "text", data.path, "--subset", "train", "--out", text], ["tokenizer", "train", text, "--vocab", "40", "--out", bpe]] {
            let r = try TrellisBinary.run(args)
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let one = dir.appendingPathComponent("one"), two = dir.appendingPathComponent("two")
        let single = try TrellisBinary.run(["train", "--data", data.path, "--out", one.path, "--tokenizer", bpe] + recipe,
                                           environment: ["OPENBLAS_NUM_THREADS": "1"])
        XCTAssertEqual(single.status, 0, single.stderr)
        let log = dir.appendingPathComponent("mpi.err")
        XCTAssertEqual(try runMPI(2, ["train", "--data", data.path, "--out", two.path, "--tokenizer", bpe] + recipe, log: log), 0,
                       (try? String(contentsOf: log, encoding: .utf8)) ?? "")
        let (l1, l2) = (try losses(one), try losses(two))
        XCTAssertEqual(l1.count, 2)
        XCTAssertEqual(l2.count, 2)
        for (a, b) in zip(l1, l2) { XCTAssertEqual(a, b, accuracy: 1e-5 * abs(a)) }
        // 40 pieces + the blank.
        XCTAssertEqual(try weights(two.appendingPathComponent("checkpoints/epoch-002.safetensors"))["classifier.bias"]?.count, 41)
    }

    /// Process ids whose parent is `pid` (from /proc).
    func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { child in
            guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[1]) == pid
        }
    }
}
