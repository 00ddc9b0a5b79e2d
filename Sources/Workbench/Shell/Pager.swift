// Output wider than the terminal (a 400-frame alignment chart, the Viterbi frame line): on a terminal
// it goes through $PAGER (default `less -SRFX`: sideways scrolling, leaves at once when the text fits),
// so lines are not folded into an unreadable block; into a pipe or a file it is written as it is.
import Foundation

public enum Terminal {
    /// Columns of the terminal standard output is, or nil when it is not a terminal. The window size
    /// first, then `$COLUMNS`, then 80.
    public static func columns(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        guard isatty(STDOUT_FILENO) != 0 else { return nil }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let text = environment["COLUMNS"], let n = Int(text), n > 0 { return n }
        return 80
    }

    /// The pager command: `$PAGER` when set and not empty, else `less -SRFX`.
    public static func pager(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let pager = environment["PAGER"], !pager.trimmingCharacters(in: .whitespaces).isEmpty { return pager }
        return "less -SRFX"
    }

    /// Whether `lines` need the pager on a terminal `columns` wide.
    public static func needsPager(_ lines: [String], columns: Int?) -> Bool {
        guard let columns else { return false }
        return lines.contains { $0.count > columns }
    }

    /// Runs `command` through /bin/sh with `text` on its standard input; false when it could not
    /// start or the shell did not find it (status 127: `$PAGER` names no program, or less is missing),
    /// so that the caller prints the text itself.
    static func page(_ text: String, command: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let input = Pipe()
        process.standardInput = input
        do { try process.run() } catch { return false }
        return Interrupt.whilePaging {
            let writer = input.fileHandleForWriting
            // A pager the user leaves early closes the pipe: writing then fails (EPIPE; SIGPIPE is
            // ignored meanwhile), which only means the rest is not wanted.
            let previous = signal(SIGPIPE, SIG_IGN)
            _ = try? writer.write(contentsOf: Data(text.utf8))
            try? writer.close()
            process.waitUntilExit()
            signal(SIGPIPE, previous)
            return process.terminationStatus != 127
        }
    }
}

extension Console {
    /// Prints `lines`; on a terminal narrower than the widest of them, through the pager.
    public static func outWide(_ lines: [String]) {
        let text = lines.joined(separator: "\n")
        if Terminal.needsPager(lines, columns: Terminal.columns()) {
            fflush(nil)
            if Terminal.page(text + "\n", command: Terminal.pager()) { return }
        }
        out(text)
    }
}
