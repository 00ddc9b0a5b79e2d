// The augmentations of `train` against independent oracles: the FFT convolution against the direct sum, the
// reverberation of an impulse against the room response itself, the response's decay against the RT60 definition,
// the SNR measured back from the noisy signal, the pink noise's equal power per octave, SpecAugment's masks against
// a replay of the documented draws, and stacked frames against the original frames read in order.
import Base
import Foundation
import XCTest
@testable import Audio

final class AugmentationTests: XCTestCase {
    func testFFTConvolutionEqualsTheDirectSum() {
        var rng = Xoshiro256StarStar(seed: 3)
        for (nx, nh) in [(1, 1), (37, 11), (64, 64), (100, 3), (5, 129)] {
            let x = (0..<nx).map { _ in Float(rng.nextGaussian()) }, h = (0..<nh).map { _ in Float(rng.nextGaussian()) }
            let y = Convolution.linear(x, h)
            XCTAssertEqual(y.count, nx + nh - 1)
            for n in 0..<y.count {
                var direct = 0.0
                for k in max(0, n - nh + 1)...min(n, nx - 1) { direct += Double(x[k]) * Double(h[n - k]) }
                XCTAssertEqual(Double(y[n]), direct, accuracy: 1e-5, "\(nx)×\(nh) at \(n)")
            }
        }
        XCTAssertEqual(Convolution.linear([], [1]), [])
    }

    func testReverbOfAnImpulseIsTheRoomResponse() throws {
        var rng = Xoshiro256StarStar(seed: 11, stream: 2)
        let rir = try RoomImpulse.synthetic(rt60: 0.3, drrDB: 5, sampleRate: 16000, using: &rng)
        XCTAssertEqual(rir.samples.count, 4800)               // ceil(0.3 s × 16000)
        XCTAssertEqual(rir.samples[0], 1)
        var impulse = [Float](repeating: 0, count: 6000)
        impulse[0] = 1
        let y = Perturbation.reverb(Waveform(samples: impulse, sampleRate: 16000), rir)
        XCTAssertEqual(y.count, 6000)                          // cut to the input's length
        for n in 0..<4800 { XCTAssertEqual(y.samples[n], rir.samples[n], accuracy: 1e-6) }
        for n in 4800..<6000 { XCTAssertEqual(y.samples[n], 0, accuracy: 1e-6) }
        // A delayed, scaled impulse gives the delayed, scaled response (linearity and time invariance).
        var delayed = [Float](repeating: 0, count: 6000)
        delayed[100] = 0.5
        let z = Perturbation.reverb(Waveform(samples: delayed, sampleRate: 16000), rir)
        for n in 0..<100 { XCTAssertEqual(z.samples[n], 0, accuracy: 1e-6) }
        for n in 100..<4900 { XCTAssertEqual(z.samples[n], 0.5 * rir.samples[n - 100], accuracy: 1e-6) }
        // The same stream gives the same room.
        var again = Xoshiro256StarStar(seed: 11, stream: 2)
        XCTAssertEqual(try RoomImpulse.synthetic(rt60: 0.3, drrDB: 5, sampleRate: 16000, using: &again), rir)
    }

    /// RT60 is the time the energy takes to fall 60 dB; the DRR is the direct path's energy over the tail's.
    func testRoomResponseDecaysSixtyDecibelsInRT60() throws {
        var rng = Xoshiro256StarStar(seed: 5)
        let rt60 = 0.6, sr = 16000
        let rir = try RoomImpulse.synthetic(rt60: rt60, drrDB: 3, sampleRate: sr, using: &rng)
        let tail = rir.samples.dropFirst().map { Double($0) * Double($0) }
        XCTAssertEqual(10 * log10(1 / tail.reduce(0, +)), 3, accuracy: 1e-4)
        // Energy in 40 ms windows starting at 0.1 s steps: the window at time t holds 10^(−6 t / RT60) of the first's
        // (a 60 dB fall over RT60 in energy), up to the noise of 640 Gaussian draws (±0.5 dB).
        let w = sr / 25
        func energy(_ start: Int) -> Double { (start..<(start + w)).map { tail[$0 - 1] }.reduce(0, +) }
        let first = energy(1)
        for step in 1...4 {
            let t = Double(step) * 0.1
            let measured = 10 * log10(energy(1 + Int(t * Double(sr))) / first)
            XCTAssertEqual(measured, -60 * t / rt60, accuracy: 1, "at \(t) s")
        }
    }

    func testNoiseIsAddedAtTheRequestedSNR() {
        var rng = Xoshiro256StarStar(seed: 8)
        let speech = Waveform(samples: (0..<8000).map { Float(0.3 * sin(Double($0) * 0.05) + 0.1 * sin(Double($0) * 0.31)) },
                              sampleRate: 16000)
        for color in NoiseColor.allCases {
            for snr in [-5.0, 0, 12.5, 30] {
                let noisy = Perturbation.addNoise(speech, snrDB: snr, color: color, using: &rng)
                var ps = 0.0, pn = 0.0
                for i in 0..<speech.count {
                    ps += Double(speech.samples[i]) * Double(speech.samples[i])
                    let n = Double(noisy.samples[i]) - Double(speech.samples[i])
                    pn += n * n
                }
                XCTAssertEqual(10 * log10(ps / pn), snr, accuracy: 0.01, "\(color) at \(snr) dB")
            }
        }
        // Silence stays silent (no SNR defines a level for it).
        XCTAssertEqual(Perturbation.addNoise(Waveform(samples: [0, 0, 0], sampleRate: 16000), snrDB: 10, color: .pink, using: &rng).samples,
                       [0, 0, 0])
    }

    /// Pink noise has the same power in every octave; white noise twice as much in each octave as in the one below.
    func testPinkNoiseHasEqualPowerPerOctave() {
        var rng = Xoshiro256StarStar(seed: 21)
        let n = 1 << 16
        // Octaves [2^o, 2^(o+1)) bins for o = 9...14: at least 512 bins each, so a band's power is within about
        // ±0.2 dB (one standard deviation) of its expectation; the bound is 0.75 dB.
        func octaves(_ x: [Float]) -> [Double] {
            var re = x.map(Double.init), im = [Double](repeating: 0, count: n)
            Convolution.fft(&re, &im, inverse: false)
            var bands: [Double] = []
            for o in 9..<15 {
                var p = 0.0
                for k in (1 << o)..<(1 << (o + 1)) { p += re[k] * re[k] + im[k] * im[k] }
                bands.append(p)
            }
            return bands
        }
        let pink = octaves(Perturbation.pinkNoise(count: n, using: &rng))
        let mean = pink.reduce(0, +) / Double(pink.count)
        for (i, p) in pink.enumerated() { XCTAssertEqual(10 * log10(p / mean), 0, accuracy: 0.75, "octave \(i)") }
        let white = octaves((0..<n).map { _ in Float(rng.nextGaussian()) })
        for i in 1..<white.count { XCTAssertEqual(10 * log10(white[i] / white[i - 1]), 10 * log10(2), accuracy: 0.75) }
    }

    /// Several masks per axis, adaptive time masks: the masked cells are exactly the ranges a replay of the
    /// documented draws gives (time masks first, then frequency masks, each width then start), and every width
    /// stays below its parameter — floor(ratio × frames) for adaptive time masks.
    func testMaskCountsAndAdaptiveWidths() {
        for (frames, ratio) in [(200, 0.1), (45, 0.1), (300, 0.05)] {
            let spec = SpecAugment(freqMaskParam: 6, timeMasks: 4, freqMasks: 3, timeMaskRatio: ratio)
            let tParam = Int(Double(frames) * ratio)
            XCTAssertEqual(spec.timeParam(frames: frames), tParam)
            for seed in 0..<20 as Range<UInt64> {
                var m = FeatureMatrix(bins: 24, frames: frames, values: [Float](repeating: 1, count: 24 * frames))
                var rng = Xoshiro256StarStar(seed: seed), replay = rng
                spec.apply(&m, using: &rng)
                var u1: Float, u2: Float
                var times: [Range<Int>] = [], bins: [Range<Int>] = []
                for _ in 0..<4 {
                    u1 = replay.nextUnitFloat(); u2 = replay.nextUnitFloat()
                    let width = Int(u1 * Float(tParam)), start = Int(u2 * (Float(frames) - u1 * Float(tParam)))
                    XCTAssertLessThan(width, max(tParam, 1))
                    times.append(start..<min(start + width, frames))
                }
                for _ in 0..<3 {
                    u1 = replay.nextUnitFloat(); u2 = replay.nextUnitFloat()
                    let width = Int(u1 * 6), start = Int(u2 * (24 - u1 * 6))
                    XCTAssertLessThan(width, 6)
                    bins.append(start..<min(start + width, 24))
                }
                for b in 0..<24 {
                    for t in 0..<frames {
                        let masked = times.contains { $0.contains(t) } || bins.contains { $0.contains(b) }
                        XCTAssertEqual(m[b, t], masked ? 0 : 1, "seed \(seed), bin \(b), frame \(t)")
                    }
                }
                XCTAssertEqual(rng.state, replay.state, "exactly 2 draws per mask")
            }
        }
        // Without a ratio the width parameter is the fixed one, whatever the length.
        XCTAssertEqual(SpecAugment().timeParam(frames: 1000), 15)
    }

    /// The stacked frames, read one after the other, are the original frames in order (then zeros to fill the
    /// last one); the input width is K × bins and there are ceil(T / K) frames.
    func testStackedFramesAreTheOriginalFramesInOrder() {
        let bins = 3
        for (frames, k) in [(7, 3), (6, 2), (5, 1), (2, 4), (8, 8)] {
            let m = FeatureMatrix(bins: bins, frames: frames, values: (0..<(bins * frames)).map { Float($0) + 1 })
            let s = m.stacked(k)
            let outFrames = (frames + k - 1) / k
            XCTAssertEqual(s.bins, bins * k)
            XCTAssertEqual(s.frames, outFrames)
            var inOrder: [Float] = []
            for t in 0..<frames { for b in 0..<bins { inOrder.append(m[b, t]) } }
            inOrder += [Float](repeating: 0, count: outFrames * k * bins - inOrder.count)
            var read: [Float] = []
            for t in 0..<outFrames { for r in 0..<(bins * k) { read.append(s[r, t]) } }
            XCTAssertEqual(read, inOrder, "\(frames) frames stacked by \(k)")
        }
    }

    func testStackIsPartOfTheSpecAndOmittedWhenOne() throws {
        let plain = FeatureSpec(nMels: 40, logMel: true, normalize: true)
        XCTAssertFalse(plain.json().contains("stack"), "a spec without stacking is written as before: \(plain.json())")
        XCTAssertEqual(plain.inputWidth, 40)
        var s = plain
        s.stack = 3
        XCTAssertTrue(s.json().contains(#""stack":3"#), s.json())
        XCTAssertEqual(try JSONDecoder().decode(FeatureSpec.self, from: Data(s.json().utf8)), s)
        XCTAssertEqual(FeatureSpec.from(metadata: [FeatureSpec.metadataKey: s.json()], nMels: 120), s)
        XCTAssertEqual(s.inputWidth, 120)
        XCTAssertEqual(s.secondsPerFrame, 3 * 200 / 16000.0)
        XCTAssertTrue(s.summary.hasSuffix(", 3 frames stacked"), s.summary)
        s.stack = 0
        XCTAssertNotNil(s.validationError())
    }
}
