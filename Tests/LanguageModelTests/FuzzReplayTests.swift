// Replays the inputs of the `fuzz-arpa` target (fixtures/fuzz/arpa/seeds and regressions/, see
// docs/reliability.md) through the same calls the target makes: each file must load or throw, never end the
// process. A crash libFuzzer finds is kept under regressions/, so this test fails (crashes) until it is fixed.
import Foundation
import LanguageModel
import XCTest

final class ARPAFuzzReplayTests: XCTestCase {
    func testEveryFuzzInputLoadsOrThrows() throws {
        let inputs = try FuzzInputs.files("arpa")
        XCTAssertGreaterThan(inputs.count, 0, "no seeds under fixtures/fuzz/arpa")
        var loaded: [String] = []
        for input in inputs {
            let path = try FuzzInputs.copy(input, as: "model.arpa")
            guard let lm = try? ARPAModel(contentsOf: path) else { continue }
            _ = lm.scoreSentence("the cat sat on the mat")
            loaded.append(input.lastPathComponent)
        }
        // The seeds that are good models must load, or the replay would prove nothing about the reader.
        XCTAssertTrue(loaded.contains("small.arpa") && loaded.contains("small.arpa.gz"), "loaded: \(loaded)")
    }
}

/// The files of one fuzz target's seed and regression folders.
enum FuzzInputs {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func files(_ target: String) throws -> [URL] {
        var out: [URL] = []
        for folder in ["seeds", "regressions"] {
            let dir = root.appendingPathComponent("fixtures/fuzz/\(target)/\(folder)")
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { continue }
            out += names.sorted().filter { !$0.hasPrefix(".") }.map { dir.appendingPathComponent($0) }
        }
        return out
    }

    /// The input under the file name the fuzz target gives it (readers may look at the name), in a fresh folder.
    static func copy(_ input: URL, as name: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-fuzz-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try FileManager.default.copyItem(atPath: input.path, toPath: path)
        return path
    }
}
