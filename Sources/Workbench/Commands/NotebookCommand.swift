// `notebook run FILE.md`: a Markdown notebook's ```trellis blocks run in order in one fresh session, through the
// shell's one script runner (`Shell.runScript`, as `--script` and `.read`), each line's output captured
// (OutputCapture); the Notebook module finds the figures, binds the `name=` values, and writes DIR/FILE.md and,
// with --html, DIR/FILE.html. The format is described in docs/notebooks.md.
//
// Only trellis commands run: the shell has no escape to the system shell (no `!cmd`, no `.shell`, no `.system`),
// and blocks with any other tag (```sh, ```python) are copied, never run. The one program the shell may start by
// itself is the pager, and only when standard output is a terminal, which it never is while a block runs.
import ArgumentParser
import Base
import Foundation
import Notebook

struct NotebookGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notebook",
        abstract: "Run a Markdown notebook's ```trellis blocks and write the report (docs/notebooks.md).",
        subcommands: [NotebookRunCommand.self]
    )
}

struct NotebookRunCommand: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every ```trellis block of FILE.md in one session; write DIR/FILE.md with outputs and figures.",
        discussion: """
            Each ```trellis block runs as a script (one command per line, '#' comments, a trailing backslash \
            continues a line) in one session shared by all blocks, in document order. DIR/FILE.md is the original \
            text with each block's output beneath it as a ```text block and each figure the block wrote (a .png, \
            .svg, .pdf or .gif named on its command lines, directly or by its folder) copied into DIR/figures and \
            embedded. Other blocks (```text, ```python, ```sh) are left as they are and never run: a notebook runs \
            trellis commands only, and the shell has no way to run a system command.

            Block options: ```trellis name=NAME binds the JSON reply of the block's last --json command to NAME, \
            and the prose quotes it as {{ NAME.key[0].other }}, optionally formatted: {{ NAME.cer | %.3f }}, \
            {{ NAME.cer | percent }}. ```trellis hide-output shows the block's figures but not its text. A {{ }} \
            naming no block is an error before anything runs.

            A failing command stops the run with FILE.md:LINE: error: ... and status 1 (DIR/FILE.md is still \
            written with what ran); with --keep-going the error is written beneath its block and the run goes on \
            (the status is still 1). Paths in the blocks are relative to the folder trellis runs in.
            """
    )

    @Argument(help: "The notebook (Markdown).", completion: .file(extensions: ["md"]))
    var file: String

    @Option(help: "The folder for FILE.md, FILE.html and figures/ (created).", completion: .directory)
    var out: String = "out/notebook"

    @Flag(help: "Also write FILE.html: one self-contained page with the figures inlined.")
    var html = false

    @Flag(help: "Record a failing block's error beneath it and go on with the next block (the status is still 1).")
    var keepGoing = false

    @Flag(help: "Print one JSON object (blocks, figures, errors, files written).")
    var json = false

    mutating func run(session: inout Session) throws {
        let say = narration(json: json)
        let source = file
        let key = URL(fileURLWithPath: file).standardizedFileURL.resolvingSymlinksInPath().path
        guard !session.shell.reading.contains(key) else {
            throw WorkbenchError("\(file) is already running (a notebook that runs itself would never end)")
        }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw WorkbenchError("cannot read the notebook \(file) (missing file or not UTF-8 text)")
        }
        let document: MarkdownDocument
        do { document = try MarkdownDocument(parsing: text) } catch {
            throw NotebookFailure(located: NotebookError(line: error.line, message: error.message).located(in: source))
        }
        let name = (file as NSString).lastPathComponent
        let stem = (name as NSString).deletingPathExtension
        let markdownPath = out + "/" + stem + ".md"
        let htmlPath = out + "/" + stem + ".html"
        let target = URL(fileURLWithPath: markdownPath).standardizedFileURL.resolvingSymlinksInPath().path
        guard target != key else {
            throw WorkbenchError("--out \(out) would overwrite the notebook itself: choose another folder")
        }

        // A fresh session, so a notebook gives the same report from the REPL as from `trellis notebook run`.
        var executor = ShellBlockExecutor(session: Session())
        executor.session.shell.inShell = true
        executor.session.shell.reading = session.shell.reading + [key]
        let started = Date()
        let run = NotebookRun.run(document, keepGoing: keepGoing, executor: &executor) { i, count, block in
            say("\(source):\(block.startLine): block \(i + 1) of \(count)")
        }
        if run.interrupted { throw Interrupted() }

        var errors = run.errors
        let notRun = run.blocks.isEmpty && !run.errors.isEmpty  // the checks before any block failed
        var written: [String] = []
        if !notRun {
            do {
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                let copies = try NotebookWriter.copyFigures(of: run, into: out)
                let (markdown, quoteErrors) = NotebookWriter.markdown(run, figures: copies, source: source)
                errors += quoteErrors
                try AtomicFile.write(markdown, to: markdownPath)
                written.append(markdownPath)
                if html {
                    let (inlined, _) = NotebookWriter.markdown(run, figures: copies, source: source) { copy in
                        (try? NotebookWriter.dataURI(ofFile: out + "/" + copy.relativePath)) ?? copy.relativePath
                    }
                    try AtomicFile.write(NotebookWriter.html(fromMarkdown: inlined, title: name), to: htmlPath)
                    written.append(htmlPath)
                }
            } catch let error as FileWriteError {
                throw WorkbenchError("cannot write the report in \(out): \(error.reason)")
            } catch {
                throw WorkbenchError("cannot write the report in \(out): \(CommandRunner.describe(error))")
            }
        }
        let seconds = Date().timeIntervalSince(started)
        if notRun {
            // Nothing ran: the errors alone say why.
        } else if json {
            try printJSON(NotebookReply(run: run, errors: errors, source: source, out: out, written: written, seconds: seconds))
        } else {
            for path in written { Console.out("wrote \(path)") }
            Console.out(String(format: "%d block(s) ran in %.1f s, %d error(s)", run.blocks.count, seconds, errors.count))
        }
        guard let first = errors.first else { return }
        // Every error but the last is printed here; the last is the command's failure, printed as FILE:LINE too.
        for error in errors.dropLast() { Console.error(error.located(in: source)) }
        let last = errors.last ?? first
        throw NotebookFailure(located: last.located(in: source))
    }
}

/// A notebook error already in the form `FILE.md:LINE: error: message`: printed as it is, not prefixed again.
struct NotebookFailure: Error, CustomStringConvertible {
    let located: String
    var description: String { located }
}

/// Runs a block's body through `Shell.runScript` in the notebook's session, each line's output captured.
struct ShellBlockExecutor: BlockExecutor {
    var session: Session

    mutating func run(_ block: CodeBlock) -> ExecutedBlock {
        var records: [CommandRecord] = []
        let (outcome, line) = Shell.runScript(block.body.joined(separator: "\n"), session: &session) { text, first, session in
            let captured = OutputCapture.capture { CommandRunner.run(line: text, session: &session) }
            let words = ((try? Tokenizer.commands(text)) ?? []).flatMap { $0 }
            records.append(CommandRecord(line: block.lineNumber(ofBodyLine: first - 1), text: text, words: words,
                                         stdout: captured.stdout, stderr: captured.stderr))
            return captured.result
        }
        let documentLine = block.lineNumber(ofBodyLine: max(0, line - 1))
        switch outcome {
        case .success: return ExecutedBlock(commands: records, end: .success)
        case .failure(let message): return ExecutedBlock(commands: records, end: .failure(line: documentLine, message: message))
        case .interrupted: return ExecutedBlock(commands: records, end: .interrupted(line: documentLine))
        case .quit:
            return ExecutedBlock(commands: records, end: .failure(line: documentLine, message: "quit ends a shell, not a notebook: a notebook runs to its last block (remove the line)"))
        }
    }

    func words(in block: CodeBlock) -> [String] {
        var joiner = LineJoiner()
        var words: [String] = []
        for line in block.body.map(Optional.some) + [nil] {
            guard let command = line.map({ joiner.add($0) }) ?? joiner.finish() else { continue }
            words += ((try? Tokenizer.commands(command.text)) ?? []).flatMap { $0 }
        }
        return words
    }
}

/// `notebook run --json` (docs/json.md).
struct NotebookReply: Encodable {
    struct Block: Encodable {
        /// The line of the block's opening fence.
        var line: Int
        var name: String?
        var commands: Int
        /// The figure files the block wrote, as its command lines name them.
        var figures: [String]
        var elapsedSeconds: Double
        /// The block's failure as `FILE.md:LINE: error: ...`, or null.
        var error: String?
    }
    var file: String
    var out: String
    var blocks: [Block]
    /// Every error as `FILE.md:LINE: error: ...` (empty when the run succeeded).
    var failures: [String]
    var files: [String]
    var elapsedSeconds: Double

    init(run: NotebookRun, errors: [NotebookError], source: String, out: String, written: [String], seconds: Double) {
        file = source
        self.out = out
        blocks = run.blocks.map {
            Block(line: $0.block.startLine, name: $0.block.options["name"], commands: $0.commands.count, figures: $0.figures,
                  elapsedSeconds: $0.seconds, error: $0.error.map { $0.located(in: source) })
        }
        failures = errors.map { $0.located(in: source) }
        files = written
        elapsedSeconds = seconds
    }
}
