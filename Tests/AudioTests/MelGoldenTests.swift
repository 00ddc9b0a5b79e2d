// Mel spectrograms against torchaudio's own output (tools/golden_mel.py → fixtures/golden/mel_*.f32).
import XCTest
@testable import Audio

final class MelGoldenTests: XCTestCase {
    struct Case { let name: String; let input: String; let params: [String: Any]; let shape: [Int]; let file: String }

    func loadCases() throws -> [Case] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("golden/mel_manifest.json")))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cases = try XCTUnwrap(json["cases"] as? [[String: Any]])
        return cases.map { Case(name: $0["name"] as! String, input: $0["input"] as! String,
                                params: $0["params"] as! [String: Any], shape: $0["shape"] as! [Int], file: $0["file"] as! String) }
    }

    func config(_ p: [String: Any]) -> MelConfig {
        var c = MelConfig()
        if let v = p["n_fft"] as? Int { c.stft.nFFT = v }
        if let v = p["win_length"] as? Int { c.stft.winLength = v }
        if let v = p["hop_length"] as? Int { c.stft.hopLength = v }
        if let v = p["n_mels"] as? Int { c.nMels = v }
        if let v = p["f_min"] as? Double { c.fMin = v }
        if let v = p["f_max"] as? Double { c.fMax = v }
        if let v = p["power"] as? Double { c.stft.power = Float(v) }
        if let v = p["mel_scale"] as? String { c.melScale = MelScale(rawValue: v)! }
        if (p["norm"] as? String) == "slaney" { c.slaneyNorm = true }
        return c
    }

    /// Largest error relative to the reference (torchaudio run in float64), with an absolute floor of 1e-5 × the
    /// frame's largest mel value: a float32 DFT cannot resolve mel bins more than ~50 dB below the frame's loudest one
    /// to 1e-4 (torchaudio's own float32 output misses the float64 reference by ~1e-4 already at 60 dB).
    func worstRelativeError(_ got: [Float], _ want: [Float], bins: Int, frames: Int) -> Double {
        var worst = 0.0
        for t in 0..<frames {
            var peak: Float = 0
            for b in 0..<bins { peak = max(peak, abs(want[b * frames + t])) }
            for b in 0..<bins {
                let g = Double(got[b * frames + t]), w = Double(want[b * frames + t])
                let err = abs(g - w) / max(abs(w), 1e-5 * Double(peak), 1e-30)
                worst = max(worst, err)
            }
        }
        return worst
    }

    func testAllGoldenCasesWithin1e4Relative() throws {
        let cases = try loadCases()
        XCTAssertGreaterThanOrEqual(cases.count, 5)
        for c in cases {
            let samples: [Float] = c.input.hasSuffix(".f32") ? try Fixtures.f32("golden/" + c.input)
                : try AudioFile.load(Fixtures.path(c.input)).samples
            let mel = try MelSpectrogram(config(c.params)).compute(samples)
            XCTAssertEqual([mel.bins, mel.frames], c.shape, c.name)
            let want = try Fixtures.f32("golden/" + c.file)
            let err = worstRelativeError(mel.values, want, bins: mel.bins, frames: mel.frames)
            XCTAssertLessThan(err, 1e-4, "\(c.name): worst relative error \(err)")
        }
    }

    func testDefaultsMatchTorchaudio() throws {
        let m = try MelSpectrogram()
        XCTAssertEqual(m.config.stft.nFFT, 400)
        XCTAssertEqual(m.config.stft.hop, 200)
        XCTAssertEqual(m.config.nMels, 128)
        XCTAssertEqual(m.stft.frameCount(samples: 16000), 81)
        // torchaudio warns that some of the 128 HTK filters over 201 bins are empty; so do we.
        XCTAssertGreaterThan(m.filterbank.emptyFilters, 0)
    }

    func testLogAndPerBinNormalization() throws {
        let samples = try Fixtures.f32("golden/mel_input_chirp.f32")
        var c = MelConfig.logMelNormalized
        c.nMels = 40
        let m = try MelSpectrogram(c).compute(samples)
        for b in 0..<m.bins {
            let row = (0..<m.frames).map { Double(m[b, $0]) }
            let mean = row.reduce(0, +) / Double(row.count)
            XCTAssertEqual(mean, 0, accuracy: 1e-4)
            let v = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(row.count - 1)
            XCTAssertEqual(v.squareRoot(), 1, accuracy: 1e-3)
        }
    }

    func testRejectsTooShortSignal() {
        XCTAssertThrowsError(try MelSpectrogram().compute([Float](repeating: 0, count: 100)))
    }
}

