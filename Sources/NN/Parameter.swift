// Parameter: a named learnable array with its gradient, in PyTorch's name, shape and memory layout.
// ParameterContainer: how optimisers and checkpoints walk a model's parameters in a fixed order.
import Base

public struct Parameter: Sendable {
    /// Full PyTorch state_dict key, e.g. "feature_extractor.cnn.weight" or "lstm.weight_ih_l0_reverse".
    public var name: String
    public var shape: [Int]
    public var value: [Float]
    public var grad: [Float]

    public init(name: String, shape: [Int], value: [Float]) {
        precondition(shape.reduce(1, *) == value.count,
                     "Parameter \(name): shape \(shape) needs \(shape.reduce(1, *)) values, got \(value.count)")
        self.name = name
        self.shape = shape
        self.value = value
        self.grad = [Float](repeating: 0, count: value.count)
    }

    /// PyTorch's default for Linear/Conv/LSTM/GRU: uniform in [-bound, bound) (bound = 1/sqrt(fan_in) or 1/sqrt(H)).
    public static func uniform(name: String, shape: [Int], bound: Float, rng: inout Xoshiro256StarStar) -> Parameter {
        let n = shape.reduce(1, *)
        var v = [Float](repeating: 0, count: n)
        for i in 0..<n { v[i] = rng.uniform(bound) }
        return Parameter(name: name, shape: shape, value: v)
    }

    public static func constant(name: String, shape: [Int], _ c: Float) -> Parameter {
        Parameter(name: name, shape: shape, value: [Float](repeating: c, count: shape.reduce(1, *)))
    }

    public var count: Int { value.count }

    public mutating func zeroGrad() {
        grad.withUnsafeMutableBufferPointer { g in
            for i in g.indices { g[i] = 0 }
        }
    }
}

/// Anything that owns parameters: layers and whole models. `visitParameters` must visit them in a fixed
/// order (the optimiser's state is indexed by that order) and may mutate them.
public protocol ParameterContainer {
    mutating func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows
}

extension ParameterContainer {
    public mutating func zeroGradients() {
        visitParameters { $0.zeroGrad() }
    }

    /// Total number of learnable scalars (PyTorch's `sum(p.numel() for p in model.parameters())`).
    public mutating func parameterCount() -> Int {
        var n = 0
        visitParameters { n += $0.count }
        return n
    }

    /// Names and shapes in visiting order (for checkpoints).
    public mutating func parameterShapes() -> [(name: String, shape: [Int])] {
        var out: [(name: String, shape: [Int])] = []
        visitParameters { out.append(($0.name, $0.shape)) }
        return out
    }
}

/// Joins a module prefix and a local name the way PyTorch's state_dict does ("" prefix gives the bare name).
public func parameterName(_ prefix: String, _ local: String) -> String {
    prefix.isEmpty ? local : prefix + "." + local
}
