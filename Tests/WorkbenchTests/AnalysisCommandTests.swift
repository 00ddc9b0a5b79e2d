// `blanks`, `compare runs|checkpoints|alignment` and checkpoint panels of `plot grid`, end to end through the binary:
// hand-written run folders where the answer is known, and a tiny two-epoch run for the commands that load models.
import Foundation
import XCTest

final class AnalysisCommandTests: XCTestCase {
    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    /// A run folder with a run.json and a metrics.jsonl written by hand (no checkpoint: `compare runs` reads none).
    func handWrittenRun(_ dir: URL, name: String, kind: String, lines: [String]) throws -> String {
        let run = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: run.appendingPathComponent("checkpoints"), withIntermediateDirectories: true)
        // run.json as the trainer reads it (the older layout with log_mel and normalize beside the options).
        let model = #"{"kind":"\#(kind)","n_cnn_layers":1,"n_rnn_layers":1,"rnn_dim":16,"n_class":29,"n_feats":128,"stride":2,"dropout":0.1,"channels":32,"dnn_hidden":32,"proj_size":0,"linear_classifier":true}"#
        let options = #"{"model":\#(model),"seed_faithful":false,"epochs":2,"batch_size":4,"lr":0.001,"clip_norm":5,"seed":1,"threads":1,"spec_augment":false,"pack_sequences":true,"log_mel":true,"normalize":true}"#
        try #"{"data":"/nonexistent","options":\#(options),"run_format":1}"#.write(to: run.appendingPathComponent("run.json"), atomically: true, encoding: .utf8)
        try (lines.joined(separator: "\n") + "\n").write(to: run.appendingPathComponent("metrics.jsonl"), atomically: true, encoding: .utf8)
        return run.path
    }

    func metricsLine(_ epoch: Int, loss: Double, cer: Double, seconds: Double = 60, gradNorm: Double = 1) -> String {
        #"{"epoch":\#(epoch),"steps":10,"loss":\#(loss),"test_loss":\#(loss + 0.1),"cer":\#(cer),"wer":\#(min(1, cer + 0.2)),"decoder":"greedy","lr":0.001,"grad_norm":\#(gradNorm),"seconds":\#(seconds),"eval_seconds":0,"audio_seconds_per_s":4,"skipped_batches":0,"utterances":40}"#
    }

    func testCompareRunsOnHandWrittenMetrics() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // a leaves the plateau in epoch 2 (after 2 minutes); b never does and its loss rises once by 0.5 (mean 2.5).
        let a = try handWrittenRun(dir, name: "a", kind: "dnn", lines: [metricsLine(1, loss: 3, cer: 1), metricsLine(2, loss: 2, cer: 0.6),
                                                                    metricsLine(3, loss: 1.5, cer: 0.4)])
        let b = try handWrittenRun(dir, name: "b", kind: "bilstm", lines: [metricsLine(1, loss: 2.5, cer: 1), metricsLine(2, loss: 2.25, cer: 1),
                                                                         metricsLine(3, loss: 2.75, cer: 0.95, gradNorm: 9)])
        let out = dir.appendingPathComponent("cmp").path
        let r = try TrellisBinary.run(["compare", "runs", a, b, "--out", out, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let runs = try XCTUnwrap(try json(r.stdout)["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.count, 2)
        XCTAssertEqual(runs[0]["model"] as? String, "dnn")
        XCTAssertEqual(runs[1]["model"] as? String, "bilstm")
        XCTAssertEqual(runs[0]["epochs"] as? Int, 3)
        XCTAssertEqual(runs[0]["train_seconds"] as? Double, 180)
        XCTAssertEqual(runs[0]["final_cer"] as? Double, 0.4)
        XCTAssertEqual(runs[0]["best_cer"] as? Double, 0.4)
        XCTAssertEqual(try XCTUnwrap(runs[0]["final_wer"] as? Double), 0.6, accuracy: 1e-12)
        XCTAssertEqual(runs[0]["plateau_exit_epoch"] as? Int, 2)
        XCTAssertEqual(runs[0]["plateau_exit_minutes"] as? Double, 2)
        XCTAssertEqual(runs[0]["loss_roughness"] as? Double, 0)
        XCTAssertTrue(runs[1]["plateau_exit_epoch"] is NSNull, "b never left the plateau")
        XCTAssertEqual(try XCTUnwrap(runs[1]["loss_roughness"] as? Double), 0.5 / 2.5, accuracy: 1e-9)
        XCTAssertEqual(runs[1]["grad_norm_spikes"] as? Int, 1)
        XCTAssertTrue(runs[0]["inference_real_time_factor"] is NSNull, "the data folder is gone: no RTF, and no failure")
        XCTAssertGreaterThan(runs[0]["parameters"] as? Int ?? 0, 0)
        for f in ["runs.md", "runs.json", "runs-curves.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + f), f)
        }
        let table = try String(contentsOfFile: out + "/runs.md", encoding: .utf8)
        XCTAssertTrue(table.contains("| 2 (2.0) |") && table.contains("| never |"), table)

        let text = try TrellisBinary.run(["compare", "runs", a])
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("| dnn |"), text.stdout)
        let empty = try handWrittenRun(dir, name: "empty", kind: "dnn", lines: [])
        let bad = try TrellisBinary.run(["compare", "runs", empty, "--json"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stdout.contains("no finished epoch"), bad.stdout)
        let notARun = try TrellisBinary.run(["compare", "runs", dir.path])
        XCTAssertTrue(notARun.stderr.contains("not a training run"), notARun.stderr)
    }

    func testModelCommandsOnATinyTwoEpochRun() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data").path
        let synth = try TrellisBinary.run(["corpus", "synth", "--out", data, "--train", "8", "--test", "3", "--seed", "5", "--json"])
        try XCTSkipIf(synth.status != 0 && synth.stderr.contains("espeak"), "speech synthesis tools missing: \(synth.stderr)")
        XCTAssertEqual(synth.status, 0, synth.stderr)
        let run = dir.appendingPathComponent("run").path
        let train = try TrellisBinary.run(["train", "--model", "lstm", "--data", data, "--out", run, "--epochs", "2", "--threads", "1",
                                           "--rnn-dim", "16", "--cnn-layers", "1", "--rnn-layers", "1", "--batch", "4"])
        XCTAssertEqual(train.status, 0, train.stderr)

        // blanks: two epochs of one run; per-utterance ratios pool (weighted by frames) to the checkpoint's.
        let figure = dir.appendingPathComponent("blanks.svg").path
        let b = try TrellisBinary.run(["blanks", "--checkpoint", run + "@1", "--checkpoint", run + "@2", "--data", data,
                                       "--out", figure, "--json"])
        XCTAssertEqual(b.status, 0, b.stderr)
        let checkpoints = try XCTUnwrap(try json(b.stdout)["checkpoints"] as? [[String: Any]])
        XCTAssertEqual(checkpoints.count, 2)
        for c in checkpoints {
            let utts = try XCTUnwrap(c["utterances"] as? [[String: Any]])
            XCTAssertEqual(utts.count, 3)
            let frames = utts.map { $0["frames"] as! Int }, ratios = utts.map { $0["blank_argmax_ratio"] as! Double }
            let pooled = zip(frames, ratios).reduce(0.0) { $0 + Double($1.0) * $1.1 } / Double(frames.reduce(0, +))
            XCTAssertEqual(try XCTUnwrap(c["blank_argmax_ratio"] as? Double), pooled, accuracy: 1e-9)
            XCTAssertNotNil(c["mean_blank_posterior"] as? Double)
            XCTAssertNotNil(utts[0]["id"] as? String)
        }
        XCTAssertTrue(try String(contentsOfFile: figure, encoding: .utf8).contains("Blank arg-max ratio"))

        // The same number from `probs from` on one recording (the one model-output path).
        let first = try XCTUnwrap((checkpoints[1]["utterances"] as? [[String: Any]])?.first)
        let id = try XCTUnwrap(first["id"] as? String)
        let flac = try XCTUnwrap(FileManager.default.enumerator(atPath: data)?.compactMap { $0 as? String }
            .first { $0.hasSuffix(id + ".flac") })
        let one = try TrellisBinary.run(["blanks", "--checkpoint", run + "@2", "--data", data, "--limit", "1", "--json"])
        let onlyFirst = try XCTUnwrap(((try json(one.stdout)["checkpoints"] as? [[String: Any]])?.first?["utterances"] as? [[String: Any]])?.first)
        XCTAssertEqual(onlyFirst["blank_argmax_ratio"] as? Double, first["blank_argmax_ratio"] as? Double, "--limit 1 takes the first id")
        let probs = try TrellisBinary.run(["-c", "model load \(run)@2; probs from \(data)/\(flac); probs info --json"])
        XCTAssertEqual(probs.status, 0, probs.stderr)
        XCTAssertTrue(probs.stdout.contains("\"frames\":\(first["frames"] as! Int)"), probs.stdout)

        // compare checkpoints: one row per epoch, a grid and the curves.
        let grid = dir.appendingPathComponent("epochs.png").path
        let c = try TrellisBinary.run(["compare", "checkpoints", run, "--utterance", id, "--out", grid, "--json"])
        XCTAssertEqual(c.status, 0, c.stderr)
        let reply = try json(c.stdout)
        XCTAssertEqual(reply["utterance"] as? String, id)
        let epochs = try XCTUnwrap(reply["epochs"] as? [[String: Any]])
        XCTAssertEqual(epochs.map { $0["epoch"] as? Int }, [1, 2])
        XCTAssertEqual(epochs[1]["blank_argmax_ratio"] as? Double, first["blank_argmax_ratio"] as? Double, "the same matrix as blanks'")
        XCTAssertTrue(FileManager.default.fileExists(atPath: grid))
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("epochs-curves.png").path))
        // The same epochs as an animated GIF: one frame per epoch.
        let gif = dir.appendingPathComponent("epochs.gif").path
        let animated = try TrellisBinary.run(["compare", "checkpoints", run, "--utterance", id, "--out", gif])
        XCTAssertEqual(animated.status, 0, animated.stderr)
        let gifBytes = Array(try Data(contentsOf: URL(fileURLWithPath: gif)))
        XCTAssertEqual(Array(gifBytes.prefix(6)), Array("GIF89a".utf8))
        let frameHeader: [UInt8] = [0x21, 0xF9, 4, 4, 100, 0]  // a graphic control block: 1 s (100/100) per frame
        XCTAssertEqual(gifBytes.indices.dropLast(6).filter { Array(gifBytes[$0..<($0 + 6)]) == frameHeader }.count, 2, "two epochs, two frames")
        let missing = try TrellisBinary.run(["compare", "checkpoints", run, "--utterance", "no-such-id"])
        XCTAssertTrue(missing.stderr.contains("no utterance 'no-such-id'"), missing.stderr)

        // compare alignment: an epoch against itself agrees on every boundary.
        let a = try TrellisBinary.run(["compare", "alignment", "--checkpoint", run + "@2", "--checkpoint", run, "--data", data, "--json",
                                       "--out", dir.appendingPathComponent("align.pdf").path])
        XCTAssertEqual(a.status, 0, a.stderr)
        let boundaries = try XCTUnwrap(try json(a.stdout)["boundaries"] as? [String: Any])
        XCTAssertEqual(boundaries["mean_abs_frames"] as? Double, 0)
        XCTAssertEqual(boundaries["within_one_frame"] as? Double, 1)

        // Cell 42 from run folders: checkpoint panels with an utterance id, and RUN@N without a panel name.
        let cell42 = dir.appendingPathComponent("cell42.png").path
        let g = try TrellisBinary.run(["plot", "grid", "--out", cell42, "--cols", "2", "--json",
                                       "align=\(run)@1:\(id)@Epoch 1", "align:log=\(run)@1:\(id)@Epoch 1", "align=\(run)@2", "viterbi:log=\(run)@latest"])
        XCTAssertEqual(g.status, 0, g.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: cell42))
        let unknownEpoch = try TrellisBinary.run(["plot", "grid", "--out", cell42, "align=\(run)@9"])
        XCTAssertTrue(unknownEpoch.stderr.contains("no complete checkpoint of epoch 9"), unknownEpoch.stderr)
    }
}
