// Session state carried from command to command. Each concern keeps its own slice in its own
// file (CTCState, AudioState, ModelState, ShellState, LessonState, ...), so commands of one area never touch
// another's. The REPL, -c, --script and piped stdin keep one Session for all their commands.
public struct Session {
    public var ctc = CTCState()
    public var audio = AudioState()
    public var model = ModelState()
    public var shell = ShellState()
    public var lesson = LessonState()
    public init() {}
}
