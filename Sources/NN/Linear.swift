// Linear: y = x W^T + b over rows. x is (..., in), y is (..., out); W is (out, in) as in PyTorch.
import Base

public struct Linear: Layer {
    public var weight: Parameter  // (out, in)
    public var bias: Parameter?   // (out)
    public let inFeatures: Int
    public let outFeatures: Int
    private var input = Tensor.empty

    /// PyTorch's default initialisation: weight and bias uniform in ±1/sqrt(in).
    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true, name: String, rng: inout Xoshiro256StarStar) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let bound = 1 / Float(inFeatures).squareRoot()
        weight = .uniform(name: parameterName(name, "weight"), shape: [outFeatures, inFeatures], bound: bound, rng: &rng)
        self.bias = bias ? .uniform(name: parameterName(name, "bias"), shape: [outFeatures], bound: bound, rng: &rng) : nil
    }

    public mutating func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows {
        try body(&weight)
        if bias != nil { try body(&bias!) }
    }

    public mutating func forward(_ x: Tensor) -> Tensor {
        precondition(x.shape.last == inFeatures, "Linear \(weight.name): input \(x.shape) must end in \(inFeatures)")
        input = x
        let n = x.count / inFeatures
        var y = Tensor(uninitialized: Array(x.shape.dropLast()) + [outFeatures])
        let (inF, outF) = (inFeatures, outFeatures)
        x.data.withUnsafeBufferPointer { xp in
            weight.value.withUnsafeBufferPointer { wp in
                y.data.withUnsafeMutableBufferPointer { yp in
                    if let b = bias {
                        // Seed each row with the bias, then accumulate x W^T on top (beta = 1).
                        b.value.withUnsafeBufferPointer { bp in
                            for r in 0..<n {
                                (yp.baseAddress! + r * outF).update(from: bp.baseAddress!, count: outF)
                            }
                        }
                    }
                    sgemm(transB: true, m: n, n: outF, k: inF, a: xp.baseAddress!, lda: inF,
                          b: wp.baseAddress!, ldb: inF, beta: bias == nil ? 0 : 1, c: yp.baseAddress!, ldc: outF)
                }
            }
        }
        return y
    }

    public mutating func backward(_ dy: Tensor) -> Tensor {
        let n = input.count / inFeatures
        precondition(dy.count == n * outFeatures, "Linear \(weight.name): gradient \(dy.shape) does not match output")
        let (inF, outF) = (inFeatures, outFeatures)
        var dx = Tensor(uninitialized: input.shape)
        input.data.withUnsafeBufferPointer { xp in
            dy.data.withUnsafeBufferPointer { gp in
                // dW (out, in) += dy^T (out, N) x (N, in)
                weight.grad.withUnsafeMutableBufferPointer { dw in
                    sgemm(transA: true, m: outF, n: inF, k: n, a: gp.baseAddress!, lda: outF,
                          b: xp.baseAddress!, ldb: inF, beta: 1, c: dw.baseAddress!, ldc: inF)
                }
                // db += sum over rows of dy
                if bias != nil {
                    bias!.grad.withUnsafeMutableBufferPointer { db in
                        for r in 0..<n {
                            let row = gp.baseAddress! + r * outF
                            for j in 0..<outF { db[j] += row[j] }
                        }
                    }
                }
                // dx (N, in) = dy (N, out) W (out, in)
                weight.value.withUnsafeBufferPointer { wp in
                    dx.data.withUnsafeMutableBufferPointer { dxp in
                        sgemm(m: n, n: inF, k: outF, a: gp.baseAddress!, lda: outF,
                              b: wp.baseAddress!, ldb: inF, beta: 0, c: dxp.baseAddress!, ldc: inF)
                    }
                }
            }
        }
        input = .empty
        return dx
    }
}
