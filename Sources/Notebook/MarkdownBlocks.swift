// MarkdownBlocks: a Markdown text cut into prose runs and fenced code blocks, each with the line numbers it came
// from — the one reader of notebooks (`notebook run`) and lessons (`lessons/*.md`). It knows only what both need:
// where the fences are (CommonMark's rules: ``` or ~~~, three or more, indented up to three spaces, closed by
// the same character at least as long with nothing after it), the fence's info string (`trellis name=compare`),
// and the body lines. Everything else (headings, lists, inline code) stays prose, passed through untouched, so
// writing the document back line by line reproduces it exactly.
import Base

/// One fenced code block of a Markdown document.
public struct CodeBlock: Equatable, Sendable {
    /// The info string after the opening fence, trimmed: "trellis name=compare" (empty for a bare fence).
    public let info: String
    /// The body lines, without the fences and without the fence's own indentation (CommonMark removes up to
    /// that many leading spaces from each body line).
    public let body: [String]
    /// The 1-based line number of the opening fence (what an error about the block points at).
    public let startLine: Int
    /// The 1-based line number of the closing fence.
    public let endLine: Int

    public init(info: String, body: [String], startLine: Int, endLine: Int) {
        self.info = info
        self.body = body
        self.startLine = startLine
        self.endLine = endLine
    }

    /// The first word of the info string, the block's language or tag: "trellis", "text", "python" (empty when none).
    public var language: String { info.split(separator: " ", omittingEmptySubsequences: true).first.map(String.init) ?? "" }

    /// The words after the language as options: `name=compare` gives ["name": "compare"], a bare word such as
    /// `keep-going` gives ["keep-going": ""]. A later repetition of a key wins.
    public var options: [String: String] {
        var result: [String: String] = [:]
        for word in info.split(separator: " ", omittingEmptySubsequences: true).dropFirst() {
            if let eq = word.firstIndex(of: "=") {
                result[String(word[..<eq])] = String(word[word.index(after: eq)...])
            } else {
                result[String(word)] = ""
            }
        }
        return result
    }

    /// The 1-based line number of body line `index` (0-based) in the document.
    public func lineNumber(ofBodyLine index: Int) -> Int { startLine + 1 + index }
}

/// A run of lines outside any fence (headings, paragraphs, lists, blank lines), kept as written.
public struct ProseRun: Equatable, Sendable {
    public let lines: [String]
    /// The 1-based line number of the first line.
    public let startLine: Int

    public init(lines: [String], startLine: Int) {
        self.lines = lines
        self.startLine = startLine
    }
}

/// A piece of a Markdown document: prose or a fenced code block.
public enum MarkdownBlock: Equatable, Sendable {
    case prose(ProseRun)
    case code(CodeBlock)
}

/// Why a text is not a document the readers accept.
public enum MarkdownError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A fence opened on `line` is never closed. CommonMark would run the block to the end of the file; a
    /// notebook almost always means a forgotten closing fence, so it is an error that names the opening line.
    case unclosedFence(line: Int, fence: String)

    public var description: String {
        switch self {
        case .unclosedFence(let line, let fence):
            return "line \(line): the code block opened here with \(fence) is never closed (add a line with \(fence) after its last line)"
        }
    }
}

/// A Markdown document as prose runs and fenced code blocks, in order.
public struct MarkdownDocument: Equatable, Sendable {
    /// Every line of the text, without line ends (LF, CRLF or CR, as `TextLines` splits them).
    public let lines: [String]
    /// The pieces in document order; together they cover every line exactly once.
    public let blocks: [MarkdownBlock]

    /// Reads `text`; throws `MarkdownError.unclosedFence` for a fence that is never closed.
    public init(parsing text: String) throws(MarkdownError) {
        let lines = TextLines.split(text).map(String.init)
        self.lines = lines
        var blocks: [MarkdownBlock] = []
        var prose: [String] = []
        var proseStart = 1
        var i = 0
        func flushProse() {
            if !prose.isEmpty { blocks.append(.prose(ProseRun(lines: prose, startLine: proseStart))) }
            prose = []
        }
        while i < lines.count {
            guard let open = Fence(opening: lines[i]) else {
                if prose.isEmpty { proseStart = i + 1 }
                prose.append(lines[i])
                i += 1
                continue
            }
            flushProse()
            var body: [String] = []
            var j = i + 1
            while j < lines.count, !open.isClosed(by: lines[j]) {
                body.append(Fence.removingIndent(open.indent, from: lines[j]))
                j += 1
            }
            guard j < lines.count else { throw .unclosedFence(line: i + 1, fence: open.marker) }
            blocks.append(.code(CodeBlock(info: open.info, body: body, startLine: i + 1, endLine: j + 1)))
            i = j + 1
        }
        flushProse()
        self.blocks = blocks
    }

    /// The code blocks alone, in order.
    public var codeBlocks: [CodeBlock] {
        blocks.compactMap { if case .code(let block) = $0 { block } else { nil } }
    }
}

/// An opening code fence: its character repeated `length` times after `indent` spaces, then the info string.
struct Fence {
    let character: Character
    let length: Int
    let indent: Int
    let info: String

    var marker: String { String(repeating: character, count: length) }

    /// The fence `line` opens, or nil: up to three spaces, then three or more backticks or tildes; a backtick
    /// fence's info string may not contain a backtick (CommonMark: that line is inline code, not a fence).
    init?(opening line: String) {
        guard let (character, length, indent, rest) = Fence.parse(line) else { return nil }
        let info = rest.trimmingSpaces()
        if character == "`" && info.contains("`") { return nil }
        self.character = character
        self.length = length
        self.indent = indent
        self.info = info
    }

    /// True when `line` closes this fence: the same character at least as many times, then only spaces.
    func isClosed(by line: String) -> Bool {
        guard let (c, n, _, rest) = Fence.parse(line) else { return false }
        return c == character && n >= length && rest.trimmingSpaces().isEmpty
    }

    private static func parse(_ line: String) -> (Character, Int, Int, Substring)? {
        let indent = line.prefix(while: { $0 == " " }).count
        guard indent <= 3 else { return nil }
        let afterIndent = line.dropFirst(indent)
        guard let c = afterIndent.first, c == "`" || c == "~" else { return nil }
        let run = afterIndent.prefix(while: { $0 == c }).count
        guard run >= 3 else { return nil }
        return (c, run, indent, afterIndent.dropFirst(run))
    }

    /// `line` without up to `indent` leading spaces.
    static func removingIndent(_ indent: Int, from line: String) -> String {
        let spaces = min(indent, line.prefix(while: { $0 == " " }).count)
        return String(line.dropFirst(spaces))
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (Foundation-free, so the parser needs only Base).
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
