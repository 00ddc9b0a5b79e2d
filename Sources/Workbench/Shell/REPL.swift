// The interactive shell (like sqlite3's): a readline prompt, persistent history, tab completion,
// one Session kept across commands; a bad command prints an error and the prompt comes back.
// A line ending in a backslash continues at a "   ...> " prompt; history keeps the whole command.
import CReadline
import Foundation

struct REPL {
    static let prompt = "trellis> "
    static let continuationPrompt = "   ...> "

    /// `trellis> `, or during a lesson `trellis [lesson 1 step 3/8]> `.
    static func prompt(for session: Session) -> String {
        LessonPlayer.promptTag(session).map { "trellis \($0)> " } ?? prompt
    }

    /// `$TRELLIS_HISTORY`, else `~/.trellis_history`.
    static func historyPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["TRELLIS_HISTORY"], !path.isEmpty { return path }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".trellis_history")
    }

    let historyFile: String

    init(historyFile: String = REPL.historyPath()) {
        self.historyFile = historyFile
    }

    /// Runs until quit/exit/.quit/Ctrl-D; returns the process exit status.
    func run(session: inout Session) -> Int32 {
        Interrupt.installReadlineHook()
        Completion.install()
        loadHistory()
        Console.out("Trellis \(TrellisRoot.version): type 'help' for the commands, 'demo' for a tour, Tab to complete, Ctrl-D to leave.")

        var lastLine: String?
        var joiner = LineJoiner()
        var typed: [String] = []
        while true {
            Interrupt.reset()
            let prompt = joiner.isContinuing ? REPL.continuationPrompt : REPL.prompt(for: session)
            let (read, cleared) = Interrupt.atPrompt(freshPrompt: joiner.isContinuing ? REPL.prompt(for: session) : nil) { readline(prompt) }
            if cleared && joiner.isContinuing {
                // Ctrl-C while continuing a line threw the whole unfinished command away (the first
                // prompt came back), so what was read since is a new command.
                joiner = LineJoiner()
                typed = []
            }
            guard let raw = read else {
                print("")  // Ctrl-D: end the prompt line
                if joiner.isContinuing {
                    Console.error("error: the last command was left unfinished (its line ends in a backslash); it did not run")
                }
                break
            }
            let line = String(cString: raw)
            free(raw)
            if !joiner.isContinuing && line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            typed.append(line)
            guard let command = joiner.add(line) else { continue }
            let entry = LineJoiner.singleLine(typed)
            typed = []
            let trimmed = entry.trimmingCharacters(in: .whitespaces)
            if trimmed != lastLine {
                add_history(entry)
                _ = append_history(1, historyFile)
                lastLine = trimmed
            }
            switch CommandRunner.run(line: command.text, session: &session) {
            case .success: continue
            case .quit: return 0
            case .interrupted: Console.error("\ninterrupted")
            case .failure(let message): Console.error("error: " + message)
            }
        }
        return 0
    }

    private func loadHistory() {
        if !FileManager.default.fileExists(atPath: historyFile) {
            _ = FileManager.default.createFile(atPath: historyFile, contents: nil)
        }
        _ = read_history(historyFile)
        _ = history_truncate_file(historyFile, 5000)
    }
}
