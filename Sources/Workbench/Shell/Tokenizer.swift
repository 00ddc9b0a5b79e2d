// Shell-like tokenising of one input line: whitespace separates words, single quotes keep text
// literally, double quotes allow \" and \\ escapes, a backslash outside quotes escapes any
// character, an unquoted `;` or line end (LF, CRLF or CR, as `-c "a\nb"` or a pasted block brings) separates
// commands and an unquoted `#` at the start of a word starts a comment (to the end of its line). A backslash
// before a line break (outside single quotes) continues the line, as in sh: both vanish, so
// `train --model dnn \⏎ --data DIR` is one command. The REPL, `-c`, `--script`, `.read` and piped stdin all go
// through here; `continues(_:)` tells the line readers when a line ends in such a backslash and the next line
// belongs to it.
import Base

/// A line that cannot be split into words, with the 1-based column of the culprit.
public struct TokenizeError: Error, CustomStringConvertible, Equatable {
    public let column: Int
    public let reason: String
    public var description: String { "column \(column): \(reason)" }
}

public enum Tokenizer {
    /// Splits `line` into commands (separated by unquoted `;`), each a list of words.
    /// Empty commands (`;;`, blank lines, comments) are dropped.
    public static func commands(_ line: String) throws -> [[String]] {
        try scan(line, lenient: false).commands.filter { !$0.isEmpty }
    }

    /// The words of the last command on `line`, tolerating an unterminated quote
    /// (used by tab completion on a half-typed line).
    public static func lenientWords(_ line: String) -> [String] {
        let result = (try? scan(line, lenient: true)) ?? Scan(commands: [[]])
        return result.commands.last ?? []
    }

    /// True when `line` ends in a backslash that continues it onto the next line (outside single
    /// quotes and comments): the readers then join the next line to it.
    public static func continues(_ line: String) -> Bool {
        (try? scan(line, lenient: true))?.endsInBackslash ?? false
    }

    struct Scan {
        var commands: [[String]]
        var endsInBackslash = false
    }

    private static func isLineBreak(_ c: Character) -> Bool { c == "\n" || c == "\r\n" }

    private enum Quote { case none, single, double }

    private static func scan(_ line: String, lenient: Bool) throws -> Scan {
        var commands: [[String]] = [[]]
        var word = ""
        var inWord = false  // true once a quote or character started a word, so "" is a word
        var quote = Quote.none
        var quoteColumn = 0
        var chars = Array(line).makeIterator()
        var column = 0

        func endWord() {
            if inWord { commands[commands.count - 1].append(word) }
            word = ""
            inWord = false
        }

        while let c = chars.next() {
            column += 1
            switch quote {
            case .single:
                if c == "'" { quote = .none } else { word.append(c) }
            case .double:
                if c == "\"" {
                    quote = .none
                } else if c == "\\" {
                    guard let next = chars.next() else {
                        if lenient { endWord(); return Scan(commands: commands, endsInBackslash: true) }
                        throw TokenizeError(column: column, reason: "a backslash ends the line inside double quotes")
                    }
                    column += 1
                    if isLineBreak(next) { continue }  // continuation: both vanish
                    if next == "\"" || next == "\\" { word.append(next) } else { word.append(c); word.append(next) }
                } else {
                    word.append(c)
                }
            case .none:
                if c == " " || c == "\t" {
                    endWord()
                } else if c == ";" || TextLines.isLineEnd(c) {
                    endWord()
                    commands.append([])
                } else if c == "#" && !inWord {
                    // Comment to the end of the line.
                    endWord()
                    while let next = chars.next() {
                        column += 1
                        if TextLines.isLineEnd(next) { commands.append([]); break }
                    }
                } else if c == "'" {
                    quote = .single; quoteColumn = column; inWord = true
                } else if c == "\"" {
                    quote = .double; quoteColumn = column; inWord = true
                } else if c == "\\" {
                    guard let next = chars.next() else {
                        if lenient { endWord(); return Scan(commands: commands, endsInBackslash: true) }
                        throw TokenizeError(column: column, reason: "a backslash ends the line with nothing to escape")
                    }
                    column += 1
                    if isLineBreak(next) { continue }  // continuation: both vanish
                    word.append(next); inWord = true
                } else {
                    word.append(c); inWord = true
                }
            }
        }
        if quote != .none && !lenient {
            let kind = quote == .single ? "single" : "double"
            throw TokenizeError(column: quoteColumn, reason: "the \(kind) quote opened here is never closed")
        }
        endWord()
        return Scan(commands: commands)
    }
}
