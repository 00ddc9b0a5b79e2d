// The shell's dot commands, as sqlite3 has them: `.read FILE` runs a script inside the shell (its
// commands share the session), `.timer on|off` prints each command's run time.
import ArgumentParser
import Foundation

struct ReadCommand: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: ".read",
        abstract: "Run the commands of a script file inside the shell, with the session as it is.",
        discussion: """
            One command per line; '#' starts a comment and a trailing backslash continues a line. The script \
            stops at its first failing line, which is reported as FILE:LINE. Scripts may .read other scripts, \
            but not one that is already being read.
            """
    )

    @Argument(help: "The script.", completion: .file())
    var file: String

    mutating func run(session: inout Session) throws {
        let url = URL(fileURLWithPath: file)
        let key = url.standardizedFileURL.resolvingSymlinksInPath().path
        guard !session.shell.reading.contains(key) else {
            throw WorkbenchError("\(file) is already being read (a script that reads itself would never end)")
        }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw WorkbenchError("cannot read the script \(file) (missing file or not UTF-8 text)")
        }
        session.shell.reading.append(key)
        defer { session.shell.reading.removeLast() }
        let (outcome, line) = Shell.runScript(text, session: &session)
        switch outcome {
        case .success, .quit:
            return
        case .interrupted:
            throw Interrupted()
        case .failure(let message):
            throw WorkbenchError("\(file):\(line): \(message)")
        }
    }
}

/// `.timer`'s argument.
enum OnOff: String, CaseIterable, ExpressibleByArgument { case on, off }

struct TimerCommand: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: ".timer",
        abstract: "Print each command's run time (wall clock, user and system CPU) after it, as sqlite3 does.",
        discussion: "The times go to standard error, so --json output stays one JSON document."
    )

    @Argument(help: "Turn the timer on or off.")
    var state: OnOff

    mutating func run(session: inout Session) throws {
        session.shell.timer = state == .on
    }
}
