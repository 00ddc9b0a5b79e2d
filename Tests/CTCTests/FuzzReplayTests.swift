// Replays the inputs of the `fuzz-transcripts` target (fixtures/fuzz/transcripts/seeds and regressions/, see
// docs/reliability.md): each input is a reference and a hypothesis separated by a "~~~~" line, read as trn,
// LibriSpeech `*.trans.txt` and plain text, paired and scored as `wer` does; each must succeed or throw.
import Foundation
import FuzzReplay
import XCTest
import CTC

final class TranscriptFuzzReplayTests: XCTestCase {
    func testEveryFuzzInputPairsOrThrows() throws {
        let inputs = try FuzzInputs.files("transcripts")
        XCTAssertGreaterThan(inputs.count, 0, "no seeds under fixtures/fuzz/transcripts")
        var scored: [String] = []
        for input in inputs {
            let parts = FuzzInputs.split([UInt8](try Data(contentsOf: input)), parts: 2)
            let dir = try FuzzInputs.folder()
            for ext in ["trn", "trans.txt", "txt"] {
                let ref = dir + "/ref." + ext, hyp = dir + "/hyp." + ext
                try Data(parts[0]).write(to: URL(fileURLWithPath: ref))
                try Data(parts[1]).write(to: URL(fileURLWithPath: hyp))
                guard let pairs = try? TranscriptPairs.read(reference: ref, hypothesis: hyp) else { continue }
                if (try? ErrorRate.wordErrorRate(references: pairs.references, hypotheses: pairs.hypotheses)) != nil,
                   (try? ErrorRate.characterErrorRate(references: pairs.references, hypotheses: pairs.hypotheses)) != nil {
                    scored.append(input.lastPathComponent + " as " + ext)
                }
            }
        }
        XCTAssertTrue(scored.contains("basic.trn.txt as trn"), "scored: \(scored)")
    }
}
