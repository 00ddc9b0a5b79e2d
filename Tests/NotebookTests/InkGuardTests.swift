// Two kinds of prose Ink never finishes on (fuzz-notebook found both; each hung `notebook run --html`): `<p` with
// no `>` after it on its line, and many unclosed `[` in a paragraph. They are rewritten into text that renders
// the same; links, code, closed tags and the other paragraphs come out as before.
import XCTest
@testable import Notebook

final class InkGuardTests: XCTestCase {
    private let deep = "from" + String(repeating: "[", count: 114) + " one letter to the next"

    func testBracketsPastEightInAParagraphAreEscaped() {
        let guarded = InkGuard.guarded(deep)
        XCTAssertEqual(guarded, "from" + String(repeating: "[", count: 8) + String(repeating: "\\[", count: 106)
                       + " one letter to the next")
    }

    func testTheHTMLShowsEveryBracket() {
        let html = NotebookWriter.html(fromMarkdown: "# Notes\n\n" + deep + "\n", title: "t")
        XCTAssertEqual(html.filter { $0 == "[" }.count, 114)
        XCTAssertFalse(html.contains("\\["))
    }

    func testLinksAndClosedBracketsAreLeftAlone() {
        let text = """
        See [the docs](docs/training.md) and alpha[0][1] = 0.6, \\[ escaped.
        [[[[[[[[[[

        A new paragraph starts again from none: [[[[[[[[ and ends.

        And [a link](a.html) in a third.
        """
        XCTAssertEqual(InkGuard.guarded(text), text.replacingOccurrences(
            of: "[[[[[[[[[[\n\n", with: "[[[[[[[[\\[\\[\n\n"))
        let html = NotebookWriter.html(fromMarkdown: text, title: "t")
        XCTAssertTrue(html.contains("<a href=\"docs/training.md\">the docs</a>"), html)
        XCTAssertTrue(html.contains("<a href=\"a.html\">a link</a>"), html)
    }

    func testAnOpenAngledPIsWrittenAsAnEntity() {
        XCTAssertEqual(InkGuard.guarded("if p(x)<p(y) then"), "if p(x)&lt;p(y) then")
        XCTAssertEqual(InkGuard.guarded("a <Pre and"), "a &lt;Pre and")
        let untouched = "<p align=\"center\">x</p> and <https://example.org> and a < b"
        XCTAssertEqual(InkGuard.guarded(untouched), untouched)
        let html = NotebookWriter.html(fromMarkdown: "# Notes\n\nif p(x)<p(y) then\n", title: "t")
        XCTAssertTrue(html.contains("<p>if p(x)&lt;p(y) then</p>"), html)
    }

    /// Code is guarded like prose (Ink's idea of where code ends is not CommonMark's, and a wrong guess would
    /// leave the hang): the price is a rewritten `<p` or ninth `[` showing as written here, in code only.
    func testCodeIsGuardedToo() {
        XCTAssertEqual(InkGuard.guarded("```\nx<p [[[[[[[[[\n```"), "```\nx&lt;p [[[[[[[[\\[\n```")
        XCTAssertEqual(InkGuard.guarded("    indented <p"), "    indented &lt;p")
        XCTAssertEqual(InkGuard.guarded("~~~\nx<p\n~~~"), "~~~\nx&lt;p\n~~~")
    }
}
