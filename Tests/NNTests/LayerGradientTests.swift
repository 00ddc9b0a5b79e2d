// Finite-difference checks of every single-input layer's backward, and forward oracles.
import Base
import XCTest
@testable import NN

final class LayerGradientTests: XCTestCase {
    func testLinear() {
        var rng = Xoshiro256StarStar(seed: 1)
        let layer = Linear(inFeatures: 5, outFeatures: 4, name: "fc", rng: &rng)
        checkLayer(layer, input: randomTensor([2, 3, 5], seed: 2))
        XCTAssertEqual(layer.weight.name, "fc.weight")
        XCTAssertEqual(layer.weight.shape, [4, 5])
        XCTAssertTrue(layer.weight.value.allSatisfy { abs($0) <= 1 / Float(5).squareRoot() })
    }

    func testConv2dStrides() {
        var rng = Xoshiro256StarStar(seed: 3)
        for (k, s, p) in [((3, 3), (1, 1), (1, 1)), ((3, 3), (2, 2), (1, 1)), ((3, 2), (2, 1), (1, 0)), ((1, 1), (1, 1), (0, 0))] {
            var conv = Conv2d(inChannels: 2, outChannels: 3, kernel: k, stride: s, padding: p, name: "c", rng: &rng)
            conv.tileColumns = 5  // several tiles per image
            checkLayer(conv, input: randomTensor([3, 2, 6, 7], seed: 4))
        }
    }

    func testConv2dMatchesDirectConvolution() {
        var rng = Xoshiro256StarStar(seed: 5)
        var conv = Conv2d(inChannels: 3, outChannels: 4, kernel: (3, 2), stride: (2, 1), padding: (1, 1), name: "c", rng: &rng)
        conv.tileColumns = 7
        let x = randomTensor([2, 3, 7, 5], seed: 6)
        let y = conv.forward(x)
        let (ho, wo) = conv.outputSize(height: 7, width: 5)
        XCTAssertEqual(y.shape, [2, 4, ho, wo])
        for b in 0..<2 { for o in 0..<4 { for oy in 0..<ho { for ox in 0..<wo {
            var s = Double(conv.bias!.value[o])
            for c in 0..<3 { for i in 0..<3 { for j in 0..<2 {
                let iy = oy * 2 - 1 + i, ix = ox - 1 + j
                if iy >= 0 && iy < 7 && ix >= 0 && ix < 5 {
                    s += Double(conv.weight.value[((o * 3 + c) * 3 + i) * 2 + j]) * Double(x.data[((b * 3 + c) * 7 + iy) * 5 + ix])
                }
            } } }
            XCTAssertEqual(Double(y.data[((b * 4 + o) * ho + oy) * wo + ox]), s, accuracy: 1e-5)
        } } } }
    }

    /// The AVX2 direct 3×3 kernels against im2col + SGEMM: forward, input, weight and bias gradients, on widths
    /// that are not multiples of the kernels' 8- and 24-column tiles, a single pixel, and the residual block's shape.
    func testDirect3x3MatchesIm2col() throws {
        guard cpuHasAVX2FMA else { throw XCTSkip("this CPU has no AVX2 + FMA: only im2col runs") }
        let shapes: [(b: Int, c: Int, o: Int, h: Int, w: Int, bias: Bool)] = [
            (1, 4, 4, 1, 1, true), (2, 4, 8, 5, 13, true), (3, 8, 4, 3, 24, false), (2, 4, 4, 2, 31, true),
            (1, 12, 8, 2, 7, true), (2, 32, 32, 4, 400, true),
        ]
        for (n, s) in shapes.enumerated() {
            var rng = Xoshiro256StarStar(seed: UInt64(20 + n))
            var direct = Conv2d(inChannels: s.c, outChannels: s.o, kernel: 3, padding: 1, bias: s.bias, name: "c", rng: &rng)
            direct.algorithm = .direct3x3
            var reference = direct
            reference.algorithm = .im2col
            XCTAssertTrue(direct.usesDirect3x3)
            XCTAssertFalse(reference.usesDirect3x3)
            let x = randomTensor([s.b, s.c, s.h, s.w], seed: UInt64(40 + n))
            let r = randomTensor([s.b, s.o, s.h, s.w], seed: UInt64(60 + n))
            let what = "shape \(s)"
            assertClose(direct.forward(x).data, reference.forward(x).data, "forward, " + what)
            assertClose(direct.backward(r).data, reference.backward(r).data, "dx, " + what)
            assertClose(direct.weight.grad, reference.weight.grad, rel: 1e-4, abs: 1e-4, "dW, " + what)
            if s.bias { assertClose(direct.bias!.grad, reference.bias!.grad, rel: 1e-4, abs: 1e-4, "db, " + what) }
        }
    }

    func testDirect3x3Gradients() throws {
        guard cpuHasAVX2FMA else { throw XCTSkip("this CPU has no AVX2 + FMA: only im2col runs") }
        var rng = Xoshiro256StarStar(seed: 11)
        var conv = Conv2d(inChannels: 4, outChannels: 4, kernel: 3, padding: 1, name: "c", rng: &rng)
        conv.algorithm = .direct3x3
        checkLayer(conv, input: randomTensor([2, 4, 3, 10], seed: 12))
    }

    func testDirect3x3OnlyWhereItApplies() {
        var rng = Xoshiro256StarStar(seed: 13)
        XCTAssertFalse(Conv2d(inChannels: 3, outChannels: 4, kernel: 3, padding: 1, name: "c", rng: &rng).usesDirect3x3)
        XCTAssertFalse(Conv2d(inChannels: 4, outChannels: 4, kernel: 3, stride: 2, padding: 1, name: "c", rng: &rng).usesDirect3x3)
        XCTAssertFalse(Conv2d(inChannels: 4, outChannels: 4, kernel: 1, name: "c", rng: &rng).usesDirect3x3)
        XCTAssertEqual(Conv2d(inChannels: 32, outChannels: 32, kernel: 3, padding: 1, name: "c", rng: &rng).usesDirect3x3, cpuHasAVX2FMA)
    }

    func testConv2dWithoutInputGradient() {
        var rng = Xoshiro256StarStar(seed: 8)
        var conv = Conv2d(inChannels: 1, outChannels: 2, kernel: 3, stride: 2, padding: 1, name: "cnn", rng: &rng)
        conv.computesInputGradient = false
        checkLayer(conv, input: randomTensor([2, 1, 6, 6], seed: 9), checkInput: false)
    }

    func testCNNLayerNorm() {
        var ln = CNNLayerNorm(features: 5, name: "ln")
        var rng = Xoshiro256StarStar(seed: 10)
        for i in 0..<5 { ln.weight.value[i] = 1 + rng.uniform(0.5); ln.bias.value[i] = rng.uniform(0.5) }
        XCTAssertEqual(ln.weight.name, "ln.layer_norm.weight")
        checkLayer(ln, input: randomTensor([2, 3, 5, 4], seed: 11, scale: 2), eps: 5e-3)
        // Each (b, c, t) column is normalised over F: with unit affine its mean is 0 and variance ≈ 1.
        var plain = CNNLayerNorm(features: 5, name: "")
        let y = plain.forward(randomTensor([1, 1, 5, 3], seed: 12, scale: 3))
        for t in 0..<3 {
            let col = (0..<5).map { Double(y.data[$0 * 3 + t]) }
            let mean = col.reduce(0, +) / 5
            XCTAssertEqual(mean, 0, accuracy: 1e-6)
            XCTAssertEqual(col.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 5, 1, accuracy: 1e-3)
        }
    }

    func testReLU() {
        // Inputs kept away from ReLU's kink.
        var x = randomTensor([3, 7], seed: 13)
        for i in 0..<x.count where abs(x.data[i]) < 0.05 { x.data[i] = 0.3 }
        checkLayer(ReLU(), input: x)
    }

    func testDropout() {
        var d = Dropout(p: 0.25, seed: 5)
        checkLayer(d, input: randomTensor([4, 50], seed: 16))
        let x = Tensor(shape: [200_000], data: [Float](repeating: 1, count: 200_000))
        let y = d.forward(x)
        let kept = y.data.filter { $0 != 0 }
        XCTAssertEqual(Double(kept.count) / 200_000, 0.75, accuracy: 0.01)
        XCTAssertTrue(kept.allSatisfy { abs($0 - 1 / 0.75) < 1e-6 })
        let y2 = d.forward(x)
        XCTAssertNotEqual(y.data, y2.data, "a new mask every training step")
        var again = Dropout(p: 0.25, seed: 5)
        XCTAssertEqual(again.forward(x).data, y.data, "same seed, same mask")
        d.mode = .evaluation
        XCTAssertEqual(d.forward(x).data, x.data)
    }

    func testFlattenChannelsFeatures() {
        let x = randomTensor([2, 3, 4, 5], seed: 17)
        var f = FlattenChannelsFeatures()
        let y = f.forward(x)
        XCTAssertEqual(y.shape, [2, 5, 12])
        for b in 0..<2 { for c in 0..<3 { for fe in 0..<4 { for t in 0..<5 {
            XCTAssertEqual(y.data[(b * 5 + t) * 12 + c * 4 + fe], x.data[((b * 3 + c) * 4 + fe) * 5 + t])
        } } } }
        XCTAssertEqual(f.backward(y), x)
        let s = swapLeadingAxes(y)
        XCTAssertEqual(s.shape, [5, 2, 12])
        XCTAssertEqual(swapLeadingAxes(s), y)
    }

    func testResidualAdd() {
        let a = randomTensor([3, 4], seed: 18), b = randomTensor([3, 4], seed: 19)
        let c = add(a, b, workers: .serial)
        for i in 0..<12 { XCTAssertEqual(c.data[i], a.data[i] + b.data[i]) }
        var d = a
        addInPlace(&d, b, workers: Workers(2))
        XCTAssertEqual(d, c)
    }
}

final class KeyedDropoutTests: XCTestCase {
    /// Masks keyed by each item's place: a batch cut into strided shares (as data-parallel ranks hold it) draws, item
    /// for item, the masks of the whole batch. The oracle is the whole batch's forward.
    func testShardsDrawTheWholeBatchsMasks() {
        let (items, per) = (5, 3 * 7)
        let x = Tensor(shape: [items, 3, 7], data: (0..<(items * per)).map { Float($0 % 11) + 1 })
        let seedRNG = Xoshiro256StarStar(seed: 42)
        var whole = Dropout(p: 0.3, seed: 0)
        var generator = seedRNG
        whole.reseed(&generator, items: Array(0..<items))
        let y = whole.forward(x)
        XCTAssertTrue(y.data.contains(0) && y.data.contains { $0 != 0 })
        for ranks in [2, 3] {
            for rank in 0..<ranks {
                let places = Array(stride(from: rank, to: items, by: ranks))
                var part = Tensor(shape: [places.count, 3, 7], data: places.flatMap { Array(x.data[$0 * per..<($0 + 1) * per]) })
                var d = Dropout(p: 0.3, seed: 0)
                var g = seedRNG
                d.reseed(&g, items: places)
                part = d.forward(part)
                for (i, place) in places.enumerated() {
                    XCTAssertEqual(Array(part.data[i * per..<(i + 1) * per]), Array(y.data[place * per..<(place + 1) * per]))
                }
                // The backward pass uses the same mask.
                let dy = d.backward(Tensor(shape: part.shape, data: [Float](repeating: 1, count: part.count)))
                XCTAssertEqual(dy.data.map { $0 == 0 }, part.data.map { $0 == 0 })
            }
        }
    }
}
