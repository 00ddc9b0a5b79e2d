// NotebookRun: running a notebook's ```trellis blocks in order through a `BlockExecutor` (the Workbench's one
// shell session) and collecting, per block, what each command printed, the figures it wrote (FigureScan) and the
// JSON value a `name=` block binds for the prose. It checks what can be checked before anything runs: the block
// options, that names are unique, and that every {{ }} names a block. A failing block stops the run, or with
// `keepGoing` is recorded and the run goes on; either way every error carries its document line.
import Base
import Foundation

/// One command line of a block as it ran.
public struct CommandRecord: Sendable {
    /// The 1-based line of the document the command starts on.
    public var line: Int
    /// The command as written (lines a backslash continues are joined).
    public var text: String
    /// Its words as the shell split them (empty when the line could not be split).
    public var words: [String]
    public var stdout: String
    public var stderr: String

    public init(line: Int, text: String, words: [String], stdout: String, stderr: String) {
        self.line = line
        self.text = text
        self.words = words
        self.stdout = stdout
        self.stderr = stderr
    }

    /// True when `--json` is among the words before a `--` (as the shell decides it).
    public var requestsJSON: Bool {
        (words.firstIndex(of: "--").map { words[..<$0] } ?? words[...]).contains("--json")
    }
}

/// How a block's run ended.
public enum BlockEnd: Equatable, Sendable {
    case success
    /// A command failed: the document line it starts on and the message.
    case failure(line: Int, message: String)
    /// Ctrl-C: the whole notebook stops, `keepGoing` or not.
    case interrupted(line: Int)
}

/// What the executor did with one block.
public struct ExecutedBlock: Sendable {
    public var commands: [CommandRecord]
    public var end: BlockEnd

    public init(commands: [CommandRecord], end: BlockEnd) {
        self.commands = commands
        self.end = end
    }
}

/// Runs a block's body in the notebook's one session: one command per line, `#` comments, a backslash continuing
/// a line, stopping at the first command that fails (the Workbench's script runner).
public protocol BlockExecutor {
    mutating func run(_ block: CodeBlock) -> ExecutedBlock
    /// The words of every command of the block as the shell will split them (what FigureScan reads before the
    /// block runs); lines that cannot be split add none.
    func words(in block: CodeBlock) -> [String]
}

/// The outcome of one ```trellis block.
public struct BlockResult: Sendable {
    public var block: CodeBlock
    public var commands: [CommandRecord]
    /// The figure files the block wrote, in the order written (paths as the block's words name them).
    public var figures: [String]
    /// The error recorded for the block (its command's failure, or a `name=` whose reply is not JSON).
    public var error: NotebookError?
    public var seconds: Double

    /// The text shown beneath the block: each command's standard output, then its standard error.
    public var output: String {
        commands.map { c in
            [c.stdout, c.stderr].filter { !$0.isEmpty }.map { $0.hasSuffix("\n") ? String($0.dropLast()) : $0 }.joined(separator: "\n")
        }.filter { !$0.isEmpty }.joined(separator: "\n")
    }
}

/// An error with the document line it concerns, printed as `FILE.md:LINE: error: message`.
public struct NotebookError: Error, Equatable, Sendable, CustomStringConvertible {
    public let line: Int
    public let message: String
    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }
    public var description: String { "line \(line): \(message)" }
    /// The error as a compiler would print it for `source`.
    public func located(in source: String) -> String { "\(source):\(line): error: \(message)" }
}

/// What a notebook run produced.
public struct NotebookRun: Sendable {
    public var document: MarkdownDocument
    /// One result per ```trellis block that ran, in document order.
    public var blocks: [BlockResult]
    public var values: ValueStore
    /// Every error, in the order met (with `keepGoing` there may be several).
    public var errors: [NotebookError]
    /// True when Ctrl-C stopped the run.
    public var interrupted: Bool

    /// The block options a ```trellis fence accepts.
    public static let blockOptions: Set<String> = ["name", "hide-output"]
    /// The tag of the blocks that run.
    public static let tag = "trellis"

    /// Checks `document` before running anything: unknown block options, repeated or malformed names, {{ }}
    /// that cannot be read or that name no block. Returns the errors (empty when the notebook may run).
    public static func check(_ document: MarkdownDocument) -> [NotebookError] {
        var errors: [NotebookError] = []
        var names: [String: Int] = [:]
        for block in document.codeBlocks where block.language == tag {
            for (key, value) in block.options.sorted(by: { $0.key < $1.key }) {
                if !blockOptions.contains(key) {
                    errors.append(NotebookError(line: block.startLine, message: "unknown block option '\(key)' (a ```trellis block takes \(blockOptions.sorted().joined(separator: ", ")))"))
                } else if key == "name" {
                    if value.isEmpty || !value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) {
                        errors.append(NotebookError(line: block.startLine, message: "name= takes letters, digits, _ and - (got '\(value)')"))
                    } else if let first = names[value] {
                        errors.append(NotebookError(line: block.startLine, message: "the name '\(value)' is already used by the block on line \(first)"))
                    } else {
                        names[value] = block.startLine
                    }
                }
            }
        }
        for case .prose(let prose) in document.blocks {
            for (i, line) in prose.lines.enumerated() {
                let pieces: [Template.Piece]
                do { pieces = try Template.pieces(of: line, line: prose.startLine + i) } catch {
                    errors.append(NotebookError(line: error.line, message: error.message))
                    continue
                }
                for case .quote(let quote) in pieces where names[quote.name] == nil {
                    let known = names.keys.sorted()
                    errors.append(NotebookError(line: quote.line, message: "{{ \(quote.text) }} names no block: '\(quote.name)' is not a block's name=" +
                                                (known.isEmpty ? " (no block has a name)" : " (the names are \(known.joined(separator: ", ")))")))
                }
            }
        }
        return errors.sorted { $0.line < $1.line }
    }

    /// Runs the ```trellis blocks of `document` in order through `executor`. `progress` hears about each block
    /// before it runs (its index from 0, the count, the block). Errors found by `check` stop the run before any
    /// block. Without `keepGoing` the first failing block ends the run.
    public static func run<E: BlockExecutor>(_ document: MarkdownDocument, keepGoing: Bool, executor: inout E,
                                             progress: (Int, Int, CodeBlock) -> Void = { _, _, _ in }) -> NotebookRun {
        var run = NotebookRun(document: document, blocks: [], values: ValueStore(), errors: check(document), interrupted: false)
        guard run.errors.isEmpty else { return run }
        let blocks = document.codeBlocks.filter { $0.language == tag }
        for (i, block) in blocks.enumerated() {
            progress(i, blocks.count, block)
            let start = Date()
            // The folders are read again after the block: a folder its commands created did not exist before.
            let words = executor.words(in: block)
            let before = FigureScan.stamps(in: FigureScan.folders(namedBy: words))
            let executed = executor.run(block)
            let after = FigureScan.stamps(in: FigureScan.folders(namedBy: words))
            var result = BlockResult(block: block, commands: executed.commands,
                                     figures: FigureScan.written(before: before, after: after),
                                     error: nil, seconds: Date().timeIntervalSince(start))
            switch executed.end {
            case .success:
                if let name = block.options["name"] {
                    do { run.values.bind(name, to: try value(of: executed.commands, name: name, block: block)) }
                    catch { result.error = error }
                }
            case .failure(let line, let message):
                result.error = NotebookError(line: line, message: message)
            case .interrupted:
                run.interrupted = true
            }
            run.blocks.append(result)
            if let error = result.error { run.errors.append(error) }
            if run.interrupted || (result.error != nil && !keepGoing) { break }
        }
        return run
    }

    /// The JSON reply of the block's last `--json` command: its standard output as one JSON value, or, when it
    /// printed JSON lines (one reply per line, as `train --json` does per epoch), the array of them.
    static func value(of commands: [CommandRecord], name: String, block: CodeBlock) throws(NotebookError) -> JSONValue {
        guard let command = commands.last(where: \.requestsJSON) else {
            throw NotebookError(line: block.startLine, message: "the block is named '\(name)' but runs no command with --json, so it has no value to quote")
        }
        if let whole = try? JSONReader.value(command.stdout) { return whole }
        var items: [JSONValue] = []
        for line in TextLines.split(command.stdout) where !line.allSatisfy(\.isWhitespace) {
            do { items.append(try JSONReader.value(String(line))) } catch {
                throw NotebookError(line: command.line, message: "the reply of '\(command.text)' is not JSON (\(error)), so '\(name)' has no value")
            }
        }
        guard !items.isEmpty else {
            throw NotebookError(line: command.line, message: "'\(command.text)' printed nothing, so '\(name)' has no value")
        }
        return .array(items)
    }
}
