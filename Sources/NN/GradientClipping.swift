// Gradient-norm clipping as torch.nn.utils.clip_grad_norm_: total L2 norm over all gradients; if it exceeds
// maxNorm every gradient is scaled by maxNorm / (norm + 1e-6). Returns the norm before clipping.

extension ParameterContainer {
    /// The total L2 norm of all gradients (accumulated in Double).
    public mutating func gradientNorm() -> Double {
        var sum = 0.0
        visitParameters { p in
            p.grad.withUnsafeBufferPointer { g in
                var s: Double = 0
                for x in g { s += Double(x) * Double(x) }
                sum += s
            }
        }
        return sum.squareRoot()
    }

    @discardableResult
    public mutating func clipGradientNorm(maxNorm: Double) -> Double {
        let norm = gradientNorm()
        let coef = maxNorm / (norm + 1e-6)
        if coef < 1 {
            let c = Float(coef)
            visitParameters { p in
                p.grad.withUnsafeMutableBufferPointer { g in for i in g.indices { g[i] *= c } }
            }
        }
        return norm
    }
}
