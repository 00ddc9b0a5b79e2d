// Triangular mel filterbanks exactly as torchaudio.functional.melscale_fbanks builds them (HTK or Slaney mel scale,
// optional Slaney area normalisation), stored sparsely: each filter touches only a few FFT bins, so applying the
// bank costs ~2 × n_freqs multiply-adds per frame instead of n_freqs × n_mels.
import Foundation

public enum MelScale: String, Sendable, CaseIterable {
    case htk, slaney

    public func melFromHz(_ f: Double) -> Double {
        switch self {
        case .htk: return 2595.0 * log10(1.0 + f / 700.0)
        case .slaney:
            let fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp, logstep = log(6.4) / 27.0
            return f >= minLogHz ? minLogMel + log(f / minLogHz) / logstep : f / fSp
        }
    }

    public func hzFromMel(_ m: Double) -> Double {
        switch self {
        case .htk: return 700.0 * (pow(10.0, m / 2595.0) - 1.0)
        case .slaney:
            let fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp, logstep = log(6.4) / 27.0
            return m >= minLogMel ? minLogHz * exp(logstep * (m - minLogMel)) : fSp * m
        }
    }
}

public struct MelFilterbank: Sendable, Equatable {
    public let nFreqs: Int
    public let nMels: Int
    /// First FFT bin of filter m, and its weights over bins start[m] ..< start[m] + weights[m].count.
    public let start: [Int]
    public let weights: [[Float]]

    /// Same arguments and defaults as torchaudio's melscale_fbanks (`fMax` nil = Nyquist; `slaneyNorm` = norm="slaney").
    /// Computed in double and rounded once, so each weight is the exact triangle value to float32 precision.
    public init(nFreqs: Int, nMels: Int, sampleRate: Int, fMin: Double = 0, fMax: Double? = nil,
                scale: MelScale = .htk, slaneyNorm: Bool = false) {
        let fMax = fMax ?? Double(sampleRate / 2)
        // torchaudio: all_freqs = linspace(0, sample_rate // 2, n_freqs); m_pts = linspace(m_min, m_max, n_mels + 2)
        let nyquist = Double(sampleRate / 2)
        let allFreqs = (0..<nFreqs).map { nFreqs > 1 ? nyquist * Double($0) / Double(nFreqs - 1) : 0 }
        let mMin = scale.melFromHz(fMin), mMax = scale.melFromHz(fMax)
        let fPts = (0..<(nMels + 2)).map { scale.hzFromMel(mMin + (mMax - mMin) * Double($0) / Double(nMels + 1)) }
        var start = [Int](), weights = [[Float]]()
        for m in 0..<nMels {
            let lo = fPts[m], mid = fPts[m + 1], hi = fPts[m + 2]
            let enorm = slaneyNorm ? 2.0 / (hi - lo) : 1.0
            var first = -1, w = [Float]()
            for (k, f) in allFreqs.enumerated() {
                let down = (f - lo) / (mid - lo), up = (hi - f) / (hi - mid)
                let v = max(0, min(down, up)) * enorm
                if v > 0 {
                    if first < 0 { first = k }
                    while first + w.count < k { w.append(0) }
                    w.append(Float(v))
                }
            }
            start.append(max(first, 0))
            weights.append(w)
        }
        self.nFreqs = nFreqs
        self.nMels = nMels
        self.start = start
        self.weights = weights
    }

    /// Number of filters with no non-zero weight (torchaudio warns about these: too many mels for the FFT size).
    public var emptyFilters: Int { weights.filter { $0.isEmpty }.count }

    /// The dense (nFreqs × nMels) matrix, as torchaudio stores `fb`.
    public var dense: [Float] {
        var fb = [Float](repeating: 0, count: nFreqs * nMels)
        for m in 0..<nMels { for (j, w) in weights[m].enumerated() { fb[(start[m] + j) * nMels + m] = w } }
        return fb
    }
}
