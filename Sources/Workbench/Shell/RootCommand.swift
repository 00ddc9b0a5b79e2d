// The root of the command tree: `trellis` itself. Its subcommands are exactly
// `CommandRegistry.all`, so parsing, help and completion all read the one list.
import ArgumentParser

public struct TrellisRoot: ParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "trellis",
        abstract: "Trellis: a workbench for CTC speech recognition.",
        usage: """
            trellis                      (interactive shell when stdin is a terminal)
            trellis <command> [<args>]   (one command)
            trellis -c "cmd1; cmd2"      (several commands)
            trellis --script FILE        (one command per line; '#' starts a comment)
            """,
        discussion: """
            Without arguments Trellis reads commands from the terminal (Tab completes commands, \
            options, their values and paths; history is kept in ~/.trellis_history or $TRELLIS_HISTORY) or, when \
            stdin is not a terminal, runs its lines like a script. Ctrl-C stops the running command; \
            'quit', 'exit' or Ctrl-D leaves. In the shell, scripts, pipes and -c strings a line ending in a \
            backslash continues on the next. 'trellis --generate-completion-script bash' (or zsh, fish) prints \
            a completion script for that shell; the man page is docs/trellis.1.
            """,
        subcommands: CommandRegistry.all
    )

    public init() {}
}
