// Replays the inputs of the `fuzz-transcripts` target (fixtures/fuzz/transcripts/seeds and regressions/, see
// docs/reliability.md): each input is a reference and a hypothesis separated by a "~~~~" line, read as trn,
// LibriSpeech `*.trans.txt` and plain text, paired and scored as `wer` does; each must succeed or throw.
import Foundation
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

extension FuzzInputs {
    /// A fresh temporary folder.
    static func folder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-fuzz-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    /// The parts of a multi-file input, cut at "\n~~~~\n" lines as the fuzz targets' `Fuzz.split` does.
    static func split(_ bytes: [UInt8], parts count: Int) -> [[UInt8]] {
        let separator = Array("\n~~~~\n".utf8)
        var parts: [[UInt8]] = []
        var rest = bytes[...]
        search: while parts.count < count - 1 {
            var i = rest.startIndex
            while i + separator.count <= rest.endIndex {
                if rest[i..<(i + separator.count)].elementsEqual(separator) {
                    parts.append(Array(rest[..<i]))
                    rest = rest[(i + separator.count)...]
                    continue search
                }
                i += 1
            }
            break
        }
        parts.append(Array(rest))
        while parts.count < count { parts.append([]) }
        return parts
    }
}
