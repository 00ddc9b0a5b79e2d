// InkGuard: renders a notebook's report as HTML through Ink, kept out of the inputs fuzz-notebook found Ink never
// finishes on, or finishes on only after many seconds:
// - A `<` that does not open a tag closed on its own line. Ink reads every `<` as the start of HTML and searches the
//   rest of the page for its `>`: dozens of them with no `>` after took 15 s on a 3 KB page. And `<p` with no `>`
//   never returns: Ink's inline reader stops there for an HTML paragraph, its HTML reader finds no tag and rewinds,
//   and the two hand the same place back and forth forever ("p(x)<p(y)", "a <pre" left open).
// - A paragraph with many `[` that never close: Ink tries each as the start of a link and backtracks, nested once
//   per open bracket, so the time is exponential in their number (20 took 5 s, 114 ran past the fuzzer's minute).
//   Past `maxOpen` (4) unclosed ones, a `[` is guarded: each one allowed doubles the time of the paragraph after it.
// A guarded character is handed to Ink as a Unicode noncharacter (code points reserved for a program's internal
// use, which Ink treats as a plain letter) and put back in Ink's output as what Ink itself writes for it — `&lt;`
// for a `<` that is not a tag, the bracket for a `[` — in prose and in code alike, so the page reads exactly as
// written and no guess at where Ink thinks code begins is needed.
import Base
import Ink

enum InkGuard {
    /// What a guarded `<` and `[` are while Ink reads the text (U+FDD0 and U+FDD1, noncharacters).
    /// (Swift's literals refuse noncharacters; the scalar initialiser takes them.)
    static let angle = Character(Unicode.Scalar(UInt32(0xFDD0))!)
    static let bracket = Character(Unicode.Scalar(UInt32(0xFDD1))!)

    /// The HTML Ink makes of `markdown`, guarded.
    static func html(fromMarkdown markdown: String, maxOpen: Int = 4) -> String {
        restored(MarkdownParser().html(from: guarded(markdown, maxOpen: maxOpen)))
    }

    /// `markdown` with every `<` that does not start a tag closed on its line (`<name ... >`, `</name>`, `<!-- >`,
    /// `<https://…>`) and every `[` beyond `maxOpen` unclosed ones in its paragraph (lines up to a blank one)
    /// written as the noncharacters above. Noncharacters already in the text become U+FFFD: they are not text.
    static func guarded(_ markdown: String, maxOpen: Int = 4) -> String {
        var open = 0
        return TextLines.split(markdown).map { line -> String in
            if line.allSatisfy(\.isWhitespace) { open = 0; return String(line) }
            return guarded(line: Array(line), open: &open, maxOpen: maxOpen)
        }.joined(separator: "\n")
    }

    /// `html` with the guarded characters put back as Ink would have written them.
    static func restored(_ html: String) -> String {
        var out = ""
        out.reserveCapacity(html.utf8.count)
        for c in html {
            switch c {
            case angle: out += "&lt;"
            case bracket: out.append("[")
            default: out.append(c)
            }
        }
        return out
    }

    private static func guarded(line chars: [Character], open: inout Int, maxOpen: Int) -> String {
        // Where the last `>` of the line is: a `<` before it may open a tag, one after it cannot.
        let lastClose = chars.lastIndex(of: ">") ?? -1
        var out = ""
        var i = 0
        while i < chars.count {
            let c = chars[i]
            i += 1
            switch c {
            // An escaped character is neither a tag nor a link; `\<` is still guarded (`\<p` hangs Ink too).
            case "\\" where i < chars.count && chars[i] != "<" && chars[i] != angle && chars[i] != bracket:
                out.append(c); out.append(chars[i]); i += 1
            case "<" where i > lastClose || !opensTag(chars[i]):
                out.append(angle)
            case "[" where open >= maxOpen:
                out.append(bracket)
            case "[":
                open += 1; out.append(c)
            case "]" where open > 0:
                open -= 1; out.append(c)
            case angle, bracket:
                out.append("\u{FFFD}")
            default:
                out.append(c)
            }
        }
        return out
    }

    /// Whether a `<` followed by `c` can begin a tag, a comment or an autolink.
    private static func opensTag(_ c: Character) -> Bool {
        c == "/" || c == "!" || c == "?" || (c.isASCII && c.isLetter)
    }
}
