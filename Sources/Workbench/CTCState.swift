// Session slice owned by the CTC commands.
public struct CTCState {
    public init() {}
}
