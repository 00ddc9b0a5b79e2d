// A recording cut short is an error that says so. libsndfile shortens a cut WAV to the frames that are there, so
// before the fix a WAV cut in half loaded as half a recording without a word (a cut FLAC already failed).
import Foundation
import XCTest
@testable import Audio

final class TruncatedAudioTests: XCTestCase {
    private func tone(frames: Int, rate: Int = 16000) -> Waveform {
        Waveform(samples: (0..<frames).map { Float(sin(Double($0) * 0.05) * 0.5) }, sampleRate: rate)
    }

    /// A 16-bit mono WAV of `frames` frames, cut to its 44-byte header plus `keep` bytes of samples.
    private func cutWAV(frames: Int, keep: Int) throws -> String {
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("cut.wav").path
        try AudioFile.write(tone(frames: frames), to: path)
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(whole.count, 44 + 2 * frames, "libsndfile writes a 44-byte canonical header")
        try whole.prefix(44 + keep).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testAWAVCutInHalfIsReportedAsTruncated() throws {
        let path = try cutWAV(frames: 8000, keep: 8000)           // 4000 of 8000 frames left
        for attempt in [{ _ = try AudioFile.load(path) }, { _ = try AudioFile.info(path) }] {
            XCTAssertThrowsError(try attempt()) { error in
                XCTAssertEqual(error as? AudioError, .truncated(path: path, expectedFrames: 8000, readFrames: 4000))
                XCTAssertTrue("\(error)".contains("truncated"), "\(error)")
            }
        }
    }

    func testAWholeWAVStillLoadsEveryFrame() throws {
        let path = try cutWAV(frames: 8000, keep: 16000)
        XCTAssertEqual(try AudioFile.load(path).count, 8000)
        XCTAssertEqual(try AudioFile.info(path).frames, 8000)
        XCTAssertEqual(WAVHeader.promisedFrames(path), 8000)
    }

    /// Longer than one decoding block (2^16 frames), so the block loop is exercised end to end.
    func testLongFilesDecodeAcrossBlocks() throws {
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("long.flac").path
        let wave = tone(frames: 150_001)
        try AudioFile.write(wave, to: path)
        let back = try AudioFile.load(path)
        XCTAssertEqual(back.count, 150_001)
        XCTAssertEqual(back.samples[150_000], wave.samples[150_000], accuracy: 1.0 / 32768)
    }

    /// Streaming writers put 0 or 0xFFFFFFFF in the size fields; those files are taken as libsndfile reads them.
    func testUnknownDataSizesAreNotTruncation() {
        var header = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WAVE".utf8)
        header += Array("fmt ".utf8) + [16, 0, 0, 0, 1, 0, 1, 0, 0x80, 0x3E, 0, 0, 0, 0x7D, 0, 0, 2, 0, 16, 0]
        XCTAssertEqual(WAVHeader.promisedFrames(header: header + Array("data".utf8) + [0xFF, 0xFF, 0xFF, 0xFF]), nil)
        XCTAssertEqual(WAVHeader.promisedFrames(header: header + Array("data".utf8) + [0, 0, 0, 0]), nil)
        XCTAssertEqual(WAVHeader.promisedFrames(header: header + Array("data".utf8) + [0x10, 0, 0, 0]), 8)
        XCTAssertEqual(WAVHeader.promisedFrames(header: Array("fLaC".utf8) + [0, 0, 0, 0]), nil)
    }
}
