// Shared helpers for the CTC tests: fixture loading and brute-force oracles (enumerating all K^T paths).
import Foundation
import XCTest
import Base
@testable import CTC

enum Fixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func url(_ name: String) -> URL { root.appendingPathComponent("fixtures/golden/\(name)") }

    static func floats(_ name: String) throws -> [Float] {
        let data = try Data(contentsOf: url(name))
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    static func json<T: Decodable>(_ name: String, as: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: url(name)))
    }
}

/// A deterministic small-matrix generator for oracle tests (independent of RandomProbabilities).
struct TinyRandom {
    var rng: SplitMix64
    init(_ seed: UInt64) { rng = SplitMix64(seed: seed) }
    mutating func logProbs(frames: Int, classes: Int, scale: Double = 1.5) -> LogProbabilities {
        var logits = [Double]()
        for _ in 0..<(frames * classes) { logits.append(scale * rng.nextGaussian()) }
        return try! LogProbabilities(frames: frames, classes: classes, logits: logits)
    }
    mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
}

enum BruteForce {
    /// Calls body(path, logProb) for every one of the K^T frame paths.
    static func forEachPath(_ m: LogProbabilities, _ body: ([Int], Double) -> Void) {
        let T = m.frames, K = m.classes
        var path = [Int](repeating: 0, count: T)
        var total = pow(Double(K), Double(T))
        while total > 0 {
            var lp = 0.0
            for t in 0..<T { lp += m[t, path[t]] }
            body(path, lp)
            var t = T - 1
            while t >= 0 { path[t] += 1; if path[t] < K { break }; path[t] = 0; t -= 1 }
            total -= 1
        }
    }

    static func collapse(_ path: [Int], blank: Int) -> [Int] { GreedyDecoder.collapse(path, blank: blank) }

    /// log Σ over paths that collapse to `labels`.
    static func logLikelihood(_ m: LogProbabilities, labels: [Int], blank: Int) -> Double {
        var terms: [Double] = []
        forEachPath(m) { p, lp in if collapse(p, blank: blank) == labels { terms.append(lp) } }
        return logSumExp(terms)
    }

    /// Probability of every distinct output sequence.
    static func outputDistribution(_ m: LogProbabilities, blank: Int) -> [[Int]: Double] {
        var d: [[Int]: Double] = [:]
        forEachPath(m) { p, lp in d[collapse(p, blank: blank), default: 0] += exp(lp) }
        return d
    }
}

func assertClose(_ a: Double, _ b: Double, rel: Double = 1e-9, abs: Double = 1e-12, _ msg: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    if a == b { return }
    XCTAssert(Swift.abs(a - b) <= abs + rel * max(Swift.abs(a), Swift.abs(b)), "\(a) vs \(b) \(msg())", file: file, line: line)
}
