// Adam, OneCycleLR (learning rate and β1 sequences) and gradient clipping against PyTorch; the seeded generator.
import Base
import XCTest
@testable import NN

/// A bare parameter holder for optimiser tests.
struct Params: ParameterContainer {
    var list: [Parameter]
    mutating func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows {
        for i in list.indices { try body(&list[i]) }
    }
}

final class OptimizerTests: XCTestCase {
    func testAdamWithOneCycleMatchesPyTorch() throws {
        let g = try Golden("adam_onecycle")
        let grads = g.tensor("grads"), expected = g.tensor("params")
        var model = Params(list: [Parameter(name: "p", shape: [6], value: g.tensor("p0").data)])
        var adam = Adam(learningRate: 1e-3, weightDecay: g.double("weight_decay"))
        let sched = OneCycleLR(maxLR: g.double("max_lr"), totalSteps: Int(g.double("total_steps")),
                               divFactor: g.double("div_factor"), finalDivFactor: g.double("final_div_factor"))
        var s = sched
        s.apply(to: &adam)
        let lrs = g.doubles("lr"), betas = g.doubles("beta1")
        for k in 0..<lrs.count {
            XCTAssertEqual(adam.learningRate, lrs[k], accuracy: 1e-12 * lrs[k], "lr at step \(k)")
            XCTAssertEqual(adam.beta1, betas[k], accuracy: 1e-12, "beta1 at step \(k)")
            model.list[0].grad = Array(grads.data[(k * 6)..<(k * 6 + 6)])
            adam.step(&model)
            s.step(&adam)
            assertClose(model.list[0].value, Array(expected.data[(k * 6)..<(k * 6 + 6)]), rel: 1e-5, abs: 1e-7, "p after \(k + 1)")
        }
        // State round-trips through JSON (checkpoints).
        let data = try JSONEncoder().encode(adam)
        let back = try JSONDecoder().decode(Adam.self, from: data)
        XCTAssertEqual(back.state, adam.state)
        XCTAssertEqual(try JSONDecoder().decode(OneCycleLR.self, from: JSONEncoder().encode(s)), s)
    }

    func testOneCycleDefaults() throws {
        let g = try Golden("onecycle_default")
        let s = OneCycleLR(maxLR: g.double("max_lr"), epochs: 3, stepsPerEpoch: 7)
        for (k, (lr, b)) in zip(g.doubles("lr"), g.doubles("beta1")).enumerated() {
            XCTAssertEqual(s.values(at: k).lr, lr, accuracy: 1e-12 * lr, "lr at \(k)")
            XCTAssertEqual(s.values(at: k).momentum, b, accuracy: 1e-12, "beta1 at \(k)")
        }
    }

    func testClipGradientNorm() throws {
        let g = try Golden("clip")
        let before = g.json["grad_before"] as! [String: Any], after = g.json["grad_after"] as! [String: Any]
        var model = Params(list: ["weight", "bias"].map { n in
            let t = Golden.tensor(before[n])
            var p = Parameter(name: n, shape: t.shape, value: [Float](repeating: 0, count: t.count))
            p.grad = t.data
            return p
        })
        let norm = model.clipGradientNorm(maxNorm: g.double("max_norm"))
        XCTAssertEqual(norm, g.double("norm"), accuracy: 1e-5 * norm)
        for p in model.list { assertClose(p.grad, Golden.tensor(after[p.name]).data, "clipped \(p.name)") }
        XCTAssertEqual(model.gradientNorm(), g.double("max_norm"), accuracy: 1e-5)
    }
}
