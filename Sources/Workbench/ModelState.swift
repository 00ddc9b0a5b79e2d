// Session slice owned by the model commands: the checkpoint `model load` read.
import Training

public struct ModelState {
    public var loaded: LoadedModel?
    public init() {}

    func require() throws -> LoadedModel {
        guard let loaded else { throw WorkbenchError("no model loaded: run 'model load CHECKPOINT.safetensors' first") }
        return loaded
    }
}
