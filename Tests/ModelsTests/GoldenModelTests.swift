// Each whole model against PyTorch (tools/golden_models.py; the GRU and BiGRU against the same module with nn.GRU): for fixed weights and inputs, the output, the CTC
// loss (log-softmax, blank = n_class − 1, reduction mean) and every parameter's gradient, within 1e-4 relative
// (to the largest magnitude of each tensor, so near-zero entries do not demand impossible precision).
import Foundation
import XCTest
@testable import Models
import NN

final class GoldenModelTests: XCTestCase {
    struct Case {
        var config: ModelConfig
        var file: TensorFile
        var input: Tensor
        var lengths: [Int]
        var labels: [[Int]]
        var loss: Double
    }

    func load(_ name: String) throws -> Case {
        let f = try SafeTensors.read(Fixtures.golden("models_\(name).safetensors"))
        let config = try JSONDecoder().decode(ModelConfig.self, from: Data(f.metadata["config"]!.utf8))
        let lengths = try JSONDecoder().decode([Int].self, from: Data(f.metadata["input_lengths"]!.utf8))
        let labelLengths = try JSONDecoder().decode([Int].self, from: Data(f.metadata["label_lengths"]!.utf8))
        let lab = f["labels"]!
        let width = lab.shape[1]
        let labels = labelLengths.enumerated().map { b, n in (0..<n).map { Int(lab.data[b * width + $0]) } }
        return Case(config: config, file: f, input: f["input"]!, lengths: lengths, labels: labels, loss: Double(f.metadata["loss"]!)!)
    }

    func model(for c: Case) throws -> CTCModel {
        var m = try CTCModel(c.config, seed: 1)
        try StateDict.load(c.file, into: &m, prefix: "param.", allowExtra: true, source: "golden")
        m.setMode(.evaluation)
        return m
    }

    func assertClose(_ a: [Float], _ b: [Float], _ what: String, rel: Float = 1e-4, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        let scale = max(b.map { abs($0) }.max() ?? 0, 1e-4)  // exact-zero gradients (conv bias before LayerNorm) get 1e-8 absolute
        var worst: Float = 0
        for i in 0..<min(a.count, b.count) { worst = max(worst, abs(a[i] - b[i])) }
        XCTAssertLessThanOrEqual(worst / scale, rel, "\(what): max |Δ| \(worst) vs max |golden| \(scale)", file: file, line: line)
    }

    func checkForward(_ name: String) throws {
        let c = try load(name)
        var m = try model(for: c)
        let y = m.forward(c.input)
        let golden = c.file["output"]!
        XCTAssertEqual(y.shape, golden.shape, name)
        assertClose(y.data, golden.data, "\(name) output")
    }

    func checkGradients(_ name: String) throws {
        let c = try load(name)
        var m = try model(for: c)
        m.zeroGradients()
        let y = m.forward(c.input)
        let r = try CTCObjective.lossAndGradient(logProbs: CTCObjective.logSoftmax(y), lengths: c.lengths, labels: c.labels,
                                                 blank: c.config.nClass - 1)
        XCTAssertEqual(r.loss, c.loss, accuracy: 1e-4 * max(1, abs(c.loss)), "\(name) loss")
        m.backward(r.gradient)
        for (n, g) in StateDict.gradients(of: &m) {
            guard let golden = c.file["grad." + n] else { XCTFail("\(name): no golden gradient for \(n)"); continue }
            assertClose(g.data, golden.data, "\(name) grad \(n)")
        }
    }

    func testDNN() throws { try checkForward("dnn"); try checkGradients("dnn") }
    func testNotebookLSTM() throws { try checkForward("lstm_seed"); try checkGradients("lstm_seed") }
    func testNotebookBiLSTM58Columns() throws { try checkForward("bilstm_seed"); try checkGradients("bilstm_seed") }
    func testCorrectedLSTM() throws { try checkForward("lstm"); try checkGradients("lstm") }
    func testCorrectedBiLSTM() throws { try checkForward("bilstm"); try checkGradients("bilstm") }
    func testGRU() throws { try checkForward("gru"); try checkGradients("gru") }
    func testBiGRU() throws { try checkForward("bigru"); try checkGradients("bigru") }
}
