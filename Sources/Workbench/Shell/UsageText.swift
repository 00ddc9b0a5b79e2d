// ArgumentParser names every command from the root, as typed on the command line: "USAGE: trellis
// beam ...", "See 'trellis beam --help'". Inside the shell, `-c`, scripts and pipes the commands are
// typed without the program name, so there their help and errors say "USAGE: beam ...".
import Foundation

public enum UsageText {
    static let program = TrellisRoot.configuration.commandName ?? "trellis"

    /// `text` (help or an error message from ArgumentParser) naming commands as they are typed:
    /// unchanged on the command line, without the program name inside the shell.
    public static func asTyped(_ text: String, inShell: Bool) -> String {
        guard inShell else { return text }
        return text
            .replacingOccurrences(of: "USAGE: \(program) ", with: "USAGE: ")
            .replacingOccurrences(of: "Usage: \(program) ", with: "Usage: ")
            .replacingOccurrences(of: "'\(program) ", with: "'")
    }

    /// `help` without a command: the root's help. Inside the shell its USAGE block (how to start
    /// trellis) gives way to how commands are typed there.
    public static func overview(inShell: Bool) -> String {
        let help = asTyped(TrellisRoot.helpMessage(), inShell: inShell)
        guard inShell, let start = help.range(of: "USAGE: "),
              let end = help.range(of: "\n\n", range: start.upperBound..<help.endIndex) else { return help }
        let shellUsage = """
            USAGE: <command> [<args>]            (one command; ';' separates several)
                   help <command>                (one command's options and defaults)
                   .read FILE                    (run a script's commands in this session)
                   .timer on|off                 (print each command's run time)
                   A line ending in a backslash continues on the next; Tab completes commands,
                   options, their values and paths.
            """
        return help.replacingCharacters(in: start.lowerBound..<end.lowerBound, with: shellUsage)
    }
}
