// Band-limited resampling through libsamplerate (Secret Rabbit Code): sinc interpolation, not linear, so speech
// energy above the new Nyquist frequency is filtered out instead of folding back as aliasing.
import CSampleRate

public enum ResampleQuality: String, Sendable, CaseIterable {
    /// SRC_SINC_BEST_QUALITY: 97 dB SNR, 97% bandwidth; the slowest.
    case best
    /// SRC_SINC_MEDIUM_QUALITY: 97 dB SNR, 90% bandwidth; several times faster.
    case medium
    /// SRC_SINC_FASTEST: 97 dB SNR, 80% bandwidth.
    case fastest

    var converter: Int32 {
        switch self {
        case .best: return Int32(SRC_SINC_BEST_QUALITY)
        case .medium: return Int32(SRC_SINC_MEDIUM_QUALITY)
        case .fastest: return Int32(SRC_SINC_FASTEST)
        }
    }
}

public enum Resampler {
    /// Resamples `wave` to `rate` Hz; the output holds round(count × rate / oldRate) samples.
    public static func resample(_ wave: Waveform, to rate: Int, quality: ResampleQuality = .best) throws -> Waveform {
        guard rate > 0 else { throw AudioError.invalidParameter("target sample rate must be positive (got \(rate))") }
        guard wave.sampleRate > 0 else { throw AudioError.invalidParameter("source sample rate must be positive") }
        if rate == wave.sampleRate || wave.samples.isEmpty { return Waveform(samples: wave.samples, sampleRate: rate) }
        let out = try resample(wave.samples, ratio: Double(rate) / Double(wave.sampleRate), quality: quality)
        return Waveform(samples: out, sampleRate: rate)
    }

    /// Resamples raw samples by `ratio` = output rate / input rate (the primitive behind speed perturbation).
    public static func resample(_ samples: [Float], ratio: Double, quality: ResampleQuality = .best) throws -> [Float] {
        guard ratio > 0, ratio.isFinite, src_is_valid_ratio(ratio) != 0 else {
            throw AudioError.resampleFailed(reason: "ratio \(ratio) is outside libsamplerate's range (1/256 ... 256)")
        }
        let expected = Int((Double(samples.count) * ratio).rounded())
        var out = [Float](repeating: 0, count: expected + 64)
        var err: Int32 = 0
        let generated: Int = samples.withUnsafeBufferPointer { inp in
            out.withUnsafeMutableBufferPointer { outp in
                var data = SRC_DATA()
                data.data_in = inp.baseAddress
                data.input_frames = Int(inp.count)
                data.data_out = outp.baseAddress
                data.output_frames = Int(outp.count)
                data.src_ratio = ratio
                data.end_of_input = 1
                err = src_simple(&data, quality.converter, 1)
                return Int(data.output_frames_gen)
            }
        }
        guard err == 0 else { throw AudioError.resampleFailed(reason: String(cString: src_strerror(err))) }
        out.removeSubrange(min(generated, expected)...)
        // src_simple may emit a sample or two fewer than the exact length; pad so lengths are predictable.
        if out.count < expected { out.append(contentsOf: repeatElement(0, count: expected - out.count)) }
        return out
    }
}
