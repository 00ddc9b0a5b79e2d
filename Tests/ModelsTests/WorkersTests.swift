// The worker count (`train --threads`) reaches every layer of every model kind, and it changes how the work is
// split, not what the forward pass or the CTC objective compute.
import Base
import XCTest
@testable import Models
import NN

final class WorkersTests: XCTestCase {
    private func small(_ kind: ModelKind) -> ModelConfig {
        ModelConfig(kind: kind, nCNNLayers: 1, nRNNLayers: 2, rnnDim: 16, nFeats: 16, dropout: 0.1)
    }

    /// Every `Workers` stored anywhere inside `value` (layers, blocks, recurrent stacks, their dropouts).
    private func storedWorkers(in value: Any) -> [Workers] {
        if let w = value as? Workers { return [w] }
        if value is [Float] || value is [Double] || value is [Int] || value is Tensor { return [] }
        return Mirror(reflecting: value).children.flatMap { storedWorkers(in: $0.value) }
    }

    func testSetWorkersReachesEveryLayer() throws {
        for kind in ModelKind.allCases {
            var model = try CTCModel(small(kind), seed: 1)
            model.setWorkers(Workers(5))
            let found = storedWorkers(in: model)
            // The model's own, the stem conv, the residual block's six layers, flatten and the front end's four.
            XCTAssertGreaterThanOrEqual(found.count, 13, "\(kind)")
            XCTAssertEqual(found.filter { $0.count != 5 }, [], "\(kind): a layer kept its own worker count")
        }
    }

    func testForwardAndLossDoNotDependOnTheWorkerCount() throws {
        var rng = Xoshiro256StarStar(seed: 9)
        let (b, t) = (3, 24)
        let x = Tensor(shape: [b, 1, 16, t], data: (0..<(b * 16 * t)).map { _ in rng.uniform(1) })
        let labels = [[1, 2, 3], [4, 5], [6]]
        for kind in [ModelKind.dnn, .bilstm, .bigru] {
            var reference: (scores: [Float], loss: Double)? = nil
            for n in [1, 2, 3] {
                var model = try CTCModel(small(kind), seed: 1)
                model.setMode(.evaluation)
                model.setWorkers(Workers(n))
                let y = model.forward(x)
                let lengths = [Int](repeating: y.shape[1], count: b)
                let r = try CTCObjective.lossAndGradient(logProbs: CTCObjective.logSoftmax(y, workers: Workers(n)),
                                                         lengths: lengths, labels: labels, blank: 28, workers: Workers(n))
                if let reference {
                    XCTAssertEqual(y.data, reference.scores, "\(kind): forward with \(n) workers")
                    XCTAssertEqual(r.loss, reference.loss, "\(kind): loss with \(n) workers")
                } else {
                    reference = (y.data, r.loss)
                }
            }
        }
    }
}
