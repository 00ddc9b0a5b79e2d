// Replays the inputs of the `fuzz-savetxt` and `fuzz-shell` targets (fixtures/fuzz/{savetxt,shell}/seeds and
// regressions/, see docs/reliability.md) through the same calls the targets make: a matrix is read as `probs load`
// reads it, a line is tokenised and parsed (never run) as the shell parses it; each must succeed or throw.
import Base
import ArgumentParser
import Base
import CTC
import Foundation
import FuzzReplay
import XCTest
@testable import Workbench

final class ReaderFuzzReplayTests: XCTestCase {
    func testEverySavetxtInputReadsOrThrows() throws {
        let inputs = try FuzzInputs.files("savetxt")
        XCTAssertGreaterThan(inputs.count, 0, "no seeds under fixtures/fuzz/savetxt")
        var read: [String] = []
        for input in inputs {
            guard let table = try? SaveText.read(try FuzzInputs.copy(input, as: "matrix.txt")) else { continue }
            _ = try? LogProbabilities(frames: table.rows, classes: table.columns, logValues: table.values)
            _ = try? LogProbabilities(frames: table.rows, classes: table.columns, probabilities: table.values)
            read.append(input.lastPathComponent)
        }
        XCTAssertTrue(read.contains("probs_4x29.txt"), "read: \(read)")
    }

    func testEveryShellInputParsesOrThrows() throws {
        let inputs = try FuzzInputs.files("shell")
        XCTAssertGreaterThan(inputs.count, 0, "no seeds under fixtures/fuzz/shell")
        var parsed = 0
        for input in inputs {
            let line = String(decoding: try Data(contentsOf: input), as: UTF8.self)
            _ = Completion.candidates(before: line, word: Tokenizer.lenientWords(line).last ?? "")
            guard let commands = try? Tokenizer.commands(line) else { continue }
            for words in commands {
                if CommandRunner.unknownCommandMessage(words) != nil { continue }
                do { _ = try TrellisRoot.parseAsRoot(words); parsed += 1 } catch {
                    _ = TrellisRoot.fullMessage(for: error)
                    _ = TrellisRoot.exitCode(for: error)
                }
            }
        }
        XCTAssertGreaterThan(parsed, 0, "no seed line parsed as a command")
    }
}
