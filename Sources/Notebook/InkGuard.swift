// InkGuard: keeps Ink, which renders a notebook's report as HTML, out of the two inputs fuzz-notebook found it
// never finishes on; both are rewritten before Ink sees the text, into what renders the same:
// - `<p` with no `>` after it on its line ("p(x)<p(y)", "a <pre" left open): Ink's inline reader stops at `<p` for
//   an HTML paragraph, its HTML reader finds no tag and rewinds, and the two hand the same place back and forth
//   forever. Written `&lt;p`, it shows as `<p`.
// - A paragraph with many `[` that never close: Ink tries each as the start of a link and backtracks, nested once
//   per open bracket, so the time is exponential in their number (20 took 5 s, 114 ran past the fuzzer's minute).
//   Past `maxOpen` unclosed ones a `[` is written `\[`, which shows as the same bracket.
// Fenced code and inline code spans, where Ink reads neither, are left exactly as they are.
import Base

enum InkGuard {
    /// `markdown` with every open `<p` written `&lt;p` and every `[` beyond `maxOpen` unclosed ones in its paragraph
    /// escaped.
    static func guarded(_ markdown: String, maxOpen: Int = 8) -> String {
        var out: [String] = []
        var fence: (marker: Character, length: Int)? = nil
        var open = 0
        for line in TextLines.split(markdown).map(String.init) {
            if let f = fenceOpening(line) {
                if let current = fence {
                    if f.marker == current.marker, f.length >= current.length, f.rest.allSatisfy(\.isWhitespace) { fence = nil }
                } else {
                    fence = (f.marker, f.length)
                }
                out.append(line)
                open = 0
                continue
            }
            if fence != nil { out.append(line); continue }
            if line.allSatisfy(\.isWhitespace) { open = 0; out.append(line); continue }
            out.append(escaping(line, open: &open, maxOpen: maxOpen))
        }
        return out.joined(separator: "\n")
    }

    /// A fence line as CommonMark reads it: up to three spaces, then three or more backticks or tildes.
    private static func fenceOpening(_ line: String) -> (marker: Character, length: Int, rest: Substring)? {
        let body = line.drop(while: { $0 == " " })
        guard line.count - body.count <= 3, let marker = body.first, marker == "`" || marker == "~" else { return nil }
        let run = body.prefix(while: { $0 == marker })
        return run.count >= 3 ? (marker, run.count, body.dropFirst(run.count)) : nil
    }

    private static func escaping(_ line: String, open: inout Int, maxOpen: Int) -> String {
        let chars = Array(line)
        var out = ""
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count {                     // an escape: both characters as they are
                out.append(c); out.append(chars[i + 1]); i += 2; continue
            }
            if c == "`" {                                          // a code span: up to the same run of backticks
                var run = 1
                while i + run < chars.count, chars[i + run] == "`" { run += 1 }
                if let end = closingRun(of: run, in: chars, from: i + run) {
                    out += String(chars[i..<end]); i = end; continue
                }
                out += String(repeating: "`", count: run); i += run; continue
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

    /// The index just past the next run of exactly `length` backticks at or after `start`, if there is one.
    private static func closingRun(of length: Int, in chars: [Character], from start: Int) -> Int? {
        var j = start
        while j < chars.count {
            guard chars[j] == "`" else { j += 1; continue }
            var run = 0
            while j + run < chars.count, chars[j + run] == "`" { run += 1 }
            if run == length { return j + run }
            j += run
        }
        return nil
    }
}
