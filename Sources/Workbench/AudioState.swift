// Session slice owned by the Audio commands.
public struct AudioState {
    public init() {}
}
