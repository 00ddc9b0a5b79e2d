// The short version of scripts/faults (which runs ≥ 50 kills, syscall-precise ones included, a file-size limit
// and a full disk): `trellis train` SIGKILLed at seeded random moments, checked after every kill and resumed,
// must end with exactly the checkpoint of a run that was never interrupted and a metrics line per epoch.
import Foundation
import XCTest

final class KillResumeTests: XCTestCase {
    func epochs(_ metrics: URL) -> [Int] {
        let text = (try? String(contentsOf: metrics, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["epoch"] as? Int
        }
    }

    func completeEpochs(_ run: URL) -> [Int] {
        let names = Set((try? FileManager.default.contentsOfDirectory(atPath: run.appendingPathComponent("checkpoints").path)) ?? [])
        return (1...9).filter { names.contains(String(format: "epoch-%03d.safetensors", $0)) && names.contains(String(format: "epoch-%03d.optim.safetensors", $0)) }
    }

    func testRandomKillsLoseNothingAndTheResumedRunEndsWithTheUninterruptedWeights() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data").path
        let synth = try TrellisBinary.run(["corpus", "synth", "--out", data, "--train", "12", "--test", "3", "--seed", "5"])
        try XCTSkipIf(synth.status != 0 && synth.stderr.contains("espeak"), "speech synthesis tools missing: \(synth.stderr)")
        XCTAssertEqual(synth.status, 0, synth.stderr)
        let recipe = ["--epochs", "3", "--rnn-dim", "16", "--cnn-layers", "1", "--rnn-layers", "1", "--batch", "4"]

        let straight = dir.appendingPathComponent("straight")
        let started = Date()
        let s = try TrellisBinary.run(["train", "--data", data, "--out", straight.path] + recipe)
        XCTAssertEqual(s.status, 0, s.stderr)
        let duration = Date().timeIntervalSince(started)

        let run = dir.appendingPathComponent("killed")
        var state: UInt64 = 0x5EED  // a seeded schedule (an LCG is plenty for picking moments)
        func unit() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1p-53
        }
        var kills = 0
        for _ in 0..<8 where kills < 4 {
            let p = Process()
            p.executableURL = try TrellisBinary.url()
            let begun = FileManager.default.fileExists(atPath: run.appendingPathComponent("run.json").path)
            p.arguments = begun ? ["train", "--resume", run.path] : ["train", "--data", data, "--out", run.path] + recipe
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            // A moment anywhere in a whole run: in a step, in evaluation, while a checkpoint or metrics are written.
            usleep(UInt32(unit() * duration * 1e6))
            if p.isRunning { kill(p.processIdentifier, SIGKILL); kills += 1 }
            p.waitUntilExit()

            // After every kill: the newest checkpoint loads (its checksum holds) and each epoch is logged once,
            // the newest one possibly not yet.
            let complete = completeEpochs(run)
            if let newest = complete.last {
                let load = try TrellisBinary.run(["model", "load", run.path])
                XCTAssertEqual(load.status, 0, load.stderr)
                XCTAssertTrue([Array(1...newest), Array(1..<newest)].contains(epochs(run.appendingPathComponent("metrics.jsonl"))))
            }
        }
        let resumed = try TrellisBinary.run(["train", "--resume", run.path])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(epochs(run.appendingPathComponent("metrics.jsonl")), [1, 2, 3])
        // The model file holds the weights, the config, the features and a checksum of it all: equal bytes are
        // equal weights.
        let last = "checkpoints/epoch-003.safetensors"
        XCTAssertEqual(try Data(contentsOf: run.appendingPathComponent(last)), try Data(contentsOf: straight.appendingPathComponent(last)),
                       "after \(kills) kill(s) the resumed run's final weights differ from the uninterrupted run's")
    }
}
