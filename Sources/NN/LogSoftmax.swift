// LogSoftmax over the last axis: y = x − log Σ exp(x). x is (..., C). Backward: dx = dy − exp(y) · Σ dy.
import Base
import Foundation

public struct LogSoftmax: Layer {
    private var output = Tensor.empty
    public var workers: Workers
    public init(workers: Workers = .available) { self.workers = workers }

    public mutating func forward(_ x: Tensor) -> Tensor {
        let c = x.shape.last!
        let rows = x.count / c
        var y = Tensor(uninitialized: x.shape)
        x.data.withUnsafeBufferPointer { xp in
            y.data.withUnsafeMutableBufferPointer { yp in
                let (xs, ys) = (xp.baseAddress!, yp.baseAddress!)
                workers.chunks(rows, minPerChunk: 256) { range in
                    for r in range {
                        let xr = xs + r * c, yr = ys + r * c
                        var m = -Float.infinity
                        for j in 0..<c { m = max(m, xr[j]) }
                        var s: Float = 0
                        for j in 0..<c { s += expf(xr[j] - m) }
                        let lse = m + logf(s)
                        for j in 0..<c { yr[j] = xr[j] - lse }
                    }
                }
            }
        }
        output = y
        return y
    }

    public mutating func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.shape == output.shape, "LogSoftmax: gradient \(dy.shape) does not match output \(output.shape)")
        let c = output.shape.last!
        let rows = output.count / c
        var dx = Tensor(uninitialized: dy.shape)
        output.data.withUnsafeBufferPointer { yp in
            dy.data.withUnsafeBufferPointer { gp in
                dx.data.withUnsafeMutableBufferPointer { dp in
                    let (ys, gs, ds) = (yp.baseAddress!, gp.baseAddress!, dp.baseAddress!)
                    workers.chunks(rows, minPerChunk: 256) { range in
                        for r in range {
                            let yr = ys + r * c, gr = gs + r * c, dr = ds + r * c
                            var s: Float = 0
                            for j in 0..<c { s += gr[j] }
                            for j in 0..<c { dr[j] = gr[j] - expf(yr[j]) * s }
                        }
                    }
                }
            }
        }
        output = .empty
        return dx
    }
}
