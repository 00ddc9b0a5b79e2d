// Replays the inputs of the `fuzz-audio` target (fixtures/fuzz/audio/seeds and regressions/, see
// docs/reliability.md) through the same calls: header probe, load as 16 kHz mono, log-mel with per-bin
// normalisation (Training's `FeatureSpec(nMels: 128, logMel: true, normalize: true).melConfig`); each must
// succeed or throw, never end the process.
import Foundation
import FuzzReplay
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

    /// Found by fuzz-audio: a 45-byte FLAC whose header promises about 990 million frames. The reader allocated the
    /// promised 4 GB before reading a sample (out of memory under the fuzzer's 2 GB limit); now memory follows the
    /// samples actually read, and the file is refused for holding none of the promised frames.
    func testAFrameCountInTheHeaderDoesNotSizeMemory() throws {
        let path = FuzzInputs.root.appendingPathComponent("fixtures/fuzz/audio/regressions/flac_header_claims_990M_frames.flac").path
        let promised = try AudioFile.info(path).frames
        XCTAssertGreaterThan(promised, 900_000_000)
        let before = Self.peakResidentBytes()
        XCTAssertThrowsError(try AudioFile.load(path)) { error in
            switch error as? AudioError {
            case .truncated(_, let expected, let read)?: XCTAssertEqual(expected, promised); XCTAssertLessThan(read, 1000)
            case .readFailed?: break
            default: XCTFail("unexpected error \(error)")
            }
        }
        // Before the fix the promised frames were allocated and zeroed up front: 4 bytes × 990 million.
        XCTAssertLessThan(Self.peakResidentBytes() - before, 256 << 20)
    }

    /// The process's peak resident memory so far (Linux reports ru_maxrss in KiB).
    private static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }
}
