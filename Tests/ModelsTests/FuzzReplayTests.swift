// Replays the inputs of the `fuzz-safetensors` target (fixtures/fuzz/safetensors/seeds and regressions/, see
// docs/reliability.md) through the Models half of what the target does — decode without the checksum, infer the
// config, build the model, load the state dict: each must succeed or throw, never end the process.
// (TrainingTests replays the same files through `Checkpoint.loadModel`.)
import Foundation
import FuzzReplay
import XCTest
import Models

final class SafeTensorsFuzzReplayTests: XCTestCase {
    func testEveryFuzzInputLoadsOrThrows() throws {
        let inputs = try FuzzInputs.files("safetensors")
        XCTAssertGreaterThan(inputs.count, 0, "no seeds under fixtures/fuzz/safetensors")
        var built: [String] = []
        for input in inputs {
            let bytes = [UInt8](try Data(contentsOf: input))
            guard let file = try? SafeTensors.decode(bytes, verifyChecksum: false),
                  let config = try? ModelConfig.from(file, path: input.lastPathComponent),
                  var model = try? CTCModel(config, seed: 0) else { continue }
            if (try? StateDict.load(file, into: &model, source: input.lastPathComponent)) != nil {
                built.append(input.lastPathComponent)
            }
        }
        let models = ["dnn", "lstm", "bilstm"].flatMap { ["\($0)_checkpoint.safetensors", "\($0)_state_dict.safetensors"] }
        XCTAssertEqual(Set(built), Set(models), "built: \(built)")
    }
}
