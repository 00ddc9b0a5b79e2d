// Waveform perturbations for augmentation and corpus synthesis: speed perturbation (resample then reinterpret at
// the old rate, like sox `speed` / Kaldi's 0.9–1.1× recipe: tempo and pitch change together) and additive noise at a
// given signal-to-noise ratio, the noise white or pink. Reverberation is in Reverb.swift. Deterministic for a
// Xoshiro256StarStar.
import Base
import Foundation

public enum Perturbation {
    /// Plays `wave` `factor` times faster (factor 1.1 = 10 % shorter and higher); the rate stays the same.
    public static func speed(_ wave: Waveform, factor: Double, quality: ResampleQuality = .medium) throws -> Waveform {
        guard factor > 0, factor.isFinite else { throw AudioError.invalidParameter("speed factor must be positive (got \(factor))") }
        if factor == 1 { return wave }
        let out = try Resampler.resample(wave.samples, ratio: 1 / factor, quality: quality)
        return Waveform(samples: out, sampleRate: wave.sampleRate)
    }

    /// Adds white Gaussian noise scaled so 10·log10(P_signal / P_noise) = snrDB. Silence stays silent.
    public static func addNoise(_ wave: Waveform, snrDB: Double, using rng: inout Xoshiro256StarStar) -> Waveform {
        let noise = (0..<wave.count).map { _ in Float(rng.nextGaussian()) }
        return addNoise(wave, noise: noise, snrDB: snrDB)
    }

    /// Adds `color` noise (Gaussian) at snrDB; white draws exactly what `addNoise(_:snrDB:using:)` draws.
    public static func addNoise(_ wave: Waveform, snrDB: Double, color: NoiseColor, using rng: inout Xoshiro256StarStar) -> Waveform {
        switch color {
        case .white: return addNoise(wave, snrDB: snrDB, using: &rng)
        case .pink: return addNoise(wave, noise: pinkNoise(count: wave.count, using: &rng), snrDB: snrDB)
        }
    }

    /// Gaussian noise with a 1/f power spectrum (equal power in every octave), by shaping white noise in the
    /// frequency domain: bin k of its FFT is scaled by 1/√k (the DC bin set to 0), then transformed back. Exact
    /// in expectation at every frequency, unlike the usual IIR approximations tuned for one sample rate.
    public static func pinkNoise(count: Int, using rng: inout Xoshiro256StarStar) -> [Float] {
        guard count > 0 else { return [] }
        var n = 1
        while n < count { n <<= 1 }
        var re = (0..<n).map { _ in rng.nextGaussian() }, im = [Double](repeating: 0, count: n)
        Convolution.fft(&re, &im, inverse: false)
        re[0] = 0; im[0] = 0
        for k in 1..<n {
            let f = Double(min(k, n - k))            // bins k and n − k are the same frequency: keeps the signal real
            let g = 1 / f.squareRoot()
            re[k] *= g; im[k] *= g
        }
        Convolution.fft(&re, &im, inverse: true)
        // Scale is irrelevant (addNoise sets the SNR); normalise to unit power so the values stay moderate.
        var p = 0.0
        for i in 0..<count { p += re[i] * re[i] }
        let s = p > 0 ? (Double(count) / p).squareRoot() : 0
        return (0..<count).map { Float(re[$0] * s) }
    }

    /// Adds a given noise signal (looped or cut to length) at snrDB.
    public static func addNoise(_ wave: Waveform, noise: [Float], snrDB: Double) -> Waveform {
        guard !wave.samples.isEmpty, !noise.isEmpty else { return wave }
        var ps = 0.0, pn = 0.0
        for x in wave.samples { ps += Double(x) * Double(x) }
        for i in 0..<wave.count { let v = Double(noise[i % noise.count]); pn += v * v }
        guard ps > 0, pn > 0 else { return wave }
        let gain = Float((ps / pn / pow(10, snrDB / 10)).squareRoot())
        var out = wave
        for i in 0..<out.count { out.samples[i] += gain * noise[i % noise.count] }
        return out
    }

    /// Scales to a peak of `peak` (no-op for silence).
    public static func normalizePeak(_ wave: Waveform, peak: Float = 0.9) -> Waveform {
        let p = wave.peak
        guard p > 0 else { return wave }
        return Waveform(samples: wave.samples.map { $0 * peak / p }, sampleRate: wave.sampleRate)
    }
}

/// The spectrum of the additive noise: white (flat) or pink (1/f, the spectrum of much environmental noise).
public enum NoiseColor: String, Codable, Sendable, CaseIterable { case white, pink }

