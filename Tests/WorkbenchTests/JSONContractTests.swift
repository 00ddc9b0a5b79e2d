// The `--json` contract (docs/json.md) and the help defaults, checked over the whole command registry through the
// built binary, so a new command cannot slip past them:
//  - every command that prints something declares --json (those that print nothing of their own, `quit`, `sleep`,
//    `.read` and `.timer`, are run to show it);
//  - run with --json in a small session (a random matrix, a transcript, the fixture ARPA model, the fixture
//    recording, a two-subset corpus made of it, a model trained on it for one epoch), each command's standard
//    output is exactly one JSON object (one per file for `transcribe`) with nothing else in it;
//  - run with --json where it cannot work (an empty session), a failure is exactly `{"error": "..."}` on standard
//    output with status 1;
//  - docs/json.md has a section for every command with --json;
//  - `help CMD` shows the default of every option that has one; an optional option without a declared default
//    says in its help what it defaults to, unless leaving it out just turns something off (`offWhenAbsent`).
import Foundation
import Workbench
import XCTest

final class JSONContractTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// One leaf command of the registry, as `--experimental-dump-help` describes it.
    struct Leaf {
        var path: String
        var arguments: [[String: Any]]
        var hasJSONFlag: Bool {
            arguments.contains { ($0["names"] as? [[String: Any]] ?? []).contains { $0["name"] as? String == "json" } }
        }
    }

    /// The registry's leaf commands (`probs load`, not `probs`), from the binary's own description of its tree.
    static func leaves() throws -> [Leaf] {
        let r = try TrellisBinary.run(["--experimental-dump-help"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let dump = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let root = try XCTUnwrap(dump["command"] as? [String: Any])
        var out: [Leaf] = []
        func walk(_ c: [String: Any], _ path: [String]) {
            let subs = c["subcommands"] as? [[String: Any]] ?? []
            if subs.isEmpty {
                out.append(Leaf(path: path.joined(separator: " "), arguments: c["arguments"] as? [[String: Any]] ?? []))
            }
            for s in subs { walk(s, path + [s["commandName"] as! String]) }
        }
        // ArgumentParser appends its own `help` to the root's subcommands; the registry's `help` comes first.
        var names = Set<String>()
        let top = (root["subcommands"] as? [[String: Any]] ?? []).filter { names.insert($0["commandName"] as? String ?? "").inserted }
        // The dump is the registry's: the same top-level names, in the same order.
        XCTAssertEqual(top.map { $0["commandName"] as? String },
                       CommandRegistry.all.map { $0.configuration.commandName ?? $0._commandName })
        for s in top { walk(s, [s["commandName"] as! String]) }
        return out
    }

    // MARK: - The session the commands run in

    struct Scene {
        var dir: URL
        var audio: String
        var corpus: String
        var checkpoint: String
        var lm: String
        var matrix: String
        var ref: String
        var hyp: String
        /// A small notebook for `notebook run` (its blocks print JSON of their own, captured into its report).
        var notebook: String
        /// Commands (each with --json) that set the session up; each prints one line.
        var prelude: [String]
    }

    static func makeScene() throws -> Scene {
        let dir = try TrellisBinary.temporaryDirectory()
        let audio = root.appendingPathComponent("fixtures/audio/speech16k.flac").path
        let lm = root.appendingPathComponent("fixtures/lm/small.arpa").path
        // A LibriSpeech-layout corpus of the fixture recording: three training utterances, two test ones.
        let corpus = dir.appendingPathComponent("corpus")
        for (subset, speaker, count) in [("train", "1", 3), ("test", "2", 2)] {
            let chapter = corpus.appendingPathComponent("\(subset)/\(speaker)/10")
            try FileManager.default.createDirectory(at: chapter, withIntermediateDirectories: true)
            var trans = ""
            for i in 0..<count {
                let id = "\(speaker)-10-000\(i)"
                try FileManager.default.copyItem(atPath: audio, toPath: chapter.appendingPathComponent("\(id).flac").path)
                trans += "\(id) THE CAT SAT\n"
            }
            try trans.write(to: chapter.appendingPathComponent("\(speaker)-10.trans.txt"), atomically: true, encoding: .utf8)
        }
        let run = dir.appendingPathComponent("run").path
        let trained = try TrellisBinary.run(["train", "--model", "dnn", "--data", corpus.path, "--out", run, "--epochs", "1",
                                             "--batch", "3", "--rnn-dim", "8", "--cnn-layers", "1", "--threads", "1"])
        XCTAssertEqual(trained.status, 0, trained.stderr)
        let matrix = dir.appendingPathComponent("m.txt").path
        let saved = try TrellisBinary.run(["-c", "probs random 12 --seed 2; probs save \(matrix)"])
        XCTAssertEqual(saved.status, 0, saved.stderr)
        let ref = dir.appendingPathComponent("ref.txt").path, hyp = dir.appendingPathComponent("hyp.txt").path
        try "the cat sat\n".write(toFile: ref, atomically: true, encoding: .utf8)
        try "the bat sat\n".write(toFile: hyp, atomically: true, encoding: .utf8)
        let tokenized = try TrellisBinary.run(["tokenizer", "train", ref, "--vocab", "30", "--out", dir.appendingPathComponent("t.bpe").path])
        XCTAssertEqual(tokenized.status, 0, tokenized.stderr)
        let checkpoint = run + "/checkpoints/epoch-001.safetensors"
        let notebook = dir.appendingPathComponent("notebook.md").path
        try "# N\n\n```trellis name=m\nprobs random 3 --json\nplot probs --out nb.png\n```\n\n{{ m.frames }} frames.\n"
            .write(toFile: notebook, atomically: true, encoding: .utf8)
        // A two-step lesson; the prelude starts it and goes to its question, so next, back, again and answer have a lesson.
        let lessons = dir.appendingPathComponent("lessons")
        try FileManager.default.createDirectory(at: lessons, withIntermediateDirectories: true)
        try "# Contract lesson\n## One\n```trellis\nversion\n```\n## Two\n```question\nask: One plus one?\nanswer: 2\n```\n"
            .write(to: lessons.appendingPathComponent("01-contract.md"), atomically: true, encoding: .utf8)
        return Scene(dir: dir, audio: audio, corpus: corpus.path, checkpoint: checkpoint, lm: lm, matrix: matrix, ref: ref, hyp: hyp,
                     notebook: notebook,
                     prelude: ["probs random 30 --seed 1 --json", "text \"the cat\" --json", "lm load \(lm) --json",
                               "audio load \(audio) --json", "corpus open \(corpus.path) --json", "model load \(checkpoint) --json",
                               "lesson start 1 --dir \(lessons.path) --json", "next --json"])
    }

    /// The arguments each leaf command runs with in the scene (--json is added). A new command must be added here.
    static func invocations(_ s: Scene) -> [String: [String]] {
        let d = s.dir.path
        return [
            "help": ["probs"], "version": [], "demo": ["--out", d + "/demo"],
            "bench all": ["--only", "ctc,beam", "--fast-reps", "1"],
            "bench allreduce": ["--sizes", "1", "64", "--reps", "1"],
            "bench conv": ["--batch", "1", "--frames", "8", "--reps", "1", "--threads", "1"],
            "bench ctc": ["--reps", "1"], "bench lm": [s.lm, "--reps", "1"], "bench mel": ["--reps", "1", "--seconds", "1"],
            "probs load": [s.matrix], "probs random": ["10"], "probs save": [d + "/saved.txt"], "probs info": [],
            "probs from": [s.audio],
            "text": ["\"the cat\""], "forward": [], "backward": [], "align": [], "viterbi": [], "step": ["2"], "reset": [],
            "greedy": [], "beam": ["--size", "2"], "lm load": [s.lm], "lm score": ["\"the cat\""],
            "lm build": [root.appendingPathComponent("fixtures/lm/kn-tiny.txt").path, "--order", "3", "--out", d + "/built.arpa"],
            "lm perplexity": [s.lm, s.ref],
            "tokenizer train": [s.ref, "--vocab", "30", "--out", d + "/t2.bpe"],
            "tokenizer encode": ["--model", d + "/t.bpe", "\"the cat\""], "tokenizer decode": ["--model", d + "/t.bpe", "28", "29"],
            "tokenizer stats": ["--model", d + "/t.bpe", s.hyp],
            "wer": ["--ref", s.ref, "--hyp", s.hyp], "audio load": [s.audio], "mel": [],
            "plot wave": ["--out", d + "/wave.png"], "plot spec": ["--out", d + "/spec.png"], "plot mel": ["--out", d + "/mel.svg"],
            "plot probs": ["--out", d + "/probs.svg"], "plot alpha": ["--out", d + "/alpha.svg"], "plot beta": ["--out", d + "/beta.svg"],
            "plot align": ["--out", d + "/align.png"], "plot viterbi": ["--out", d + "/viterbi.pdf"],
            "plot grid": ["--out", d + "/grid.png", "align", "align:log"],
            "corpus open": [s.corpus], "corpus stats": [], "corpus text": ["--subset", "test", "--out", d + "/test.txt"],
            "corpus synth": ["--out", d + "/synth", "--train", "1", "--test", "1", "--jobs", "1"],
            "train": ["--model", "dnn", "--data", s.corpus, "--out", d + "/run2", "--epochs", "1", "--batch", "3", "--rnn-dim", "8",
                      "--cnn-layers", "1", "--threads", "1"],
            "eval": ["--checkpoint", s.checkpoint, "--data", s.corpus, "--subset", "test"],
            "transcribe": [s.audio, "--checkpoint", s.checkpoint], "model load": [s.checkpoint], "model info": [],
            "tune-lm": ["--checkpoint", s.checkpoint, "--data", s.corpus, "--lm", s.lm, "--alphas", "0,0.5", "--betas", "0,1",
                        "--threads", "1", "--out", d + "/tune.png"],
            "blanks": ["--checkpoint", s.checkpoint, "--data", s.corpus], "compare runs": [d + "/run"],
            "compare checkpoints": [d + "/run", "--out", d + "/epochs.png"],
            "notebook run": [s.notebook, "--out", d + "/notebook", "--html"],
            "compare alignment": ["--checkpoint", s.checkpoint, "--checkpoint", d + "/run", "--data", s.corpus, "--out", d + "/al.svg"],
            "lesson list": ["--dir", d + "/lessons"], "lesson start": ["1", "--dir", d + "/lessons"],
            "lesson run": ["1", "--auto", "--dir", d + "/lessons"], "next": [], "back": [], "again": [], "answer": ["2"],
            "quit-lesson": [],
        ]
    }

    /// Commands not run here, and why; they must still declare --json.
    static let notRun: [String: String] = [
        "bench step": "a fixed workload of batch 16 × 800 frames: minutes on a busy machine",
    ]

    /// Commands that print nothing of their own, so have no --json; run to show it. (`.read` prints what the
    /// commands of its script print, each with its own --json; `.timer` writes its lines to standard error.)
    static let silent: [String: [String]] = ["quit": [], "sleep": ["0"], ".read": [commentOnlyScript], ".timer": ["off"]]

    /// A script with nothing to run, for `.read`.
    static let commentOnlyScript: String = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-comment-only-\(getpid()).trellis")
        try? "# nothing to run\n".write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }()

    func testEveryCommandKeepsTheJSONContract() throws {
        let leaves = try Self.leaves()
        XCTAssertGreaterThan(leaves.count, 40)
        let scene = try Self.makeScene()
        defer { try? FileManager.default.removeItem(at: scene.dir) }
        let table = Self.invocations(scene)
        let docs = try String(contentsOf: Self.root.appendingPathComponent("docs/json.md"), encoding: .utf8)

        for leaf in leaves {
            if let args = Self.silent[leaf.path] {
                XCTAssertFalse(leaf.hasJSONFlag, "\(leaf.path) is listed as silent but has --json")
                let r = try TrellisBinary.run(["-c", ([leaf.path] + args).joined(separator: " ")])
                XCTAssertEqual(r.status, 0, "\(leaf.path): \(r.stderr)")
                XCTAssertEqual(r.stdout, "", "\(leaf.path) prints, so it needs --json")
                continue
            }
            XCTAssertTrue(leaf.hasJSONFlag, "\(leaf.path) has no --json flag")
            XCTAssertTrue(docs.contains("## `\(leaf.path)`"), "docs/json.md has no section for \(leaf.path)")
            if Self.notRun[leaf.path] != nil { continue }
            guard let args = table[leaf.path] else {
                XCTFail("\(leaf.path): add its arguments to JSONContractTests.invocations (or to notRun with a reason)")
                continue
            }
            let command = ([leaf.path] + args + ["--json"]).joined(separator: " ")

            // In the scene: one JSON object per prelude command, then exactly one for the command.
            let r = try TrellisBinary.run(["-c", (scene.prelude + [command]).joined(separator: "; ")], currentDirectory: scene.dir)
            XCTAssertEqual(r.status, 0, "\(command)\n\(r.stderr)")
            let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(lines.last, "", "\(command): standard output does not end with a newline")
            let objects = lines.dropLast().map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            XCTAssertEqual(objects.count, scene.prelude.count + 1, "\(command): not one JSON line per command:\n\(r.stdout)")
            for (line, object) in zip(lines, objects) where object == nil {
                XCTFail("\(command): a line of standard output is not a JSON object: \(line)")
            }
            XCTAssertFalse(objects.last??["error"] is String, "\(command) failed: \(r.stdout)")
            if let reply = objects.last ?? nil { checkGlossary(reply, in: leaf.path) }
            // Standard error here is a file, not a terminal: no progress bar is drawn into it.
            XCTAssertFalse(r.stderr.contains("\u{1B}[K") || r.stderr.contains(" ETA "), "\(command): a progress bar in a log:\n\(r.stderr)")

            // Alone, in an empty session: either a reply or exactly {"error": "..."} with status 1.
            let alone = try TrellisBinary.run(["-c", command], currentDirectory: scene.dir)
            let reply = try? JSONSerialization.jsonObject(with: Data(alone.stdout.utf8)) as? [String: Any]
            XCTAssertNotNil(reply, "\(command) alone: standard output is not one JSON object: \(alone.stdout)")
            if alone.status != 0 {
                XCTAssertEqual(alone.status, 1, command)
                XCTAssertEqual(reply?.keys.sorted(), ["error"], "\(command) alone: \(alone.stdout)")
                XCTAssertFalse((reply?["error"] as? String ?? "").isEmpty, command)
            }
        }
    }

    /// Keys that mean the same in every reply have the same JSON type everywhere (docs/json.md's glossary): the
    /// issue's examples were `states` a count here and a list there, `skipped` an object, an array or a number,
    /// `wer` an object in one command and flat in another.
    func checkGlossary(_ object: [String: Any], in command: String, path: String = "") {
        for (key, value) in object {
            let at = "\(command): \(path)\(key)"
            switch key {
            case "utterances" where value is [Any]:
                // `blanks` lists its utterances (the shape issue 9 asks for): per-utterance records, each with its id.
                XCTAssertTrue((value as? [[String: Any]])?.allSatisfy { $0["id"] is String } == true,
                              "\(at) is neither a count nor a list of utterance records: \(value)")
            case "words" where command.hasPrefix("lm perplexity"):
                // The one exception the glossary names: KenLM's `query` and issue 11 call the token count `words`.
                XCTAssertNotNil(value as? Int, "\(at) is not a count: \(value)")
            case "states", "skipped", "frames", "classes", "utterances", "next_frame", "epoch":
                XCTAssertTrue(value is NSNull || (value as? Int) != nil, "\(at) is not a count: \(value)")
                XCTAssertFalse(value is [Any] || value is [String: Any] || value is String, "\(at) is not a count: \(value)")
            case "wer", "cer":
                let rate = value as? [String: Any]
                XCTAssertNotNil(rate, "\(at) is not an error-rate object: \(value)")
                XCTAssertEqual(rate.map { Set($0.keys) }, ["unit", "utterances", "errors", "substitutions", "deletions", "insertions",
                                                          "correct", "reference_length", "rate", "utterance_mean"], at)
            case "labels", "skipped_reasons", "warnings", "files", "subcommands", "segments", "steps", "updates", "beams", "words":
                XCTAssertTrue(value is [Any] || value is NSNull, "\(at) is not a list: \(value)")
            case "saved", "text", "file", "source", "language_model", "error", "explanation", "checkpoint", "out", "run", "root":
                XCTAssertTrue(value is String || value is NSNull, "\(at) is not a string or null: \(value)")
            case "log_likelihood", "path_log_probability", "score", "elapsed_seconds", "duration_seconds", "hours":
                XCTAssertTrue(value is NSNull || (value as? Double) != nil, "\(at) is not a number: \(value)")
            case "trn":
                XCTAssertTrue(value is NSNull || value is [String], "\(at) is not a list of files or null: \(value)")
            default:
                break
            }
            // `last_epoch` is a metrics.jsonl line: its keys are that file's (docs/training.md).
            if key == "last_epoch" { continue }
            if let nested = value as? [String: Any] { checkGlossary(nested, in: command, path: path + key + ".") }
            if let list = value as? [[String: Any]] { for item in list { checkGlossary(item, in: command, path: path + key + "[].") } }
        }
    }

    func testAFailureThatDoesNotParseIsAlsoJSON() throws {
        for words in [["nonsense", "--json"], ["forward", "--json", "--bogus"], ["probs", "random", "--json"]] {
            let r = try TrellisBinary.run(words)
            XCTAssertEqual(r.status, 1, "\(words)")
            let reply = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
            XCTAssertEqual(reply.keys.sorted(), ["error"], r.stdout)
            XCTAssertTrue(r.stderr.contains("error:"), r.stderr)   // the person reading the terminal still sees it
        }
    }

    /// Optional options whose absence simply turns something off (nothing saved, no LM, every subset, the whole
    /// axis, ...): they have no default to show.
    static let offWhenAbsent: Set<String> = [
        "save", "trn-out", "trn", "out", "lm", "format", "raw-rate", "frames", "labels", "title", "subset", "text",
        "data", "resume", "minutes",
    ]

    func testHelpShowsEveryDefault() throws {
        for leaf in try Self.leaves() {
            let r = try TrellisBinary.run(["help"] + leaf.path.split(separator: " ").map(String.init))
            XCTAssertEqual(r.status, 0, r.stderr)
            let help = r.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            for a in leaf.arguments where (a["kind"] as? String) != "flag" {
                let name = (a["preferredName"] as? [String: Any])?["name"] as? String ?? a["valueName"] as? String ?? "?"
                let abstract = a["abstract"] as? String ?? ""
                if let value = a["defaultValue"] as? String {
                    XCTAssertTrue(help.contains("default: \(value))"), "\(leaf.path) --\(name): help does not show its default \(value)")
                } else if a["isOptional"] as? Bool == true, a["isRepeating"] as? Bool != true, !Self.offWhenAbsent.contains(name) {
                    XCTAssertTrue(abstract.lowercased().contains("default"),
                                  "\(leaf.path) --\(name): optional without a declared default, and its help does not say what it defaults to: \(abstract)")
                }
            }
        }
    }

    /// The recipe defaults `train --help` shows are the recipes' own values.
    func testTrainHelpShowsTheRecipeDefaults() throws {
        let r = try TrellisBinary.run(["help", "train"])
        let help = r.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for expected in ["epochs> Epochs (the OneCycle schedule spans them; default: 12; with --seed-faithful 20)",
                         "Batch size (default: 16; with --seed-faithful 64)",
                         "(default: 0.001 for dnn, lstm and gru, 0.002 for bilstm and bigru; with --seed-faithful 0.001)",
                         "SpecAugment (default: 7)", "workers (default: every available processor)", "(default: 5.0; with --seed-faithful none)"] {
            XCTAssertTrue(help.contains(expected), "train help lacks \(expected):\n\(r.stdout)")
        }
    }
}
