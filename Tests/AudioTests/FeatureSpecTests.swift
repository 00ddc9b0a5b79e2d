// FeatureSpec, the one description of a model's input features: what it computes, and that checkpoints written
// before it recorded the rate, n_fft and hop still read (as torchaudio's defaults, which they used).
import Foundation
import XCTest
@testable import Audio

final class FeatureSpecTests: XCTestCase {
    func testMelConfigFollowsTheSpec() {
        let s = FeatureSpec(nMels: 40, logMel: true, normalize: true, sampleRate: 8000, nFFT: 256, hop: 80)
        let c = s.melConfig
        XCTAssertEqual(c.sampleRate, 8000)
        XCTAssertEqual(c.stft.nFFT, 256)
        XCTAssertEqual(c.stft.hop, 80)
        XCTAssertEqual(c.nMels, 40)
        XCTAssertEqual(c.log, .log(floor: 1e-10))
        XCTAssertEqual(c.normalization, .perBin)
        XCTAssertEqual(s.secondsPerFrame, 0.01)
        // The defaults are torchaudio's MelSpectrogram().
        let (n, t) = (FeatureSpec.notebook().melConfig, MelConfig())
        XCTAssertEqual([n.sampleRate, n.stft.nFFT, n.stft.hop, n.nMels], [t.sampleRate, t.stft.nFFT, t.stft.hop, t.nMels])
        XCTAssertEqual(n.log, .none)
        XCTAssertEqual(n.normalization, .none)
    }

    func testOlderCheckpointMetadataReadsWithTorchaudioDefaults() throws {
        let old = #"{"log_mel":true,"n_mels":128,"normalize":true}"#
        let s = FeatureSpec.from(metadata: [FeatureSpec.metadataKey: old], nMels: 128)
        XCTAssertEqual(s, FeatureSpec(nMels: 128, logMel: true, normalize: true, sampleRate: 16000, nFFT: 400, hop: 200))
        // No metadata at all (a notebook state_dict): raw power mel, as the notebook fed.
        XCTAssertEqual(FeatureSpec.from(metadata: [:], nMels: 64), FeatureSpec(nMels: 64, logMel: false, normalize: false))
        // What is written reads back.
        let s2 = FeatureSpec(nMels: 80, logMel: false, normalize: true, hop: 160)
        XCTAssertEqual(FeatureSpec.from(metadata: [FeatureSpec.metadataKey: s2.json()], nMels: 1), s2)
    }

    func testNonsenseIsNamed() {
        XCTAssertNotNil(FeatureSpec(nMels: 0, logMel: false, normalize: false).validationError())
        XCTAssertNotNil(FeatureSpec(logMel: false, normalize: false, hop: 0).validationError())
        XCTAssertNil(FeatureSpec(logMel: true, normalize: true).validationError())
    }
}
