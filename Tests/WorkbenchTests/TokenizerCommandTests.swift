// The `tokenizer` commands end to end through the built binary (train, encode, decode, stats; errors with line
// numbers), and the CTC commands on a subword label set (`probs random --tokenizer`): the blank is the last class,
// labels are pieces, and forward, backward and step agree on log p(text).
import Foundation
import XCTest

final class TokenizerCommandTests: XCTestCase {
    /// Runs `trellis -c script` and returns (status, stdout, stderr).
    private func run(_ script: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let r = try TrellisBinary.run(["-c", script])
        return (r.status, r.stdout, r.stderr)
    }

    /// Each line of stdout that is a JSON object.
    private func objects(_ out: String) -> [[String: Any]] {
        out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// The tiny text of the CTC tests' hand-worked merges, trained to 36 pieces.
    private func tinyModel() throws -> (dir: URL, model: String) {
        let dir = try TrellisBinary.temporaryDirectory()
        let text = dir.appendingPathComponent("tiny.txt").path
        try "the cat sat on the mat\nThe cat ate the rat!\n".write(toFile: text, atomically: true, encoding: .utf8)
        let model = dir.appendingPathComponent("tiny.bpe").path
        let r = try run("tokenizer train \(text) --vocab 36 --out \(model) --json")
        XCTAssertEqual(r.status, 0, r.stderr)
        let reply = try XCTUnwrap(objects(r.stdout).last)
        XCTAssertEqual(reply["vocab"] as? Int, 36)
        XCTAssertEqual(reply["merges"] as? Int, 8)
        XCTAssertEqual(reply["word_count"] as? Int, 11)
        return (dir, model)
    }

    func testTrainEncodeDecodeRoundTripThroughJSON() throws {
        let (dir, model) = try tinyModel()
        XCTAssertTrue(try String(contentsOfFile: model, encoding: .utf8).hasPrefix("trellis-tokenizer 1 bpe\npieces 36\nmerge a t\n"))
        let enc = try run("tokenizer encode --model \(model) \"The cats' hat!\" --json")
        XCTAssertEqual(enc.status, 0, enc.stderr)
        let e = try XCTUnwrap(objects(enc.stdout).last)
        XCTAssertEqual(e["text"] as? String, "the cats' hat")
        XCTAssertEqual(e["pieces"] as? [String], ["▁the", "▁cat", "s", "'", "▁", "h", "at"])
        let ids = try XCTUnwrap(e["ids"] as? [Int])
        XCTAssertEqual(ids, [31, 33, 20, 1, 0, 9, 28])
        let dec = try run("tokenizer decode --model \(model) \(ids.map(String.init).joined(separator: " ")) --json")
        XCTAssertEqual(dec.status, 0, dec.stderr)
        XCTAssertEqual(objects(dec.stdout).last?["text"] as? String, "the cats' hat")
        // Compression on other text: "the rat" is 2 words, ▁the ▁ r at = 4 pieces.
        let held = dir.appendingPathComponent("held.txt").path
        try "the rat\n".write(toFile: held, atomically: true, encoding: .utf8)
        let stats = try XCTUnwrap(objects(try run("tokenizer stats --model \(model) \(held) --json").stdout).last)
        XCTAssertEqual(stats["word_count"] as? Int, 2)
        XCTAssertEqual(stats["piece_count"] as? Int, 4)
        XCTAssertEqual(stats["pieces_per_word"] as? Double, 2)
    }

    func testUnknownIdsAndMalformedModelFilesAreClearErrors() throws {
        let (dir, model) = try tinyModel()
        let unknown = try run("tokenizer decode --model \(model) 31 99 --json")
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue((objects(unknown.stdout).last?["error"] as? String ?? "").contains("id 99 at position 1 is not a piece"), unknown.stdout)
        let bad = dir.appendingPathComponent("bad.bpe").path
        try "trellis-tokenizer 1 bpe\npieces 30\nmerge a t\nmerge at zz\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let r = try run("tokenizer encode --model \(bad) \"a\" --json")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue((objects(r.stdout).last?["error"] as? String ?? "").contains("\(bad):4: 'zz' is not a piece"), r.stdout)
        let small = try run("tokenizer train \(bad) --vocab 20 --out \(dir.path)/x.bpe")
        XCTAssertNotEqual(small.status, 0)
        XCTAssertTrue(small.stderr.contains("at least 28"), small.stderr)
    }

    func testTheTrellisCommandsReadASubwordLabelSet() throws {
        let (dir, model) = try tinyModel()
        let prelude = "probs random 24 --seed 3 --tokenizer \(model) --json; text \"the cat sat\" --json"
        let r = try run(prelude + "; forward --json; backward --json; step 24 --json; align --json; viterbi --json; greedy --json; "
                        + "beam --size 4 --no-lm --json; plot align --out \(dir.path)/align.svg --json")
        XCTAssertEqual(r.status, 0, r.stderr)
        let o = objects(r.stdout)
        XCTAssertEqual(o.count, 10, r.stdout)
        XCTAssertEqual(o[0]["classes"] as? Int, 37)                         // 36 pieces + blank
        XCTAssertEqual(o[1]["labels"] as? [Int], [31, 33, 0, 20, 28])     // ▁the ▁cat ▁ s at
        XCTAssertEqual(o[1]["states"] as? Int, 11)
        let forward = try XCTUnwrap(o[2]["log_likelihood"] as? Double)
        XCTAssertTrue(forward.isFinite)
        XCTAssertEqual(o[3]["log_likelihood"] as? Double ?? .nan, forward, accuracy: 1e-9)
        XCTAssertEqual(o[4]["log_likelihood"] as? Double ?? .nan, forward, accuracy: 1e-9)
        XCTAssertEqual(o[5]["state_symbols"] as? [String], ["_", "▁the", "_", "▁cat", "_", "▁", "_", "s", "_", "at", "_"])
        XCTAssertEqual((o[6]["segments"] as? [[String: Any]])?.compactMap { $0["symbol"] as? String }, ["▁the", "▁cat", "▁", "s", "at"])
        // Greedy: the best path's classes, blanks (36) and repeats removed, joined as words.
        let best = try XCTUnwrap(o[7]["best_path"] as? [Int])
        var collapsed: [Int] = []
        for (i, k) in best.enumerated() where k != 36 && (i == 0 || best[i - 1] != k) { collapsed.append(k) }
        XCTAssertFalse(best.contains { $0 > 36 })
        let text = try XCTUnwrap(o[7]["text"] as? String)
        let decoded = try XCTUnwrap(objects(try run("tokenizer decode --model \(model) \(collapsed.map(String.init).joined(separator: " ")) --json").stdout).last?["text"] as? String)
        XCTAssertEqual(text, decoded)
        XCTAssertNotNil(o[8]["text"] as? String)
        let svg = try String(contentsOfFile: dir.path + "/align.svg", encoding: .utf8)
        XCTAssertTrue(svg.contains("▁the"), "the figure's rows are labelled with the pieces")
        // A word LM over subword outputs: small.arpa knows the, cat, sat, on, mat. With --unk-score -inf every word
        // of the answer is one of them (the random matrix alone spells other words); with α = β = u = 0 its terms
        // vanish and the answer is the LM-free one; the notebook's fusion (a rule about the space) is refused.
        let lm = Self.root.appendingPathComponent("fixtures/lm/small.arpa").path
        let vocabulary: Set<String> = ["the", "cat", "sat", "on", "mat"]
        let fused = try run(prelude + "; beam --size 16 --lm \(lm) --unk-score -inf --beta 4 --json; beam --size 16 --no-lm --json; "
                            + "beam --size 16 --lm \(lm) --alpha 0 --beta 0 --unk-score 0 --json")
        XCTAssertEqual(fused.status, 0, fused.stderr)
        let replies = objects(fused.stdout).suffix(3).map { $0 }
        let closed = try XCTUnwrap(replies[0]["text"] as? String), free = try XCTUnwrap(replies[1]["text"] as? String)
        let closedWords = closed.split(separator: " ").map(String.init)
        XCTAssertFalse(closedWords.isEmpty, closed)
        XCTAssertTrue(closedWords.allSatisfy(vocabulary.contains), closed)
        XCTAssertFalse(free.split(separator: " ").allSatisfy { vocabulary.contains(String($0)) }, free)
        XCTAssertEqual(replies[0]["fusion"] as? String, "shallow")
        XCTAssertEqual(replies[2]["text"] as? String, free)
        XCTAssertEqual(replies[2]["score"] as? Double, replies[1]["score"] as? Double)
        let refused = try run(prelude + "; beam --lm \(lm) --fusion notebook --json")
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stdout.contains("use shallow fusion (--fusion shallow) with a subword model"), refused.stdout)
        // A matrix of the wrong width for the tokenizer is refused when loaded.
        let m = dir.appendingPathComponent("m.txt").path
        XCTAssertEqual(try run("probs random 5; probs save \(m)").status, 0)
        let wrong = try run("probs load \(m) --tokenizer \(model) --json")
        XCTAssertEqual(wrong.status, 1)
        XCTAssertTrue(wrong.stdout.contains("has 29 columns, but the tokenizer's label set has 37 classes"), wrong.stdout)
    }

    /// eval and transcribe of a subword checkpoint with a word LM built from the training transcripts
    /// (`corpus text`, `lm build`). Oracles that do not depend on what a two-epoch model hears: with
    /// `--unk-score -inf` every word of every hypothesis is a training word (the LM's vocabulary), which the LM-free
    /// beam's hypotheses are not; with α = β = u = 0 the hypotheses are the LM-free beam's.
    func testEvalAndTranscribeASubwordCheckpointWithAWordLM() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data").path
        let synth = try TrellisBinary.run(["corpus", "synth", "--out", data, "--train", "16", "--test", "4", "--seed", "5", "--json"])
        try XCTSkipIf(synth.status != 0 && synth.stderr.contains("espeak"), "speech synthesis tools missing: \(synth.stderr)")
        XCTAssertEqual(synth.status, 0, synth.stderr)
        let text = dir.appendingPathComponent("train.txt").path, bpe = dir.appendingPathComponent("t.bpe").path
        let arpa = dir.appendingPathComponent("train.arpa").path, run = dir.appendingPathComponent("run").path
        for args in [["corpus", "text", data, "--subset", "train", "--out", text], ["tokenizer", "train", text, "--vocab", "40", "--out", bpe],
                     ["lm", "build", text, "--order", "2", "--out", arpa, "--discount-fallback", "0.5", "1", "1.5"],
                     ["train", "--model", "bilstm", "--data", data, "--out", run, "--epochs", "2", "--tokenizer", bpe, "--threads", "1"]
                        + TrainCommandTests.tiny] {
            let r = try TrellisBinary.run(args)
            XCTAssertEqual(r.status, 0, "\(args[0]) \(args[1]): \(r.stderr)")
        }
        let vocabulary = Set(try String(contentsOfFile: text, encoding: .utf8).split(whereSeparator: \.isWhitespace).map(String.init))
        func hypotheses(_ options: [String]) throws -> [String] {
            let out = dir.appendingPathComponent("trn-\(options.joined())").path
            let r = try TrellisBinary.run(["eval", "--checkpoint", run, "--data", data, "--subset", "test", "--decoder", "beam",
                                           "--beam", "16", "--prune", "0", "--trn", out, "--json"] + options)
            XCTAssertEqual(r.status, 0, r.stderr)
            // hyp.trn: "words (id)" per line.
            return try String(contentsOfFile: out + "/hyp.trn", encoding: .utf8).split(separator: "\n").map {
                String($0[..<($0.range(of: " (", options: .backwards)?.lowerBound ?? $0.endIndex)])
            }
        }
        let free = try hypotheses([])
        let closed = try hypotheses(["--lm", arpa, "--unk-score", "-inf", "--beta", "6"])
        let zero = try hypotheses(["--lm", arpa, "--alpha", "0", "--beta", "0", "--unk-score", "0"])
        XCTAssertEqual(closed.count, 4)
        let closedWords = closed.flatMap { $0.split(separator: " ").map(String.init) }
        XCTAssertFalse(closedWords.isEmpty, "\(closed)")
        XCTAssertTrue(closedWords.allSatisfy(vocabulary.contains), "\(closed)")
        XCTAssertFalse(free.flatMap { $0.split(separator: " ") }.allSatisfy { vocabulary.contains(String($0)) }, "\(free)")
        XCTAssertEqual(zero, free)
        // transcribe decodes the same way.
        let flac = try XCTUnwrap(FileManager.default.subpathsOfDirectory(atPath: data + "/test").sorted().first { $0.hasSuffix(".flac") })
        let t = try TrellisBinary.run(["transcribe", data + "/test/" + flac, "--checkpoint", run, "--decoder", "beam", "--beam", "16",
                                       "--prune", "0", "--lm", arpa, "--unk-score", "-inf", "--beta", "6", "--json"])
        XCTAssertEqual(t.status, 0, t.stderr)
        let said = try XCTUnwrap(objects(t.stdout).last?["text"] as? String)
        XCTAssertTrue(said.split(separator: " ").allSatisfy { vocabulary.contains(String($0)) }, said)
    }

    private static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
