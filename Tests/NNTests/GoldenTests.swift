// Layers against PyTorch (fixtures/golden/nn_*.json from tools/golden_layers.py): outputs and all gradients
// of loss = Σ y·r, relative tolerance 1e-4.
import Base
import XCTest
@testable import NN

final class GoldenTests: XCTestCase {
    func testConv2d() throws {
        for name in ["conv2d_s2", "conv2d_s1", "conv2d_rect"] {
            let g = try Golden(name)
            let (k, s, p) = (g.ints("kernel"), g.ints("stride"), g.ints("padding"))
            let w = g.tensor("param.weight")
            var rng = Xoshiro256StarStar(seed: 0)
            var conv = Conv2d(inChannels: w.shape[1], outChannels: w.shape[0], kernel: (k[0], k[1]), stride: (s[0], s[1]),
                              padding: (p[0], p[1]), name: "", rng: &rng)
            conv.tileColumns = 6
            g.load(into: &conv)
            let y = conv.forward(g.tensor("x"))
            assertClose(y.data, g.tensor("y").data, "\(name) y")
            XCTAssertEqual(y.shape, g.tensor("y").shape)
            let dx = conv.backward(g.tensor("r"))
            assertClose(dx.data, g.tensor("dx").data, "\(name) dx")
            g.checkGradients(of: &conv)
        }
    }

    func testCNNLayerNorm() throws {
        let g = try Golden("cnn_layernorm")
        var ln = CNNLayerNorm(features: 5, name: "")
        g.load(into: &ln)
        assertClose(ln.forward(g.tensor("x")).data, g.tensor("y").data, "y")
        assertClose(ln.backward(g.tensor("r")).data, g.tensor("dx").data, "dx")
        g.checkGradients(of: &ln)
    }

    private func runRecurrent<M: ParameterContainer>(_ g: Golden, _ model: inout M, forward: (inout M, Tensor, [Int]) -> Tensor,
                                                     backward: (inout M, Tensor) -> Tensor) {
        XCTAssertEqual(model.parameterShapes().map(\.name), g.parameterOrder, "PyTorch's parameter order")
        g.load(into: &model)
        let y = forward(&model, g.tensor("x"), g.ints("lengths"))
        XCTAssertEqual(y.shape, g.tensor("y").shape)
        assertClose(y.data, g.tensor("y").data, "y")
        assertClose(backward(&model, g.tensor("r")).data, g.tensor("dx").data, "dx")
        g.checkGradients(of: &model)
    }

    func testLSTMBidirectionalProjection() throws {
        let g = try Golden("lstm_bi_proj")
        var rng = Xoshiro256StarStar(seed: 0)
        var lstm = LSTM(inputSize: 5, hiddenSize: 7, numLayers: 2, bidirectional: true, projSize: 3, name: "", rng: &rng)
        runRecurrent(g, &lstm, forward: { $0.forward($1, lengths: $2) }, backward: { $0.backward($1) })
    }

    func testLSTMUnidirectional() throws {
        let g = try Golden("lstm_uni")
        var rng = Xoshiro256StarStar(seed: 0)
        var lstm = LSTM(inputSize: 4, hiddenSize: 6, name: "", rng: &rng)
        runRecurrent(g, &lstm, forward: { $0.forward($1, lengths: $2) }, backward: { $0.backward($1) })
    }

    func testGRU() throws {
        let g = try Golden("gru_bi")
        var rng = Xoshiro256StarStar(seed: 0)
        var gru = GRU(inputSize: 4, hiddenSize: 5, numLayers: 2, bidirectional: true, name: "", rng: &rng)
        runRecurrent(g, &gru, forward: { $0.forward($1, lengths: $2) }, backward: { $0.backward($1) })
    }
}
