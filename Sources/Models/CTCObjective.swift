// CTCObjective: the one batched CTC objective of Trellis, the notebook's nn.CTCLoss(blank, reduction='mean') on
// a model's log-probabilities: each utterance's −log p(labels) divided by its label count, averaged over the
// batch, with the gradient with respect to the SCORES (logits) that fed the log-softmax (softmax − occupancy,
// scaled by 1/(B·L_b)) — what PyTorch's autograd delivers to the logits through log_softmax, so the model's
// backward starts from it directly. Training (`TrainStep`), evaluation, `bench ctc` and the tests call these two
// functions and no other: the benchmark times the code training runs.
// Utterances are independent, so they (and the log-softmax rows) run on the workers given; losses are summed in
// utterance order, so results depend neither on thread timing nor on the number of workers.
import Base
import CTC
import Dispatch
import NN

public struct CTCObjectiveError: Error, CustomStringConvertible {
    public let description: String
}

public enum CTCObjective {
    public struct Result {
        /// The batch loss (reduction mean); +∞ or NaN if any utterance's is.
        public var loss: Double
        /// −log p(labels) per utterance (not divided by label length); +∞ for an impossible one (0 with zeroInfinity).
        public var utteranceLosses: [Double]
        /// Utterances whose labels cannot fit their frames or whose log-probabilities are not finite (counted
        /// even when zeroInfinity hides them from the loss).
        public var infeasible: Int
        /// dL/dscores, (B, T', C), zero past each utterance's length; empty without `computeGradient`.
        public var gradient: Tensor
        public var isFinite: Bool { loss.isFinite }
    }

    /// log_softmax over the classes of (B, T, C) scores — `CTC.logSoftmaxRows`, the one implementation — rows
    /// split over the workers.
    public static func logSoftmax(_ scores: Tensor, workers: Workers = .available) -> Tensor {
        guard let c = scores.shape.last, c > 0 else { return scores }
        let rows = scores.count / c
        var out = Tensor(uninitialized: scores.shape)
        scores.data.withUnsafeBufferPointer { xp in
            out.data.withUnsafeMutableBufferPointer { yp in
                guard let xb = xp.baseAddress, let yb = yp.baseAddress else { return }
                nonisolated(unsafe) let (xs, ys) = (xb, yb)
                let chunks = min(workers.count, max(1, rows / 256))
                parallelFor(chunks) { w in
                    let lo = rows * w / chunks, hi = rows * (w + 1) / chunks
                    logSoftmaxRows(xs + lo * c, rows: hi - lo, classes: c, into: ys + lo * c)
                }
            }
        }
        return out
    }

    /// logProbs (B, T', C) from `logSoftmax`; lengths[b] ≤ T' valid frames; labels[b] tokenizer classes without blanks.
    /// `zeroInfinity` (PyTorch's `zero_infinity`): an impossible utterance (labels longer than its frames allow)
    /// contributes loss 0 and no gradient instead of making the whole batch infinite.
    /// `meanOver` (default: this batch's B) is the count the mean divides by: a data-parallel rank holding part of
    /// a global batch passes the global count, so the ranks' losses and gradients sum to the whole batch's.
    public static func lossAndGradient(logProbs: Tensor, lengths: [Int], labels: [[Int]], blank: Int,
                                       computeGradient: Bool = true, zeroInfinity: Bool = false,
                                       meanOver: Int? = nil, workers: Workers = .available) throws -> Result {
        guard logProbs.rank == 3 else { throw CTCObjectiveError(description: "CTC loss: log-probabilities \(logProbs.shape) must be (B, T, C)") }
        let (b, t, c) = (logProbs.shape[0], logProbs.shape[1], logProbs.shape[2])
        guard lengths.count == b, labels.count == b else {
            throw CTCObjectiveError(description: "CTC loss: \(b) utterances but \(lengths.count) lengths and \(labels.count) label sequences")
        }
        guard blank >= 0 && blank < c else { throw CTCObjectiveError(description: "CTC loss: blank \(blank) outside 0..<\(c)") }
        for (i, l) in lengths.enumerated() where l < 0 || l > t {
            throw CTCObjectiveError(description: "CTC loss: utterance \(i) has length \(l), outside 0…\(t) frames")
        }
        for (i, ls) in labels.enumerated() {
            if let bad = ls.first(where: { $0 < 0 || $0 >= c || $0 == blank }) {
                throw CTCObjectiveError(description: "CTC loss: utterance \(i) has label \(bad) (the blank \(blank) or outside 0..<\(c))")
            }
        }
        let batchCount = meanOver ?? b
        guard batchCount >= b else { throw CTCObjectiveError(description: "CTC loss: a mean over \(batchCount) utterances of a batch of \(b)") }
        var grad = computeGradient ? Tensor(zeros: [b, t, c]) : Tensor.empty
        var losses = [Double](repeating: 0, count: b)
        var bad = [Bool](repeating: false, count: b)
        logProbs.data.withUnsafeBufferPointer { lp in
            grad.data.withUnsafeMutableBufferPointer { gp in
                losses.withUnsafeMutableBufferPointer { lossp in bad.withUnsafeMutableBufferPointer { badp in
                    // An empty array's base address points at shared storage: never write through it.
                    guard let lpBase = lp.baseAddress, let lossBase = lossp.baseAddress, let badBase = badp.baseAddress else { return }
                    nonisolated(unsafe) let (lpb, gpb, lsb, bdb) = (lpBase, computeGradient ? gp.baseAddress : nil, lossBase, badBase)
                    let n = max(1, min(workers.count, b))
                    parallelFor(n) { w in
                        var ws = CTCWorkspace()
                        var i = w
                        while i < b {
                            let scale = Float(1.0 / (Double(max(labels[i].count, 1)) * Double(batchCount)))
                            let r = labels[i].withUnsafeBufferPointer { lab in
                                CTCLoss.compute(logProbs: lpb + i * t * c, frames: lengths[i], classes: c, frameStride: c,
                                                labels: lab, blank: blank,
                                                gradient: gpb.map { $0 + i * t * c }, gradientStride: c,
                                                gradientScale: scale, zeroInfinity: zeroInfinity, workspace: &ws)
                            }
                            lsb[i] = r.loss
                            bdb[i] = !r.isFeasible || !r.loss.isFinite
                            i += n
                        }
                    }
                } }
            }
        }
        var total = 0.0
        for i in 0..<b { total += losses[i] / Double(max(labels[i].count, 1)) }
        return Result(loss: b > 0 ? total / Double(batchCount) : .nan, utteranceLosses: losses,
                      infeasible: bad.filter { $0 }.count, gradient: grad)
    }
}
