// The one log-softmax (`logSoftmaxRows`): against the textbook formula log(exp(x) / Σ exp(x)), stable where that
// formula overflows, the same in Float and Double, and what `LogProbabilities(logits:)` applies.
import XCTest
@testable import CTC

final class LogSoftmaxTests: XCTestCase {
    func testMatchesTheTextbookFormula() {
        var r = TinyRandom(5)
        let x = (0..<(7 * 29)).map { _ in 3 * r.rng.nextGaussian() }
        let y = logSoftmaxRows(x, classes: 29)
        for row in 0..<7 {
            let xs = x[(row * 29)..<((row + 1) * 29)]
            let z = xs.map { exp($0) }.reduce(0, +)
            for k in 0..<29 { XCTAssertEqual(y[row * 29 + k], log(exp(x[row * 29 + k]) / z), accuracy: 1e-12) }
        }
    }

    func testLargeScoresDoNotOverflowAndShiftsCancel() {
        let x: [Double] = [1000, 1001, 999, -5]
        let shifted = logSoftmaxRows(x.map { $0 - 1000 }, classes: 4)
        for (a, b) in zip(logSoftmaxRows(x, classes: 4), shifted) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        XCTAssertEqual(shifted.map { exp($0) }.reduce(0, +), 1, accuracy: 1e-12)
        // In Float the log-sum-exp near 1001 is rounded to its ulp (6e-5): that bounds the difference.
        let f = logSoftmaxRows(x.map(Float.init), classes: 4)
        for k in 0..<4 { XCTAssertEqual(Double(f[k]), shifted[k], accuracy: 6.2e-5) }
    }

    func testMinusInfinityScoreIsProbabilityZero() {
        let y = logSoftmaxRows([0, -Double.infinity, 0], classes: 3)
        XCTAssertEqual(y[1], -.infinity)
        XCTAssertEqual(y[0], -log(2), accuracy: 1e-15)
    }

    func testLogProbabilitiesFromLogitsUseIt() throws {
        let logits: [Double] = [0.5, -1, 2, 3, 0, -0.25]
        let m = try LogProbabilities(frames: 2, classes: 3, logits: logits)
        XCTAssertEqual(m.values, logSoftmaxRows(logits, classes: 3))
        // A NaN score is an error, not a matrix of NaN.
        XCTAssertThrowsError(try LogProbabilities(frames: 1, classes: 3, logits: [0, .nan, 1]))
    }
}
