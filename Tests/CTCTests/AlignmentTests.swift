import XCTest
@testable import CTC

final class AlignmentTests: XCTestCase {
    /// Soft alignment = brute-force state posteriors; Viterbi = the most probable single path over all K^T.
    func testAgainstBruteForce() throws {
        var r = TinyRandom(41)
        let K = 4, blank = 3
        for (T, labels) in [(5, [0, 1]), (6, [1, 1]), (6, [0, 2, 0]), (4, [2])] {
            let m = r.logProbs(frames: T, classes: K, scale: 2)
            let tr = try CTCTrellis(m, labels: labels, blank: blank)
            let soft = tr.softAlignment()
            // Posterior of "label position i emitted at frame t" by enumeration.
            var occ = [Double](repeating: 0, count: T * (labels.count + 1))
            var total = 0.0
            var bestPath: [Int] = [], bestLP = -Double.infinity
            BruteForce.forEachPath(m) { path, lp in
                guard BruteForce.collapse(path, blank: blank) == labels else { return }
                total += exp(lp)
                if lp > bestLP { bestLP = lp; bestPath = path }
                // Label index per frame: count label emissions so far.
                var i = -1
                for t in 0..<T {
                    if path[t] != blank && (t == 0 || path[t] != path[t - 1] ) { i += 1 }
                    if path[t] != blank { occ[t * (labels.count + 1) + i] += exp(lp) }
                }
            }
            for t in 0..<T {
                assertClose((0..<tr.stateCount).map { soft.posterior(frame: t, state: $0) }.reduce(0, +), 1, rel: 1e-12)
                for i in 0..<labels.count {
                    assertClose(soft.posterior(frame: t, state: 2 * i + 1), occ[t * (labels.count + 1) + i] / total, rel: 1e-9, abs: 1e-12)
                }
            }
            let v = try XCTUnwrap(tr.viterbi())
            XCTAssertEqual(v.framePath, bestPath, "T=\(T) \(labels)")
            assertClose(v.logProbability, bestLP, rel: 1e-12)
            XCTAssertEqual(v.symbols.map(\.symbol), labels)
            for s in v.symbols {
                XCTAssert(s.startFrame <= s.endFrame)
                XCTAssert((s.startFrame...s.endFrame).allSatisfy { bestPath[$0] == s.symbol })
                let mean = (s.startFrame...s.endFrame).map { soft.posterior(frame: $0, state: 2 * s.labelIndex + 1) }.reduce(0, +) / Double(s.endFrame - s.startFrame + 1)
                assertClose(s.confidence, mean, rel: 1e-12)
            }
        }
    }

    func testNotebookQuirkAndImpossible() throws {
        var r = TinyRandom(42)
        let m = r.logProbs(frames: 5, classes: 29)
        let tr = try CTCTrellis(m, labels: [2, 3])
        let q = tr.softAlignment(notebookQuirk: true)
        // Cell 15 weights each posterior by the state's emission for t < T−1; the last frame is unchanged.
        let p = tr.softAlignment()
        for s in 0..<tr.stateCount { assertClose(q.posterior(frame: 4, state: s), p.posterior(frame: 4, state: s), rel: 1e-12) }
        XCTAssertNotEqual(q.posterior(frame: 1, state: 1), p.posterior(frame: 1, state: 1))
        let bad = try CTCTrellis(m, labels: [2, 2, 2, 2])   // needs 7 frames
        XCTAssertNil(bad.viterbi())
        XCTAssert(bad.softAlignment().posteriors.allSatisfy { $0 == 0 })
    }
}
