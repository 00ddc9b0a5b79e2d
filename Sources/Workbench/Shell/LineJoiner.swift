// Physical lines → commands: a line that ends in a continuing backslash (Tokenizer.continues) takes
// the next line with it, as in sh, Python and sqlite3. The REPL (which then prompts with "...> "),
// `--script`, `.read` and piped stdin all read their lines through one LineJoiner.

public struct LineJoiner {
    private var pending: String?
    private var pendingStart = 0
    private var lineNumber = 0

    public init() {}

    /// True while a logical line is unfinished (its last physical line ended in a backslash).
    public var isContinuing: Bool { pending != nil }

    /// Adds the next physical line; returns the finished logical line and the number of its first
    /// physical line, or nil when the line goes on.
    public mutating func add(_ line: String) -> (text: String, firstLine: Int)? {
        lineNumber += 1
        let text = pending.map { $0 + "\n" + line } ?? line
        let start = pending == nil ? lineNumber : pendingStart
        if Tokenizer.continues(text) {
            pending = text
            pendingStart = start
            return nil
        }
        pending = nil
        return (text, start)
    }

    /// A command typed over several lines as one line (the REPL's history entry; history files
    /// hold one entry per line): the continuing backslashes taken out, so it means the same words.
    public static func singleLine(_ lines: [String]) -> String {
        (lines.dropLast().map { String($0.dropLast()) } + lines.suffix(1)).joined()
    }

    /// At the end of the input: what is left of a line whose last backslash has nothing to continue
    /// onto (running it reports that backslash).
    public mutating func finish() -> (text: String, firstLine: Int)? {
        defer { pending = nil }
        return pending.map { ($0, pendingStart) }
    }
}
