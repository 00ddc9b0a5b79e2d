// `train --blank-bias`: the classifier's bias starts with the blank at a given value and every letter at 0, and
// nothing else of the model changes — so, the classifier being affine, every frame's scores move by exactly the
// bias change, and the softmax then gives the blank e^b times the weight it had against each letter.
import Base
import XCTest
@testable import Models
import NN

final class BlankBiasTests: XCTestCase {
    private func small(_ kind: ModelKind) -> ModelConfig {
        ModelConfig(kind: kind, nCNNLayers: 1, nRNNLayers: 1, rnnDim: 16, nFeats: 16, dropout: 0.1)
    }

    private func classifierBias(_ model: inout CTCModel) -> [Float] {
        var bias: [Float] = []
        model.visitParameters { if $0.name == "classifier.bias" { bias = $0.value } }
        return bias
    }

    func testBlankBiasShiftsEveryFrameByExactlyTheBiasChange() throws {
        var rng = Xoshiro256StarStar(seed: 3)
        let (b, t) = (2, 20)
        let x = Tensor(shape: [b, 1, 16, t], data: (0..<(b * 16 * t)).map { _ in rng.uniform(1) })
        for kind in ModelKind.allCases {
            var plain = try CTCModel(small(kind), seed: 4)
            var biased = plain
            XCTAssertTrue(biased.setBlankBias(3), "\(kind)")
            let before = classifierBias(&plain), after = classifierBias(&biased)
            XCTAssertEqual(after, [Float](repeating: 0, count: 28) + [3], "\(kind)")
            plain.setMode(.evaluation); biased.setMode(.evaluation)
            let y0 = plain.forward(x), y1 = biased.forward(x)
            XCTAssertEqual(y0.shape, y1.shape)
            let classes = 29
            for i in 0..<y0.data.count {
                let k = i % classes
                XCTAssertEqual(y1.data[i] - y0.data[i], after[k] - before[k], accuracy: 1e-5, "\(kind) class \(k)")
            }
        }
    }

    func testTheNotebooksProjectionHeadHasNoBiasToSet() throws {
        var model = try CTCModel(ModelConfig.seed(.bilstm), seed: 1)
        XCTAssertFalse(model.setBlankBias(3))
    }
}
