// CTCObjective: the notebook's training objective on a model's scores — log_softmax over the classes, then
// nn.CTCLoss(blank, reduction='mean'): each utterance's −log p(labels) divided by its label count, averaged over
// the batch — with the gradient with respect to the scores (softmax − occupancy, scaled). Utterances are
// independent, so they run on the workers given; the loss is summed in utterance order, so results depend
// neither on thread timing nor on the number of workers.
import Base
import CTC
import Dispatch
import Foundation
import NN

public struct CTCObjectiveError: Error, CustomStringConvertible {
    public let description: String
}

public enum CTCObjective {
    public struct Result {
        /// The batch loss (reduction mean); +∞ or NaN if any utterance's is.
        public var loss: Double
        /// −log p(labels) per utterance (not divided by label length).
        public var utteranceLosses: [Double]
        /// dL/dscores, (B, T', C), zero past each utterance's length.
        public var gradient: Tensor
        public var isFinite: Bool { loss.isFinite }
    }

    /// Log-softmax over the last axis (rows of C), in a new array.
    public static func logSoftmax(_ x: Tensor) -> [Float] {
        let c = x.shape.last!
        let rows = x.count / c
        var out = [Float](repeating: 0, count: x.count)
        x.data.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { op in
                for r in 0..<rows {
                    let row = xp.baseAddress! + r * c, o = op.baseAddress! + r * c
                    var m = -Float.infinity
                    for k in 0..<c { m = max(m, row[k]) }
                    var s: Float = 0
                    for k in 0..<c { s += expf(row[k] - m) }
                    let lse = m + logf(s)
                    for k in 0..<c { o[k] = row[k] - lse }
                }
            }
        }
        return out
    }

    /// scores (B, T', C) logits; outputLengths[b] ≤ T' valid frames; labels[b] without blanks.
    /// `zeroInfinity` (PyTorch's `zero_infinity`): an impossible utterance (labels longer than its frames allow)
    /// contributes loss 0 and no gradient instead of making the whole batch infinite.
    public static func lossAndGradient(scores: Tensor, outputLengths: [Int], labels: [[Int]], blank: Int,
                                       computeGradient: Bool = true, zeroInfinity: Bool = false,
                                       workers: Workers = .available) throws -> Result {
        guard scores.rank == 3 else { throw CTCObjectiveError(description: "CTC loss: scores \(scores.shape) must be (B, T, C)") }
        let (b, t, c) = (scores.shape[0], scores.shape[1], scores.shape[2])
        guard outputLengths.count == b, labels.count == b else {
            throw CTCObjectiveError(description: "CTC loss: \(b) utterances but \(outputLengths.count) lengths and \(labels.count) label sequences")
        }
        for (i, l) in outputLengths.enumerated() where l < 0 || l > t {
            throw CTCObjectiveError(description: "CTC loss: utterance \(i) has length \(l), outside 0…\(t) frames")
        }
        for (i, ls) in labels.enumerated() {
            if let bad = ls.first(where: { $0 < 0 || $0 >= c || $0 == blank }) {
                throw CTCObjectiveError(description: "CTC loss: utterance \(i) has label \(bad) (the blank \(blank) or outside 0..<\(c))")
            }
        }
        let logProbs = logSoftmax(scores)
        var grad = Tensor(zeros: computeGradient ? [b, t, c] : [0])
        var losses = [Double](repeating: 0, count: b)
        let labels32 = labels.map { $0.map { Int32($0) } }
        logProbs.withUnsafeBufferPointer { lp in
            grad.data.withUnsafeMutableBufferPointer { gp in
                losses.withUnsafeMutableBufferPointer { lossp in
                    nonisolated(unsafe) let (lpb, gpb, lsb) = (lp.baseAddress!, gp.baseAddress, lossp.baseAddress!)
                    let workers = max(1, min(workers.count, b))
                    parallelFor(workers) { w in
                        var ws = CTCWorkspace()
                        var i = w
                        while i < b {
                            let scale = Float(1.0 / (Double(max(labels[i].count, 1)) * Double(b)))
                            let r = labels32[i].withUnsafeBufferPointer { lab in
                                CTCLoss.compute(logProbs: lpb + i * t * c, frames: outputLengths[i], classes: c, frameStride: c,
                                                labels: lab, blank: blank,
                                                gradient: computeGradient ? gpb! + i * t * c : nil, gradientStride: c,
                                                gradientScale: scale, zeroInfinity: zeroInfinity, workspace: &ws)
                            }
                            lsb[i] = r.loss
                            i += workers
                        }
                    }
                }
            }
        }
        var total = 0.0
        for i in 0..<b { total += losses[i] / Double(max(labels[i].count, 1)) }
        return Result(loss: total / Double(b), utteranceLosses: losses, gradient: grad)
    }
}
