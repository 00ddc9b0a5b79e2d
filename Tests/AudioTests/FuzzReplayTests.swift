// Replays the inputs of the `fuzz-audio` target (fixtures/fuzz/audio/seeds and regressions/, see
// docs/reliability.md) through the same calls: header probe, load as 16 kHz mono, log-mel with per-bin
// normalisation (Training's `FeatureSpec(nMels: 128, logMel: true, normalize: true).melConfig`); each must
// succeed or throw, never end the process.
import Foundation
import XCTest
import Audio

final class AudioFuzzReplayTests: XCTestCase {
    func testEveryFuzzInputLoadsOrThrows() throws {
        var config = MelConfig()
        config.log = .log(floor: 1e-10)
        config.normalization = .perBin
        let mel = try MelSpectrogram(config)
        let inputs = try FuzzInputs.files("audio")
        XCTAssertGreaterThan(inputs.count, 0, "no seeds under fixtures/fuzz/audio")
        var featured: [String] = []
        for input in inputs {
            let path = try FuzzInputs.copy(input, as: "audio.wav")
            _ = try? AudioFile.info(path)
            guard let wave = try? AudioFile.load(path, targetRate: 16000, quality: .medium) else { continue }
            if (try? mel(wave)) != nil { featured.append(input.lastPathComponent) }
        }
        XCTAssertTrue(featured.contains("short16k.flac") && featured.contains("short16k.wav"), "featured: \(featured)")
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
