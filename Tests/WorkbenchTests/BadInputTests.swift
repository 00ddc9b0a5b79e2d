// Bad input at the shell, each once a defect of issue 8, driven through the built `trellis` binary (what a user
// types) or, for the pure rules, the functions behind it. Each test names what happened before the fix.
import Foundation
import XCTest
@testable import Workbench

final class BadInputTests: XCTestCase {
    private func trellis(_ script: String, environment: [String: String] = [:]) throws -> TrellisResult {
        try TrellisBinary.run(["-c", script], environment: environment)
    }

    private func scratch() throws -> URL {
        let dir = try TrellisBinary.temporaryDirectory()
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    // MARK: - 4: the class count is checked once

    /// Before: `step` on a 20-column matrix read the blank (column 28) from the next row, printed wrong numbers
    /// and then trapped.
    func testTrellisCommandsRefuseAMatrixWithoutTheNotebooksClasses() throws {
        let dir = try scratch()
        let path = dir.appendingPathComponent("p20.txt").path
        let row = [String](repeating: "0.05", count: 20).joined(separator: " ")
        try (Array(repeating: row, count: 6).joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        for command in ["step", "forward", "backward", "align", "viterbi", "greedy", "beam"] {
            let r = try trellis("probs load \(path); text \"ab\"; \(command)")
            XCTAssertEqual(r.status, 1, "\(command): \(r.stdout)")
            XCTAssertTrue(r.stderr.contains("has 20 classes") && r.stderr.contains("29"), "\(command): \(r.stderr)")
            XCTAssertFalse(r.stdout.contains("frame 0 of"), "\(command) printed a step before refusing")
        }
        // Saving and describing any matrix still works.
        let ok = try trellis("probs load \(path); probs info; probs save \(dir.appendingPathComponent("q.txt").path)")
        XCTAssertEqual(ok.status, 0, ok.stderr)
    }

    // MARK: - 7: CRLF

    /// Before: `unknown command 'version\r\nprobs'`.
    func testCRLFScriptsAndDashCRunLineByLine() throws {
        let dir = try scratch()
        let script = dir.appendingPathComponent("crlf.trellis")
        try "# comment\r\nversion\r\nprobs random 5\r\ngreedy --json\r\n".write(to: script, atomically: true, encoding: .utf8)
        let r = try TrellisBinary.run(["--script", script.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.split(separator: "\n").count, 3, r.stdout)

        let piped = try TrellisBinary.run([], stdin: "version\r\nprobs random 5\r\n")
        XCTAssertEqual(piped.status, 0, piped.stderr)

        let c = try trellis("version\r\nprobs random 5 # a comment\r\ngreedy")
        XCTAssertEqual(c.status, 0, c.stderr)
        XCTAssertEqual(c.stdout.split(separator: "\n").count, 3, c.stdout)
    }

    /// np.savetxt files written on Windows (CRLF) load like LF ones.
    func testCRLFSavetxtMatricesLoad() throws {
        let dir = try scratch()
        let lf = dir.appendingPathComponent("lf.txt").path, crlf = dir.appendingPathComponent("crlf.txt").path
        XCTAssertEqual(try trellis("probs random 4 --seed 2; probs save \(lf)").status, 0)
        let text = try String(contentsOfFile: lf, encoding: .utf8)
        try ("# a header\r\n" + text.replacingOccurrences(of: "\n", with: "\r\n")).write(toFile: crlf, atomically: true, encoding: .utf8)
        let a = try trellis("probs load \(lf); greedy --json"), b = try trellis("probs load \(crlf); greedy --json")
        XCTAssertEqual(b.status, 0, b.stderr)
        XCTAssertEqual(a.stdout.split(separator: "\n").last, b.stdout.split(separator: "\n").last)
    }

    /// The ARPA header fix holds on every way into the reader (before: status 134 from `beam --lm` too).
    func testAHugeARPAHeaderThroughBeamIsAnErrorNotAnAbort() throws {
        let dir = try scratch()
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures/lm/small.arpa")
        let path = dir.appendingPathComponent("h.arpa").path
        try String(contentsOf: fixture, encoding: .utf8).replacingOccurrences(of: "ngram 1=8", with: "ngram 1=1000000000000")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let r = try trellis("probs random 20; beam --lm \(path)")
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("h.arpa:16: the \\data\\ header announced 1000000000000 1-grams but the section has 8"), r.stderr)
    }

    func testAFailingCRLFScriptLineIsNumberedLikeLF() throws {
        let dir = try scratch()
        let script = dir.appendingPathComponent("bad.trellis")
        try "version\r\n\r\nnonsense\r\n".write(to: script, atomically: true, encoding: .utf8)
        let r = try TrellisBinary.run(["--script", script.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("\(script.path):3: error: unknown command 'nonsense'"), r.stderr)
    }

    func testTokenizerEndsACommandAtAnyLineEnd() throws {
        XCTAssertEqual(try Tokenizer.commands("a b\r\nc\nd\re"), [["a", "b"], ["c"], ["d"], ["e"]])
        XCTAssertEqual(try Tokenizer.commands("a # note\r\nb"), [["a"], ["b"]])
        XCTAssertEqual(try Tokenizer.commands("text \"x\r\ny\""), [["text", "x\r\ny"]], "quoted line ends stay in the word")
    }

    // MARK: - 15: non-finite numbers

    /// Before: `beam --alpha nan` printed garbage text with status 0; `mel --power nan` an all-NaN matrix.
    func testNonFiniteNumbersAreRefusedByTheParser() throws {
        for (script, option) in [("probs random 10; beam --alpha nan", "--alpha"), ("probs random 10; beam --beta inf", "--beta"),
                                 ("probs random 10; beam --prune -inf", "--prune"), ("mel --power nan", "--power"),
                                 ("probs random 10 --peaky inf", "--peaky"), ("sleep nan", "seconds")] {
            let r = try trellis(script)
            XCTAssertEqual(r.status, 1, script)
            XCTAssertTrue(r.stderr.contains("is not a finite number") && r.stderr.contains(option), "\(script): \(r.stderr)")
        }
    }

    /// ArgumentParser shows no default for an option parsed through a transform; the help text carries it.
    func testCheckedOptionsStillShowTheirDefaults() throws {
        let help = try TrellisBinary.run(["beam", "--help"]).stdout
        for line in ["(default: 0.5 with shallow fusion, 0.1 with notebook)", "(default: -10.0)", "(0 = no pruning). (default: 0.001)"] {
            XCTAssertTrue(help.contains(line), "\(line)\n\(help)")
        }
    }

    func testFiniteHelper() throws {
        XCTAssertEqual(try finite("-1.5") as Double, -1.5)
        XCTAssertEqual(try finite("2") as Float, 2)
        XCTAssertThrowsError(try finite("nan") as Double)
        XCTAssertThrowsError(try finite("-inf") as Double)
        XCTAssertThrowsError(try finite("1e39") as Float, "finite as a Double, infinite as a Float")
        XCTAssertThrowsError(try finite("one") as Double)
    }

    // MARK: - 17: negative values, long words

    /// Before: "Missing value for '--beta <beta>'".
    func testNegativeValuesAfterValueOptions() throws {
        func best(_ script: String) throws -> String {
            let r = try trellis(script)
            XCTAssertEqual(r.status, 0, "\(script): \(r.stderr)")
            return r.stdout.split(separator: "\n").last.map { String($0.prefix(while: { $0 != "(" })) } ?? ""
        }
        let spaced = try best("probs random 10; beam --beta -1")
        XCTAssertEqual(try best("probs random 10; beam --beta=-1"), spaced)
        XCTAssertNotEqual(try best("probs random 10; beam --beta 1"), "", "a positive value still parses")
        let size = try trellis("probs random 10; beam --size -3")
        XCTAssertTrue(size.stderr.contains("beam size must be between 1 and 4096, got -3"), size.stderr)
        let prune = try trellis("probs random 10; beam --prune -0.5")
        XCTAssertTrue(prune.stderr.contains("prune must be a probability in [0, 1], got -0.5"), prune.stderr)
    }

    func testOnlyValueOptionsTakeANegativeNumber() {
        XCTAssertEqual(CommandRunner.joiningNegativeValues(["beam", "--beta", "-1", "--alpha", "-2e-1"]),
                       ["beam", "--beta=-1", "--alpha=-2e-1"])
        XCTAssertEqual(CommandRunner.joiningNegativeValues(["beam", "--json", "-1"]), ["beam", "--json", "-1"], "a flag takes no value")
        XCTAssertEqual(CommandRunner.joiningNegativeValues(["beam", "--beta", "-x"]), ["beam", "--beta", "-x"], "not a number")
        XCTAssertEqual(CommandRunner.joiningNegativeValues(["probs", "random", "5", "--peaky", "-1"]),
                       ["probs", "random", "5", "--peaky=-1"], "subcommands are followed")
    }

    /// Before: a 10 MB unknown word took 12.7 s (edit distance against every name) and was echoed whole.
    func testAHugeUnknownWordIsRejectedWithoutASuggestionSearch() {
        let word = String(repeating: "x", count: 10_000_000)
        XCTAssertNil(Suggestions.closest(to: word, among: ["demo", "beam"]))
        let message = CommandRunner.unknownCommandMessage([word]) ?? ""
        XCTAssertTrue(message.contains("(10000000 bytes)"), String(message.prefix(200)))
        XCTAssertLessThan(message.count, 200)
        XCTAssertEqual(Suggestions.closest(to: "dmeo", among: ["demo", "beam"]), "demo", "short words still get one")
    }

    // MARK: - 16: bounds and the memory limit

    /// Before: `beam --size 1000000` ran for 30 s in 770 MB and ignored Ctrl-C.
    func testBeamSizeIsBounded() throws {
        let r = try trellis("probs random 10; beam --size 1000000")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("beam size must be between 1 and 4096, got 1000000"), r.stderr)
        XCTAssertEqual(try trellis("probs random 10; beam --size 4096").status, 0)
        // Within the bound, a long matrix still meets the memory limit (4096 over 10,000 frames took 24 GB).
        let long = try trellis("probs random 10000; beam --size 4096")
        XCTAssertEqual(long.status, 1)
        XCTAssertTrue(long.stderr.contains("a beam of 4096 over T = 10000 frames (at worst) would need 31.0 GB"), long.stderr)
        XCTAssertTrue(long.stderr.contains("use a smaller --size"), long.stderr)
    }

    /// Before: `forward` took 9.4 GB for T = 30,000 and a 10,000-character text.
    func testTablesAboveTheMemoryLimitAreRefusedBeforeAllocating() throws {
        let text = String(repeating: "ab", count: 5000)
        let r = try trellis("probs random 30000; text \"\(text)\"; forward")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("T = 30000 frames × S = 20001 states would need 8.9 GB, above the memory limit of 2.0 GB"), r.stderr)
        XCTAssertTrue(r.stderr.contains("TRELLIS_MEMORY_LIMIT="), r.stderr)
        // The limit is a setting: lowered, a small trellis is refused too; raised, it passes.
        let small = "probs random 50; text \"the cat\"; align"
        XCTAssertEqual(try trellis(small, environment: ["TRELLIS_MEMORY_LIMIT": "1K"]).status, 1)
        XCTAssertEqual(try trellis(small, environment: ["TRELLIS_MEMORY_LIMIT": "1M"]).status, 0)
        let bad = try trellis(small, environment: ["TRELLIS_MEMORY_LIMIT": "lots"])
        XCTAssertTrue(bad.stderr.contains("TRELLIS_MEMORY_LIMIT=lots is not a size"), bad.stderr)
    }

    func testMemoryLimitParsing() throws {
        XCTAssertEqual(MemoryLimit.parse("4096"), 4096)
        XCTAssertEqual(MemoryLimit.parse("512M"), 512 * 1024 * 1024)
        XCTAssertEqual(MemoryLimit.parse("1.5G"), 1.5 * 1024 * 1024 * 1024)
        XCTAssertEqual(MemoryLimit.parse("2 GiB"), 2 * 1024 * 1024 * 1024)
        XCTAssertNil(MemoryLimit.parse("-1G"))
        XCTAssertNil(MemoryLimit.parse("nanG"))
        XCTAssertEqual(try MemoryLimit.current([:]).bytes, MemoryLimit.defaultBytes)
    }
}
