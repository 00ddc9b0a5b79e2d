// MarkdownBlocks against hand-written documents: every line lands in exactly one piece, with the line number a
// person counts in an editor; fences follow CommonMark's rules (the cases are the spec's own examples of what is
// and is not a fence), and a forgotten closing fence names the line that opened it.
import XCTest
import Notebook

final class MarkdownBlocksTests: XCTestCase {
    func testProseAndBlocksWithTheirLineNumbers() throws {
        let text = """
        # Title

        Some prose.
        ```trellis name=first
        text hello
        # a comment
        ```
        More prose.
        ~~~python
        print(1)
        ~~~
        """
        let doc = try MarkdownDocument(parsing: text)
        XCTAssertEqual(doc.lines.count, 11)
        XCTAssertEqual(doc.blocks, [
            .prose(ProseRun(lines: ["# Title", "", "Some prose."], startLine: 1)),
            .code(CodeBlock(info: "trellis name=first", body: ["text hello", "# a comment"], startLine: 4, endLine: 7)),
            .prose(ProseRun(lines: ["More prose."], startLine: 8)),
            .code(CodeBlock(info: "python", body: ["print(1)"], startLine: 9, endLine: 11)),
        ])
        let first = doc.codeBlocks[0]
        XCTAssertEqual(first.language, "trellis")
        XCTAssertEqual(first.options, ["name": "first"])
        XCTAssertEqual(first.lineNumber(ofBodyLine: 1), 6)
        XCTAssertEqual(doc.codeBlocks[1].language, "python")
    }

    func testEveryLineIsCoveredOnceSoTheDocumentCanBeWrittenBack() throws {
        let text = "a\n\n```\nx\n```\n\nb\n````text\n```\n````\n"
        let doc = try MarkdownDocument(parsing: text)
        var rebuilt: [String] = []
        for block in doc.blocks {
            switch block {
            case .prose(let run):
                XCTAssertEqual(run.startLine, rebuilt.count + 1)
                rebuilt += run.lines
            case .code(let code):
                XCTAssertEqual(code.startLine, rebuilt.count + 1)
                rebuilt += Array(doc.lines[(code.startLine - 1)..<code.endLine])
            }
        }
        XCTAssertEqual(rebuilt, doc.lines)
        // A longer fence holds a shorter one as body text.
        XCTAssertEqual(doc.codeBlocks.last?.body, ["```"])
        XCTAssertEqual(doc.codeBlocks.last?.info, "text")
    }

    func testFenceRules() throws {
        // Two backticks are inline code, four spaces are an indented code block (prose here), a backtick in a
        // backtick fence's info string makes the line inline code: none of them opens a fence.
        for line in ["``not a fence", "    ```indented", "``` a`b"] {
            let doc = try MarkdownDocument(parsing: line + "\nrest")
            XCTAssertEqual(doc.codeBlocks, [], line)
        }
        // A tilde fence is not closed by backticks, nor by a shorter run, nor by a fence with an info string.
        let doc = try MarkdownDocument(parsing: "~~~~\n```\n~~~\n~~~~ x\n~~~~~\nafter")
        XCTAssertEqual(doc.codeBlocks, [CodeBlock(info: "", body: ["```", "~~~", "~~~~ x"], startLine: 1, endLine: 5)])
        // An indented fence removes up to its own indentation from the body lines.
        let indented = try MarkdownDocument(parsing: "  ```trellis\n    a\n b\nc\n  ```")
        XCTAssertEqual(indented.codeBlocks.first?.body, ["  a", "b", "c"])
    }

    func testCRLFAndAnEmptyBlock() throws {
        let doc = try MarkdownDocument(parsing: "x\r\n```trellis\r\n```\r\ny\r\n")
        XCTAssertEqual(doc.lines, ["x", "```trellis", "```", "y"])
        XCTAssertEqual(doc.codeBlocks, [CodeBlock(info: "trellis", body: [], startLine: 2, endLine: 3)])
    }

    func testOptionsWithBareWordsAndRepeats() {
        let block = CodeBlock(info: "trellis  name=a keep-going name=b", body: [], startLine: 1, endLine: 2)
        XCTAssertEqual(block.language, "trellis")
        XCTAssertEqual(block.options, ["name": "b", "keep-going": ""])
        XCTAssertEqual(CodeBlock(info: "", body: [], startLine: 1, endLine: 2).language, "")
    }

    func testAnUnclosedFenceNamesTheLineThatOpenedIt() {
        XCTAssertThrowsError(try MarkdownDocument(parsing: "intro\n\n```trellis\nversion\n")) { error in
            XCTAssertEqual(error as? MarkdownError, .unclosedFence(line: 3, fence: "```"))
            XCTAssertTrue("\(error)".hasPrefix("line 3: "))
        }
    }
}
