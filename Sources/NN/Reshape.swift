// Reshape: the notebook's hand-over from the CNN to the dense/recurrent part, and time/batch transposes.
import Base

/// (B, C, F, T) → (B, T, C·F): `x.view(B, C*F, T).transpose(1, 2)` made contiguous, so y[b, t, c·F + f] = x[b, c, f, t].
public struct FlattenChannelsFeatures: Layer {
    private var inputShape: [Int] = []
    public var workers: Workers
    public init(workers: Workers = .available) { self.workers = workers }

    public mutating func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4, "FlattenChannelsFeatures: input \(x.shape) must be (B, C, F, T)")
        inputShape = x.shape
        let (b, cf, t) = (x.shape[0], x.shape[1] * x.shape[2], x.shape[3])
        return Tensor(shape: [b, t, cf], data: batchedTranspose(x.data, batch: b, rows: cf, cols: t, workers: workers))
    }

    public mutating func backward(_ dy: Tensor) -> Tensor {
        let (b, cf, t) = (inputShape[0], inputShape[1] * inputShape[2], inputShape[3])
        precondition(dy.shape == [b, t, cf], "FlattenChannelsFeatures: gradient \(dy.shape) must be (\(b), \(t), \(cf))")
        return Tensor(shape: inputShape, data: batchedTranspose(dy.data, batch: b, rows: t, cols: cf, workers: workers))
    }
}

/// (A, B, C) → (B, A, C): swaps the two leading axes (e.g. (B, T, C) ↔ (T, B, C) as `transpose(0, 1)`).
public func swapLeadingAxes(_ x: Tensor) -> Tensor {
    precondition(x.rank == 3, "swapLeadingAxes: input \(x.shape) must have rank 3")
    let (a, b, c) = (x.shape[0], x.shape[1], x.shape[2])
    var y = Tensor(uninitialized: [b, a, c])
    x.data.withUnsafeBufferPointer { xp in
        y.data.withUnsafeMutableBufferPointer { yp in
            for i in 0..<a {
                for j in 0..<b {
                    (yp.baseAddress! + (j * a + i) * c).update(from: xp.baseAddress! + (i * b + j) * c, count: c)
                }
            }
        }
    }
    return y
}

/// For each of `batch` matrices (rows, cols) returns its transpose (cols, rows), in cache-sized blocks.
func batchedTranspose(_ src: [Float], batch: Int, rows: Int, cols: Int, workers: Workers) -> [Float] {
    let n = batch * rows * cols
    precondition(src.count == n, "batchedTranspose: \(src.count) values for \(batch)×\(rows)×\(cols)")
    var dst = [Float](unsafeUninitializedCapacity: n) { _, c in c = n }
    let blk = 32
    src.withUnsafeBufferPointer { sp in
        dst.withUnsafeMutableBufferPointer { dp in
            let (s, d) = (sp.baseAddress!, dp.baseAddress!)
            workers.chunks(batch, minPerChunk: 1) { range in
                for bi in range {
                    let sb = s + bi * rows * cols, db = d + bi * rows * cols
                    var r0 = 0
                    while r0 < rows {
                        let r1 = min(rows, r0 + blk)
                        var c0 = 0
                        while c0 < cols {
                            let c1 = min(cols, c0 + blk)
                            for r in r0..<r1 {
                                for c in c0..<c1 { db[c * rows + r] = sb[r * cols + c] }
                            }
                            c0 = c1
                        }
                        r0 = r1
                    }
                }
            }
        }
    }
    return dst
}
