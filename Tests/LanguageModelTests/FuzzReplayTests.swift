// Replays the inputs of the `fuzz-arpa` target (fixtures/fuzz/arpa/seeds and regressions/, see
// docs/reliability.md) through the same calls the target makes: each file must load or throw, never end the
// process. A crash libFuzzer finds is kept under regressions/, so this test fails (crashes) until it is fixed.
import Foundation
import LanguageModel
import FuzzReplay
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
