// CNNLayerNorm: the notebook's LayerNorm over the feature axis of a (B, C, F, T) map, eps 1e-5, affine (F).
// PyTorch transposes to (B, C, T, F), normalises the last axis and transposes back; here each (F, T) plane is
// normalised column-wise in place of the transposes (same numbers, no copies). Parameters are named
// "<prefix>.layer_norm.weight" / ".bias" as the notebook's module holds an `nn.LayerNorm` called `layer_norm`.
import Base

public struct CNNLayerNorm: Layer {
    public var weight: Parameter  // (F)
    public var bias: Parameter    // (F)
    /// Threads over the (batch, channel) planes.
    public var workers: Workers = .available
    public let features: Int
    public let eps: Float
    private var input = Tensor.empty
    private var mean: [Float] = []  // (B, C, T)
    private var rstd: [Float] = []  // (B, C, T), 1/sqrt(var + eps), biased variance as PyTorch

    public init(features: Int, eps: Float = 1e-5, name: String) {
        self.features = features
        self.eps = eps
        weight = .constant(name: parameterName(name, "layer_norm.weight"), shape: [features], 1)
        bias = .constant(name: parameterName(name, "layer_norm.bias"), shape: [features], 0)
    }

    public mutating func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows {
        try body(&weight)
        try body(&bias)
    }

    /// x is (B, C, F, T); y has the same shape.
    public mutating func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[2] == features,
                     "CNNLayerNorm \(weight.name): input \(x.shape) must be (B, C, \(features), T)")
        input = x
        let (f, t) = (features, x.shape[3])
        let planes = x.shape[0] * x.shape[1]
        if mean.count != planes * t {
            mean = [Float](repeating: 0, count: planes * t)
            rstd = [Float](repeating: 0, count: planes * t)
        }
        var y = Tensor(uninitialized: x.shape)
        let eps = eps
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                mean.withUnsafeMutableBufferPointer { mp in
                    rstd.withUnsafeMutableBufferPointer { rp in
                        weight.value.withUnsafeBufferPointer { wp in
                            bias.value.withUnsafeBufferPointer { bp in
                                let (xs, ys, ms, rs, ws, bs) = (xp.baseAddress!, yp.baseAddress!, mp.baseAddress!,
                                                                rp.baseAddress!, wp.baseAddress!, bp.baseAddress!)
                                workers.chunks(planes, minPerChunk: 1) { range in
                                    for pl in range {
                                        let xpl = xs + pl * f * t, ypl = ys + pl * f * t
                                        let m = ms + pl * t, r = rs + pl * t
                                        for j in 0..<t { m[j] = 0; r[j] = 0 }
                                        for i in 0..<f {
                                            let row = xpl + i * t
                                            for j in 0..<t { m[j] += row[j] }
                                        }
                                        let invF = 1 / Float(f)
                                        for j in 0..<t { m[j] *= invF }
                                        for i in 0..<f {
                                            let row = xpl + i * t
                                            for j in 0..<t { let d = row[j] - m[j]; r[j] += d * d }
                                        }
                                        for j in 0..<t { r[j] = 1 / (r[j] * invF + eps).squareRoot() }
                                        for i in 0..<f {
                                            let row = xpl + i * t, out = ypl + i * t
                                            let (wi, bi) = (ws[i], bs[i])
                                            for j in 0..<t { out[j] = (row[j] - m[j]) * r[j] * wi + bi }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    public mutating func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.shape == input.shape, "CNNLayerNorm \(weight.name): gradient \(dy.shape) does not match input")
        let (f, t) = (features, input.shape[3])
        let planes = input.shape[0] * input.shape[1]
        var dx = Tensor(uninitialized: input.shape)
        let chunks = max(1, min(workers.count, planes))  // the partial sums depend on this, so on --threads
        var partial = [Float](repeating: 0, count: chunks * 2 * f)  // per worker: dweight (F), dbias (F)
        input.data.withUnsafeBufferPointer { xp in
            dy.data.withUnsafeBufferPointer { gp in
                dx.data.withUnsafeMutableBufferPointer { dp in
                    mean.withUnsafeBufferPointer { mp in
                        rstd.withUnsafeBufferPointer { rp in
                            weight.value.withUnsafeBufferPointer { wp in
                                partial.withUnsafeMutableBufferPointer { pp in
                                    let (xs, gs, ds, ms, rs, ws) = (xp.baseAddress!, gp.baseAddress!, dp.baseAddress!,
                                                                    mp.baseAddress!, rp.baseAddress!, wp.baseAddress!)
                                    let ps = pp.baseAddress!
                                    parallelFor(chunks) { c in
                                        let dw = ps + c * 2 * f, db = dw + f
                                        var a = [Float](repeating: 0, count: t)   // mean_f(dxhat)
                                        var bb = [Float](repeating: 0, count: t)  // mean_f(dxhat * xhat)
                                        a.withUnsafeMutableBufferPointer { ap in
                                            bb.withUnsafeMutableBufferPointer { bp in
                                                let (av, bv) = (ap.baseAddress!, bp.baseAddress!)
                                                for pl in (planes * c / chunks)..<(planes * (c + 1) / chunks) {
                                                    let xpl = xs + pl * f * t, gpl = gs + pl * f * t, dpl = ds + pl * f * t
                                                    let m = ms + pl * t, r = rs + pl * t
                                                    for j in 0..<t { av[j] = 0; bv[j] = 0 }
                                                    for i in 0..<f {
                                                        let xr = xpl + i * t, gr = gpl + i * t
                                                        let wi = ws[i]
                                                        var sw: Float = 0, sb: Float = 0
                                                        for j in 0..<t {
                                                            let xhat = (xr[j] - m[j]) * r[j]
                                                            let g = gr[j]
                                                            sw += g * xhat
                                                            sb += g
                                                            let dxhat = g * wi
                                                            av[j] += dxhat
                                                            bv[j] += dxhat * xhat
                                                        }
                                                        dw[i] += sw
                                                        db[i] += sb
                                                    }
                                                    let invF = 1 / Float(f)
                                                    for j in 0..<t { av[j] *= invF; bv[j] *= invF }
                                                    // dx = rstd · (dxhat − mean(dxhat) − xhat · mean(dxhat · xhat))
                                                    for i in 0..<f {
                                                        let xr = xpl + i * t, gr = gpl + i * t, dr = dpl + i * t
                                                        let wi = ws[i]
                                                        for j in 0..<t {
                                                            let xhat = (xr[j] - m[j]) * r[j]
                                                            dr[j] = r[j] * (gr[j] * wi - av[j] - xhat * bv[j])
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        weight.grad.withUnsafeMutableBufferPointer { dw in
            bias.grad.withUnsafeMutableBufferPointer { db in
                for c in 0..<chunks {
                    for i in 0..<f {
                        dw[i] += partial[c * 2 * f + i]
                        db[i] += partial[c * 2 * f + f + i]
                    }
                }
            }
        }
        input = .empty
        return dx
    }
}
