// Replays the inputs of the `fuzz-safetensors` target (fixtures/fuzz/safetensors/seeds and regressions/, see
// docs/reliability.md) through `Checkpoint.loadModel`, checksum included: each must load or throw, never end
// the process.
import Foundation
import FuzzReplay
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
