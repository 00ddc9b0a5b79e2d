// The statistics of `blanks` on matrices small enough to compute by hand (3 classes, blank = class 2).
import CTC
import XCTest
@testable import Analysis

final class FrameStatisticsTests: XCTestCase {
    /// Four frames: a non-blank peak, a blank peak, a one-hot blank (0 · ln 0 must count as 0), and a tie between
    /// class 0 and the blank (the arg-max is the first, as numpy's: not a blank frame).
    let rows: [[Double]] = [[0.5, 0.25, 0.25], [0.1, 0.1, 0.8], [0, 0, 1], [0.4, 0.2, 0.4]]

    func matrix(_ rows: [[Double]]) throws -> LogProbabilities {
        try LogProbabilities(frames: rows.count, classes: 3, probabilities: rows.flatMap { $0 })
    }

    func testBlankRatioPosteriorPeakinessAndEntropyOfAHandMadeMatrix() throws {
        let s = FrameStatistics(try matrix(rows), blank: 2)
        XCTAssertEqual(s.frames, 4)
        XCTAssertEqual(s.blankArgmaxFrames, 2)
        XCTAssertEqual(s.blankArgmaxRatio, 0.5)
        XCTAssertEqual(s.meanBlankPosterior, (0.25 + 0.8 + 1 + 0.4) / 4, accuracy: 1e-12)
        XCTAssertEqual(s.peakiness, (0.5 + 0.8 + 1 + 0.4) / 4, accuracy: 1e-12)
        let h0 = 1.5 * log(2.0)                          // −(½ ln ½ + 2 · ¼ ln ¼)
        let h1 = -(2 * 0.1 * log(0.1) + 0.8 * log(0.8))
        let h3 = -(2 * 0.4 * log(0.4) + 0.2 * log(0.2))
        XCTAssertEqual(s.meanEntropy, (h0 + h1 + 0 + h3) / 4, accuracy: 1e-12)
    }

    func testUniformFramesHaveEntropyLnKAndPeakinessOneOverK() throws {
        let s = FrameStatistics(try matrix([[1.0 / 3, 1.0 / 3, 1.0 / 3]]), blank: 2)
        XCTAssertEqual(s.meanEntropy, log(3.0), accuracy: 1e-12)
        XCTAssertEqual(s.peakiness, 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(s.blankArgmaxRatio, 0, "a three-way tie goes to class 0, not the blank")
    }

    func testUtterancesPoolByFramesNotByMeanOfRatios() throws {
        let a = FrameStatistics(try matrix([[0, 0, 1]]), blank: 2)            // 1 frame, all blank
        let b = FrameStatistics(try matrix(Array(repeating: [1, 0, 0], count: 3)), blank: 2)   // 3 frames, none blank
        let pooled = a + b
        XCTAssertEqual(pooled.blankArgmaxRatio, 0.25, "1 blank frame of 4, not the mean of 1 and 0")
        XCTAssertEqual(pooled.meanBlankPosterior, 0.25, accuracy: 1e-12)
        XCTAssertTrue(FrameStatistics().blankArgmaxRatio.isNaN, "no frames: no ratio, not 0")
    }

    /// Five near-one-hot frames reading class 0, class 0, blank, class 1, class 1: the Viterbi path of the labels
    /// [0, 1] spends 2 frames on each character.
    func testEmissionWidthsAlongAForcedViterbiPath() throws {
        let u = try UtteranceAlignment(id: "u", transcript: "", labels: [0, 1], matrix: try path([0, 0, 2, 1, 1]), blank: 2)
        XCTAssertEqual(u.viterbi?.framePath, [0, 0, 2, 1, 1])
        XCTAssertEqual(u.emissionWidths, [2, 2])
        XCTAssertEqual(EmissionWidths.histogram([2, 2, 1, 4]), [0, 1, 2, 0, 1])
        XCTAssertEqual(u.statistics.blankArgmaxRatio, 0.2, accuracy: 1e-12)
        XCTAssertNotNil(u.loss)
        XCTAssertGreaterThan(u.loss!, 0)
    }

    func testAnUnalignableTranscriptHasNoLossAndNoWidths() throws {
        // Three labels cannot fit two frames.
        let u = try UtteranceAlignment(id: "u", transcript: "", labels: [0, 1, 0], matrix: try path([0, 1]), blank: 2)
        XCTAssertNil(u.loss)
        XCTAssertNil(u.viterbi)
        XCTAssertEqual(u.emissionWidths, [])
    }

    /// Frames that put 0.98 on the given class and 0.01 on the other two.
    func path(_ classes: [Int]) throws -> LogProbabilities {
        try matrix(classes.map { c in (0..<3).map { $0 == c ? 0.98 : 0.01 } })
    }
}

final class CorrelationTests: XCTestCase {
    func testPearsonAgainstAHandComputedValue() throws {
        // Σdx·dy = 11, Σdx² = 5, Σdy² = 26 → r = 11 / √130.
        let r = try XCTUnwrap(Correlation.pearson([1, 2, 3, 4], [2, 4, 5, 9]))
        XCTAssertEqual(r, 11 / 130.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(Correlation.pearson([1, 2, 3], [6, 4, 2])), -1, accuracy: 1e-12)
    }

    func testSpearmanGivesTiesTheirMeanRank() throws {
        XCTAssertEqual(Correlation.ranks([10, 20, 20, 30]), [1, 2.5, 2.5, 4])
        // Ranks [1, 2.5, 2.5, 4] and [1, 3, 2, 4]: Σdx·dy = 4.5, Σdx² = 4.5, Σdy² = 5 → ρ = 4.5 / √22.5.
        let rho = try XCTUnwrap(Correlation.spearman([10, 20, 20, 30], [1, 3, 2, 4]))
        XCTAssertEqual(rho, 4.5 / 22.5.squareRoot(), accuracy: 1e-12)
        // A monotone but non-linear relation: Spearman 1, Pearson below 1.
        XCTAssertEqual(try XCTUnwrap(Correlation.spearman([1, 2, 3, 4], [1, 10, 100, 1000])), 1, accuracy: 1e-12)
        XCTAssertLessThan(try XCTUnwrap(Correlation.pearson([1, 2, 3, 4], [1, 10, 100, 1000])), 0.99)
    }

    func testUndefinedCorrelationsAreNilNotNaN() {
        XCTAssertNil(Correlation.pearson([1, 1, 1], [1, 2, 3]), "a constant variable")
        XCTAssertNil(Correlation.pearson([1], [1]), "one pair")
        XCTAssertNil(Correlation.spearman([1, 2], [1]), "unequal lengths")
        XCTAssertNil(Correlation.pearson([1, .nan, 3], [1, 2, 3]))
    }
}

final class BoundaryDifferenceTests: XCTestCase {
    func alignment(_ classes: [Int]) throws -> ForcedAlignment {
        let m = try LogProbabilities(frames: classes.count, classes: 3,
                                     probabilities: classes.flatMap { c in (0..<3).map { $0 == c ? 0.98 : 0.01 } })
        return try XCTUnwrap(CTCTrellis(m, labels: [0, 1], blank: 2).viterbi())
    }

    func testStartFrameDifferencesOfTwoHandMadePaths() throws {
        let a = try alignment([0, 0, 2, 1, 1])      // starts 0 and 3
        let b = try alignment([2, 0, 1, 1, 1])      // starts 1 and 2
        let d = try XCTUnwrap(BoundaryDifference(a, secondsPerFrameA: 0.02, b, secondsPerFrameB: 0.02))
        XCTAssertEqual(d.frames, [1, -1])
        XCTAssertEqual(d.seconds[0], 0.02, accuracy: 1e-12)
        XCTAssertEqual(d.seconds[1], -0.02, accuracy: 1e-12)
        let mean = try XCTUnwrap(BoundaryDifference.meanAbsolute([d]))
        XCTAssertEqual(mean.frames, 1, accuracy: 1e-12)
        XCTAssertEqual(mean.seconds * 1000, 20, accuracy: 1e-9)
    }

    func testModelsWithDifferentFrameRatesAreComparedInTime() throws {
        // B's frames last twice as long: its starts 1 and 2 are at 40 and 80 ms; A's at 0 and 60 ms.
        let d = try XCTUnwrap(BoundaryDifference(try alignment([0, 0, 2, 1, 1]), secondsPerFrameA: 0.02,
                                                 try alignment([2, 0, 1, 1, 1]), secondsPerFrameB: 0.04))
        XCTAssertEqual(d.seconds[0], 0.04, accuracy: 1e-12)
        XCTAssertEqual(d.seconds[1], 0.02, accuracy: 1e-12)
        XCTAssertEqual(d.frames[0], 2, accuracy: 1e-9)
        XCTAssertEqual(d.frames[1], 1, accuracy: 1e-9)
    }

    func testDifferentTranscriptsAreNotCompared() throws {
        let m = try LogProbabilities(frames: 3, classes: 3, probabilities: Array(repeating: 1.0 / 3, count: 9))
        let one = try XCTUnwrap(CTCTrellis(m, labels: [0], blank: 2).viterbi())
        XCTAssertNil(BoundaryDifference(try alignment([0, 0, 2, 1, 1]), secondsPerFrameA: 0.02, one, secondsPerFrameB: 0.02))
    }
}
