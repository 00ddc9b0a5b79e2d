// The text Ink never finishes on, or only slowly (fuzz-notebook found each; each held up `notebook run --html`):
// a `<` that opens no tag closed on its line (`<p` of them never returns, dozens of others took seconds), and many
// unclosed `[` in a paragraph. Ink reads them as noncharacters and the page shows them exactly as written, in
// prose and in code; links, closed tags and the other paragraphs come out as before.
import XCTest
@testable import Notebook

final class InkGuardTests: XCTestCase {
    private let deep = "from" + String(repeating: "[", count: 114) + " one letter to the next"
    private let a = String(InkGuard.angle), b = String(InkGuard.bracket)

    func testBracketsPastFourInAParagraphAreGuarded() {
        XCTAssertEqual(InkGuard.guarded(deep), "from" + String(repeating: "[", count: 4)
                       + String(repeating: b, count: 110) + " one letter to the next")
    }

    func testThePageShowsEveryBracket() {
        let html = NotebookWriter.html(fromMarkdown: "# Notes\n\n" + deep + "\n", title: "t")
        XCTAssertTrue(html.contains("<p>" + deep + "</p>"), html)
    }

    func testLinksAndClosedBracketsAreLeftAlone() {
        let text = """
        See [the docs](docs/training.md) and alpha[0][1] = 0.6, \\[ escaped.
        [[[[[[

        A new paragraph starts again from none: [[[[ and ends.

        And [a link](a.html) in a third.
        """
        XCTAssertEqual(InkGuard.guarded(text), text.replacingOccurrences(
            of: "[[[[[[\n\n", with: "[[[[" + b + b + "\n\n"))
        let html = NotebookWriter.html(fromMarkdown: text, title: "t")
        XCTAssertTrue(html.contains("<a href=\"docs/training.md\">the docs</a>"), html)
        XCTAssertTrue(html.contains("<a href=\"a.html\">a link</a>"), html)
        XCTAssertTrue(html.contains("[[[[[["), html)
    }

    func testAnAngleBracketThatOpensNoTagOnItsLineIsGuarded() {
        XCTAssertEqual(InkGuard.guarded("if p(x)<p(y) then"), "if p(x)" + a + "p(y) then")
        XCTAssertEqual(InkGuard.guarded("a <Pre and"), "a " + a + "Pre and")
        XCTAssertEqual(InkGuard.guarded("a < b > c"), "a " + a + " b > c")
        XCTAssertEqual(InkGuard.guarded("<<<x"), a + a + a + "x")
        let tags = "<p align=\"center\">x</p> and <https://example.org> and <!-- note --> and <br/>"
        XCTAssertEqual(InkGuard.guarded(tags), tags)
        let html = NotebookWriter.html(fromMarkdown: "# Notes\n\nif p(x)<p(y) then\n", title: "t")
        XCTAssertTrue(html.contains("<p>if p(x)&lt;p(y) then</p>"), html)
    }

    /// Code shows a guarded character exactly as Ink shows code: `<` as `&lt;`, `[` as itself.
    func testCodeShowsWhatWasWritten() {
        let html = InkGuard.html(fromMarkdown: "```\nx<p [[[[[[[[[ a < b\n```\n\nand `y<p` inline\n")
        XCTAssertEqual(html, "<pre><code>x&lt;p [[[[[[[[[ a &lt; b\n</code></pre><p>and <code>y&lt;p</code> inline</p>")
    }

    func testNoncharactersInTheTextCannotPoseAsGuardedOnes() {
        XCTAssertEqual(InkGuard.html(fromMarkdown: "odd " + a + " and " + b), "<p>odd \u{FFFD} and \u{FFFD}</p>")
    }

    /// The shape of fixtures/fuzz/notebook/regressions/ink-slow-many-open-angle-brackets.md (15.7 s in
    /// `notebook run --html` before the guard): one paragraph of lines with ~94 `<` and an open `[` each. Ink alone
    /// ran past a minute on these 16 lines; guarded, it reads them in a fraction of a second.
    func testAParagraphOfOpenAngleBracketsShowsAsWritten() throws {
        let line = "~~" + String(repeating: "<", count: 94) + " you compute on [ the\n~~~\n"
        let html = InkGuard.html(fromMarkdown: String(repeating: line, count: 16))
        XCTAssertEqual(html.components(separatedBy: "&lt;").count - 1, 16 * 94)
        XCTAssertEqual(html.filter { $0 == "[" }.count, 16)
    }
}
