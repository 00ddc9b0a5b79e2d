// Elementwise: ReLU, Dropout (seeded, inverted scaling) and the residual add. Any shape.
import Base

/// y = max(x, 0). Keeps its output: dx = dy where y > 0.
public struct ReLU: Layer {
    private var output = Tensor.empty
    public var workers: Workers
    public init(workers: Workers = .available) { self.workers = workers }

    public mutating func forward(_ x: Tensor) -> Tensor {
        var y = Tensor(uninitialized: x.shape)
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                let (xs, ys) = (xp.baseAddress!, yp.baseAddress!)
                workers.chunks(xp.count) { r in
                    for i in r { ys[i] = max(xs[i], 0) }
                }
            }
        }
        output = y
        return y
    }

    public mutating func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.count == output.count, "ReLU: gradient \(dy.shape) does not match output \(output.shape)")
        var dx = Tensor(uninitialized: dy.shape)
        output.data.withUnsafeBufferPointer { yp in
            dy.data.withUnsafeBufferPointer { gp in
                dx.data.withUnsafeMutableBufferPointer { dp in
                    let (ys, gs, ds) = (yp.baseAddress!, gp.baseAddress!, dp.baseAddress!)
                    workers.chunks(yp.count) { r in
                        // Both loads unconditional, so the loop vectorises (a conditional load of gs[i] did not).
                        for i in r { let g = gs[i], y = ys[i]; ds[i] = y > 0 ? g : 0 }
                    }
                }
            }
        }
        output = .empty
        return dx
    }
}

/// Training: zero each element with probability p, scale survivors by 1/(1-p). Evaluation: identity.
/// The mask comes from the layer's own seeded generator, advanced once per training forward.
public struct Dropout: Layer {
    public let p: Float
    public var mode: Mode = .training
    public var rng: Xoshiro256StarStar
    /// Threads for the mask and the gradient. The mask is always drawn from two sub-streams, so it is the same
    /// whether they are filled one after the other or side by side.
    public var workers: Workers = .available
    /// Each batch item's place in the whole (global) batch, when the first axis is the batch: item b's mask then
    /// comes from its own stream, keyed by `items[b]`, so a batch split across processes (each with its slice of
    /// places) draws exactly the masks the whole batch draws in one process. nil: one mask over the tensor.
    public var items: [Int]? = nil
    private var mask: [Float] = []  // 0 or 1/(1-p), one per element of the last training forward

    public init(p: Float, seed: UInt64) {
        precondition(p >= 0 && p < 1, "Dropout: p must be in [0, 1), got \(p)")
        self.p = p
        self.rng = Xoshiro256StarStar(seed: seed)
    }

    public init(p: Float, rng: inout Xoshiro256StarStar) {
        self.init(p: p, seed: rng.next())
    }

    /// A fresh stream for the next training forward (split from the caller's) and the item keys it draws with.
    public mutating func reseed(_ generator: inout Xoshiro256StarStar, items: [Int]?) {
        rng = generator.split()
        self.items = items
    }

    public mutating func forward(_ x: Tensor) -> Tensor {
        guard mode == .training, p > 0 else {
            mask = []
            return x
        }
        let n = x.count
        if mask.count != n { mask = [Float](repeating: 0, count: n) }
        // One 64-bit draw decides two elements (32-bit uniforms each); two sub-streams let two threads fill it.
        let threshold = UInt64(Double(p) * 4_294_967_296.0)
        let scale = 1 / (1 - p)
        if let items, !items.isEmpty {
            return forwardPerItem(x, items: items, threshold: threshold, scale: scale)
        }
        var streams = [rng.split(), rng.split()]
        var y = Tensor(uninitialized: x.shape)
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                mask.withUnsafeMutableBufferPointer { mp in
                    streams.withUnsafeMutableBufferPointer { sp in
                        let (xs, ys, ms, ss) = (xp.baseAddress!, yp.baseAddress!, mp.baseAddress!, sp.baseAddress!)
                        let half = (n / 2) & ~1
                        let ranges = [0..<half, half..<n]
                        func fill(_ r: Range<Int>, _ g: inout Xoshiro256StarStar) {
                            var i = r.lowerBound
                            while i < r.upperBound {
                                let bits = g.next()
                                let m0: Float = (bits & 0xFFFF_FFFF) >= threshold ? scale : 0
                                ms[i] = m0; ys[i] = xs[i] * m0
                                if i + 1 < r.upperBound {
                                    let m1: Float = (bits >> 32) >= threshold ? scale : 0
                                    ms[i + 1] = m1; ys[i + 1] = xs[i + 1] * m1
                                }
                                i += 2
                            }
                        }
                        if n >= 1 << 16 && workers.count >= 2 {
                            parallelFor(2) { c in fill(ranges[c], &ss[c]) }
                        } else {
                            fill(ranges[0], &ss[0]); fill(ranges[1], &ss[1])
                        }
                    }
                }
            }
        }
        return y
    }

    /// The keyed masks: item b's elements (contiguous, the batch axis first) from stream (step seed, items[b]).
    private mutating func forwardPerItem(_ x: Tensor, items: [Int], threshold: UInt64, scale: Float) -> Tensor {
        let n = x.count
        precondition(x.rank >= 1 && x.shape[0] == items.count,
                     "Dropout: \(items.count) item keys for a batch of shape \(x.shape)")
        let per = n / items.count
        let stepSeed = rng.next()
        var y = Tensor(uninitialized: x.shape)
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                mask.withUnsafeMutableBufferPointer { mp in
                    guard let xb = xp.baseAddress, let yb = yp.baseAddress, let mb = mp.baseAddress else { return }
                    nonisolated(unsafe) let (xs, ys, ms) = (xb, yb, mb)
                    workers.chunks(items.count, minPerChunk: max(1, (1 << 15) / max(per, 1))) { r in
                        for b in r {
                            var g = Xoshiro256StarStar(seed: stepSeed, stream: UInt64(bitPattern: Int64(items[b])))
                            var i = b * per
                            let end = i + per
                            while i < end {
                                let bits = g.next()
                                let m0: Float = (bits & 0xFFFF_FFFF) >= threshold ? scale : 0
                                ms[i] = m0; ys[i] = xs[i] * m0
                                if i + 1 < end {
                                    let m1: Float = (bits >> 32) >= threshold ? scale : 0
                                    ms[i + 1] = m1; ys[i + 1] = xs[i + 1] * m1
                                }
                                i += 2
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    public mutating func backward(_ dy: Tensor) -> Tensor {
        if mask.isEmpty { return dy }
        precondition(dy.count == mask.count, "Dropout: gradient \(dy.shape) does not match the last mask")
        var dx = Tensor(uninitialized: dy.shape)
        dy.data.withUnsafeBufferPointer { gp in
            mask.withUnsafeBufferPointer { mp in
                dx.data.withUnsafeMutableBufferPointer { dp in
                    let (gs, ms, ds) = (gp.baseAddress!, mp.baseAddress!, dp.baseAddress!)
                    workers.chunks(gp.count) { r in
                        for i in r { ds[i] = gs[i] * ms[i] }
                    }
                }
            }
        }
        return dx
    }
}

/// a + b elementwise (the residual connection); its backward passes dy to both inputs unchanged.
public func add(_ a: Tensor, _ b: Tensor, workers: Workers) -> Tensor {
    precondition(a.shape == b.shape, "add: shapes \(a.shape) and \(b.shape) differ")
    var y = Tensor(uninitialized: a.shape)
    a.data.withUnsafeBufferPointer { ap in
        b.data.withUnsafeBufferPointer { bp in
            y.data.withUnsafeMutableBufferPointer { yp in
                let (as_, bs, ys) = (ap.baseAddress!, bp.baseAddress!, yp.baseAddress!)
                workers.chunks(ap.count) { r in
                    for i in r { ys[i] = as_[i] + bs[i] }
                }
            }
        }
    }
    return y
}

/// a += b in place (accumulating two gradient paths).
public func addInPlace(_ a: inout Tensor, _ b: Tensor, workers: Workers) {
    precondition(a.count == b.count, "addInPlace: sizes \(a.shape) and \(b.shape) differ")
    a.data.withUnsafeMutableBufferPointer { ap in
        b.data.withUnsafeBufferPointer { bp in
            let (as_, bs) = (ap.baseAddress!, bp.baseAddress!)
            workers.chunks(ap.count) { r in
                for i in r { as_[i] += bs[i] }
            }
        }
    }
}
