// Linear convolution of two real signals through a radix-2 FFT in double precision: the reverberation of an
// utterance by a room impulse response (`Reverb.swift`). A 2 s utterance and a 0.5 s response would cost 2.6e8
// multiply-adds directly; through the FFT it is three transforms of 65536 points. The FFT is the textbook
// iterative Cooley–Tukey (bit reversal, then butterflies), separate from the STFT's mixed-radix SIMD one because
// it transforms one long signal, not many short frames.
import Foundation

public enum Convolution {
    /// y[n] = Σ_k x[k] · h[n − k] for n < x.count + h.count − 1 (the full linear convolution); empty if either is.
    public static func linear(_ x: [Float], _ h: [Float]) -> [Float] {
        guard !x.isEmpty, !h.isEmpty else { return [] }
        let outCount = x.count + h.count - 1
        var n = 1
        while n < outCount { n <<= 1 }
        var ar = [Double](repeating: 0, count: n), ai = [Double](repeating: 0, count: n)
        // Both real signals in one complex transform: a = x + i·h, then X_k = (A_k + conj A_{n−k}) / 2 and
        // H_k = (A_k − conj A_{n−k}) / (2i).
        for i in 0..<x.count { ar[i] = Double(x[i]) }
        for i in 0..<h.count { ai[i] = Double(h[i]) }
        fft(&ar, &ai, inverse: false)
        var pr = [Double](repeating: 0, count: n), pi = [Double](repeating: 0, count: n)
        for k in 0..<n {
            let j = (n - k) & (n - 1)
            let xr = (ar[k] + ar[j]) / 2, xi = (ai[k] - ai[j]) / 2
            let hr = (ai[k] + ai[j]) / 2, hi = (ar[j] - ar[k]) / 2
            pr[k] = xr * hr - xi * hi
            pi[k] = xr * hi + xi * hr
        }
        fft(&pr, &pi, inverse: true)
        return (0..<outCount).map { Float(pr[$0] / Double(n)) }
    }

    /// In-place complex FFT of a power-of-two length (unnormalised in both directions).
    static func fft(_ re: inout [Double], _ im: inout [Double], inverse: Bool) {
        let n = re.count
        precondition(n > 0 && n & (n - 1) == 0 && im.count == n, "Convolution.fft: length \(n) is not a power of two")
        var j = 0
        for i in 1..<max(n, 1) {
            var bit = n >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j |= bit
            if i < j { re.swapAt(i, j); im.swapAt(i, j) }
        }
        var len = 2
        let sign = inverse ? 1.0 : -1.0
        while len <= n {
            let half = len / 2
            // Twiddles computed directly per index (not by repeated multiplication) so the error does not grow with n.
            let w = (0..<half).map { (cos(2 * Double.pi * Double($0) / Double(len)), sign * sin(2 * Double.pi * Double($0) / Double(len))) }
            var start = 0
            while start < n {
                for k in 0..<half {
                    let a = start + k, b = a + half
                    let tr = re[b] * w[k].0 - im[b] * w[k].1
                    let ti = re[b] * w[k].1 + im[b] * w[k].0
                    re[b] = re[a] - tr; im[b] = im[a] - ti
                    re[a] += tr; im[a] += ti
                }
                start += len
            }
            len <<= 1
        }
    }
}
