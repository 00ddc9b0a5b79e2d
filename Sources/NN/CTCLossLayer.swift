// BatchedCTCLoss: nn.CTCLoss(blank, reduction='mean', zero_infinity) over a batch, on top of the CTC module's
// per-utterance forward–backward (CTC.CTCLoss.compute), utterances split over the workers given at init.
// Input: log-probabilities (B, T, C) [or (T, B, C) with `timeMajor`], the output of LogSoftmax.
// Loss: mean over the batch of loss_b / max(targetLength_b, 1), as PyTorch's 'mean'.
// Gradient: with respect to the LOGITS that fed log_softmax (softmax − occupancy, scaled by 1/(B·L_b)),
// which is exactly what PyTorch's autograd delivers to the logits through log_softmax; frames ≥ inputLength
// get zero. So the model skips LogSoftmax.backward and feeds this gradient straight into the classifier.
import Base
import CTC

public struct BatchedCTCLoss {
    public var blank: Int
    public var zeroInfinity: Bool
    private var workspaces: [CTCWorkspace]

    public init(blank: Int = 28, zeroInfinity: Bool = false, workers: Workers = .available) {
        self.blank = blank
        self.zeroInfinity = zeroInfinity
        workspaces = (0..<workers.count).map { _ in CTCWorkspace() }
    }

    public struct Result: Sendable {
        /// The batch mean of per-utterance loss / target length (what PyTorch returns); +∞ if any is infinite.
        public var loss: Double
        /// −log p(target_b | x_b) per utterance (not divided by the target length); 0 for impossible ones when zeroInfinity.
        public var perUtterance: [Double]
        /// Utterances whose loss is not finite (impossible alignments — counted even when zeroInfinity hides them —
        /// or NaN inputs): skip the batch if > 0.
        public var nonFiniteCount: Int
        /// dLoss/dlogits, same shape as the input (zero at padded frames).
        public var gradient: Tensor
    }

    /// logProbs is (B, T, C) (or (T, B, C) if timeMajor); targets[b] are class indices (no blanks).
    public mutating func compute(logProbs: Tensor, inputLengths: [Int], targets: [[Int]], timeMajor: Bool = false,
                                 computeGradient: Bool = true) -> Result {
        precondition(logProbs.rank == 3, "BatchedCTCLoss: log-probabilities \(logProbs.shape) must have rank 3")
        let (bDim, tDim) = timeMajor ? (1, 0) : (0, 1)
        let (B, T, C) = (logProbs.shape[bDim], logProbs.shape[tDim], logProbs.shape[2])
        precondition(inputLengths.count == B && targets.count == B,
                     "BatchedCTCLoss: \(inputLengths.count) input lengths and \(targets.count) targets for a batch of \(B)")
        precondition(inputLengths.allSatisfy { $0 >= 0 && $0 <= T }, "BatchedCTCLoss: input lengths \(inputLengths) exceed \(T) frames")
        precondition(blank >= 0 && blank < C, "BatchedCTCLoss: blank \(blank) outside 0..<\(C)")
        let frameStride = timeMajor ? B * C : C
        let uttStride = timeMajor ? C : T * C
        var losses = [Double](repeating: 0, count: B)
        var bad = [Bool](repeating: false, count: B)
        var grad = computeGradient ? Tensor(zeros: logProbs.shape) : Tensor.empty
        let labels32 = targets.map { $0.map { Int32($0) } }
        let (blank, zeroInf) = (blank, zeroInfinity)
        let workers = min(workspaces.count, max(1, B))
        logProbs.data.withUnsafeBufferPointer { lp in
            grad.data.withUnsafeMutableBufferPointer { gp in
                losses.withUnsafeMutableBufferPointer { lossP in bad.withUnsafeMutableBufferPointer { badP in
                    workspaces.withUnsafeMutableBufferPointer { wsP in
                        // An empty array's base address points at shared storage: never write through it.
                        let gs = computeGradient ? gp.baseAddress : nil
                        let (lps, ls, wss, bads) = (lp.baseAddress!, lossP.baseAddress!, wsP.baseAddress!, badP.baseAddress!)
                        parallelFor(workers) { w in
                            var b = w
                            while b < B {
                                let scale = Float(1 / (Double(max(targets[b].count, 1)) * Double(B)))
                                let r = labels32[b].withUnsafeBufferPointer { lab in
                                    CTCLoss.compute(logProbs: lps + b * uttStride, frames: inputLengths[b], classes: C,
                                                    frameStride: frameStride, labels: lab, blank: blank,
                                                    gradient: gs.map { $0 + b * uttStride }, gradientStride: frameStride,
                                                    gradientScale: scale, zeroInfinity: zeroInf, workspace: &wss[w])
                                }
                                ls[b] = r.loss
                                bads[b] = !r.isFeasible || !r.loss.isFinite
                                b += workers
                            }
                        }
                    }
                } }
            }
        }
        let nonFinite = bad.filter { $0 }.count
        var mean = 0.0
        for b in 0..<B { mean += losses[b] / Double(max(targets[b].count, 1)) }
        mean /= Double(max(B, 1))
        return Result(loss: mean, perUtterance: losses, nonFiniteCount: nonFinite, gradient: grad)
    }
}
