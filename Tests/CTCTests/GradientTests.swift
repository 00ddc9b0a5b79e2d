import XCTest
@testable import CTC

final class GradientTests: XCTestCase {
    /// Central finite differences of −log p in Double, w.r.t. raw log-probabilities and w.r.t. logits.
    func testFiniteDifferences() throws {
        var r = TinyRandom(11)
        for (T, labels) in [(6, [0, 1, 1]), (5, [2]), (7, [0, 1, 0, 2])] {
            let K = 4, blank = 3
            var logits = [Double]()
            for _ in 0..<(T * K) { logits.append(1.5 * r.rng.nextGaussian()) }
            let m = try LogProbabilities(frames: T, classes: K, logits: logits)
            let g = try CTCTrellis(m, labels: labels, blank: blank).gradients()
            let h = 1e-5
            for i in 0..<(T * K) {
                var up = m.values, dn = m.values
                up[i] += h; dn[i] -= h
                let fu = try CTCTrellis(LogProbabilities(frames: T, classes: K, logValues: up), labels: labels, blank: blank).negativeLogLikelihood
                let fd = try CTCTrellis(LogProbabilities(frames: T, classes: K, logValues: dn), labels: labels, blank: blank).negativeLogLikelihood
                assertClose(g.logProbabilities[i], (fu - fd) / (2 * h), rel: 1e-6, abs: 1e-8, "dlp[\(i)]")

                var zu = logits, zd = logits
                zu[i] += h; zd[i] -= h
                let lu = try CTCTrellis(LogProbabilities(frames: T, classes: K, logits: zu), labels: labels, blank: blank).negativeLogLikelihood
                let ld = try CTCTrellis(LogProbabilities(frames: T, classes: K, logits: zd), labels: labels, blank: blank).negativeLogLikelihood
                assertClose(g.logits[i], (lu - ld) / (2 * h), rel: 1e-6, abs: 1e-8, "dz[\(i)]")
            }
            // Occupancy rows are distributions.
            for t in 0..<T { assertClose(g.occupancy[(t * K)..<((t + 1) * K)].reduce(0, +), 1, rel: 1e-12) }
        }
    }
}

/// PyTorch `F.ctc_loss` (float64) on the cases of tools/golden_ctc.py.
final class GoldenCTCTests: XCTestCase {
    struct Single: Decodable {
        let name: String, frames: Int, labels: [Int], logits: Int, grad_logits: Int
        let loss: LossValue, loss_zero_infinity: Double
    }
    enum LossValue: Decodable {
        case value(Double), infinite
        init(from d: Decoder) throws {
            let c = try d.singleValueContainer()
            if let v = try? c.decode(Double.self) { self = .value(v) } else { self = .infinite }
        }
        var double: Double { if case .value(let v) = self { return v }; return .infinity }
    }
    struct BatchMean: Decodable { let names: [String]; let loss: Double; let grad_first: Int }
    struct RandomCase: Decodable { let frames: Int, classes: Int, seed: UInt64, peaky: Double, probs: Int; let losses: [String: Double] }
    struct File: Decodable { let classes: Int; let single: [Single]; let batch_mean: BatchMean; let random_probabilities: [RandomCase] }

    var file: File!
    var blob: [Float] = []

    override func setUpWithError() throws {
        file = try Fixture.json("ctc_golden.json", as: File.self)
        blob = try Fixture.floats("ctc_golden.f32")
    }

    func close(_ a: Double, _ b: Double, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssert(abs(a - b) <= 1e-6 + 1e-4 * abs(b), "\(what): \(a) vs torch \(b)", file: file, line: line)
    }

    func testLossAndGradientReductionNone() throws {
        let K = file.classes
        for c in file.single {
            let logits = Array(blob[c.logits..<(c.logits + c.frames * K)])
            let m = try LogProbabilities(frames: c.frames, classes: K, logits: logits.map { Double($0) })
            let exact = try CTCTrellis(m, labels: c.labels)
            let torchGrad = blob[c.grad_logits..<(c.grad_logits + c.frames * K)].map { Double($0) }
            // Exact Double path.
            if c.loss.double == .infinity {
                XCTAssertEqual(exact.negativeLogLikelihood, .infinity, c.name)
            } else {
                close(exact.negativeLogLikelihood, c.loss.double, c.name)
            }
            for (i, g) in exact.gradients().logits.enumerated() { close(g, torchGrad[i], "\(c.name) exact grad[\(i)]") }
            // Fast Float path, zero_infinity on and off.
            let lp32 = m.values.map { Float($0) }
            let fast = try CTCLoss.lossAndGradient(logProbs: lp32, frames: c.frames, classes: K, labels: c.labels, zeroInfinity: true)
            close(fast.result.loss, c.loss_zero_infinity, "\(c.name) fast zero_infinity")
            for (i, g) in fast.gradient.enumerated() { close(Double(g), torchGrad[i], "\(c.name) fast grad[\(i)]") }
            let plain = try CTCLoss.lossAndGradient(logProbs: lp32, frames: c.frames, classes: K, labels: c.labels)
            if c.loss.double == .infinity { XCTAssertEqual(plain.result.loss, .infinity) } else { close(plain.result.loss, c.loss.double, c.name) }
        }
        XCTAssertGreaterThanOrEqual(file.single.count, 15)
    }

    /// reduction='mean' = mean over the batch of loss / target length; the gradient is the per-utterance one
    /// scaled by 1 / (length · batch), i.e. `gradientScale`.
    func testReductionMean() throws {
        let K = file.classes
        let cases = file.batch_mean.names.map { n in file.single.first { $0.name == n }! }
        var total = 0.0
        var firstGrad: [Float] = []
        for (b, c) in cases.enumerated() {
            let logits = Array(blob[c.logits..<(c.logits + c.frames * K)])
            let m = try LogProbabilities(frames: c.frames, classes: K, logits: logits.map { Double($0) })
            let lp32 = m.values.map { Float($0) }
            var ws = CTCWorkspace()
            var g = [Float](repeating: 0, count: c.frames * K)
            let lab = c.labels
            let scale = Float(1.0 / Double(c.labels.count * cases.count))
            let r = lp32.withUnsafeBufferPointer { x in lab.withUnsafeBufferPointer { l in g.withUnsafeMutableBufferPointer { gp in
                CTCLoss.compute(logProbs: x.baseAddress!, frames: c.frames, classes: K, frameStride: K, labels: l,
                                gradient: gp.baseAddress, gradientStride: K, gradientScale: scale, workspace: &ws)
            } } }
            total += r.loss / Double(c.labels.count)
            if b == 0 { firstGrad = g }
        }
        close(total / Double(cases.count), file.batch_mean.loss, "mean loss")
        let tg = blob[file.batch_mean.grad_first..<(file.batch_mean.grad_first + firstGrad.count)]
        for (i, v) in tg.enumerated() { XCTAssert(abs(Double(firstGrad[i]) - Double(v)) <= 1e-8 + 1e-4 * abs(Double(v)), "mean grad[\(i)]") }
    }

    /// The end-to-end case: RandomProbabilities.generate reproduces the stored matrix, and its CTC losses match.
    func testRandomProbabilitiesCase() throws {
        for rc in file.random_probabilities {
            let stored = Array(blob[rc.probs..<(rc.probs + rc.frames * rc.classes)])
            let mine = RandomProbabilities.generate(frames: rc.frames, classes: rc.classes, seed: rc.seed, peaky: rc.peaky)
            XCTAssertEqual(mine, stored, "generator drifted from tools/golden_ctc.py (seed \(rc.seed))")
            let m = RandomProbabilities.logProbabilities(frames: rc.frames, classes: rc.classes, seed: rc.seed, peaky: rc.peaky)
            for (text, loss) in rc.losses {
                let tr = try CTCTrellis(m, labels: try Tokenizer().indices(text))
                close(tr.negativeLogLikelihood, loss, "seed \(rc.seed) '\(text)'")
            }
        }
    }
}
