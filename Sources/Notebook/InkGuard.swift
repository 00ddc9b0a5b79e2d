// InkGuard: keeps Ink, which renders a notebook's report as HTML, out of the inputs fuzz-notebook found it never
// finishes on; they are rewritten before Ink sees the text, into what renders the same in prose:
// - `<p` with no `>` after it on its line ("p(x)<p(y)", "a <pre" left open): Ink's inline reader stops at `<p`
//   for an HTML paragraph, its HTML reader finds no tag and rewinds, and the two hand the same place back and
//   forth forever. Written `&lt;p`, it shows as `<p`; a tag closed on its line is left alone.
// - A paragraph with many `[` that never close: Ink tries each as the start of a link and backtracks, nested once
//   per open bracket, so the time is exponential in their number (20 took 5 s, 114 ran past the fuzzer's minute).
//   Past `maxOpen` unclosed ones a `[` is written `\[`, which shows as the same bracket.
// Every line is guarded, code included: Ink's own idea of where code starts and ends (fences of exactly the
// opening's length at the start of a line, no `~~~`, code spans across lines) is not CommonMark's, and a guess
// that took prose for code would leave the hang in place. The price is cosmetic and rare: inside code, a rewritten
// `<p` or ninth open `[` shows as `&lt;p` or `\[`.
import Base

enum InkGuard {
    /// `markdown` with every `<p` that no `>` follows on its line written `&lt;p`, and every `[` beyond `maxOpen`
    /// unclosed ones in its paragraph (lines up to a blank one) escaped.
    static func guarded(_ markdown: String, maxOpen: Int = 8) -> String {
        var open = 0
        return TextLines.split(markdown).map { line -> String in
            if line.allSatisfy(\.isWhitespace) { open = 0; return String(line) }
            return guarded(line: Array(line), open: &open, maxOpen: maxOpen)
        }.joined(separator: "\n")
    }

    private static func guarded(line chars: [Character], open: inout Int, maxOpen: Int) -> String {
        var out = ""
        var i = 0
        while i < chars.count {
            let c = chars[i]
            // An escape keeps both characters, except before `<`: Ink loops on `\<p` too, so that `<` is guarded.
            if c == "\\", i + 1 < chars.count, chars[i + 1] != "<" {
                out.append(c); out.append(chars[i + 1]); i += 2; continue
            }
            if c == "<", i + 1 < chars.count, chars[i + 1] == "p" || chars[i + 1] == "P", !chars[(i + 1)...].contains(">") {
                out += "&lt;"; i += 1; continue
            }
            if c == "[" {
                if open >= maxOpen { out += "\\["; i += 1; continue }
                open += 1
            } else if c == "]", open > 0 {
                open -= 1
            }
            out.append(c)
            i += 1
        }
        return out
    }
}
