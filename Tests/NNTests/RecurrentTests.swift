// LSTM and GRU: finite differences (with lengths, both directions, projection, stacking) and the padding
// contract (padding never reaches valid outputs or gradients; the reverse direction starts at L−1).
import Base
import Foundation
import XCTest
@testable import NN

final class RecurrentTests: XCTestCase {
    func testLSTMGradientsBidirectionalProjectionLengths() {
        var rng = Xoshiro256StarStar(seed: 21)
        let lstm = LSTM(inputSize: 4, hiddenSize: 5, numLayers: 2, bidirectional: true, projSize: 3, name: "rnn", rng: &rng)
        checkGradients(lstm, input: randomTensor([3, 5, 4], seed: 22),
                       forward: { $0.forward($1, lengths: [5, 2, 4]) }, backward: { $0.backward($1) })
    }

    func testLSTMGradientsUnidirectionalWithDropout() {
        var rng = Xoshiro256StarStar(seed: 23)
        let lstm = LSTM(inputSize: 3, hiddenSize: 4, numLayers: 2, dropout: 0.3, name: "rnn", rng: &rng)
        checkGradients(lstm, input: randomTensor([2, 4, 3], seed: 24),
                       forward: { $0.forward($1, lengths: [4, 3]) }, backward: { $0.backward($1) })
    }

    func testGRUGradients() {
        var rng = Xoshiro256StarStar(seed: 25)
        let gru = GRU(inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, name: "gru", rng: &rng)
        checkGradients(gru, input: randomTensor([3, 5, 3], seed: 26),
                       forward: { $0.forward($1, lengths: [3, 5, 1]) }, backward: { $0.backward($1) })
    }

    func testParameterNamesFollowPyTorch() {
        var rng = Xoshiro256StarStar(seed: 27)
        var lstm = LSTM(inputSize: 4, hiddenSize: 5, numLayers: 2, bidirectional: true, projSize: 3, name: "m", rng: &rng)
        let shapes = lstm.parameterShapes()
        XCTAssertEqual(shapes.map(\.name).prefix(10), [
            "m.weight_ih_l0", "m.weight_hh_l0", "m.bias_ih_l0", "m.bias_hh_l0", "m.weight_hr_l0",
            "m.weight_ih_l0_reverse", "m.weight_hh_l0_reverse", "m.bias_ih_l0_reverse", "m.bias_hh_l0_reverse",
            "m.weight_hr_l0_reverse",
        ])
        XCTAssertEqual(shapes[0].shape, [20, 4])
        XCTAssertEqual(shapes[1].shape, [20, 3])
        XCTAssertEqual(shapes[4].shape, [3, 5])
        XCTAssertEqual(shapes[10].shape, [20, 6], "layer 1 reads both directions' projections")
        XCTAssertEqual(lstm.outputSize, 6)
    }

    /// A padded sequence in a batch gives exactly what it gives alone, whatever the padding holds.
    func testPaddingNeverLeaks() {
        for bidirectional in [false, true] {
            var rng = Xoshiro256StarStar(seed: 28)
            let proto = LSTM(inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: bidirectional, projSize: 2,
                             name: "", rng: &rng)
            let (T, L) = (6, 4)
            var x = randomTensor([2, T, 3], seed: 29)
            var batch = proto
            let y = batch.forward(x, lengths: [T, L])
            // Garbage in the padding of sequence 1 must not change anything.
            for t in L..<T { for i in 0..<3 { x.data[(T + t) * 3 + i] = 1000 } }
            var batch2 = proto
            let y2 = batch2.forward(x, lengths: [T, L])
            XCTAssertEqual(y, y2)
            let w = batch.outputSize
            for t in L..<T { for j in 0..<w { XCTAssertEqual(y.data[(T + t) * w + j], 0, "output past the length is zero") } }
            // Sequence 1 alone (T = L) gives the same valid outputs.
            var alone = proto
            let xs = Tensor(shape: [1, L, 3], data: Array(x.data[(T * 3)..<(T * 3 + L * 3)]))
            let ya = alone.forward(xs, lengths: [L])
            for t in 0..<L { for j in 0..<w {
                XCTAssertEqual(y.data[(T + t) * w + j], ya.data[t * w + j], accuracy: 1e-6)
            } }
            // Gradients: padding frames get zero input gradient; the batch's parameter gradient equals the sum of
            // the two sequences run alone.
            var dy = randomTensor(y.shape, seed: 30)
            let dx = batch2.backward(dy)
            for t in L..<T { for i in 0..<3 { XCTAssertEqual(dx.data[(T + t) * 3 + i], 0) } }
            var first = proto, second = proto
            _ = first.forward(Tensor(shape: [1, T, 3], data: Array(x.data[0..<(T * 3)])), lengths: [T])
            _ = first.backward(Tensor(shape: [1, T, w], data: Array(dy.data[0..<(T * w)])))
            _ = second.forward(xs, lengths: [L])
            _ = second.backward(Tensor(shape: [1, L, w], data: Array(dy.data[(T * w)..<(T * w + L * w)])))
            var gb: [[Float]] = [], g1: [[Float]] = [], g2: [[Float]] = []
            batch2.visitParameters { gb.append($0.grad) }
            first.visitParameters { g1.append($0.grad) }
            second.visitParameters { g2.append($0.grad) }
            for k in gb.indices {
                assertClose(gb[k], zip(g1[k], g2[k]).map { $0 + $1 }, rel: 1e-4, abs: 1e-5, "param \(k)")
            }
            // Changing dL/dy at padded frames changes nothing.
            for t in L..<T { for j in 0..<w { dy.data[(T + t) * w + j] = 77 } }
            var batch3 = proto
            _ = batch3.forward(x, lengths: [T, L])
            XCTAssertEqual(batch3.backward(dy), dx)
        }
    }

    /// The gates' tanh against the exact function (Double): a dense grid over [−12, 12], a log-spaced one from 10⁻⁸
    /// to 16 on both sides (the series and the exp form meet at 1/4), the limits, and NaN passing through.
    func testGateTanhAgainstTheExactFunction() {
        var xs: [Float] = stride(from: -12.0, through: 12.0, by: 1.0 / 4096).map { Float($0) }
        for e in stride(from: -8.0, through: 1.2, by: 1.0 / 2048) { xs += [Float(pow(10, e)), -Float(pow(10, e))] }
        xs += [0.25, -0.25, Float(0.25).nextDown, Float(-0.25).nextUp, 0, -0]
        var maxAbs = 0.0, maxRel = 0.0
        for x in xs {
            let exact = Foundation.tanh(Double(x)), got = Double(gateTanh(x))
            maxAbs = max(maxAbs, abs(got - exact))
            if exact != 0 { maxRel = max(maxRel, abs(got - exact) / abs(exact)) }
        }
        XCTAssertLessThan(maxAbs, 2e-7)
        XCTAssertLessThan(maxRel, 7e-7)
        XCTAssertEqual(gateTanh(100), 1)
        XCTAssertEqual(gateTanh(-100), -1)
        XCTAssertEqual(gateTanh(.infinity), 1)
        XCTAssertEqual(gateTanh(-.infinity), -1)
        XCTAssertTrue(gateTanh(.nan).isNaN)
    }
}
