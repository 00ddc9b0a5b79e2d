// Test support: finite-difference gradient checks and the PyTorch golden-fixture reader.
import Base
import Foundation
import XCTest
@testable import NN

/// Deterministic test data.
func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
    var rng = Xoshiro256StarStar(seed: seed)
    return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in rng.uniform(scale) })
}

/// loss = Σ y·r in Double.
func weightedSum(_ y: Tensor, _ r: Tensor) -> Double {
    precondition(y.count == r.count)
    var s = 0.0
    for i in 0..<y.count { s += Double(y.data[i]) * Double(r.data[i]) }
    return s
}

/// Checks backward against central differences of loss = Σ forward(x)·r for sampled input and parameter entries.
/// The model is copied before the analytic pass so every perturbed forward sees the same dropout masks.
func checkGradients<M: ParameterContainer>(
    _ model: M, input x: Tensor, checkInput: Bool = true, samples: Int = 24, eps: Float = 1e-2,
    tolerance: Double = 2e-3, file: StaticString = #filePath, line: UInt = #line,
    forward: (inout M, Tensor) -> Tensor, backward: (inout M, Tensor) -> Tensor
) {
    let base = model
    var m = model
    let y = forward(&m, x)
    let r = randomTensor(y.shape, seed: 99)
    let dx = backward(&m, r)
    var rng = Xoshiro256StarStar(seed: 7)
    func loss(_ mm: M, _ xx: Tensor) -> Double {
        var copy = mm
        return weightedSum(forward(&copy, xx), r)
    }
    func compare(_ analytic: Float, _ plus: Double, _ minus: Double, _ what: String) {
        let numeric = (plus - minus) / (2 * Double(eps))
        let err = abs(numeric - Double(analytic))
        XCTAssertLessThanOrEqual(err, tolerance * max(1, abs(numeric)),
                                 "\(what): analytic \(analytic) vs numeric \(numeric)", file: file, line: line)
    }
    if checkInput {
        XCTAssertEqual(dx.shape, x.shape, "input gradient shape", file: file, line: line)
        for _ in 0..<samples {
            let i = Int(rng.next() % UInt64(x.count))
            var xp = x, xm = x
            xp.data[i] += eps
            xm.data[i] -= eps
            compare(dx.data[i], loss(base, xp), loss(base, xm), "dx[\(i)]")
        }
    }
    var grads: [(name: String, grad: [Float])] = []
    m.visitParameters { grads.append(($0.name, $0.grad)) }
    for (pi, g) in grads.enumerated() {
        for _ in 0..<max(1, samples / 2) {
            let i = Int(rng.next() % UInt64(g.grad.count))
            func perturbed(_ d: Float) -> M {
                var mm = base
                var k = 0
                mm.visitParameters { p in
                    if k == pi { p.value[i] += d }
                    k += 1
                }
                return mm
            }
            compare(g.grad[i], loss(perturbed(eps), x), loss(perturbed(-eps), x), "\(g.name)[\(i)]")
        }
    }
}

func checkLayer<L: Layer>(_ layer: L, input: Tensor, checkInput: Bool = true, eps: Float = 1e-2, tolerance: Double = 2e-3,
                          file: StaticString = #filePath, line: UInt = #line) {
    checkGradients(layer, input: input, checkInput: checkInput, eps: eps, tolerance: tolerance, file: file, line: line,
                   forward: { $0.forward($1) }, backward: { $0.backward($1) })
}

/// Max |a−b| / max(1e-3-ish floor, |b|) style comparison: |a − b| ≤ rel·|b| + abs.
func assertClose(_ a: [Float], _ b: [Float], rel: Float = 1e-4, abs absTol: Float = 1e-5, _ what: String,
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "\(what): count", file: file, line: line)
    var worst: (Int, Float, Float)? = nil
    for i in 0..<min(a.count, b.count) where Swift.abs(a[i] - b[i]) > rel * Swift.abs(b[i]) + absTol {
        worst = (i, a[i], b[i])
        break
    }
    if let (i, x, y) = worst {
        XCTFail("\(what)[\(i)]: got \(x), expected \(y)", file: file, line: line)
    }
}

/// One fixture written by tools/golden_layers.py.
struct Golden {
    let json: [String: Any]

    init(_ name: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let url = root.appendingPathComponent("fixtures/golden/nn_\(name).json")
        let data = try Data(contentsOf: url)
        json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    func tensor(_ key: String) -> Tensor {
        Golden.tensor(json[key])
    }

    static func tensor(_ any: Any?) -> Tensor {
        let d = any as! [String: Any]
        let shape = (d["shape"] as! [NSNumber]).map(\.intValue)
        let data = (d["data"] as! [NSNumber]).map(\.floatValue)
        return Tensor(shape: shape.isEmpty ? [1] : shape, data: data)
    }

    func ints(_ key: String) -> [Int] { (json[key] as! [NSNumber]).map(\.intValue) }
    func doubles(_ key: String) -> [Double] { (json[key] as! [NSNumber]).map(\.doubleValue) }
    func double(_ key: String) -> Double { (json[key] as! NSNumber).doubleValue }

    /// Copies "param.<name>" values into the model's parameters whose names (after the prefix) match.
    func load<M: ParameterContainer>(into model: inout M, prefix: String = "") {
        model.visitParameters { p in
            let local = prefix.isEmpty ? p.name : String(p.name.dropFirst(prefix.count + 1))
            let t = tensor("param." + local)
            XCTAssertEqual(t.shape, p.shape, "shape of \(p.name)")
            p.value = t.data
        }
    }

    /// Compares every parameter gradient with "grad.<name>".
    func checkGradients<M: ParameterContainer>(of model: inout M, prefix: String = "", rel: Float = 1e-4, abs: Float = 1e-5,
                                               file: StaticString = #filePath, line: UInt = #line) {
        var seen = 0
        model.visitParameters { p in
            let local = prefix.isEmpty ? p.name : String(p.name.dropFirst(prefix.count + 1))
            assertClose(p.grad, tensor("grad." + local).data, rel: rel, abs: abs, "grad \(p.name)", file: file, line: line)
            seen += 1
        }
        XCTAssertEqual(seen, (json["param_order"] as! [String]).count, "number of parameters", file: file, line: line)
    }

    /// The state_dict order PyTorch reports.
    var parameterOrder: [String] { json["param_order"] as! [String] }
}
