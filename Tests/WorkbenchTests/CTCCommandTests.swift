// The CTC, LM and WER commands end to end through the built `trellis` binary: forward's JSON against
// PyTorch's ctc_loss (fixtures/golden/ctc_commands.json from tools/golden_ctc_commands.py), step against
// forward, np.savetxt output, decoders, KenLM-style LM scores, WER counts worked out by hand.
import Foundation
import XCTest

final class CTCCommandTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private func fixture(_ relative: String) -> String { Self.root.appendingPathComponent(relative).path }

    /// Runs `trellis -c script`, requires success, and returns stdout.
    private func run(_ script: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let r = try TrellisBinary.run(["-c", script])
        XCTAssertEqual(r.status, 0, "\(script)\n\(r.stderr)", file: file, line: line)
        return r.stdout
    }

    /// The last line of the output parsed as a JSON object.
    private func lastJSON(_ output: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let last = output.split(separator: "\n").last.map(String.init) ?? ""
        guard let object = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any] else {
            XCTFail("not a JSON object: \(last)", file: file, line: line)
            return [:]
        }
        return object
    }

    func testForwardLogLikelihoodMatchesPyTorch() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: fixture("fixtures/golden/ctc_commands.json")))
        let cases = try XCTUnwrap((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["cases"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(cases.count, 4)
        for c in cases {
            let (frames, seed, peaky, text) = (c["frames"] as! Int, c["seed"] as! Int, c["peaky"] as! Double, c["text"] as! String)
            let out = try run("probs random \(frames) --seed \(seed) --peaky \(peaky); text \"\(text)\"; forward --json")
            let json = try lastJSON(out)
            let ll = try XCTUnwrap(json["log_likelihood"] as? Double)
            XCTAssertEqual(ll, c["log_likelihood"] as! Double, accuracy: 1e-4, "\(c)")
            let back = try lastJSON(try run("probs random \(frames) --seed \(seed) --peaky \(peaky); text \"\(text)\"; backward --json"))
            XCTAssertEqual(try XCTUnwrap(back["log_likelihood"] as? Double), ll, accuracy: 1e-8)
        }
    }

    func testTheIssueExample() throws {
        let json = try lastJSON(try run(#"probs random 50 --seed 1; text "cat"; forward --json"#))
        XCTAssertEqual(try XCTUnwrap(json["log_likelihood"] as? Double), -158.9963808017045, accuracy: 1e-4)
    }

    func testSteppingEveryFrameReproducesForward() throws {
        let setup = #"probs random 12 --seed 5 --peaky 2; text "abba""#
        let forward = try lastJSON(try run(setup + "; forward --json"))
        let stepped = try lastJSON(try run(setup + "; step 5; step 7 --json"))
        XCTAssertEqual(stepped["done"] as? Bool, true)
        XCTAssertEqual(try XCTUnwrap(stepped["log_likelihood"] as? Double), try XCTUnwrap(forward["log_likelihood"] as? Double), accuracy: 1e-9)
        // Each alpha is the log-sum of the contributions shown for it.
        let frames = try XCTUnwrap(stepped["steps"] as? [[String: Any]])
        XCTAssertEqual(frames.map { $0["frame"] as? Int }, Array(5...11))
        for frame in frames {
            for state in try XCTUnwrap(frame["updates"] as? [[String: Any]]) {
                let parts = ["stay", "advance", "skip"].compactMap { state[$0] as? Double }
                let sum = parts.reduce(0.0) { $0 + exp($1) }
                if let alpha = state["alpha"] as? Double {
                    XCTAssertEqual(alpha, log(sum), accuracy: 1e-9, "\(state)")
                } else {
                    XCTAssertEqual(sum, 0, "\(state)")   // alpha = -inf is written as null
                }
            }
        }
        // "abba": the second b repeats the first, so state 5 (b) cannot skip from state 3 (b).
        let states = try XCTUnwrap(frames[0]["updates"] as? [[String: Any]])
        XCTAssertTrue(states[5]["skip"] is NSNull, "\(states[5])")
        XCTAssertFalse(states[3]["skip"] is NSNull, "\(states[3])")
        // Past the end: a clear error; after reset it starts again at frame 0.
        let r = try TrellisBinary.run(["-c", setup + "; step 12; step"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("reset"), r.stderr)
        let again = try lastJSON(try run(setup + "; step 12; reset; step --json"))
        XCTAssertEqual((again["steps"] as? [[String: Any]])?.first?["frame"] as? Int, 0)
    }

    func testSaveWritesNumpyTextTables() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let alpha = dir.appendingPathComponent("alpha.txt").path
        let probs = dir.appendingPathComponent("p.txt").path
        _ = try run(#"probs random 6 --seed 2; text "hi"; forward --save \#(alpha); probs save \#(probs)"#)
        let rows = try String(contentsOfFile: alpha, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.count, 6)
        for row in rows {
            let fields = row.split(separator: " ")
            XCTAssertEqual(fields.count, 5)   // 2 labels → 5 states
            for f in fields where f != "-inf" {
                XCTAssertNotNil(f.range(of: #"^-?\d\.\d{18}e[+-]\d{2}$"#, options: .regularExpression), String(f))
            }
        }
        // Reloading the saved probabilities gives the same likelihood.
        let a = try lastJSON(try run(#"probs random 6 --seed 2; text "hi"; forward --json"#))
        let b = try lastJSON(try run(#"probs load \#(probs); text "hi"; forward --json"#))
        XCTAssertEqual(try XCTUnwrap(a["log_likelihood"] as? Double), try XCTUnwrap(b["log_likelihood"] as? Double), accuracy: 1e-12)
    }

    func testProbsLoadDetectsLogAndReportsBadRows() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.txt").path
        try "0.5 0.5\n0.2 0.2\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let out = try run("probs load \(bad)")
        XCTAssertTrue(out.contains("probabilities"), out)
        XCTAssertTrue(out.contains("1 of 2 rows do not sum to 1"), out)
        XCTAssertTrue(out.contains("frame 1"), out)
        let logFile = dir.appendingPathComponent("log.txt").path
        try "\(log(0.25)) \(log(0.75))\n".write(toFile: logFile, atomically: true, encoding: .utf8)
        XCTAssertTrue(try run("probs load \(logFile)").contains("log-probabilities"))
        let r = try TrellisBinary.run(["probs", "load", dir.appendingPathComponent("missing.txt").path])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("missing.txt"), r.stderr)
    }

    func testTextOutsideTheAlphabetIsAClearError() throws {
        let r = try TrellisBinary.run(["text", "Cat!"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("'C' at position 0 is not in the alphabet"), r.stderr)
    }

    func testAlignAndViterbi() throws {
        let setup = #"probs random 20 --seed 3 --peaky 2; text "go""#
        let align = try lastJSON(try run(setup + "; align --json"))
        let posteriors = try XCTUnwrap(align["posteriors"] as? [[Double]])
        XCTAssertEqual(posteriors.count, 20)
        for row in posteriors { XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-9) }
        let viterbi = try lastJSON(try run(setup + "; viterbi --json"))
        let segments = try XCTUnwrap(viterbi["segments"] as? [[String: Any]])
        XCTAssertEqual(segments.map { $0["symbol"] as? String }, ["g", "o"])
        let g = segments[0], o = segments[1]
        XCTAssertLessThanOrEqual(g["start_frame"] as! Int, g["end_frame"] as! Int)
        XCTAssertLessThan(g["end_frame"] as! Int, o["start_frame"] as! Int)
        XCTAssertLessThanOrEqual(try XCTUnwrap(viterbi["path_log_probability"] as? Double),
                                 try XCTUnwrap(viterbi["log_likelihood"] as? Double))
    }

    func testDecodersAndLanguageModel() throws {
        let greedy = try lastJSON(try run("probs random 40 --seed 9 --peaky 4; greedy --json"))
        XCTAssertNotNil(greedy["text"] as? String)
        XCTAssertNotNil(greedy["path_log_probability"] as? Double)
        let lm = fixture("fixtures/lm/small.arpa")
        let beam = try lastJSON(try run("probs random 40 --seed 9 --peaky 4; beam --size 4 --prune 0.001 --lm \(lm) --alpha 0.5 --beta 1 --json"))
        XCTAssertNotNil(beam["text"] as? String)
        XCTAssertNotNil(beam["score"] as? Double)
        XCTAssertEqual(beam["language_model"] as? String, lm)
        XCTAssertEqual((beam["beams"] as? [Any])?.count, 4)
    }

    /// --fusion and its per-fusion defaults as the reply reports them; the OOV penalty's bounds; the notebook's
    /// fusion still what `beam` gave before shallow fusion existed (the fixed text and score of this matrix).
    func testFusionOptions() throws {
        let lm = fixture("fixtures/lm/small.arpa")
        let setup = "probs random 40 --seed 9 --peaky 4; "
        let shallow = try lastJSON(try run(setup + "beam --lm \(lm) --json"))
        XCTAssertEqual(shallow["fusion"] as? String, "shallow")
        XCTAssertEqual(shallow["alpha"] as? Double, 0.5)
        XCTAssertEqual(shallow["beta"] as? Double, 1.5)
        XCTAssertEqual(shallow["unk_score"] as? Double, -10)
        XCTAssertEqual(shallow["beam_size"] as? Int, 32)
        // lm_score is the LM's part of score: without the LM the same text scores score − lm_score acoustically.
        let lmScore = try XCTUnwrap(shallow["lm_score"] as? Double), score = try XCTUnwrap(shallow["score"] as? Double)
        XCTAssertLessThan(lmScore, 0)
        let plain = try lastJSON(try run(setup + "beam --no-lm --size 32 --json"))
        let same = (plain["beams"] as? [[String: Any]])?.first { $0["text"] as? String == shallow["text"] as? String }
        if let acoustic = same?["score"] as? Double { XCTAssertEqual(score - lmScore, acoustic, accuracy: 1e-9) }

        let notebook = try lastJSON(try run(setup + "beam --lm \(lm) --fusion notebook --json"))
        XCTAssertEqual(notebook["fusion"] as? String, "notebook")
        XCTAssertEqual(notebook["alpha"] as? Double, 0.1)
        XCTAssertEqual(notebook["beta"] as? Double, 0.1)
        XCTAssertEqual(notebook["beam_size"] as? Int, 5)
        XCTAssertTrue(notebook["lm_score"] is NSNull)
        XCTAssertTrue(notebook["unk_score"] is NSNull)
        let explicit = try lastJSON(try run(setup + "beam --lm \(lm) --fusion notebook --size 5 --alpha 0.1 --beta 0.1 --prune 0.001 --json"))
        XCTAssertEqual(explicit["text"] as? String, notebook["text"] as? String)
        XCTAssertEqual(explicit["score"] as? Double, notebook["score"] as? Double)

        let closed = try lastJSON(try run(setup + "beam --lm \(lm) --unk-score -inf --beam 8 --json"))
        XCTAssertTrue(closed["unk_score"] is NSNull, "−∞ is null in JSON")
        XCTAssertEqual(closed["beam_size"] as? Int, 8)
        let words = Set(["the", "cat", "sat", "on", "mat"])
        for word in (closed["text"] as? String ?? "").split(separator: " ") { XCTAssertTrue(words.contains(String(word)), "\(word) is not in small.arpa") }
        let bonus = try TrellisBinary.run(["-c", setup + "beam --lm \(lm) --unk-score 2"])
        XCTAssertEqual(bonus.status, 1)
        XCTAssertTrue(bonus.stderr.contains("penalty"), bonus.stderr)
    }

    func testLanguageModelScoreAsKenLMQuery() throws {
        let lm = fixture("fixtures/lm/small.arpa.gz")
        let cat = try lastJSON(try run("lm load \(lm); lm score \"The cat\" --json"))
        XCTAssertEqual(try XCTUnwrap(cat["log10"] as? Double), -1.25, accuracy: 1e-6)
        XCTAssertEqual(cat["oov"] as? Int, 0)
        let dog = try lastJSON(try run("lm score \"dog\" --lm \(lm) --json"))
        XCTAssertEqual(try XCTUnwrap(dog["log10"] as? Double), -3.2, accuracy: 1e-6)
        XCTAssertEqual(dog["oov"] as? Int, 1)
        XCTAssertTrue(try run("lm score \"the cat\" --lm \(lm)").contains("Total: -1.25 OOV: 0"))
        // Scores are float32 and print as the file wrote them, not widened to -0.4000000059604645 (issue 7 item 6):
        // p(the | <s>) = -0.4, p(cat | <s> the) = -0.1, p(</s> | the cat) = backoff(the cat) -0.15 + p(</s> | cat) -0.6.
        let line = try run("lm score \"The cat\" --lm \(lm) --json").split(separator: "\n").last.map(String.init)
        XCTAssertEqual(line, #"{"log10":-1.25,"ln":-2.8782315,"oov":0,"words":[{"word":"The","id":3,"ngram_length":2,"log10":-0.4},"#
                       + #"{"word":"cat","id":4,"ngram_length":3,"log10":-0.1},{"word":"</s>","id":1,"ngram_length":2,"log10":-0.75}]}"#)
        let none = try TrellisBinary.run(["lm", "score", "the cat"])
        XCTAssertNotEqual(none.status, 0)
        XCTAssertTrue(none.stderr.contains("lm load"), none.stderr)
    }

    func testMalformedLanguageModelNamesTheLine() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("broken.arpa").path
        let text = try String(contentsOfFile: fixture("fixtures/lm/small.arpa"), encoding: .utf8)
            .replacingOccurrences(of: "-1.2\tcat", with: "oops\tcat")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try TrellisBinary.run(["lm", "load", path])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("\(path):11:"), r.stderr)
        XCTAssertTrue(r.stderr.contains("not a number"), r.stderr)
    }

    func testWordAndCharacterErrorRates() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ref = dir.appendingPathComponent("ref.txt").path, hyp = dir.appendingPathComponent("hyp.txt").path
        try "the cat sat\nhello world\n".write(toFile: ref, atomically: true, encoding: .utf8)
        try "the bat sat down\nhelo world\n".write(toFile: hyp, atomically: true, encoding: .utf8)
        let prefix = dir.appendingPathComponent("run").path
        let json = try lastJSON(try run("wer --ref \(ref) --hyp \(hyp) --trn-out \(prefix) --json"))
        // Words: (the cat sat | the bat sat down) S=1 I=1 of 3; (hello world | helo world) S=1 of 2.
        let wer = try XCTUnwrap(json["wer"] as? [String: Any])
        XCTAssertEqual(wer["substitutions"] as? Int, 2)
        XCTAssertEqual(wer["insertions"] as? Int, 1)
        XCTAssertEqual(wer["deletions"] as? Int, 0)
        XCTAssertEqual(try XCTUnwrap(wer["rate"] as? Double), 3.0 / 5.0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(wer["utterance_mean"] as? Double), (2.0 / 3.0 + 1.0 / 2.0) / 2, accuracy: 1e-12)
        // Characters: c→b (1 S) and " down" (5 I) of 11; "hello"→"helo" (1 D) of 11.
        let cer = try XCTUnwrap(json["cer"] as? [String: Any])
        XCTAssertEqual(cer["substitutions"] as? Int, 1)
        XCTAssertEqual(cer["insertions"] as? Int, 5)
        XCTAssertEqual(cer["deletions"] as? Int, 1)
        XCTAssertEqual(try XCTUnwrap(cer["rate"] as? Double), 7.0 / 22.0, accuracy: 1e-12)
        XCTAssertEqual(try String(contentsOfFile: prefix + ".ref.trn", encoding: .utf8), "the cat sat (utt_0001)\nhello world (utt_0002)\n")
        XCTAssertEqual(try String(contentsOfFile: prefix + ".hyp.trn", encoding: .utf8), "the bat sat down (utt_0001)\nhelo world (utt_0002)\n")
    }
}
