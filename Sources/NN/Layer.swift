// Layer: the forward/backward contract shared by the single-input layers (Linear, Conv2d, CNNLayerNorm,
// ReLU, Dropout, reshapes). Recurrent layers add sequence lengths to the same pattern.

public protocol Layer: ParameterContainer {
    /// Computes the output and keeps what `backward` needs.
    mutating func forward(_ x: Tensor) -> Tensor
    /// Given dL/dy for the last `forward`, accumulates parameter gradients and returns dL/dx.
    mutating func backward(_ dy: Tensor) -> Tensor
}

extension Layer {
    public mutating func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows {}
}

/// Train/eval switch for layers whose behaviour differs (Dropout, LSTM inter-layer dropout).
public enum Mode: Sendable {
    case training, evaluation
}
