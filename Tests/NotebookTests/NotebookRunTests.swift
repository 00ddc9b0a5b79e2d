// NotebookRun and NotebookWriter with a scripted executor instead of the shell: which blocks run, in which order,
// what a failure does with and without keepGoing, what a name= binds, which files count as figures, and the
// Markdown written back (original lines kept, output and figures beneath their block).
import Base
import Foundation
import XCTest
@testable import Notebook

/// Answers each block from a table keyed by its first body line; records the blocks it was asked to run.
private struct ScriptedExecutor: BlockExecutor {
    var replies: [String: ExecutedBlock]
    var ran: [Int] = []
    var action: [String: () -> Void] = [:]

    mutating func run(_ block: CodeBlock) -> ExecutedBlock {
        ran.append(block.startLine)
        let key = block.body.first ?? ""
        action[key]?()
        return replies[key] ?? ExecutedBlock(commands: [], end: .success)
    }

    func words(in block: CodeBlock) -> [String] {
        block.body.flatMap { $0.split(separator: " ").map(String.init) }
    }
}

private func record(_ line: Int, _ text: String, _ stdout: String) -> CommandRecord {
    CommandRecord(line: line, text: text, words: text.split(separator: " ").map(String.init), stdout: stdout, stderr: "")
}

final class NotebookRunTests: XCTestCase {
    let text = """
    # T
    ```trellis name=a
    one --json
    ```
    value {{ a.x }}
    ```text
    two
    ```
    ```trellis
    three
    ```
    ```trellis
    four
    ```
    """

    func testOnlyTrellisBlocksRunInOrderAndNamesBindTheLastJSONReply() throws {
        let doc = try MarkdownDocument(parsing: text)
        var executor = ScriptedExecutor(replies: [
            "one --json": ExecutedBlock(commands: [record(3, "one --json", "{\"x\": 5}\n")], end: .success),
            "three": ExecutedBlock(commands: [record(10, "three", "hello\n")], end: .success),
        ])
        let run = NotebookRun.run(doc, keepGoing: false, executor: &executor)
        XCTAssertEqual(executor.ran, [2, 9, 12])
        XCTAssertEqual(run.errors, [])
        let (markdown, errors) = NotebookWriter.markdown(run, figures: [[], [], []], source: "t.md")
        XCTAssertEqual(errors, [])
        XCTAssertEqual(markdown, """
        # T
        ```trellis name=a
        one --json
        ```

        ```text
        {"x": 5}
        ```
        value 5
        ```text
        two
        ```
        ```trellis
        three
        ```

        ```text
        hello
        ```
        ```trellis
        four
        ```

        """)
    }

    func testAFailureStopsUnlessKeepGoing() throws {
        let doc = try MarkdownDocument(parsing: text)
        let replies = ["three": ExecutedBlock(commands: [record(10, "three", "")], end: .failure(line: 10, message: "bad"))]
        var stop = ScriptedExecutor(replies: replies)
        stop.replies["one --json"] = ExecutedBlock(commands: [record(3, "one --json", "{\"x\":1}")], end: .success)
        let stopped = NotebookRun.run(doc, keepGoing: false, executor: &stop)
        XCTAssertEqual(stop.ran, [2, 9])
        XCTAssertEqual(stopped.errors, [NotebookError(line: 10, message: "bad")])
        let (markdown, _) = NotebookWriter.markdown(stopped, figures: [], source: "t.md")
        XCTAssertTrue(markdown.contains("three\n```\n\n```text\nt.md:10: error: bad\n```\n"), markdown)

        var going = ScriptedExecutor(replies: replies)
        going.replies["one --json"] = stop.replies["one --json"]
        let kept = NotebookRun.run(doc, keepGoing: true, executor: &going)
        XCTAssertEqual(going.ran, [2, 9, 12])
        XCTAssertEqual(kept.errors.count, 1)
    }

    func testChecksBeforeRunning() throws {
        let doc = try MarkdownDocument(parsing: "```trellis name=a colour=red\nx\n```\n```trellis name=a\ny\n```\n{{ b.c }}\n{{ a.c | %q }}\n")
        var executor = ScriptedExecutor(replies: [:])
        let run = NotebookRun.run(doc, keepGoing: true, executor: &executor)
        XCTAssertEqual(executor.ran, [], "nothing runs when the checks fail")
        XCTAssertEqual(run.errors.map(\.line), [1, 4, 7, 8])
        XCTAssertTrue(run.errors[0].message.contains("unknown block option 'colour'"))
        XCTAssertTrue(run.errors[1].message.contains("already used by the block on line 1"))
        XCTAssertTrue(run.errors[2].message.contains("{{ b.c }} names no block"))
        XCTAssertTrue(run.errors[3].message.contains("unknown format '%q'"))
    }

    func testANameNeedsAJSONReply() throws {
        let doc = try MarkdownDocument(parsing: "```trellis name=a\nplain\n```\n```trellis name=b\nj --json\n```\n")
        var executor = ScriptedExecutor(replies: [
            "plain": ExecutedBlock(commands: [record(2, "plain", "text")], end: .success),
            "j --json": ExecutedBlock(commands: [record(5, "j --json", "{\"e\":1}\n{\"e\":2}\n")], end: .success),
        ])
        let run = NotebookRun.run(doc, keepGoing: true, executor: &executor)
        XCTAssertEqual(run.errors.map(\.line), [1])
        XCTAssertTrue(run.errors[0].message.contains("runs no command with --json"))
        // JSON lines bind as an array of the lines.
        XCTAssertEqual(try run.values.fill("{{ b[1].e }}", line: 1), "2")
    }

    func testFiguresAreTheFilesTheBlockWroteOrReplaced() throws {
        let dir = NSTemporaryDirectory() + "notebook-run-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/old", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write("kept", to: dir + "/old/untouched.png")
        try AtomicFile.write("old", to: dir + "/old/replaced.png")
        let doc = try MarkdownDocument(parsing: "```trellis\nplot --out \(dir)/old/replaced.png --also \(dir)/new\n```\n")
        var executor = ScriptedExecutor(replies: [:])
        executor.action["plot --out \(dir)/old/replaced.png --also \(dir)/new"] = {
            try? AtomicFile.write("new", to: dir + "/old/replaced.png")        // a new inode, as every figure write
            try? FileManager.default.createDirectory(atPath: dir + "/new", withIntermediateDirectories: true)
            try? AtomicFile.write("n", to: dir + "/new/made.svg")
            try? AtomicFile.write("n", to: dir + "/new/notes.txt")
        }
        let run = NotebookRun.run(doc, keepGoing: false, executor: &executor)
        XCTAssertEqual(Set(run.blocks[0].figures), [dir + "/old/replaced.png", dir + "/new/made.svg"])

        let out = dir + "/report"
        let copies = try NotebookWriter.copyFigures(of: run, into: out)
        XCTAssertEqual(Set(copies[0].map(\.relativePath)), ["figures/L1-replaced.png", "figures/L1-made.svg"])
        XCTAssertEqual(try String(contentsOfFile: out + "/figures/L1-replaced.png", encoding: .utf8), "new")
        let (markdown, _) = NotebookWriter.markdown(run, figures: copies, source: "t.md")
        XCTAssertTrue(markdown.contains("![replaced.png](figures/L1-replaced.png)"), markdown)
    }

    func testFenceIsLongerThanAnyBacktickRunInTheOutput() {
        XCTAssertEqual(NotebookWriter.fenceFor("plain"), "```")
        XCTAssertEqual(NotebookWriter.fenceFor("a ```` b"), "`````")
    }

    func testHTMLEscapesCodeAndUsesTheFirstHeading() {
        let html = NotebookWriter.html(fromMarkdown: "# Report & notes\n\n```text\na < b & c\n```\n", title: "x.md")
        XCTAssertTrue(html.contains("<title>Report &amp; notes</title>"), html)
        XCTAssertEqual(NotebookWriter.html(fromMarkdown: "no heading\n", title: "x.md").contains("<title>x.md</title>"), true)
        XCTAssertTrue(html.contains("a &lt; b &amp; c"), html)
    }
}
