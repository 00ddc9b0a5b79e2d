// The FFT and GEMM paths of the STFT against each other and against a float64 DFT, on a chirp.
import Base
import XCTest
@testable import Audio

final class FFTTests: XCTestCase {
    /// A linear chirp from 50 Hz to 7.5 kHz at 16 kHz, with a little seeded noise so no bin is exactly zero.
    func chirp(seconds: Double = 1) -> [Float] {
        let rate = 16000.0, n = Int(seconds * rate), f0 = 50.0, f1 = 7500.0
        var rng = Xoshiro256StarStar(seed: 7)
        return (0..<n).map { i in
            let t = Double(i) / rate
            return Float(0.8 * sin(2 * Double.pi * (f0 * t + (f1 - f0) * t * t / (2 * seconds))) + 1e-3 * rng.nextGaussian())
        }
    }

    func stft(_ n: Int, hop: Int? = nil, win: Int? = nil, power: Float = 2, _ method: DFTMethod, workers: Int? = nil) throws -> STFT {
        try STFT(STFTConfig(nFFT: n, winLength: win, hopLength: hop, power: power, method: method, workers: workers))
    }

    /// Largest |got − want| / max(|want|, floor × the frame's largest value), over a (bins × frames) matrix.
    func worst(_ got: FeatureMatrix, _ want: [Double], floor: Double) -> Double {
        var w = 0.0
        for t in 0..<got.frames {
            var peak = 0.0
            for b in 0..<got.bins { peak = max(peak, abs(want[b * got.frames + t])) }
            for b in 0..<got.bins {
                let r = want[b * got.frames + t]
                w = max(w, abs(Double(got[b, t]) - r) / max(abs(r), floor * peak, 1e-30))
            }
        }
        return w
    }

    /// |DFT|^power in float64, straight from the definition, with torch.stft's framing.
    func reference(_ x: [Float], _ s: STFT) -> [Double] {
        let c = s.config, n = c.nFFT, f = c.nFreqs, pad = n / 2, frames = s.frameCount(samples: x.count)
        let w = c.window, left = (n - w) / 2
        var win = [Double](repeating: 0, count: n)
        for i in 0..<w { win[left + i] = 0.5 - 0.5 * cos(2 * Double.pi * Double(i) / Double(w)) }
        var out = [Double](repeating: 0, count: f * frames)
        for t in 0..<frames {
            let y: [Double] = (0..<n).map { i in
                var p = t * c.hop - pad + i
                if p < 0 { p = -p } else if p >= x.count { p = 2 * (x.count - 1) - p }
                return Double(x[p]) * win[i]
            }
            for k in 0..<f {
                var re = 0.0, im = 0.0
                for i in 0..<n {
                    let a = 2 * Double.pi * Double((k * i) % n) / Double(n)
                    re += y[i] * cos(a); im -= y[i] * sin(a)
                }
                out[k * frames + t] = pow(re * re + im * im, Double(c.power) / 2)
            }
        }
        return out
    }

    func testFFTAndGEMMAgreeOnAChirp() throws {
        let x = chirp()
        // Even (packed real FFT: radices 4, 2, 3, 5 and the generic radix 7, 17) and odd (complex FFT) sizes;
        // frame counts that are not multiples of the 8-frame blocks.
        let cases: [(n: Int, hop: Int?, win: Int?, power: Float)] = [
            (400, nil, nil, 2), (512, 160, 400, 2), (256, 128, nil, 1), (255, 100, nil, 2), (243, 97, nil, 2),
            (34, 17, nil, 2), (98, 40, nil, 2), (60, 25, 51, 2), (2, 1, nil, 2), (3, 2, nil, 2), (2048, 512, nil, 2),
        ]
        for c in cases {
            let fft = try stft(c.n, hop: c.hop, win: c.win, power: c.power, .fft)
            let gemm = try stft(c.n, hop: c.hop, win: c.win, power: c.power, .gemm)
            XCTAssertTrue(fft.usesFFT, "n_fft \(c.n)")
            XCTAssertFalse(gemm.usesFFT)
            let a = try fft.power(x), b = try gemm.power(x)
            XCTAssertEqual([a.bins, a.frames], [b.bins, b.frames])
            // Bin by bin within 30 dB of the frame's loudest bin; quieter bins against 30 dB below it. A float32 DFT
            // (either path) is off by ~1e-7 of the frame's peak amplitude, so a bin 60 dB down is only good to ~1e-4.
            let floor = c.power == 2 ? 1e-3 : 1e-3.squareRoot()
            let bAsDouble = b.values.map(Double.init)
            let e = worst(a, bAsDouble, floor: floor)
            if ProcessInfo.processInfo.environment["TRELLIS_FFT_TEST_VERBOSE"] != nil {
                let r = c.n <= 512 ? reference(x, fft) : []
                print("n_fft \(c.n): FFT vs GEMM \(e)" + (r.isEmpty ? "" : ", vs float64: FFT \(worst(a, r, floor: floor)), GEMM \(worst(b, r, floor: floor))"))
            }
            XCTAssertLessThan(e, 1e-5, "n_fft \(c.n): FFT vs GEMM worst relative difference \(e)")
            if c.n <= 512 {
                let ref = reference(x, fft)
                let ef = worst(a, ref, floor: floor), eg = worst(b, ref, floor: floor)
                XCTAssertLessThan(ef, 1e-5, "n_fft \(c.n): FFT vs float64 DFT \(ef) (GEMM \(eg))")
            }
            // The mel spectrogram the two paths feed (fused power → filterbank) agrees as well.
            var mc = MelConfig(); mc.stft = fft.config; mc.nMels = min(40, c.n)
            var mg = mc; mg.stft.method = .gemm
            if c.n >= 60 {
                let ma = try MelSpectrogram(mc).compute(x), mb = try MelSpectrogram(mg).compute(x)
                let em = worst(ma, mb.values.map(Double.init), floor: floor)
                XCTAssertLessThan(em, 1e-5, "n_fft \(c.n): mel FFT vs GEMM \(em)")
            }
        }
    }

    func testUnsupportedSizesFallBackToGEMM() throws {
        let x = chirp(seconds: 0.5)
        // 257 is prime; 202 = 2·101 and 38 = 2·19 need complex FFTs of prime lengths 101 and 19 (> 17).
        for n in [257, 202, 38] {
            XCTAssertFalse(FFTPlan.supports(nFFT: n))
            for method in [DFTMethod.fft, .automatic] {
                let s = try stft(n, method)
                XCTAssertFalse(s.usesFFT, "n_fft \(n), \(method)")
                XCTAssertEqual(try s.power(x), try stft(n, .gemm).power(x), "n_fft \(n)")
            }
        }
        XCTAssertTrue(try stft(400, .automatic).usesFFT)
        XCTAssertTrue(try MelSpectrogram().stft.usesFFT)
    }

    func testFFTResultDoesNotDependOnWorkersAndFusionMatchesTwoSteps() throws {
        let x = chirp(seconds: 9)                       // 721 frames: the default uses 2 workers
        let one = try stft(400, .fft, workers: 1).power(x)
        XCTAssertEqual(one, try stft(400, .fft, workers: 2).power(x))
        XCTAssertEqual(one, try stft(400, .fft, workers: 3).power(x))
        XCTAssertEqual(one, try stft(400, .fft).power(x))
        for method in [DFTMethod.fft, .gemm] {
            var c = MelConfig(); c.stft.method = method
            let m = try MelSpectrogram(c)
            XCTAssertEqual(try m.compute(x), m.applyFilterbank(try m.stft.power(x)), "\(method)")
        }
    }
}
