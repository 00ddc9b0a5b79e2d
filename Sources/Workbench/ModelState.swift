// Session slice owned by the Model commands.
public struct ModelState {
    public init() {}
}
