// Session slice owned by the shell itself: whether a command asked the shell to leave.
public struct ShellState {
    /// Set by `quit`/`exit`; the front end stops after the current command.
    public var quitRequested = false
    public init() {}
}
