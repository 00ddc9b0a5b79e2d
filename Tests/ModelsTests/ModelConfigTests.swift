// Parameter layouts against PyTorch: counts of the notebook's full-size models and exact name/shape lists of
// the small golden models (both recorded by tools/golden_models.py).
import Foundation
import XCTest
@testable import Models
import NN

final class ModelConfigTests: XCTestCase {
    func testNotebookParameterCountsMatchPyTorch() throws {
        // The figures, and the ones tools/golden_models.py recorded from PyTorch.
        XCTAssertEqual(ModelConfig.seed(.dnn).parameterCount, 803_485)
        XCTAssertEqual(ModelConfig.seed(.lstm).parameterCount, 822_016)
        XCTAssertEqual(ModelConfig.seed(.bilstm).parameterCount, 918_080)
        let data = try Data(contentsOf: Fixtures.golden("models_param_counts.json"))
        let counts = try JSONDecoder().decode([String: Int].self, from: data)
        XCTAssertEqual(counts["bilstm"], ModelConfig.standard(.bilstm).parameterCount)
        XCTAssertEqual(counts["lstm"], ModelConfig.standard(.lstm).parameterCount)
        XCTAssertEqual(counts["gru"], ModelConfig.standard(.gru).parameterCount)
        XCTAssertEqual(counts["bigru"], ModelConfig.standard(.bigru).parameterCount)
        XCTAssertEqual(ModelConfig.seed(.bilstm).outputWidth, 58)
        XCTAssertEqual(ModelConfig.standard(.bilstm).outputWidth, 29)
    }

    func testLayoutNamesAndShapesMatchGoldenModels() throws {
        for name in ["dnn", "lstm_seed", "bilstm_seed", "lstm", "bilstm", "gru", "bigru"] {
            let f = try SafeTensors.read(Fixtures.golden("models_\(name).safetensors"))
            let config = try JSONDecoder().decode(ModelConfig.self, from: Data(f.metadata["config"]!.utf8))
            XCTAssertNil(config.validationError())
            let names = try JSONDecoder().decode([String].self, from: Data(f.metadata["param_names"]!.utf8))
            XCTAssertEqual(config.parameterLayout.map(\.name), names, name)
            for (n, shape) in config.parameterLayout {
                XCTAssertEqual(f["param." + n]?.shape, shape, "\(name) \(n)")
            }
            XCTAssertEqual(config.parameterCount, Int(f.metadata["param_count"]!), name)
        }
    }

    func testConfigInferredFromNotebookStateDict() throws {
        for name in ["dnn", "lstm_seed", "bilstm_seed", "lstm", "bilstm", "gru", "bigru"] {
            let f = try SafeTensors.read(Fixtures.golden("models_\(name).safetensors"))
            let config = try JSONDecoder().decode(ModelConfig.self, from: Data(f.metadata["config"]!.utf8))
            // A plain state_dict: strip the golden file's "param." prefix and its metadata.
            let sd = TensorFile(tensors: f.tensors.filter { $0.name.hasPrefix("param.") }.map { (String($0.name.dropFirst(6)), $0.tensor) })
            var inferred = try ModelConfig.infer(from: sd, path: name)
            inferred.dropout = config.dropout
            if config.kind == .dnn { inferred.nRNNLayers = config.nRNNLayers } else { inferred.dnnHidden = config.dnnHidden }
            XCTAssertEqual(inferred, config, name)
        }
    }

    /// PyTorch's GRU has no proj_size, so a GRU config with a projection or without its classifier is refused in words.
    func testGRUConfigsRefuseAProjectionHead() {
        for kind in [ModelKind.gru, .bigru] {
            XCTAssertNil(ModelConfig.standard(kind).validationError())
            var proj = ModelConfig.standard(kind)
            proj.projSize = 29
            XCTAssertEqual(proj.validationError()?.contains("no proj_size"), true, "\(kind)")
            var bare = ModelConfig.standard(kind)
            bare.linearClassifier = false
            XCTAssertNotNil(bare.validationError(), "\(kind)")
        }
    }

    /// An LSTM's and a GRU's state dicts share every name; the inference tells them apart by weight_ih_l0's gate
    /// rows (4·H or 3·H) and refuses any other count.
    func testInferenceRefusesARecurrentLayerOfNeitherGateCount() throws {
        let f = try SafeTensors.read(Fixtures.golden("models_gru.safetensors"))
        var sd = TensorFile(tensors: f.tensors.filter { $0.name.hasPrefix("param.") }.map { (String($0.name.dropFirst(6)), $0.tensor) })
        XCTAssertEqual(try ModelConfig.infer(from: sd, path: "gru").kind, .gru)
        let i = try XCTUnwrap(sd.tensors.firstIndex { $0.name == "intermediate_layers.weight_ih_l0" })
        sd.tensors[i].tensor = Tensor(zeros: [5 * 6, sd.tensors[i].tensor.shape[1]])  // rnn_dim 6: five gate blocks
        XCTAssertThrowsError(try ModelConfig.infer(from: sd, path: "odd")) {
            XCTAssertTrue("\($0)".contains("neither an LSTM's"), "\($0)")
        }
    }

    func testConfigJSONRoundTrip() throws {
        for kind in ModelKind.allCases {
            for c in [ModelConfig.seed(kind), ModelConfig.standard(kind)] {
                let back = try JSONDecoder().decode(ModelConfig.self, from: Data(c.jsonString().utf8))
                XCTAssertEqual(back, c)
            }
        }
    }

    /// The one length formula: each utterance's own output frames (kernel 3, padding 1, stride 2: ⌈n / 2⌉),
    /// never more than the padded batch yields, none for an empty utterance.
    func testOutputLengthsAreEachUtterancesOwnOutputFrames() {
        let c = ModelConfig.standard(.bilstm)
        XCTAssertEqual(c.outputLengths(featureLengths: [800, 799, 25, 1, 0], paddedFrames: 800), [400, 400, 13, 1, 0])
        for n in 1...9 { XCTAssertEqual(c.outputLengths(featureLengths: [n], paddedFrames: n), [c.outputFrames(n)]) }
        XCTAssertEqual(c.outputLengths(featureLengths: [50], paddedFrames: 20), [10], "clamped to the padded batch")
        XCTAssertEqual(c.outputLengths(featureLengths: [], paddedFrames: 0), [])
    }
}
