// The long commands' progress bars through the binary: on a terminal (a pseudo-terminal from util-linux `script`)
// `train`, `corpus open`, `eval` and `transcribe` draw a bar with an ETA on standard error, while their standard output —
// redirected to a file — holds only the `--json` reply. (With standard error in a file no bar is drawn at all:
// JSONContractTests checks that for every command.)
import Foundation
import XCTest

final class ProgressBarCommandTests: XCTestCase {
    /// Runs `command` (a shell line) with standard error on a pseudo-terminal; returns what the terminal showed.
    private func onTerminal(_ command: String, in dir: URL) throws -> String {
        let found = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent("script") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        let script = try XCTUnwrap(found, "util-linux `script` (a pseudo-terminal) is not on the PATH")
        let transcript = dir.appendingPathComponent("terminal.txt")
        let p = Process()
        p.executableURL = script
        p.arguments = ["-qec", command, transcript.path]
        p.currentDirectoryURL = dir
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, command)
        return try String(contentsOf: transcript, encoding: .utf8)
    }

    func testLongCommandsDrawABarOnATerminalAndKeepStandardOutputClean() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let trellis = try TrellisBinary.url().path
        let audio = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures/audio/speech16k.flac").path
        for (subset, speaker) in [("train", "1"), ("test", "2")] {
            let chapter = dir.appendingPathComponent("corpus/\(subset)/\(speaker)/10")
            try FileManager.default.createDirectory(at: chapter, withIntermediateDirectories: true)
            for i in 0..<2 { try FileManager.default.copyItem(atPath: audio, toPath: chapter.appendingPathComponent("\(speaker)-10-000\(i).flac").path) }
            try "\(speaker)-10-0000 THE CAT\n\(speaker)-10-0001 SAT\n".write(to: chapter.appendingPathComponent("\(speaker)-10.trans.txt"),
                                                                          atomically: true, encoding: .utf8)
        }
        // Training: one bar for the whole run (its ETA counts every epoch left), the epoch in its detail.
        let training = try onTerminal("\(trellis) train --model dnn --data corpus --out run --epochs 2 --batch 1 --rnn-dim 8 "
                                      + "--cnn-layers 1 --threads 1 --json > train.json", in: dir)
        XCTAssertTrue(training.contains("train ") && training.contains(" ETA ") && training.contains("epoch 2/2 step 2/2"), training)
        XCTAssertTrue(training.contains("/4 "), "the bar counts the run's 4 steps, not one epoch's 2: \(training)")
        let summary = try String(contentsOf: dir.appendingPathComponent("train.json"), encoding: .utf8)
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])?["ending"] as? String, "finished", summary)
        let checkpoint = "run/checkpoints/epoch-002.safetensors"

        for (name, command) in [("corpus open", "corpus open corpus --no-index --json"),
                                ("eval", "eval --checkpoint \(checkpoint) --data corpus --json"),
                                ("transcribe", "transcribe corpus/test/2/10/2-10-0000.flac corpus/test/2/10/2-10-0001.flac --checkpoint \(checkpoint) --json")] {
            let shown = try onTerminal("\(trellis) \(command) > out.json", in: dir)
            XCTAssertTrue(shown.contains(" ETA "), "\(name): no progress bar on the terminal: \(shown)")
            XCTAssertTrue(shown.contains("\u{1B}[K"), "\(name): the bar does not erase its line: \(shown)")
            let out = try String(contentsOf: dir.appendingPathComponent("out.json"), encoding: .utf8)
            XCTAssertFalse(out.contains("ETA"), "\(name): the bar reached standard output")
            for line in out.split(separator: "\n") {
                XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(name): \(line)")
            }
        }
    }
}
