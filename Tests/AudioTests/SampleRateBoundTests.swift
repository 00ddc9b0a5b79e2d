// A header that declares a sample rate of a few hundred hertz is refused when the audio must be resampled: the
// fuzzer found such files (each resampled 64-fold to 16 kHz before the mel spectrogram, taking seconds apiece),
// and no speech recording is made below 8 kHz. Read at its own rate, the same file still loads.
import XCTest
@testable import Audio

final class SampleRateBoundTests: XCTestCase {
    private func wav(rate: Int, frames: Int = 400) throws -> String {
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("rate\(rate).wav").path
        try AudioFile.write(Waveform(samples: (0..<frames).map { Float(sin(Double($0) * 0.3) * 0.5) }, sampleRate: rate),
                            to: path)
        return path
    }

    func testALowDeclaredRateIsRefusedBeforeResampling() throws {
        let path = try wav(rate: 250)
        XCTAssertThrowsError(try AudioFile.load(path, targetRate: 16000)) { error in
            XCTAssertEqual(error as? AudioError, .sampleRateTooLow(path: path, rate: 250, minimum: 4000))
            XCTAssertTrue("\(error)".contains("250 Hz"), "\(error)")
            XCTAssertTrue("\(error)".contains("probably damaged"), "\(error)")
        }
    }

    func testTheSameFileLoadsAtItsOwnRate() throws {
        let path = try wav(rate: 250)
        let wave = try AudioFile.load(path)
        XCTAssertEqual(wave.sampleRate, 250)
        XCTAssertEqual(wave.count, 400)
        XCTAssertEqual(try AudioFile.info(path).sampleRate, 250)
    }

    func testTheBoundItselfIsResampled() throws {
        let path = try wav(rate: AudioFile.minimumResampledRate, frames: 4000)
        let wave = try AudioFile.load(path, targetRate: 16000)
        XCTAssertEqual(wave.sampleRate, 16000)
        XCTAssertEqual(wave.count, 16000, accuracy: 4)
    }
}
