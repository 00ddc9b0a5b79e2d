import XCTest
@testable import CTC

final class TrellisTests: XCTestCase {
    /// Forward and backward against the sum over all K^T paths, including repeats and impossible cases.
    func testAgainstBruteForceEnumeration() throws {
        var r = TinyRandom(1)
        let K = 4, blank = 3
        let cases: [(Int, [Int])] = [(1, []), (1, [0]), (3, []), (4, [0, 1]), (5, [1, 1]), (3, [1, 1]), (2, [1, 1]),
                                     (6, [0, 1, 0]), (6, [2, 2, 2]), (5, [2, 2, 2]), (4, [0, 1, 2, 0]), (7, [0, 0, 1]), (3, [0, 1, 2, 1])]
        for (T, labels) in cases {
            let m = r.logProbs(frames: T, classes: K)
            let tr = try CTCTrellis(m, labels: labels, blank: blank)
            let brute = BruteForce.logLikelihood(m, labels: labels, blank: blank)
            XCTAssertEqual(tr.feasibility.isFeasible, brute > -.infinity, "T=\(T) \(labels)")
            if brute == -.infinity {
                XCTAssertEqual(tr.logLikelihood, -.infinity)
                XCTAssertEqual(tr.backwardLogLikelihood, -.infinity)
                XCTAssert(tr.explanation.hasPrefix("impossible"), tr.explanation)
                XCTAssertFalse(tr.alpha.contains { $0.isNaN } || tr.beta.contains { $0.isNaN })
            } else {
                assertClose(tr.logLikelihood, brute, rel: 1e-12, "forward T=\(T) \(labels)")
                assertClose(tr.backwardLogLikelihood, brute, rel: 1e-12, "backward T=\(T) \(labels)")
                // Σ_s alpha·beta = p at every frame.
                for t in 0..<T {
                    let row = (0..<tr.stateCount).map { tr.alpha(frame: t, state: $0) + tr.beta(frame: t, state: $0) }
                    assertClose(logSumExp(row), brute, rel: 1e-12, "frame \(t)")
                }
            }
        }
    }

    func testFeasibilityExplanation() {
        let f = CTCFeasibility(labels: try! Tokenizer().indices("hello"), frames: 5)
        XCTAssertEqual(f.requiredFrames, 6)
        XCTAssertEqual(f.repeatPositions, [3])
        XCTAssertFalse(f.isFeasible)
        XCTAssertEqual(f.description, "impossible: 5 labels with 1 adjacent repeat (each needs a blank frame between the equal labels) need at least 6 frames, but only 5 are available")
        XCTAssertTrue(CTCFeasibility(labels: [1, 2, 2, 2], frames: 6).isFeasible)
        XCTAssertFalse(CTCFeasibility(labels: [1, 2, 2, 2], frames: 5).isFeasible)
    }

    func testZeroProbabilityIsMinusInfinityNotNaN() throws {
        // Class 0 never possible: labels needing it have p = 0 though the length suffices.
        var p = [Double]()
        for _ in 0..<4 { p += [0, 0.5, 0.5] }
        let m = try LogProbabilities(frames: 4, classes: 3, probabilities: p)
        let tr = try CTCTrellis(m, labels: [0], blank: 2)
        XCTAssertEqual(tr.logLikelihood, -.infinity)
        XCTAssert(tr.explanation.contains("probability 0"), tr.explanation)
        XCTAssertFalse(tr.gradients().logits.contains { $0.isNaN })
        let ok = try CTCTrellis(m, labels: [1], blank: 2)
        assertClose(ok.logLikelihood, ok.backwardLogLikelihood, rel: 1e-12)
    }

    func testInvalidLabelsThrow() throws {
        let m = TinyRandom(2).logProbsCopy(frames: 3, classes: 29)
        XCTAssertThrowsError(try CTCTrellis(m, labels: [2, 28])) { XCTAssert("\($0)".contains("blank")) }
        XCTAssertThrowsError(try CTCTrellis(m, labels: [29])) { XCTAssert("\($0)".contains("outside")) }
    }

    /// The fast Float path (scaled linear domain) against the exact Double log-space tables.
    func testFastPathMatchesExact() throws {
        var r = TinyRandom(3)
        for trial in 0..<30 {
            let T = 1 + r.int(80), K = 29
            let L = r.int(min(T, 30) + 1)
            var labels = (0..<L).map { _ in r.int(28) }
            if L > 2 && trial % 3 == 0 { labels[1] = labels[0] }
            let m = r.logProbs(frames: T, classes: K, scale: 1 + Double(trial % 5))
            let lp32 = m.values.map { Float($0) }
            let m32 = try LogProbabilities(frames: T, classes: K, logValues: lp32.map { Double($0) })
            let exact = try CTCTrellis(m32, labels: labels)
            let fast = try CTCLoss.lossAndGradient(logProbs: lp32, frames: T, classes: K, labels: labels)
            if exact.logLikelihood == -.infinity {
                XCTAssertEqual(fast.result.loss, .infinity)
                XCTAssert(fast.gradient.allSatisfy { $0 == 0 })
                continue
            }
            assertClose(fast.result.loss, -exact.logLikelihood, rel: 1e-11, "trial \(trial)")
            XCTAssertFalse(fast.result.usedLogSpace, "moderate logits should stay on the linear path")
            let g = exact.gradients().logits
            for i in g.indices { assertClose(Double(fast.gradient[i]), g[i], rel: 1e-6, abs: 1e-7) }
        }
    }

    /// Extremely peaky rows push the linear path out of range; it must fall back to log space and stay exact.
    func testFallbackToLogSpaceOnUnderflow() throws {
        var r = TinyRandom(4)
        let T = 120, K = 29
        let m = r.logProbs(frames: T, classes: K, scale: 60)
        let labels = (0..<40).map { _ in r.int(28) }
        let lp32 = m.values.map { Float($0) }
        let exact = try CTCTrellis(try LogProbabilities(frames: T, classes: K, logValues: lp32.map { Double($0) }), labels: labels)
        let fast = try CTCLoss.lossAndGradient(logProbs: lp32, frames: T, classes: K, labels: labels)
        XCTAssertTrue(fast.result.usedLogSpace)
        assertClose(fast.result.loss, -exact.logLikelihood, rel: 1e-12)
        let g = exact.gradients().logits
        for i in g.indices { assertClose(Double(fast.gradient[i]), g[i], rel: 1e-6, abs: 1e-7) }
    }

    func testStridedBatchLayoutAndScale() throws {
        // One utterance read in place out of a (T, B, K) batch with B = 3, gradient scaled.
        var r = TinyRandom(5)
        let T = 20, B = 3, K = 29, b = 1
        let m = r.logProbs(frames: T * B, classes: K)
        let batch = m.values.map { Float($0) }
        var one = [Float]()
        for t in 0..<T { one += batch[((t * B + b) * K)..<((t * B + b + 1) * K)] }
        let labels = [5, 6, 6, 7]
        let ref = try CTCLoss.lossAndGradient(logProbs: one, frames: T, classes: K, labels: labels)
        var grad = [Float](repeating: 9, count: T * B * K)
        var ws = CTCWorkspace()
        let lab = labels
        let res = batch.withUnsafeBufferPointer { x in
            lab.withUnsafeBufferPointer { l in
                grad.withUnsafeMutableBufferPointer { g in
                    CTCLoss.compute(logProbs: x.baseAddress! + b * K, frames: T, classes: K, frameStride: B * K, labels: l,
                                    gradient: g.baseAddress! + b * K, gradientStride: B * K, gradientScale: 0.25, workspace: &ws)
                }
            }
        }
        XCTAssertEqual(res.loss, ref.result.loss)
        for t in 0..<T {
            for k in 0..<K {
                XCTAssertEqual(grad[(t * B + b) * K + k], ref.gradient[t * K + k] * 0.25, accuracy: 1e-7)
                XCTAssertEqual(grad[(t * B) * K + k], 9)   // other utterances untouched
            }
        }
    }
}

extension TinyRandom {
    func logProbsCopy(frames: Int, classes: Int) -> LogProbabilities { var c = self; return c.logProbs(frames: frames, classes: classes) }
}
