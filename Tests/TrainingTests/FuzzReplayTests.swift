// Replays the inputs of the `fuzz-safetensors` target (fixtures/fuzz/safetensors/seeds and regressions/, see
// docs/reliability.md) through `Checkpoint.loadModel`, checksum included: each must load or throw, never end
// the process.
import Foundation
import XCTest
import Training

final class CheckpointFuzzReplayTests: XCTestCase {
    func testEveryFuzzInputLoadsOrThrows() throws {
        let inputs = try FuzzInputs.files("safetensors")
        XCTAssertGreaterThan(inputs.count, 0, "no seeds under fixtures/fuzz/safetensors")
        var loaded: [String] = []
        for input in inputs {
            let path = try FuzzInputs.copy(input, as: "model.safetensors")
            if (try? Checkpoint.loadModel(path)) != nil { loaded.append(input.lastPathComponent) }
        }
        let models = ["dnn", "lstm", "bilstm"].flatMap { ["\($0)_checkpoint.safetensors", "\($0)_state_dict.safetensors"] }
        XCTAssertEqual(Set(loaded), Set(models), "loaded: \(loaded)")
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
