// Built-in commands of the shell itself: help, quit (alias exit) and version.
import ArgumentParser
import CReadline
import Foundation

struct Help: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "help",
        abstract: "List the commands, or show the full help of one command.",
        discussion: "Every command also accepts --help. In the shell, Tab completes commands, options, the values they declare and file paths."
    )

    @Argument(help: "A command (and subcommand) to describe, e.g. 'help demo'.")
    var command: [String] = []

    @Flag(help: "Print one JSON object: the help text and the subcommands with their abstracts.")
    var json = false

    mutating func run(session: inout Session) throws {
        if command.isEmpty {
            try show(TrellisRoot.self, name: nil, session: session)
            return
        }
        if let message = CommandRunner.unknownCommandMessage(command) {
            throw WorkbenchError(message)
        }
        var node: ParsableCommand.Type = TrellisRoot.self
        for word in command {
            guard let next = node.configuration.subcommands.first(where: { CommandRunner.names(of: $0).contains(word) }) else {
                throw WorkbenchError("'\(command.joined(separator: " "))' is not a command. Type 'help' to list the commands.")
            }
            node = next
        }
        try show(node, name: command.joined(separator: " "), session: session)
    }

    private func show(_ node: ParsableCommand.Type, name: String?, session: Session) throws {
        let inShell = session.shell.inShell
        let text = node == TrellisRoot.self ? UsageText.overview(inShell: inShell)
                                            : UsageText.asTyped(TrellisRoot.helpMessage(for: node), inShell: inShell)
        guard json else { return Console.out(text) }
        try printJSON(HelpReply(command: name, help: text, subcommands: node.configuration.subcommands.map {
            HelpReply.Subcommand(name: CommandRunner.names(of: $0)[0], abstract: $0.configuration.abstract)
        }))
    }
}

/// `help --json` (and `CMD --help --json`): the help text as `help` prints it.
struct HelpReply: Encodable {
    struct Subcommand: Encodable { var name: String; var abstract: String }
    /// The command described (`probs load`), or null for the list of commands.
    var command: String?
    var help: String
    var subcommands: [Subcommand]
}

struct Quit: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "quit",
        abstract: "Leave the shell (also .quit or Ctrl-D).",
        aliases: ["exit"]
    )

    mutating func run(session: inout Session) throws {
        session.shell.quitRequested = true
    }
}

struct Version: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the Trellis version and the libraries it was built with."
    )

    @Flag(help: "Print one JSON object.")
    var json = false

    mutating func run(session: inout Session) throws {
        let readline = trellis_rl_library_version().map { String(cString: $0) } ?? "unknown"
        if json {
            try printJSON(VersionReply(trellis: TrellisRoot.version, readline: readline))
        } else {
            Console.out("trellis \(TrellisRoot.version) (GNU readline \(readline))")
        }
    }
}

struct VersionReply: Encodable {
    var trellis: String
    var readline: String
}

struct Sleep: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "sleep",
        abstract: "Wait a number of seconds; Ctrl-C stops the wait (pauses in scripts, tests the interrupt)."
    )

    @Argument(help: "Seconds to wait.", transform: finite)
    var seconds: Double

    mutating func run(session: inout Session) throws {
        guard seconds >= 0, seconds.isFinite else { throw WorkbenchError("sleep needs a non-negative number of seconds, got \(seconds)") }
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if Interrupt.isRequested { return }
            Thread.sleep(forTimeInterval: min(0.05, max(0, end.timeIntervalSinceNow)))
        }
    }
}
