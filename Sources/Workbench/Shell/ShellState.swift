// Session slice owned by the shell itself: whether a command asked the shell to leave, the
// `.timer` switch, the scripts `.read` is in, and how usage lines name the commands.
public struct ShellState {
    /// Set by `quit`/`exit`; the front end stops after the current command.
    public var quitRequested = false
    /// `.timer on`: each command's time goes to standard error after it ran.
    public var timer = false
    /// The scripts `.read` is running, outermost first (a script that reads itself is refused).
    public var reading: [String] = []
    /// True inside the shell, `-c`, scripts and pipes, where commands are typed without the program
    /// name: usage lines then say `beam ...`, not `trellis beam ...`.
    public var inShell = false
    public init() {}
}
