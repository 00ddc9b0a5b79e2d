// `notebook run` end to end on the small notebooks of fixtures/notebooks, through the built executable in a
// temporary folder: outputs beneath their blocks, figures found from the blocks' words, copied and embedded,
// a quoted value checked against a hand count (three CTC paths of "a" over two uniform frames), a failing block's
// FILE:LINE and status, --keep-going, the check of {{ }} names before anything runs, and --html with the figures
// inlined.
import Foundation
import XCTest

final class NotebookCommandTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try TrellisBinary.temporaryDirectory()
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures/notebooks")
        for name in ["small.md", "failing.md", "unknown-name.md"] {
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func run(_ arguments: [String]) throws -> TrellisResult {
        try TrellisBinary.run(["notebook", "run"] + arguments, currentDirectory: dir)
    }

    private func read(_ path: String) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(path), encoding: .utf8)
    }

    func testOutputsFiguresAndQuotedValues() throws {
        let result = try run(["small.md", "--out", "report"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try read("report/small.md")

        // ln p("a" | two uniform frames over 29 classes) = ln 3 − 2 ln 29, counted by hand above.
        let expected = String(format: "%.4f", log(3.0) - 2 * log(29.0))
        XCTAssertEqual(expected, "-5.6360")
        XCTAssertTrue(report.contains("ln p = \(expected) over 2 frames\n(feasible: true); the literal braces {{ stay"), report)

        // The original text stays, line for line, around what was added.
        let original = try read("small.md")
        var rest = Substring(report)
        for line in original.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty && !line.contains("{{") {
            guard let r = rest.range(of: line) else { return XCTFail("lost line: \(line)") }
            rest = rest[r.upperBound...]
        }

        // The first block's output: the JSON reply of forward, beneath the block in a text fence.
        XCTAssertTrue(report.contains("forward --json\n```\n\n```text\n"), report)
        XCTAssertFalse(report.contains("never\n```text"), "the python block must not run")

        // Figures: found from --out, copied under figures/ with the block's line, embedded relatively.
        XCTAssertTrue(report.contains("![align.png](figures/L23-align.png)"), report)
        XCTAssertTrue(report.contains("![probs.svg](figures/L31-probs.svg)"), report)
        for copy in ["report/figures/L23-align.png", "report/figures/L31-probs.svg"] {
            let original = copy.hasSuffix("png") ? "align.png" : "probs.svg"
            XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent(copy)),
                           try Data(contentsOf: dir.appendingPathComponent(original)))
        }
        // hide-output: the plot's "wrote probs.svg" is not shown, its figure is.
        XCTAssertFalse(report.contains("wrote probs.svg"), report)
        XCTAssertTrue(report.contains("wrote align.png"), report)
    }

    func testHTMLIsOnePageWithTheFiguresInlined() throws {
        let result = try run(["small.md", "--out", "report", "--html"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let html = try read("report/small.html")
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(html.contains("<title>A small notebook</title>"))
        let png = try Data(contentsOf: dir.appendingPathComponent("align.png")).base64EncodedString()
        XCTAssertTrue(html.contains("src=\"data:image/png;base64,\(png)\""), "the PNG is inlined whole")
        XCTAssertTrue(html.contains("data:image/svg+xml;base64,"))
        XCTAssertFalse(html.contains("figures/L23"), "no link to a file beside the page")
        XCTAssertTrue(html.contains("-5.6360"))
    }

    func testAFailingBlockStopsWithItsLine() throws {
        let result = try run(["failing.md", "--out", "report"])
        XCTAssertEqual(result.status, 1)
        let lines = result.stderr.split(separator: "\n")
        XCTAssertTrue(lines.contains { $0.hasPrefix("failing.md:12: error: ") && $0.contains("no-such-option") }, result.stderr)
        let report = try read("report/failing.md")
        // The error is written beneath its block; the block after it did not run, so its quote stays as written.
        XCTAssertTrue(report.contains("failing.md:12: error: "), report)
        XCTAssertTrue(report.contains("After the failure: {{ after.frames }} frames."), report)
        XCTAssertFalse(report.contains("\"log_likelihood\""), "the named block after the failure must not run")
    }

    func testKeepGoingRecordsTheErrorAndRunsTheRest() throws {
        let result = try run(["failing.md", "--out", "report", "--keep-going", "--json"])
        XCTAssertEqual(result.status, 1, "an error is still a failure")
        let report = try read("report/failing.md")
        XCTAssertTrue(report.contains("failing.md:12: error: "), report)
        XCTAssertTrue(report.contains("After the failure: 4 frames."), report)
        // --json: the reply naming the error and the blocks, then the failure as {"error": ...} (as transcribe's
        // JSON lines end when a file failed).
        let replies = result.stdout.split(separator: "\n")
        XCTAssertEqual(replies.count, 2, result.stdout)
        let reply = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(replies[0].utf8)) as? [String: Any], result.stdout)
        let failure = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(replies[1].utf8)) as? [String: Any], result.stdout)
        XCTAssertTrue((failure["error"] as? String)?.hasPrefix("failing.md:12: error: ") ?? false, result.stdout)
        XCTAssertEqual((reply["blocks"] as? [Any])?.count, 3)
        XCTAssertEqual((reply["failures"] as? [String])?.count, 1)
        XCTAssertTrue((reply["failures"] as? [String])?.first?.hasPrefix("failing.md:12: error: ") ?? false)
    }

    func testAQuoteNamingNoBlockFailsBeforeAnythingRuns() throws {
        let result = try run(["unknown-name.md", "--out", "report"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("unknown-name.md:8: error: {{ unknown.frames }} names no block"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("never.png").path), "nothing may run")
    }

    func testNoShellEscapeRunsASystemCommand() throws {
        let notebook = "# Escapes\n\n```trellis\n!touch escaped\n```\n\n```trellis\n.shell touch escaped\n```\n\n```sh\ntouch escaped\n```\n"
        try notebook.write(to: dir.appendingPathComponent("escape.md"), atomically: true, encoding: .utf8)
        let result = try run(["escape.md", "--out", "report", "--keep-going"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("escape.md:4: error: unknown command '!touch'"), result.stderr)
        XCTAssertTrue(result.stderr.contains("escape.md:8: error: unknown command '.shell'"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("escaped").path))
    }

    func testAnUnclosedFenceIsAnErrorAtItsLine() throws {
        try "# T\n\n```trellis\nversion\n".write(to: dir.appendingPathComponent("open.md"), atomically: true, encoding: .utf8)
        let result = try run(["open.md", "--out", "report"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("open.md:3: error: the code block opened here with ``` is never closed"), result.stderr)
    }

    func testTheNotebookIsNeverOverwritten() throws {
        let result = try run(["small.md", "--out", "."])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("would overwrite the notebook itself"), result.stderr)
    }
}
