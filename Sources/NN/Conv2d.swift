// Conv2d: 2-D convolution. Two algorithms, the same numbers up to rounding (tests compare them):
// - direct3x3: the residual blocks' 3×3 / stride 1 / padding 1 case with AVX2 + FMA kernels (CKernels),
//   about 3× the throughput of im2col + SGEMM at 32 channels (`trellis bench conv`);
// - im2col + SGEMM for every other shape or CPU, tiled over output rows so the column buffer stays in cache.
// Either way the batch is split over the layer's `workers`, each on its own images.
// x is (B, C, H, W) — in Trellis (batch, channel, mel feature F, time T) — and y is (B, O, Ho, Wo) with
// Ho = (H + 2 ph - kh) / sh + 1. Weight (O, C, kh, kw) and bias (O) as in PyTorch.
import Base
import CBLAS
import CKernels

public struct Conv2d: Layer {
    public enum Algorithm: Sendable {
        /// direct3x3 where it applies (shape and CPU), else im2col.
        case automatic
        case im2col
        /// Falls back to im2col where it does not apply.
        case direct3x3
    }

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
    public var algorithm = Algorithm.automatic
    /// Threads over the batch's images; the weight gradient's partial sums follow them, so results depend on it.
    public var workers: Workers = .available
    private var input = Tensor.empty

    /// PyTorch's default initialisation: uniform in ±1/sqrt(C·kh·kw) for weight and bias.
    public init(inChannels: Int, outChannels: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), bias: Bool = true, name: String, rng: inout Xoshiro256StarStar) {
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
                bias: Bool = true, name: String, rng: inout Xoshiro256StarStar) {
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
        if usesDirect3x3 { return directForward(x) }
        let g = geometry
        let (b, o) = (x.shape[0], outChannels)
        var y = Tensor(uninitialized: [b, o, g.ho, g.wo])
        let rowsPerTile = max(1, min(g.ho, tileColumns / max(1, g.wo)))
        let plan = WorkerPlan(images: b, workers: workers)
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
        if usesDirect3x3 {
            defer { input = .empty }
            return directBackward(dy)
        }
        let rowsPerTile = max(1, min(g.ho, tileColumns / max(1, g.wo)))
        let plan = WorkerPlan(images: b, workers: workers)
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
                                                addRowSums(gi, rows: o, length: g.howo, into: dB)
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
        addBiasGradient(partialB, workers: plan.workers)
        input = .empty
        return dx
    }
}

extension Conv2d {
    /// bias.grad += the per-worker partial sums (`workers` × O), if the layer has a bias.
    fileprivate mutating func addBiasGradient(_ partial: [Float], workers: Int) {
        guard bias != nil else { return }
        let o = outChannels
        bias!.grad.withUnsafeMutableBufferPointer { db in
            for w in 0..<workers { for i in 0..<o { db[i] += partial[w * o + i] } }
        }
    }
}

/// sums[r] += Σ_j rows[r · length + j]: one image's bias gradient from dL/dy (O rows of H·W).
private func addRowSums(_ rows: UnsafePointer<Float>, rows count: Int, length: Int, into sums: UnsafeMutablePointer<Float>) {
    for r in 0..<count {
        let row = rows + r * length
        var s: Float = 0
        for j in 0..<length { s += row[j] }
        sums[r] += s
    }
}

// MARK: - The direct 3×3 path

/// Whether this CPU runs the CKernels (checked once).
let cpuHasAVX2FMA = trellis_kernels_have_avx2_fma() != 0

extension Conv2d {
    /// 3×3, stride 1, padding 1, channel counts in fours, an AVX2 + FMA CPU, and not forced to im2col.
    var usesDirect3x3: Bool {
        algorithm != .im2col && cpuHasAVX2FMA && kernel == (3, 3) && stride == (1, 1) && padding == (1, 1)
            && inChannels % 4 == 0 && outChannels % 4 == 0
    }

    private func packed(transposeFlip: Bool) -> [Float] {
        var p = [Float](repeating: 0, count: weight.value.count)
        weight.value.withUnsafeBufferPointer { w in
            p.withUnsafeMutableBufferPointer { trellis_conv3x3_pack(w.baseAddress!, Int32(outChannels), Int32(inChannels), transposeFlip ? 1 : 0, $0.baseAddress!) }
        }
        return p
    }

    /// Zero-filled room for one padded image of `channels` × h × w (its border stays zero).
    private static func paddedImage(channels: Int, h: Int, w: Int) -> [Float] {
        [Float](repeating: 0, count: channels * (h + 2) * Int(trellis_conv3x3_padded_width(Int32(w))))
    }

    fileprivate func directForward(_ x: Tensor) -> Tensor {
        let (b, c, h, w, o) = (x.shape[0], inChannels, x.shape[2], x.shape[3], outChannels)
        var y = Tensor(uninitialized: [b, o, h, w])
        let pw = packed(transposeFlip: false)
        let biasValues = bias?.value
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                pw.withUnsafeBufferPointer { wp in
                    let (xs, ys, ws) = (xp.baseAddress!, yp.baseAddress!, wp.baseAddress!)
                    withOptionalPointer(biasValues) { bs in
                        WorkerPlan(images: b, workers: workers).run { images in
                            var padded = Conv2d.paddedImage(channels: c, h: h, w: w)
                            padded.withUnsafeMutableBufferPointer { pp in
                                for img in images {
                                    trellis_conv3x3_pad(xs + img * c * h * w, Int32(c), Int32(h), Int32(w), pp.baseAddress!)
                                    trellis_conv3x3_forward(pp.baseAddress!, Int32(c), Int32(h), Int32(w), ws, bs, Int32(o),
                                                            ys + img * o * h * w)
                                }
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// dL/dw from the input and dL/dy; dL/dx as the convolution of dL/dy with the flipped, transposed kernel.
    fileprivate mutating func directBackward(_ dy: Tensor) -> Tensor {
        let (b, c, h, w, o) = (input.shape[0], inChannels, input.shape[2], input.shape[3], outChannels)
        let plan = WorkerPlan(images: b, workers: workers)
        let needDx = computesInputGradient
        var dx = needDx ? Tensor(uninitialized: input.shape) : Tensor.empty
        let flipped = needDx ? packed(transposeFlip: true) : []
        let partialCount = o * c * 9 * 8
        var partialW = [Float](repeating: 0, count: plan.workers * partialCount)
        var partialB = [Float](repeating: 0, count: plan.workers * o)
        input.data.withUnsafeBufferPointer { xp in
            dy.data.withUnsafeBufferPointer { gp in
                dx.data.withUnsafeMutableBufferPointer { dxp in
                    flipped.withUnsafeBufferPointer { fp in
                        partialW.withUnsafeMutableBufferPointer { pwp in
                            partialB.withUnsafeMutableBufferPointer { pbp in
                                let (xs, gs, dxs, fs) = (xp.baseAddress!, gp.baseAddress!, dxp.baseAddress, fp.baseAddress)
                                let (pws, pbs) = (pwp.baseAddress!, pbp.baseAddress!)
                                plan.run(withIndex: true) { worker, images in
                                    var paddedX = Conv2d.paddedImage(channels: c, h: h, w: w)
                                    var paddedDy = needDx ? Conv2d.paddedImage(channels: o, h: h, w: w) : []
                                    paddedX.withUnsafeMutableBufferPointer { px in
                                        paddedDy.withUnsafeMutableBufferPointer { pd in
                                            for img in images {
                                                let gi = gs + img * o * h * w
                                                let dB = pbs + worker * o
                                                addRowSums(gi, rows: o, length: h * w, into: dB)
                                                trellis_conv3x3_pad(xs + img * c * h * w, Int32(c), Int32(h), Int32(w), px.baseAddress!)
                                                trellis_conv3x3_weight_grad(px.baseAddress!, Int32(c), Int32(h), Int32(w), gi, Int32(o),
                                                                            pws + worker * partialCount)
                                                if let dxs, let fs {
                                                    trellis_conv3x3_pad(gi, Int32(o), Int32(h), Int32(w), pd.baseAddress!)
                                                    trellis_conv3x3_forward(pd.baseAddress!, Int32(o), Int32(h), Int32(w), fs, nil,
                                                                            Int32(c), dxs + img * c * h * w)
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
            partialW.withUnsafeBufferPointer { p in
                for wk in 0..<plan.workers {
                    trellis_conv3x3_reduce_weight_grad(p.baseAddress! + wk * partialCount, Int32(o), Int32(c), dw.baseAddress!)
                }
            }
        }
        addBiasGradient(partialB, workers: plan.workers)
        return dx
    }
}

/// Calls body with the array's base address, or nil for a nil array.
private func withOptionalPointer<R>(_ values: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let values else { return body(nil) }
    return values.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// Splits a batch of images over workers. With several images each worker runs single-threaded GEMMs on
/// its own images (no synchronisation inside a GEMM); with one image OpenBLAS threads the GEMM itself.
struct WorkerPlan {
    let images: Int
    let workers: Int

    init(images: Int, workers: Workers) {
        self.images = images
        self.workers = max(1, min(workers.count, images))
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
