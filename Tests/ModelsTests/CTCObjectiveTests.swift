// The one batched CTC objective (log-softmax + nn.CTCLoss(reduction='mean') with the gradient w.r.t. the scores)
// against PyTorch (fixtures/golden/nn_ctc_mean.json from tools/golden_layers.py) and against finite differences.
// Training, evaluation and `bench ctc` call exactly these functions.
import Base
import CTC
import Foundation
import XCTest
@testable import Models
import NN

final class CTCObjectiveTests: XCTestCase {
    struct Golden {
        let json: [String: Any]
        init() throws {
            json = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.golden("nn_ctc_mean.json"))) as! [String: Any]
        }
        func tensor(_ key: String) -> Tensor {
            let d = json[key] as! [String: Any]
            return Tensor(shape: (d["shape"] as! [NSNumber]).map(\.intValue), data: (d["data"] as! [NSNumber]).map(\.floatValue))
        }
        func ints(_ key: String) -> [Int] { (json[key] as! [NSNumber]).map(\.intValue) }
        func doubles(_ key: String) -> [Double] { (json[key] as! [NSNumber]).map(\.doubleValue) }
    }

    static func random(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
        var rng = Xoshiro256StarStar(seed: seed)
        return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in rng.uniform(scale) })
    }

    func testMatchesPyTorchBatchMean() throws {
        let g = try Golden()
        let targets = (g.json["targets"] as! [[NSNumber]]).map { $0.map(\.intValue) }
        let lp = CTCObjective.logSoftmax(g.tensor("logits"))
        let r = try CTCObjective.lossAndGradient(logProbs: lp, lengths: g.ints("input_lengths"), labels: targets, blank: 28)
        let loss = (g.json["loss"] as! NSNumber).doubleValue
        XCTAssertEqual(r.loss, loss, accuracy: 1e-4 * abs(loss))
        for (a, b) in zip(r.utteranceLosses, g.doubles("per_utterance")) { XCTAssertEqual(a, b, accuracy: 1e-4 * abs(b)) }
        XCTAssertEqual(r.infeasible, 0)
        let expected = g.tensor("dlogits")
        XCTAssertEqual(r.gradient.shape, expected.shape)
        for i in 0..<expected.count {
            XCTAssertEqual(r.gradient.data[i], expected.data[i], accuracy: 1e-4 * abs(expected.data[i]) + 1e-6, "dlogits[\(i)]")
        }
    }

    func testImpossibleUtteranceIsCountedAndZeroInfinityHidesIt() throws {
        let lp = CTCObjective.logSoftmax(Self.random([2, 3, 29], seed: 31))
        let labels = [[1, 2], [4, 4, 4]]   // the second needs 5 frames
        let r = try CTCObjective.lossAndGradient(logProbs: lp, lengths: [3, 3], labels: labels, blank: 28)
        XCTAssertEqual(r.infeasible, 1)
        XCTAssertFalse(r.isFinite)
        let z = try CTCObjective.lossAndGradient(logProbs: lp, lengths: [3, 3], labels: labels, blank: 28, zeroInfinity: true)
        XCTAssertEqual(z.infeasible, 1)
        XCTAssertTrue(z.isFinite)
        XCTAssertEqual(z.utteranceLosses[1], 0)
        XCTAssertTrue(z.gradient.data[(3 * 29)...].allSatisfy { $0 == 0 })
    }

    func testGradientMatchesFiniteDifferences() throws {
        let logits = Self.random([2, 6, 29], seed: 32, scale: 2)
        let (lengths, labels) = ([6, 4], [[3, 3, 7], [1]])
        func loss(_ z: Tensor) throws -> Double {
            try CTCObjective.lossAndGradient(logProbs: CTCObjective.logSoftmax(z), lengths: lengths, labels: labels,
                                             blank: 28, computeGradient: false).loss
        }
        let g = try CTCObjective.lossAndGradient(logProbs: CTCObjective.logSoftmax(logits), lengths: lengths, labels: labels, blank: 28).gradient
        var rng = Xoshiro256StarStar(seed: 33)
        for _ in 0..<30 {
            let i = Int(rng.next() % UInt64(logits.count))
            var p = logits, m = logits
            p.data[i] += 1e-2
            m.data[i] -= 1e-2
            XCTAssertEqual(Double(g.data[i]), (try loss(p) - loss(m)) / 2e-2, accuracy: 2e-4, "dlogits[\(i)]")
        }
    }

    /// The Tensor log-softmax (rows split over workers) is the CTC module's Double log-softmax rounded to Float.
    func testLogSoftmaxOfATensorIsTheOneLogSoftmax() {
        let x = Self.random([3, 300, 29], seed: 34, scale: 8)   // enough rows to be split over the workers
        let y = CTCObjective.logSoftmax(x)
        let exact = logSoftmaxRows(x.data.map(Double.init), classes: 29)
        XCTAssertEqual(y.shape, x.shape)
        for i in 0..<x.count { XCTAssertEqual(Double(y.data[i]), exact[i], accuracy: 2e-6 * max(1, abs(exact[i]))) }
    }

    func testBadLabelsAndLengthsAreErrorsNotTraps() {
        let lp = CTCObjective.logSoftmax(Self.random([1, 4, 29], seed: 35))
        XCTAssertThrowsError(try CTCObjective.lossAndGradient(logProbs: lp, lengths: [5], labels: [[1]], blank: 28))
        XCTAssertThrowsError(try CTCObjective.lossAndGradient(logProbs: lp, lengths: [4], labels: [[28]], blank: 28))
        XCTAssertThrowsError(try CTCObjective.lossAndGradient(logProbs: lp, lengths: [4, 4], labels: [[1]], blank: 28))
    }
}

final class CTCObjectiveShardTests: XCTestCase {
    /// A data-parallel rank computes its utterances' part of the global mean (meanOver = the global count): the
    /// parts of any split must add up to the whole batch's loss, and each utterance's gradient rows must be the
    /// whole batch's rows.
    func testPartsOfTheGlobalMeanAddUpToTheWholeBatch() throws {
        let (b, t, c) = (5, 9, 6)
        let lp = CTCObjective.logSoftmax(CTCObjectiveTests.random([b, t, c], seed: 3, scale: 2))
        let lengths = [9, 7, 8, 9, 6], labels = [[1, 2], [3], [0, 0, 1], [4, 2, 4], [2]]
        let whole = try CTCObjective.lossAndGradient(logProbs: lp, lengths: lengths, labels: labels, blank: 5)
        for ranks in [2, 3] {
            var total = 0.0
            for rank in 0..<ranks {
                let places = Array(stride(from: rank, to: b, by: ranks))
                let slice = Tensor(shape: [places.count, t, c], data: places.flatMap { Array(lp.data[$0 * t * c..<($0 + 1) * t * c]) })
                let part = try CTCObjective.lossAndGradient(logProbs: slice, lengths: places.map { lengths[$0] },
                                                            labels: places.map { labels[$0] }, blank: 5, meanOver: b)
                total += part.loss
                for (i, place) in places.enumerated() {
                    let mine = Array(part.gradient.data[i * t * c..<(i + 1) * t * c])
                    let theirs = Array(whole.gradient.data[place * t * c..<(place + 1) * t * c])
                    for (x, y) in zip(mine, theirs) { XCTAssertEqual(x, y, accuracy: 1e-7) }
                }
            }
            XCTAssertEqual(total, whole.loss, accuracy: 1e-12 * abs(whole.loss) + 1e-12)
        }
        XCTAssertThrowsError(try CTCObjective.lossAndGradient(logProbs: lp, lengths: lengths, labels: labels, blank: 5, meanOver: 4))
    }
}
