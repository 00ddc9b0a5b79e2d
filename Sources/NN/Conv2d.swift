// Conv2d: 2-D convolution by im2col + SGEMM, tiled over output rows so the column buffer stays in cache,
// with the batch split over two workers (each runs single-threaded GEMMs on its own images).
// x is (B, C, H, W) — in Trellis (batch, channel, mel feature F, time T) — and y is (B, O, Ho, Wo) with
// Ho = (H + 2 ph - kh) / sh + 1. Weight (O, C, kh, kw) and bias (O) as in PyTorch.
import CBLAS

public struct Conv2d: Layer {
    public var weight: Parameter  // (O, C, kh, kw)
    public var bias: Parameter?   // (O)
    public let inChannels: Int, outChannels: Int
    public let kernel: (h: Int, w: Int)
    public let stride: (h: Int, w: Int)
    public let padding: (h: Int, w: Int)
    /// Skip dL/dx when the input is data (the first layer): backward then returns an empty tensor.
    public var computesInputGradient = true
    /// Output columns per im2col tile (a multiple of whole output rows is used).
    public var tileColumns = 4096
    private var input = Tensor.empty

    /// PyTorch's default initialisation: uniform in ±1/sqrt(C·kh·kw) for weight and bias.
    public init(inChannels: Int, outChannels: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), bias: Bool = true, name: String, rng: inout SeededRNG) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = (kernel.0, kernel.1)
        self.stride = (stride.0, stride.1)
        self.padding = (padding.0, padding.1)
        let fanIn = inChannels * kernel.0 * kernel.1
        let bound = 1 / Float(fanIn).squareRoot()
        weight = .uniform(name: parameterName(name, "weight"), shape: [outChannels, inChannels, kernel.0, kernel.1],
                          bound: bound, rng: &rng)
        self.bias = bias ? .uniform(name: parameterName(name, "bias"), shape: [outChannels], bound: bound, rng: &rng) : nil
    }

    /// Square kernel, stride and padding (the notebook's `nn.Conv2d(C, O, k, stride=s, padding=p)`).
    public init(inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool = true, name: String, rng: inout SeededRNG) {
        self.init(inChannels: inChannels, outChannels: outChannels, kernel: (kernel, kernel), stride: (stride, stride),
                  padding: (padding, padding), bias: bias, name: name, rng: &rng)
    }

    public mutating func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows {
        try body(&weight)
        if bias != nil { try body(&bias!) }
    }

    public func outputSize(height: Int, width: Int) -> (h: Int, w: Int) {
        ((height + 2 * padding.h - kernel.h) / stride.h + 1, (width + 2 * padding.w - kernel.w) / stride.w + 1)
    }

    private var geometry: ConvGeometry {
        ConvGeometry(c: inChannels, h: input.shape[2], w: input.shape[3], kh: kernel.h, kw: kernel.w,
                     sh: stride.h, sw: stride.w, ph: padding.h, pw: padding.w)
    }

    public mutating func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == inChannels,
                     "Conv2d \(weight.name): input \(x.shape) must be (B, \(inChannels), H, W)")
        input = x
        let g = geometry
        let (b, o) = (x.shape[0], outChannels)
        var y = Tensor(uninitialized: [b, o, g.ho, g.wo])
        let rowsPerTile = max(1, min(g.ho, tileColumns / max(1, g.wo)))
        let plan = WorkerPlan(images: b)
        let hasBias = bias != nil
        let biasValues = bias?.value ?? []
        x.data.withUnsafeBufferPointer { xp in
            weight.value.withUnsafeBufferPointer { wp in
                y.data.withUnsafeMutableBufferPointer { yp in
                    biasValues.withUnsafeBufferPointer { bp in
                        let (xs, ws, ys, bs) = (xp.baseAddress!, wp.baseAddress!, yp.baseAddress!, bp.baseAddress)
                        plan.run { images in
                            var col = [Float](repeating: 0, count: g.ck * rowsPerTile * g.wo)
                            col.withUnsafeMutableBufferPointer { cp in
                                for img in images {
                                    let xi = xs + img * g.c * g.h * g.w
                                    let yi = ys + img * o * g.howo
                                    var oy0 = 0
                                    while oy0 < g.ho {
                                        let oy1 = min(g.ho, oy0 + rowsPerTile)
                                        let cols = (oy1 - oy0) * g.wo
                                        g.im2col(xi, rows: oy0..<oy1, into: cp.baseAddress!)
                                        let yt = yi + oy0 * g.wo
                                        if hasBias {
                                            for oc in 0..<o {
                                                let row = yt + oc * g.howo
                                                let v = bs![oc]
                                                for j in 0..<cols { row[j] = v }
                                            }
                                        }
                                        // y[:, tile] (O, cols) = W (O, CK) · col (CK, cols)
                                        sgemm(m: o, n: cols, k: g.ck, a: ws, lda: g.ck, b: cp.baseAddress!, ldb: cols,
                                              beta: hasBias ? 1 : 0, c: yt, ldc: g.howo)
                                        oy0 = oy1
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
        let g = geometry
        let (b, o) = (input.shape[0], outChannels)
        precondition(dy.shape == [b, o, g.ho, g.wo], "Conv2d \(weight.name): gradient \(dy.shape) does not match output")
        let rowsPerTile = max(1, min(g.ho, tileColumns / max(1, g.wo)))
        let plan = WorkerPlan(images: b)
        let needDx = computesInputGradient
        var dx = needDx ? Tensor(zeros: input.shape) : Tensor.empty
        // Per-worker partial weight/bias gradients, summed after the parallel region.
        var partialW = [Float](repeating: 0, count: plan.workers * o * g.ck)
        var partialB = [Float](repeating: 0, count: plan.workers * o)
        input.data.withUnsafeBufferPointer { xp in
            dy.data.withUnsafeBufferPointer { gp in
                weight.value.withUnsafeBufferPointer { wp in
                    dx.data.withUnsafeMutableBufferPointer { dxp in
                        partialW.withUnsafeMutableBufferPointer { pwp in
                            partialB.withUnsafeMutableBufferPointer { pbp in
                                let (xs, gs, ws, dxs) = (xp.baseAddress!, gp.baseAddress!, wp.baseAddress!, needDx ? dxp.baseAddress : nil)
                                let (pws, pbs) = (pwp.baseAddress!, pbp.baseAddress!)
                                plan.run(withIndex: true) { worker, images in
                                    let dW = pws + worker * o * g.ck
                                    let dB = pbs + worker * o
                                    var col = [Float](repeating: 0, count: g.ck * rowsPerTile * g.wo)
                                    var dcol = [Float](repeating: 0, count: needDx ? g.ck * rowsPerTile * g.wo : 0)
                                    col.withUnsafeMutableBufferPointer { cp in
                                        dcol.withUnsafeMutableBufferPointer { dcp in
                                            for img in images {
                                                let xi = xs + img * g.c * g.h * g.w
                                                let gi = gs + img * o * g.howo
                                                for oc in 0..<o {
                                                    let row = gi + oc * g.howo
                                                    var s: Float = 0
                                                    for j in 0..<g.howo { s += row[j] }
                                                    dB[oc] += s
                                                }
                                                var oy0 = 0
                                                while oy0 < g.ho {
                                                    let oy1 = min(g.ho, oy0 + rowsPerTile)
                                                    let cols = (oy1 - oy0) * g.wo
                                                    let gt = gi + oy0 * g.wo
                                                    g.im2col(xi, rows: oy0..<oy1, into: cp.baseAddress!)
                                                    // dW (O, CK) += dy[:, tile] (O, cols) · col^T (cols, CK)
                                                    sgemm(transB: true, m: o, n: g.ck, k: cols, a: gt, lda: g.howo,
                                                          b: cp.baseAddress!, ldb: cols, beta: 1, c: dW, ldc: g.ck)
                                                    if let dxs {
                                                        // dcol (CK, cols) = W^T (CK, O) · dy[:, tile] (O, cols)
                                                        sgemm(transA: true, m: g.ck, n: cols, k: o, a: ws, lda: g.ck,
                                                              b: gt, ldb: g.howo, beta: 0, c: dcp.baseAddress!, ldc: cols)
                                                        g.col2im(dcp.baseAddress!, rows: oy0..<oy1,
                                                                 into: dxs + img * g.c * g.h * g.w)
                                                    }
                                                    oy0 = oy1
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
            for w in 0..<plan.workers { for i in 0..<(o * g.ck) { dw[i] += partialW[w * o * g.ck + i] } }
        }
        if bias != nil {
            bias!.grad.withUnsafeMutableBufferPointer { db in
                for w in 0..<plan.workers { for i in 0..<o { db[i] += partialB[w * o + i] } }
            }
        }
        input = .empty
        return dx
    }
}

/// Splits a batch of images over workers. With several images each worker runs single-threaded GEMMs on
/// its own images (no synchronisation inside a GEMM); with one image OpenBLAS threads the GEMM itself.
struct WorkerPlan {
    let images: Int
    let workers: Int

    init(images: Int) {
        self.images = images
        self.workers = images >= workerCount ? workerCount : 1
    }

    func run(_ body: (Range<Int>) -> Void) {
        run(withIndex: false) { _, r in body(r) }
    }

    func run(withIndex: Bool, _ body: (Int, Range<Int>) -> Void) {
        if workers == 1 {
            body(0, 0..<images)
            return
        }
        let saved = openblas_get_num_threads()
        openblas_set_num_threads(1)
        parallelFor(workers) { w in
            body(w, (images * w / workers)..<(images * (w + 1) / workers))
        }
        openblas_set_num_threads(saved)
    }
}

/// Index arithmetic of one convolution: im2col gathers, col2im scatters (accumulating).
struct ConvGeometry {
    let c, h, w, kh, kw, sh, sw, ph, pw: Int
    let ho, wo: Int

    init(c: Int, h: Int, w: Int, kh: Int, kw: Int, sh: Int, sw: Int, ph: Int, pw: Int) {
        (self.c, self.h, self.w, self.kh, self.kw, self.sh, self.sw, self.ph, self.pw) = (c, h, w, kh, kw, sh, sw, ph, pw)
        ho = (h + 2 * ph - kh) / sh + 1
        wo = (w + 2 * pw - kw) / sw + 1
        precondition(ho > 0 && wo > 0, "Conv2d: input \(h)×\(w) is smaller than kernel \(kh)×\(kw) with padding")
    }

    var ck: Int { c * kh * kw }
    var howo: Int { ho * wo }

    /// Output columns ox whose input column ox*sw - pw + j lies inside [0, w).
    @inline(__always)
    func validColumns(_ j: Int) -> Range<Int> {
        let off = j - pw
        // smallest ox with ox*sw + off >= 0, largest with ox*sw + off <= w-1
        let lo = off >= 0 ? 0 : (-off + sw - 1) / sw
        let hiIncl = (w - 1 - off) >= 0 ? (w - 1 - off) / sw : -1
        return lo..<max(lo, min(wo, hiIncl + 1))
    }

    /// col (CK, rows·wo): col[(ci·kh + i)·kw + j][(oy - rows.lower)·wo + ox] = x[ci][oy·sh - ph + i][ox·sw - pw + j] or 0.
    func im2col(_ x: UnsafePointer<Float>, rows: Range<Int>, into col: UnsafeMutablePointer<Float>) {
        let cols = rows.count * wo
        for ci in 0..<c {
            let xc = x + ci * h * w
            for i in 0..<kh {
                for j in 0..<kw {
                    let r = (ci * kh + i) * kw + j
                    let valid = validColumns(j)
                    let off = j - pw
                    var dst = col + r * cols
                    for oy in rows {
                        let iy = oy * sh - ph + i
                        if iy < 0 || iy >= h {
                            dst.update(repeating: 0, count: wo)
                        } else {
                            let src = xc + iy * w
                            for ox in 0..<valid.lowerBound { dst[ox] = 0 }
                            if sw == 1 {
                                (dst + valid.lowerBound).update(from: src + valid.lowerBound + off, count: valid.count)
                            } else {
                                for ox in valid { dst[ox] = src[ox * sw + off] }
                            }
                            for ox in valid.upperBound..<wo { dst[ox] = 0 }
                        }
                        dst += wo
                    }
                }
            }
        }
    }

    /// dx[ci][iy][ix] += dcol[...] for the same index map as im2col.
    func col2im(_ col: UnsafePointer<Float>, rows: Range<Int>, into dx: UnsafeMutablePointer<Float>) {
        let cols = rows.count * wo
        for ci in 0..<c {
            let dc = dx + ci * h * w
            for i in 0..<kh {
                for j in 0..<kw {
                    let r = (ci * kh + i) * kw + j
                    let valid = validColumns(j)
                    let off = j - pw
                    var src = col + r * cols
                    for oy in rows {
                        let iy = oy * sh - ph + i
                        if iy >= 0 && iy < h {
                            let dst = dc + iy * w
                            if sw == 1 {
                                let d = dst + off
                                for ox in valid { d[ox] += src[ox] }
                            } else {
                                for ox in valid { dst[ox * sw + off] += src[ox] }
                            }
                        }
                        src += wo
                    }
                }
            }
        }
    }
}
