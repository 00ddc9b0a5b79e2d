// Adam with PyTorch's semantics (torch.optim.Adam, single-tensor path): L2 weight decay added to the
// gradient (or decoupled as AdamW), m ← lerp(m, g, 1 − β1), v ← β2 v + (1 − β2) g², bias corrections with the
// CURRENT β1/β2 (OneCycle cycles β1), p ← p − lr/(1 − β1^t) · m / (sqrt(v)/sqrt(1 − β2^t) + eps).
// The state is plain arrays (Codable) indexed by the model's parameter visiting order.
import Foundation

public struct Adam: Codable, Sendable {
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var eps: Double
    public var weightDecay: Double
    /// false: PyTorch Adam (decay added to the gradient); true: AdamW (decoupled, p ← p·(1 − lr·wd)).
    public var decoupledWeightDecay: Bool
    public var state: AdamState

    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8,
                weightDecay: Double = 0, decoupledWeightDecay: Bool = false) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        self.state = AdamState()
    }

    /// One optimisation step over every parameter of `model` (in its visiting order), using their `grad`.
    public mutating func step<M: ParameterContainer>(_ model: inout M) {
        state.step += 1
        var index = 0
        model.visitParameters { p in
            update(&p, index: index)
            index += 1
        }
    }

    /// Updates one parameter; `index` selects its moment buffers (created on first use).
    public mutating func update(_ p: inout Parameter, index: Int) {
        while state.m.count <= index {
            state.m.append([])
            state.v.append([])
        }
        if state.m[index].count != p.count {
            state.m[index] = [Float](repeating: 0, count: p.count)
            state.v[index] = [Float](repeating: 0, count: p.count)
        }
        let t = Double(max(1, state.step))
        let bc1 = 1 - pow(beta1, t)
        let bc2Sqrt = (1 - pow(beta2, t)).squareRoot()
        let stepSize = Float(learningRate / bc1)
        let (b1c, b2, b2c) = (Float(1 - beta1), Float(beta2), Float(1 - beta2))
        let (epsF, wd, bc2SqrtF) = (Float(eps), Float(weightDecay), Float(bc2Sqrt))
        let decayFactor = Float(1 - learningRate * weightDecay)
        let coupled = weightDecay != 0 && !decoupledWeightDecay
        if weightDecay != 0 && decoupledWeightDecay {
            p.value.withUnsafeMutableBufferPointer { v in for i in v.indices { v[i] *= decayFactor } }
        }
        let n = p.count
        p.value.withUnsafeMutableBufferPointer { pv in
            p.grad.withUnsafeBufferPointer { gv in
                state.m[index].withUnsafeMutableBufferPointer { mv in
                    state.v[index].withUnsafeMutableBufferPointer { vv in
                        for i in 0..<n {
                            var g = gv[i]
                            if coupled { g += wd * pv[i] }
                            let m = mv[i] + b1c * (g - mv[i])
                            let v = b2 * vv[i] + b2c * g * g
                            mv[i] = m
                            vv[i] = v
                            let denom = v.squareRoot() / bc2SqrtF + epsF
                            pv[i] -= stepSize * m / denom
                        }
                    }
                }
            }
        }
    }
}

/// Adam's moments, one array per parameter in visiting order, and the step count t.
public struct AdamState: Codable, Sendable, Equatable {
    public var step: Int = 0
    public var m: [[Float]] = []
    public var v: [[Float]] = []
    public init() {}
}
