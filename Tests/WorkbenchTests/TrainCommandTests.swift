// train / eval / transcribe / model load / probs from, end to end through the binary on a tiny corpus the
// generator speaks: a SIGKILL mid-run loses at most the epoch in progress and leaves no torn checkpoint.
import Foundation
import XCTest

final class TrainCommandTests: XCTestCase {
    static let tiny = ["--rnn-dim", "16", "--cnn-layers", "1", "--rnn-layers", "1", "--batch", "4"]

    func synthCorpus(_ dir: URL) throws -> String {
        let data = dir.appendingPathComponent("data").path
        let r = try TrellisBinary.run(["corpus", "synth", "--out", data, "--train", "16", "--test", "4", "--seed", "5", "--json"])
        try XCTSkipIf(r.status != 0 && r.stderr.contains("espeak"), "speech synthesis tools missing: \(r.stderr)")
        XCTAssertEqual(r.status, 0, r.stderr)
        return data
    }

    func testKillResumeEvalTranscribeAndTheShell() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try synthCorpus(dir)
        let run = dir.appendingPathComponent("run")
        let metrics = run.appendingPathComponent("metrics.jsonl")

        // Start a long run and SIGKILL it once the first epoch is on disk.
        let p = Process()
        p.executableURL = try TrellisBinary.url()
        p.arguments = ["train", "--model", "bilstm", "--data", data, "--out", run.path, "--epochs", "10"] + Self.tiny
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, ((try? String(contentsOf: metrics, encoding: .utf8)) ?? "").isEmpty { usleep(20_000) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        let before = try String(contentsOf: metrics, encoding: .utf8).split(separator: "\n").count
        XCTAssertGreaterThanOrEqual(before, 1)

        // Every checkpoint that exists reads back whole.
        let ckdir = run.appendingPathComponent("checkpoints")
        for f in try FileManager.default.contentsOfDirectory(atPath: ckdir.path) where f.hasSuffix(".safetensors") && !f.hasPrefix(".") && !f.contains("optim") {
            let r = try TrellisBinary.run(["model", "load", ckdir.appendingPathComponent(f).path])
            XCTAssertEqual(r.status, 0, "\(f): \(r.stderr)")
        }

        // Changing the recipe on resume is refused; resuming continues to the end with contiguous epochs.
        let refused = try TrellisBinary.run(["train", "--resume", run.path, "--epochs", "2"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("cannot change when resuming"), refused.stderr)
        // The evaluation's decoder is not part of the recipe: the resumed epochs are evaluated by beam search.
        let resumed = try TrellisBinary.run(["train", "--resume", run.path, "--decoder", "beam", "--beam-size", "3"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("resuming"), resumed.stdout)
        let lines = try String(contentsOf: metrics, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        XCTAssertEqual(lines.map { $0["epoch"] as! Int }, Array(1...10))
        XCTAssertEqual(lines.first?["decoder"] as? String, "greedy")
        XCTAssertEqual(lines.last?["decoder"] as? String, "beam")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: ckdir.path).filter { $0.contains(".tmp-") }
        XCTAssertEqual(leftovers, [])

        // eval --json on the test subset (JSON keys the issue names), given the run folder: its newest checkpoint.
        let ck = ckdir.appendingPathComponent("epoch-010.safetensors").path
        let e = try TrellisBinary.run(["eval", "--checkpoint", run.path, "--data", data, "--subset", "test", "--json"])
        XCTAssertEqual(e.status, 0, e.stderr)
        let obj = try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(obj["checkpoint"] as? String, ck)
        XCTAssertEqual(obj["utterances"] as? Int, 4)
        XCTAssertNotNil(obj["loss"] as? Double)
        for key in ["wer", "cer"] { XCTAssertNotNil((obj[key] as? [String: Any])?["rate"] as? Double, key) }

        // transcribe: one line per file; a missing file fails with its name.
        let flac = try FileManager.default.subpathsOfDirectory(atPath: data + "/test").first { $0.hasSuffix(".flac") }!
        let t = try TrellisBinary.run(["transcribe", data + "/test/" + flac, "--checkpoint", run.path + "@10"])
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertTrue(t.stdout.hasPrefix(data + "/test/" + flac + "\t"), t.stdout)
        let missing = try TrellisBinary.run(["transcribe", "/nonexistent.flac", "--checkpoint", ck])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("/nonexistent.flac"), missing.stderr)

        // model load takes a file, RUN@N, RUN@latest and the run's `latest` pointer; a text file gets one sentence.
        for reference in [ck, run.path + "@2", run.path + "@latest", run.path + "/latest"] {
            let l = try TrellisBinary.run(["model", "load", reference])
            XCTAssertEqual(l.status, 0, "\(reference): \(l.stderr)")
            XCTAssertTrue(l.stdout.contains("model: bilstm"), l.stdout)
        }
        let text = try TrellisBinary.run(["model", "load", metrics.path])
        XCTAssertNotEqual(text.status, 0)
        XCTAssertTrue(text.stderr.contains("not a safetensors checkpoint: it is a text file"), text.stderr)
        XCTAssertEqual(text.stderr.split(separator: "\n").count, 1, text.stderr)

        // The shell: a real model's output feeds the trellis commands, with the transcript from trans.txt.
        let s = try TrellisBinary.run(["-c", "model load \(run.path)@latest; probs from \(data)/test/\(flac); forward --json"])
        XCTAssertEqual(s.status, 0, s.stderr)
        XCTAssertTrue(s.stdout.contains("text: \""), s.stdout)
        XCTAssertTrue(s.stdout.contains("\"log_likelihood\""), s.stdout)
    }

    /// Two processes on one run folder: the second is refused at once, told the first one's pid, and changes
    /// nothing (issue 8 found both exiting 0 with metrics.jsonl holding epochs [1, 2, 2, 3, 3]).
    func testASecondTrainOnARunInProgressIsRefusedAndToldWhoHoldsIt() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try synthCorpus(dir)
        let run = dir.appendingPathComponent("run")
        let p = Process()
        p.executableURL = try TrellisBinary.url()
        p.arguments = ["train", "--model", "dnn", "--data", data, "--out", run.path, "--epochs", "200"] + Self.tiny
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() }
        let lock = run.appendingPathComponent("lock")
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, !((try? String(contentsOf: lock, encoding: .utf8)) ?? "").contains("\"pid\"") { usleep(20_000) }

        let second = try TrellisBinary.run(["train", "--resume", run.path])
        XCTAssertNotEqual(second.status, 0)
        XCTAssertTrue(second.stderr.contains("is in use: trellis process \(p.processIdentifier) on "), second.stderr)
        let again = try TrellisBinary.run(["train", "--data", data, "--out", run.path])
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(p.isRunning, "the first run goes on")
    }

    func testTrainWithoutDataOrAnUnknownModelFailsClearly() throws {
        let r = try TrellisBinary.run(["train", "--model", "transformer", "--data", "/tmp", "--out", "/tmp/x"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("'dnn', 'lstm', 'bilstm', 'gru' or 'bigru'"), r.stderr)
        let noModel = try TrellisBinary.run(["-c", "probs from x.flac"])
        XCTAssertNotEqual(noModel.status, 0)
        XCTAssertTrue(noModel.stderr.contains("model load"), noModel.stderr)
    }

    /// The plateau's two causes can be switched one at a time (docs/training.md's ablation); the run
    /// folder records what was trained.
    func testFeaturesAndHeadSwitchOneCauseAtATime() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try synthCorpus(dir)
        let run = dir.appendingPathComponent("run")
        let r = try TrellisBinary.run(["train", "--model", "lstm", "--data", data, "--out", run.path, "--epochs", "1",
                                       "--features", "raw", "--head", "proj", "--rnn-dim", "32", "--cnn-layers", "1",
                                       "--rnn-layers", "1", "--batch", "4"])  // proj_size 29 needs rnn_dim > 29
        XCTAssertEqual(r.status, 0, r.stderr)
        let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("run.json"))) as? [String: Any]
        let options = saved?["options"] as? [String: Any]
        let model = options?["model"] as? [String: Any]
        let features = options?["features"] as? [String: Any]   // the one FeatureSpec
        XCTAssertEqual(features?["log_mel"] as? Bool, false)
        XCTAssertEqual(features?["normalize"] as? Bool, false)
        XCTAssertEqual(features?["hop"] as? Int, 200)
        XCTAssertEqual(model?["proj_size"] as? Int, 29)
        XCTAssertEqual(model?["linear_classifier"] as? Bool, false)

        let dnn = try TrellisBinary.run(["train", "--model", "dnn", "--data", data, "--out", dir.appendingPathComponent("d").path, "--head", "proj"])
        XCTAssertNotEqual(dnn.status, 0)
        XCTAssertTrue(dnn.stderr.contains("recurrent models"), dnn.stderr)
        let bad = try TrellisBinary.run(["train", "--data", data, "--out", dir.appendingPathComponent("b").path, "--features", "mfcc"])
        XCTAssertTrue(bad.stderr.contains("'mfcc' is invalid") && bad.stderr.contains("'log'") && bad.stderr.contains("'raw'"), bad.stderr)  // the enum's cases
        let resume = try TrellisBinary.run(["train", "--resume", run.path, "--head", "linear"])
        XCTAssertTrue(resume.stderr.contains("--head cannot change"), resume.stderr)
    }

    /// `--model bigru` trains through the same loop and its checkpoint says what it is (model info, eval); PyTorch's
    /// GRU has no projection, so `--head proj` is refused before anything runs.
    func testBiGRUTrainsAndItsCheckpointLoads() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try synthCorpus(dir)
        let run = dir.appendingPathComponent("run")
        let r = try TrellisBinary.run(["train", "--model", "bigru", "--data", data, "--out", run.path, "--epochs", "1"] + Self.tiny)
        XCTAssertEqual(r.status, 0, r.stderr)
        let info = try TrellisBinary.run(["model", "load", run.path, "--json"])
        XCTAssertEqual(info.status, 0, info.stderr)
        let reply = try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(reply?["kind"] as? String, "bigru")
        XCTAssertTrue((reply?["summary"] as? String)?.contains("BiGRU") == true, info.stdout)
        let e = try TrellisBinary.run(["eval", "--checkpoint", run.path, "--data", data, "--subset", "test", "--json"])
        XCTAssertEqual(e.status, 0, e.stderr)
        let proj = try TrellisBinary.run(["train", "--model", "bigru", "--data", data, "--out", dir.appendingPathComponent("p").path,
                                          "--head", "proj", "--rnn-dim", "32"])
        XCTAssertNotEqual(proj.status, 0)
        XCTAssertTrue(proj.stderr.contains("GRU has no proj_size"), proj.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("p").path))
    }

    /// `--mels` and `--hop` (the demo's cheaper features) reach the model's input width, run.json and the
    /// checkpoint's FeatureSpec, so eval and transcribe feed the model what it learned from; `--blank-bias` is
    /// recorded in run.json; none of them may change on --resume.
    func testMelsHopAndBlankBiasAreRecordedWhereEvalFindsThem() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try synthCorpus(dir)
        let run = dir.appendingPathComponent("run")
        let r = try TrellisBinary.run(["train", "--model", "bilstm", "--data", data, "--out", run.path, "--epochs", "1",
                                       "--mels", "24", "--hop", "320", "--blank-bias", "2.5"] + Self.tiny)
        XCTAssertEqual(r.status, 0, r.stderr)
        let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("run.json"))) as? [String: Any]
        let options = saved?["options"] as? [String: Any]
        let features = options?["features"] as? [String: Any]
        XCTAssertEqual(features?["n_mels"] as? Int, 24)
        XCTAssertEqual(features?["hop"] as? Int, 320)
        XCTAssertEqual((options?["model"] as? [String: Any])?["n_feats"] as? Int, 24)
        XCTAssertEqual(options?["blank_bias"] as? Double, 2.5)
        // eval reads the features from the checkpoint: 24 bands at hop 320 or the model could not run at all.
        let e = try TrellisBinary.run(["eval", "--checkpoint", run.path, "--data", data, "--subset", "test", "--json"])
        XCTAssertEqual(e.status, 0, e.stderr)
        for flag in [["--mels", "40"], ["--hop", "200"], ["--blank-bias", "1"]] {
            let resume = try TrellisBinary.run(["train", "--resume", run.path] + flag)
            XCTAssertTrue(resume.stderr.contains("\(flag[0]) cannot change"), resume.stderr)
        }
        let proj = try TrellisBinary.run(["train", "--model", "lstm", "--data", data, "--out", dir.appendingPathComponent("p").path,
                                          "--head", "proj", "--rnn-dim", "32", "--blank-bias", "3"])
        XCTAssertNotEqual(proj.status, 0)
        XCTAssertTrue(proj.stderr.contains("--blank-bias needs a Linear classifier"), proj.stderr)
    }

    /// The augmentation options and --stack (issue 11) reach run.json under their keys; the stacked input width
    /// reaches the model and the checkpoint's FeatureSpec, so eval and transcribe stack as training did; none of
    /// them may change on --resume; nonsense is refused before anything is written.
    func testAugmentationsAndStackingAreRecordedWhereEvalFindsThem() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try synthCorpus(dir)
        let run = dir.appendingPathComponent("run")
        let flags = ["--mels", "20", "--stack", "2", "--time-masks", "2", "--freq-masks", "3", "--time-mask-ratio", "0.05",
                     "--speed-perturb", "0.9,1.1", "--noise-snr", "10:20", "--noise-color", "pink", "--reverb", "0.5"]
        let r = try TrellisBinary.run(["train", "--model", "bilstm", "--data", data, "--out", run.path, "--epochs", "1"] + flags + Self.tiny)
        XCTAssertEqual(r.status, 0, r.stderr)
        let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("run.json"))) as? [String: Any]
        let options = saved?["options"] as? [String: Any]
        XCTAssertEqual((options?["features"] as? [String: Any])?["stack"] as? Int, 2)
        XCTAssertEqual((options?["model"] as? [String: Any])?["n_feats"] as? Int, 40)
        XCTAssertEqual(options?["time_masks"] as? Int, 2)
        XCTAssertEqual(options?["freq_masks"] as? Int, 3)
        XCTAssertEqual(options?["time_mask_ratio"] as? Double, 0.05)
        XCTAssertEqual(options?["speed_perturb"] as? [Double], [0.9, 1.1])
        XCTAssertEqual(options?["noise_snr"] as? [Double], [10, 20])
        XCTAssertEqual(options?["noise_color"] as? String, "pink")
        XCTAssertEqual(options?["reverb"] as? Double, 0.5)
        // eval and transcribe read the stacking from the checkpoint: 40 values per frame or the model could not run.
        let e = try TrellisBinary.run(["eval", "--checkpoint", run.path, "--data", data, "--subset", "test", "--json"])
        XCTAssertEqual(e.status, 0, e.stderr)
        let audio = try FileManager.default.subpathsOfDirectory(atPath: data + "/test").first { $0.hasSuffix(".flac") }
        let t = try TrellisBinary.run(["transcribe", data + "/test/" + (audio ?? "missing.flac"), "--checkpoint", run.path, "--json"])
        XCTAssertEqual(t.status, 0, t.stderr)
        for flag in [["--stack", "1"], ["--time-masks", "1"], ["--speed-perturb", "1"], ["--noise-snr", "5"], ["--reverb", "0"]] {
            let resume = try TrellisBinary.run(["train", "--resume", run.path] + flag)
            XCTAssertTrue(resume.stderr.contains("\(flag[0]) cannot change"), resume.stderr)
        }
        for (bad, message) in [(["--no-spec-augment", "--time-masks", "2"], "--time-masks shapes SpecAugment's masks"),
                               (["--noise-snr", "30:10"], "the lower SNR 30.0 is above the upper 10.0"),
                               (["--speed-perturb", "0.9,fast"], "--speed-perturb takes comma-separated numbers"),
                               (["--noise-color", "pink"], "--noise-color needs --noise-snr")] {
            let out = dir.appendingPathComponent("bad").path
            let b = try TrellisBinary.run(["train", "--data", data, "--out", out] + bad + Self.tiny)
            XCTAssertNotEqual(b.status, 0)
            XCTAssertTrue(b.stderr.contains(message), b.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/run.json"))
        }
    }
}

