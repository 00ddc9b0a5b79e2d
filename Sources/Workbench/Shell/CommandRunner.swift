// Runs one tokenised command against the session: checks the command name (with a "did you
// mean" suggestion), parses with swift-argument-parser through `TrellisRoot`, runs the
// `WorkbenchCommand`, and turns every failure into a message instead of ending the process.
// The front ends (REPL, one-shot, -c, --script, piped stdin) decide how to print the outcome.
import ArgumentParser
import Base
import Foundation

/// What happened to one command.
public enum CommandOutcome: Equatable {
    case success
    /// The command asked the shell to leave (`quit`, `exit`).
    case quit
    /// The command did not run or failed; the message is ready for a student to read
    /// (no "Error:" prefix; it may span several lines, e.g. with a usage line).
    case failure(String)
    /// Ctrl-C stopped the command.
    case interrupted
}

public enum CommandRunner {
    /// Words the shell understands before parsing: sqlite3-style dot commands and `?`.
    static let shellAliases: [String: String] = [
        ".quit": "quit", ".exit": "exit", ".help": "help", "?": "help", ".version": "version",
    ]

    /// Runs one command (its words, already tokenised) against `session`. Under `--json` a failure is also written
    /// to standard output as `{"error": "..."}` (the front end still prints it to standard error and sets the status).
    /// With `.timer on`, the command's run time follows on standard error.
    public static func run(_ words: [String], session: inout Session) -> CommandOutcome {
        let start = session.shell.timer ? RunTime.now() : nil
        let json = requestsJSON(words)
        let outcome = execute(words, json: json, session: &session)
        if json {
            switch outcome {
            case .failure(let message): Console.out((try? JSON.encode(ErrorReply(error: message))) ?? #"{"error":"failed"}"#)
            case .interrupted: Console.out(#"{"error":"interrupted"}"#)
            case .success, .quit: break
            }
        }
        if let start, session.shell.timer, !words.isEmpty {
            Console.error(RunTime.now().elapsed(since: start).line)
        }
        return outcome
    }

    /// `--json` among the words (before a `--` that ends the options). Decided on the words, not on the parsed
    /// command, so that a command line that does not parse still gets its error as JSON.
    static func requestsJSON(_ words: [String]) -> Bool {
        (words.firstIndex(of: "--").map { words[..<$0] } ?? words[...]).contains("--json")
    }

    private static func execute(_ words: [String], json: Bool, session: inout Session) -> CommandOutcome {
        guard var words = Optional(words), let first = words.first else { return .success }
        if let alias = shellAliases[first] { words[0] = alias }
        // During a lesson's open question, a line that names no command is the student's answer ("0.25", "aa").
        if session.lesson.progress?.awaitsAnswer == true, !isCommandName(words[0]) {
            do {
                _ = try LessonPlayer.answer(words.joined(separator: " "), session: &session, say: narration(json: json))
                return .success
            } catch {
                return .failure(describe(error))
            }
        }
        if let message = unknownCommandMessage(words) { return .failure(message) }
        words = joiningNegativeValues(words)

        let parsed: ParsableCommand
        do {
            parsed = try TrellisRoot.parseAsRoot(words)
        } catch {
            return report(parserError: error, json: json, session: session)
        }

        Interrupt.reset()
        do {
            if var command = parsed as? any WorkbenchCommand {
                try command.run(session: &session)
            } else {
                // Groups without a default subcommand (and any command ArgumentParser adds itself): what
                // they throw is ArgumentParser's to describe, whatever its type.
                var command = parsed
                do { try command.run() } catch { return report(parserError: error, json: json, session: session) }
            }
        } catch is Interrupted {
            Interrupt.reset()
            return .interrupted
        } catch let error as WorkbenchError {
            return .failure(error.description)
        } catch let error as CleanExit {
            return report(parserError: error, json: json, session: session)
        } catch let error as ExitCode {
            return error.isSuccess ? .success : .failure("the command ended with status \(error.rawValue)")
        } catch let error as ValidationError {
            return report(parserError: error, json: json, session: session)
        } catch {
            return .failure(describe(error))
        }
        if Interrupt.isRequested {
            Interrupt.reset()
            return .interrupted
        }
        if session.shell.quitRequested { return .quit }
        LessonPlayer.noteTyped(words, session: &session, json: json)
        return .success
    }

    /// True when `word` names a command (or its alias) or a shell word such as `.quit`.
    static func isCommandName(_ word: String) -> Bool {
        shellAliases[word] != nil || word == "help" || TrellisRoot.configuration.subcommands.contains { names(of: $0).contains(word) }
    }

    /// Tokenises `line` and runs its commands in order, stopping at the first that does not
    /// succeed. Returns the outcome of the last command run.
    public static func run(line: String, session: inout Session) -> CommandOutcome {
        let commands: [[String]]
        do {
            commands = try Tokenizer.commands(line)
        } catch {
            return .failure("cannot read the line: \(error)")
        }
        var outcome = CommandOutcome.success
        for words in commands {
            outcome = run(words, session: &session)
            if outcome != .success { break }
        }
        return outcome
    }

    /// Help text goes to stdout and counts as success; parse errors become failures with
    /// ArgumentParser's full message (error, usage, pointer to --help), its usage lines naming the
    /// command as it is typed where it runs.
    private static func report(parserError error: Error, json: Bool, session: Session) -> CommandOutcome {
        let message = UsageText.asTyped(TrellisRoot.fullMessage(for: error), inShell: session.shell.inShell)
        if TrellisRoot.exitCode(for: error).isSuccess {
            if json, let text = try? JSON.encode(HelpReply(command: nil, help: message, subcommands: [])) {
                Console.out(text)
            } else {
                Console.out(message)
            }
            return .success
        }
        return .failure(strippingErrorPrefix(message))
    }

    private static func strippingErrorPrefix(_ message: String) -> String {
        message.hasPrefix("Error: ") ? String(message.dropFirst("Error: ".count)) : message
    }

    /// Errors from library modules: their description if they have one.
    static func describe(_ error: Error) -> String {
        if let error = error as? LocalizedError, let text = error.errorDescription { return text }
        return String(describing: error)
    }

    // MARK: - Negative option values

    /// `--beta -1` becomes `--beta=-1` when `--beta` takes a value: ArgumentParser reads a word that starts with
    /// a dash as the next option and reported "Missing value for '--beta <beta>'". Flags are left alone.
    static func joiningNegativeValues(_ words: [String]) -> [String] {
        var node = CommandTree.root
        var walking = true                // the first words name the command and its subcommand
        var out: [String] = []
        var i = 0
        while i < words.count {
            let word = words[i]
            if walking { if let child = node.child(named: word) { node = child } else { walking = false } }
            if i + 1 < words.count, node.valueOptions.contains(where: { $0.names.contains(word) }), isNegativeNumber(words[i + 1]) {
                out.append(word + "=" + words[i + 1])
                i += 2
                continue
            }
            out.append(word)
            i += 1
        }
        return out
    }

    /// "-1", "-0.5", "-1e-3", "-inf": a value, never an option name (no option is spelt with a digit or "inf").
    static func isNegativeNumber(_ word: String) -> Bool {
        word.count > 1 && word.hasPrefix("-") && Double(word) != nil
    }

    // MARK: - Unknown commands

    /// All names (and aliases) a command answers to.
    static func names(of command: ParsableCommand.Type) -> [String] {
        [command.configuration.commandName ?? command._commandName] + command.configuration.aliases
    }

    /// Follows `words` down the command tree; the first word that should name a subcommand but
    /// names none gives a message with the closest real name. Options and arguments are left to
    /// ArgumentParser.
    static func unknownCommandMessage(_ words: [String]) -> String? {
        var node: ParsableCommand.Type = TrellisRoot.self
        var path: [String] = []
        for word in words {
            let subcommands = node.configuration.subcommands
            if subcommands.isEmpty || word.hasPrefix("-") { return nil }
            if let next = subcommands.first(where: { names(of: $0).contains(word) }) {
                node = next
                path.append(word)
                continue
            }
            if node.configuration.defaultSubcommand != nil { return nil }
            if path.isEmpty && word == "help" { return nil }  // ArgumentParser's own help
            let known = subcommands.flatMap { names(of: $0) }
            let shown = word.count > 40 ? word.prefix(40) + "... (\(word.utf8.count) bytes)" : word
            let what = path.isEmpty ? "unknown command '\(shown)'" : "'\(path.joined(separator: " "))' has no subcommand '\(shown)'"
            var message = what + "."
            if let suggestion = Suggestions.closest(to: word, among: known) {
                message += " Did you mean '\((path + [suggestion]).joined(separator: " "))'?"
            }
            message += path.isEmpty ? " Type 'help' to list the commands." : " Type 'help \(path.joined(separator: " "))' to list them."
            return message
        }
        return nil
    }
}

/// Writing to the terminal: stdout for results, stderr for errors, in the order they happen.
public enum Console {
    public static func out(_ text: String) {
        print(text)
        fflush(nil)   // a pipe or log file sees each line as it happens (training logs, tests)
    }

    public static func error(_ text: String) {
        fflush(nil)  // keep stdout and stderr in order on a terminal
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}
