// Mel spectrogram equal to torchaudio.transforms.MelSpectrogram() with its defaults (16 kHz, n_fft 400, hop 200,
// 128 mels, periodic Hann, centred reflect padding, power 2, HTK scale, no filter normalisation), plus the usual
// post-processing a recogniser wants: log compression and per-utterance normalisation.
// Output layout: (n_mels × frames), row-major, as torchaudio returns it.
import Foundation

public enum LogCompression: Sendable, Equatable {
    case none
    /// Natural log of max(x, floor) (the reference recipe uses floor 1e-10).
    case log(floor: Float)
    /// 10·log10(max(x, floor)) — decibels.
    case decibels(floor: Float)
}

public enum FeatureNormalization: String, Sendable, CaseIterable {
    case none
    /// Each mel bin to zero mean, unit standard deviation over the utterance's frames: (x − mean) / (std + 1e-5),
    /// std unbiased like torch.std.
    case perBin
    /// The whole utterance to zero mean and unit standard deviation.
    case utterance
}

public struct MelConfig: Sendable, Equatable {
    public var sampleRate: Int = 16000
    public var stft = STFTConfig()
    public var nMels: Int = 128
    public var fMin: Double = 0
    public var fMax: Double? = nil
    public var melScale: MelScale = .htk
    public var slaneyNorm: Bool = false
    public var log: LogCompression = .none
    public var normalization: FeatureNormalization = .none

    /// torchaudio.transforms.MelSpectrogram() defaults.
    public init() {}

    /// The recogniser's usual input: log-mel (floor 1e-10), each bin normalised per utterance.
    public static var logMelNormalized: MelConfig {
        var c = MelConfig(); c.log = .log(floor: 1e-10); c.normalization = .perBin; return c
    }
}

public struct MelSpectrogram: Sendable {
    public let config: MelConfig
    public let stft: STFT
    public let filterbank: MelFilterbank
    // The filterbank flattened for the fused power → mel step: filter m covers bins bandStart[m] ..< + bandCount[m],
    // with weights bandWeights[bandOffset[m]...].
    private let bandStart: [Int], bandCount: [Int], bandOffset: [Int], bandWeights: [Float]

    public init(_ config: MelConfig = MelConfig()) throws {
        guard config.nMels >= 1 else { throw AudioError.invalidParameter("n_mels must be at least 1") }
        guard config.sampleRate > 0 else { throw AudioError.invalidParameter("sample rate must be positive") }
        let nyquist = Double(config.sampleRate) / 2
        let fMax = config.fMax ?? nyquist
        guard config.fMin >= 0, fMax > config.fMin, fMax <= nyquist else {
            throw AudioError.invalidParameter("need 0 ≤ f_min < f_max ≤ \(nyquist) Hz (got f_min \(config.fMin), f_max \(fMax))")
        }
        self.config = config
        stft = try STFT(config.stft)
        filterbank = MelFilterbank(nFreqs: config.stft.nFreqs, nMels: config.nMels, sampleRate: config.sampleRate,
                                   fMin: config.fMin, fMax: config.fMax, scale: config.melScale, slaneyNorm: config.slaneyNorm)
        bandStart = filterbank.start
        bandCount = filterbank.weights.map(\.count)
        var offsets = [Int](), flat = [Float]()
        for w in filterbank.weights { offsets.append(flat.count); flat += w }
        bandOffset = offsets
        bandWeights = flat
    }

    /// Features of a waveform; its rate must match the configuration (resample first).
    public func callAsFunction(_ wave: Waveform) throws -> FeatureMatrix {
        guard wave.sampleRate == config.sampleRate else {
            throw AudioError.invalidParameter("waveform is \(wave.sampleRate) Hz but the mel spectrogram expects \(config.sampleRate) Hz: resample it first")
        }
        return try compute(wave.samples)
    }

    /// The power spectrum of each block of 8 frames goes straight through the sparse filterbank into the output
    /// (same sums, in the same order, as `applyFilterbank(stft.power(samples))`), so no spectrogram is stored.
    public func compute(_ samples: [Float]) throws -> FeatureMatrix {
        let frames = try stft.checkedFrameCount(samples: samples.count)
        let nMels = config.nMels
        var mel = FeatureMatrix(bins: nMels, frames: frames)
        mel.values.withUnsafeMutableBufferPointer { o in
        bandStart.withUnsafeBufferPointer { start in
        bandCount.withUnsafeBufferPointer { cnt in
        bandOffset.withUnsafeBufferPointer { off in
        bandWeights.withUnsafeBufferPointer { wts in
            let base = o.baseAddress!
            stft.forEachPowerBlock(samples, frames: frames) { t0, count, p in
                for m in 0..<nMels {
                    var acc = Lane()
                    let k0 = start[m], o0 = off[m]
                    for j in 0..<cnt[m] { acc += Lane(repeating: wts[o0 + j]) * p[k0 + j] }
                    storeLanes(acc, base + m * frames + t0, count)
                }
            }
        }}}}}
        MelSpectrogram.compress(&mel, config.log)
        MelSpectrogram.normalize(&mel, config.normalization)
        return mel
    }

    /// (nFreqs × T) power spectrum → (nMels × T), using the sparse filters.
    public func applyFilterbank(_ spec: FeatureMatrix) -> FeatureMatrix {
        let frames = spec.frames, fb = filterbank
        var out = FeatureMatrix(bins: fb.nMels, frames: frames)
        spec.values.withUnsafeBufferPointer { s in
            out.values.withUnsafeMutableBufferPointer { o in
                for m in 0..<fb.nMels {
                    let w = fb.weights[m], k0 = fb.start[m]
                    guard !w.isEmpty else { continue }
                    let orow = o.baseAddress! + m * frames
                    w.withUnsafeBufferPointer { wp in
                        for j in 0..<wp.count {
                            let wj = wp[j], srow = s.baseAddress! + (k0 + j) * frames
                            for t in 0..<frames { orow[t] += wj * srow[t] }
                        }
                    }
                }
            }
        }
        return out
    }

    public static func compress(_ m: inout FeatureMatrix, _ kind: LogCompression) {
        switch kind {
        case .none: return
        case let .log(floor):
            m.values.withUnsafeMutableBufferPointer { v in for i in 0..<v.count { v[i] = logf(max(v[i], floor)) } }
        case let .decibels(floor):
            m.values.withUnsafeMutableBufferPointer { v in for i in 0..<v.count { v[i] = 10 * log10f(max(v[i], floor)) } }
        }
    }

    public static func normalize(_ m: inout FeatureMatrix, _ kind: FeatureNormalization) {
        let frames = m.frames
        switch kind {
        case .none: return
        case .perBin:
            m.values.withUnsafeMutableBufferPointer { v in
                for b in 0..<m.bins {
                    let row = UnsafeMutableBufferPointer(rebasing: v[(b * frames)..<((b + 1) * frames)])
                    normalizeInPlace(row)
                }
            }
        case .utterance:
            m.values.withUnsafeMutableBufferPointer { normalizeInPlace($0) }
        }
    }

    private static func normalizeInPlace(_ v: UnsafeMutableBufferPointer<Float>) {
        let n = v.count
        guard n > 0 else { return }
        var sum: Double = 0
        for x in v { sum += Double(x) }
        let mean = sum / Double(n)
        var ss: Double = 0
        for x in v { ss += (Double(x) - mean) * (Double(x) - mean) }
        let std = n > 1 ? (ss / Double(n - 1)).squareRoot() : 0
        let inv = 1 / (std + 1e-5)
        for i in 0..<n { v[i] = Float((Double(v[i]) - mean) * inv) }
    }
}
