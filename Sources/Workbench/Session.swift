// Session state carried from command to command. Each concern keeps its own slice in its own
// file (CTCState, AudioState, ModelState, ...), so commands of one area never touch another's.
public struct Session {
    public var ctc = CTCState()
    public var audio = AudioState()
    public var model = ModelState()
    public init() {}
}
