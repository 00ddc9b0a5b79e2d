// The front ends of the `trellis` executable, all sharing one Session and CommandRunner:
//   trellis                    interactive REPL when stdin is a terminal (Shell/REPL.swift)
//   trellis < FILE             piped stdin: lines run like a script
//   trellis CMD ARGS           one command
//   trellis -c "cmd1; cmd2"    several commands, split on `;` outside quotes
//   trellis --script FILE      one command per line, `#` comments; the first failing line
//                              reports FILE:LINE: error and stops
//   trellis notebook run F.md  the ```trellis blocks of a Markdown file, through the same script runner
//                              (Commands/NotebookCommand.swift)
// In scripts, pipes and the REPL a line ending in a backslash continues on the next line, and
// `.read FILE` runs a script from inside any of them.
// The exit status is 0 when every command succeeded, 1 on a failure, 130 on Ctrl-C.
import Base
import Foundation

public enum Shell {
    public static let failureStatus: Int32 = 1
    public static let interruptedStatus: Int32 = 130

    /// Runs the front end chosen by `arguments` (without the program name); returns the exit status.
    public static func main(arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Int32 {
        Interrupt.install()
        // Under `ulimit -f` the kernel kills a process that writes past the limit with SIGXFSZ, silently; ignored,
        // the write fails with EFBIG instead and AtomicFile reports "file size limit exceeded".
        signal(SIGXFSZ, SIG_IGN)
        var session = Session()
        // Everywhere but `trellis CMD ARGS`, commands are typed without the program name.
        session.shell.inShell = !(arguments.first.map { !["-c", "--script"].contains($0) } ?? false)
        switch arguments.first {
        case nil:
            if isatty(STDIN_FILENO) != 0 {
                return REPL().run(session: &session)
            }
            return runLines(readAllStdin(), source: "<stdin>", session: &session)
        case "-c":
            guard arguments.count == 2 else {
                Console.error("error: -c takes one string of commands, e.g. trellis -c \"version; help\"")
                return failureStatus
            }
            return status(of: CommandRunner.run(line: arguments[1], session: &session), location: nil)
        case "--script":
            guard arguments.count == 2 else {
                Console.error("error: --script takes one file, e.g. trellis --script steps.trellis")
                return failureStatus
            }
            let path = arguments[1]
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                Console.error("error: cannot read the script \(path) (missing file or not UTF-8 text)")
                return failureStatus
            }
            return runLines(text, source: path, session: &session)
        case "--version":
            return status(of: CommandRunner.run(["version"] + arguments.dropFirst(), session: &session), location: nil)
        default:
            return status(of: CommandRunner.run(arguments, session: &session), location: nil)
        }
    }

    /// Runs `text` line by line, stopping at the first line that fails.
    static func runLines(_ text: String, source: String, session: inout Session) -> Int32 {
        let (outcome, line) = runScript(text, session: &session)
        if outcome == .quit { return 0 }
        return status(of: outcome, location: "\(source):\(line)")
    }

    /// Runs the commands of a script's text (`--script`, piped stdin, `.read`, a notebook's block), lines joined
    /// where a backslash continues them, until one does not succeed: returns that outcome and the number of
    /// the line its command starts on (or `.success`). `runLine` runs one logical line (its text and first line
    /// number); a notebook passes one that captures what the line prints.
    static func runScript(_ text: String, session: inout Session,
                          runLine: (String, Int, inout Session) -> CommandOutcome = { line, _, session in
                              CommandRunner.run(line: line, session: &session)
                          }) -> (outcome: CommandOutcome, line: Int) {
        var joiner = LineJoiner()
        var lines = TextLines.split(text).map { Optional(String($0)) }
        lines.append(nil)  // the end: a backslash on the last line has nothing to continue onto
        for line in lines {
            let command: (text: String, firstLine: Int)?
            if let line { command = joiner.add(line) } else { command = joiner.finish() }
            guard let command else { continue }
            let outcome = runLine(command.text, command.firstLine, &session)
            if outcome != .success { return (outcome, command.firstLine) }
        }
        return (.success, 0)
    }

    /// Prints a failure (prefixed with FILE:LINE when there is one) and maps it to an exit status.
    static func status(of outcome: CommandOutcome, location: String?) -> Int32 {
        let prefix = location.map { $0 + ": " } ?? ""
        switch outcome {
        case .success, .quit:
            return 0
        case .interrupted:
            Console.error(prefix + "interrupted")
            return interruptedStatus
        case .failure(let message):
            Console.error(errorLine(message, prefix: prefix))
            return failureStatus
        }
    }

    /// The line that reports a failure. A message that already says where, as a compiler does
    /// (`FILE.md:12: error: ...`, how `notebook run` reports a block), is printed as it is when nothing
    /// else locates it, so an editor or CI log jumps to the notebook's line.
    static func errorLine(_ message: String, prefix: String) -> String {
        if prefix.isEmpty, message.range(of: #"^[^\s:]+:[0-9]+: error: "#, options: .regularExpression) != nil { return message }
        return prefix + "error: " + message
    }

    private static func readAllStdin() -> String {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        return String(decoding: data, as: UTF8.self)
    }
}
