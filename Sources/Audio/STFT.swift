// Short-time power spectrum with torch.stft's conventions (centre, reflect padding, periodic Hann window,
// one-sided), computed either by a mixed-radix real FFT (FFT.swift; the default when n_fft's factors allow it) or
// as two OpenBLAS GEMMs over a folded frame. `STFTConfig.method` picks one; docs/benchmarks.md compares them.
//
// Why folded (GEMM path): for a real windowed frame y of even length N, cos(2πk(N−n)/N) = cos(2πkn/N) and sin flips sign, so
//   Re X_k = y_0 + Σ_{n=1}^{N/2−1} (y_n + y_{N−n}) cos(2πkn/N) + y_{N/2} (−1)^k
//   Im X_k = −Σ_{n=1}^{N/2−1} (y_n − y_{N−n}) sin(2πkn/N)
// which halves the multiply-adds of a plain windowed-DFT GEMM (frames × N × 2(N/2+1)). Measured on 60 s of audio
// (n_fft 400, hop 200): see docs/benchmarks.md.
import Base
import CBLAS
import Foundation

/// How the STFT computes its DFTs. Both give the same spectrum to float32 rounding.
public enum DFTMethod: String, Sendable, CaseIterable {
    /// The FFT when it supports n_fft (every prime factor of n_fft, or of n_fft/2 when even, ≤ 17), else the GEMM.
    case automatic
    /// The FFT; sizes it does not support fall back to the GEMM (see `STFT.usesFFT`).
    case fft
    /// Two OpenBLAS SGEMMs over folded frames.
    case gemm
}

public struct STFTConfig: Sendable, Equatable {
    public var nFFT: Int = 400
    /// Window length (≤ nFFT); the window is zero-padded to nFFT, centred, like torch.stft.
    public var winLength: Int? = nil
    /// Hop in samples; nil = winLength / 2 (torchaudio's default).
    public var hopLength: Int? = nil
    public var center: Bool = true
    /// Power of the magnitude: 2 = power spectrum, 1 = magnitude.
    public var power: Float = 2
    /// DFT algorithm (does not change the result beyond float32 rounding).
    public var method: DFTMethod = .automatic
    /// Threads for the FFT path; nil = every available processor when the signal has at least 512 frames, else 1
    /// (the result does not depend on it). The GEMM path uses
    /// OpenBLAS's own threads.
    public var workers: Int? = nil

    public init(nFFT: Int = 400, winLength: Int? = nil, hopLength: Int? = nil, center: Bool = true, power: Float = 2,
                method: DFTMethod = .automatic, workers: Int? = nil) {
        self.nFFT = nFFT; self.winLength = winLength; self.hopLength = hopLength; self.center = center; self.power = power
        self.method = method; self.workers = workers
    }

    public var window: Int { winLength ?? nFFT }
    public var hop: Int { hopLength ?? max(window / 2, 1) }
    public var nFreqs: Int { nFFT / 2 + 1 }
}

/// Precomputed FFT plan (or cosine and sine bases) for one STFT configuration; reuse it across utterances.
public struct STFT: Sendable {
    public let config: STFTConfig
    let fft: FFTPlan?            // nil: GEMM path
    let window: [Float]          // nFFT, zero-padded periodic Hann
    let nEven: Int               // rows of the cosine basis: y_0, pairs 1..<half, (y_{N/2} if N even)
    let nOdd: Int                // rows of the sine basis: pairs 1..<half
    let cosBasis: [Float]        // nEven × nFreqs
    let sinBasis: [Float]        // nOdd × nFreqs

    public init(_ config: STFTConfig) throws {
        let n = config.nFFT, w = config.window
        guard n >= 2 else { throw AudioError.invalidParameter("n_fft must be at least 2 (got \(n))") }
        guard w >= 1, w <= n else { throw AudioError.invalidParameter("win_length \(w) must be in 1...n_fft (\(n))") }
        guard config.hop >= 1 else { throw AudioError.invalidParameter("hop length must be positive") }
        self.config = config
        var win = [Float](repeating: 0, count: n)
        let left = (n - w) / 2
        for i in 0..<w { win[left + i] = Float(0.5 - 0.5 * cos(2 * Double.pi * Double(i) / Double(w))) }
        window = win
        fft = config.method == .gemm ? nil : FFTPlan(nFFT: n)
        let pairs = (n - 1) / 2            // n = 1 ... pairs pair with N − n
        nEven = 1 + pairs + (n % 2 == 0 ? 1 : 0)
        nOdd = pairs
        guard fft == nil else { cosBasis = []; sinBasis = []; return }
        let f = config.nFreqs
        var c = [Float](repeating: 0, count: nEven * f), s = [Float](repeating: 0, count: max(nOdd, 1) * f)
        for k in 0..<f {
            c[k] = 1
            for j in 1...max(pairs, 1) where j <= pairs {
                // Reduce k·j mod N in integers so the angle stays exact for large k·j.
                let angle = 2 * Double.pi * Double((k * j) % n) / Double(n)
                c[j * f + k] = Float(cos(angle))
                s[(j - 1) * f + k] = Float(sin(angle))
            }
            if n % 2 == 0 { c[(pairs + 1) * f + k] = k % 2 == 0 ? 1 : -1 }
        }
        cosBasis = c
        sinBasis = s
    }

    /// Number of frames for `count` samples (torch.stft pads nFFT/2 on each side when centred).
    public func frameCount(samples count: Int) -> Int {
        let padded = count + (config.center ? 2 * (config.nFFT / 2) : 0)
        return padded >= config.nFFT ? 1 + (padded - config.nFFT) / config.hop : 0
    }

    /// True when this STFT uses the FFT, false for the GEMM (asked for, or n_fft not supported by the FFT).
    public var usesFFT: Bool { fft != nil }

    /// The number of frames, after checking that the signal is long enough for the padding and one frame.
    public func checkedFrameCount(samples count: Int) throws -> Int {
        let n = config.nFFT, pad = config.center ? n / 2 : 0
        if config.center && count <= pad {
            throw AudioError.invalidParameter("signal of \(count) samples is too short for reflect padding of \(pad) (n_fft \(n))")
        }
        let frames = frameCount(samples: count)
        guard frames > 0 else {
            throw AudioError.invalidParameter("signal of \(count) samples is shorter than one frame (n_fft \(n))")
        }
        return frames
    }

    /// |STFT|^power as (nFreqs × frames). Reflect padding needs more than nFFT/2 samples when centred.
    public func power(_ samples: [Float]) throws -> FeatureMatrix {
        let frames = try checkedFrameCount(samples: samples.count)
        let f = config.nFreqs
        var out = FeatureMatrix(bins: f, frames: frames)
        out.values.withUnsafeMutableBufferPointer { o in
            let base = o.baseAddress!
            forEachPowerBlock(samples, frames: frames) { t0, count, p in
                for k in 0..<f { storeLanes(p[k], base + k * frames + t0, count) }
            }
        }
        return out
    }

    /// Calls `body(t0, count, p)` for consecutive blocks of up to 8 frames: p[k] holds bin k's |X_k|^power for frames
    /// t0 ..< t0 + count in its first `count` lanes. Blocks of different workers may be handed over concurrently.
    /// `frames` must come from `checkedFrameCount`.
    func forEachPowerBlock(_ samples: [Float], frames: Int, _ body: (Int, Int, UnsafePointer<Lane>) -> Void) {
        if let plan = fft { fftBlocks(plan, samples, frames: frames, body) } else { gemmBlocks(samples, frames: frames, body) }
    }

    /// Frame `t` (unwindowed): a pointer into the signal, or into `scratch` filled with torch's reflect padding
    /// (the edge sample is not repeated).
    @inline(__always)
    private func frameStart(_ t: Int, _ x: UnsafePointer<Float>, count: Int, pad: Int,
                            scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        let n = config.nFFT, startPos = t * config.hop - pad
        if startPos >= 0 && startPos + n <= count { return x + startPos }
        for i in 0..<n {
            var p = startPos + i
            if p < 0 { p = -p } else if p >= count { p = 2 * (count - 1) - p }
            scratch[i] = x[p]
        }
        return UnsafePointer(scratch)
    }

    private func fftBlocks(_ plan: FFTPlan, _ samples: [Float], frames: Int, _ body: (Int, Int, UnsafePointer<Lane>) -> Void) {
        let n = config.nFFT, f = config.nFreqs, len = plan.length, pad = config.center ? n / 2 : 0
        let blocks = (frames + laneWidth - 1) / laneWidth
        let wanted = config.workers ?? (frames >= 512 ? Workers.available.count : 1)
        let workers = max(1, min(wanted, blocks))
        let halfPower = config.power / 2
        samples.withUnsafeBufferPointer { xb in
        window.withUnsafeBufferPointer { wb in
        plan.unpackCos.withUnsafeBufferPointer { ucb in
        plan.unpackSin.withUnsafeBufferPointer { usb in
            let x = xb.baseAddress!, win = wb.baseAddress!, count = xb.count
            parallelFor(workers) { w in
                let lanes = UnsafeMutablePointer<Lane>.allocate(capacity: 4 * len + f)
                lanes.initialize(repeating: Lane(), count: 4 * len + f)
                let frame = UnsafeMutablePointer<Float>.allocate(capacity: laneWidth * n)
                defer { lanes.deallocate(); frame.deallocate() }
                let ar = lanes, ai = lanes + len, br = lanes + 2 * len, bi = lanes + 3 * len, p = lanes + 4 * len
                for b in (blocks * w / workers)..<(blocks * (w + 1) / workers) {
                    let t0 = b * laneWidth, rows = min(laneWidth, frames - t0)
                    // The block's 8 frames (past the last frame: the last one again; those lanes are not handed over).
                    func src(_ l: Int) -> UnsafePointer<Float> {
                        frameStart(t0 + min(l, rows - 1), x, count: count, pad: pad, scratch: frame + l * n)
                    }
                    let y0 = src(0), y1 = src(1), y2 = src(2), y3 = src(3), y4 = src(4), y5 = src(5), y6 = src(6), y7 = src(7)
                    // Window them into the lanes: z_i = y_2i + i y_2i+1 (even n_fft), or z_i = y_i (odd).
                    if plan.packed {
                        for i in 0..<len {
                            let e = 2 * i, o = e + 1
                            ar[i] = Lane(y0[e], y1[e], y2[e], y3[e], y4[e], y5[e], y6[e], y7[e]) * Lane(repeating: win[e])
                            ai[i] = Lane(y0[o], y1[o], y2[o], y3[o], y4[o], y5[o], y6[o], y7[o]) * Lane(repeating: win[o])
                        }
                    } else {
                        for i in 0..<len {
                            ar[i] = Lane(y0[i], y1[i], y2[i], y3[i], y4[i], y5[i], y6[i], y7[i]) * Lane(repeating: win[i])
                            ai[i] = Lane()
                        }
                    }
                    let inB = plan.transform(ar, ai, br, bi)
                    let zr = inB ? br : ar, zi = inB ? bi : ai
                    if plan.packed {
                        // 2X_k = (Z_k + conj Z_{M−k}) + 2 e^{−2πik/N} O_k, O_k = −i (Z_k − conj Z_{M−k}) / 2.
                        let quarter = Lane(repeating: 0.25)
                        for k in 0...len {
                            let k1 = k == len ? 0 : k, k2 = k == 0 ? 0 : len - k
                            let c = Lane(repeating: ucb[k]), s = Lane(repeating: usb[k])
                            let sr = zr[k1] + zr[k2], dr = zr[k2] - zr[k1], si = zi[k1] + zi[k2], di = zi[k1] - zi[k2]
                            let xr = sr + c * si + s * dr, xi = di + c * dr - s * si
                            p[k] = quarter * (xr * xr + xi * xi)
                        }
                    } else {
                        for k in 0..<f { p[k] = zr[k] * zr[k] + zi[k] * zi[k] }
                    }
                    if halfPower != 1 {
                        for k in 0..<f { var v = p[k]; for l in 0..<laneWidth { v[l] = powf(v[l], halfPower) }; p[k] = v }
                    }
                    body(t0, rows, UnsafePointer(p))
                }
            }
        }}}}
    }

    private func gemmBlocks(_ samples: [Float], frames: Int, _ body: (Int, Int, UnsafePointer<Lane>) -> Void) {
        let n = config.nFFT, pad = config.center ? n / 2 : 0
        let f = config.nFreqs
        let chunk = min(frames, 256)     // small enough that the scratch stays in malloc's heap between calls
        var even = [Float](repeating: 0, count: chunk * nEven)
        var odd = [Float](repeating: 0, count: chunk * max(nOdd, 1))
        var re = [Float](repeating: 0, count: chunk * f), im = [Float](repeating: 0, count: chunk * f)
        var frame = [Float](repeating: 0, count: n), yw = [Float](repeating: 0, count: n)
        var lanes = [Lane](repeating: Lane(), count: f)
        let count = samples.count, pairs = nOdd, halfPower = config.power / 2
        samples.withUnsafeBufferPointer { x in
        window.withUnsafeBufferPointer { win in
        even.withUnsafeMutableBufferPointer { ev in
        odd.withUnsafeMutableBufferPointer { od in
        re.withUnsafeMutableBufferPointer { rp in
        im.withUnsafeMutableBufferPointer { ip in
        frame.withUnsafeMutableBufferPointer { fr in
        yw.withUnsafeMutableBufferPointer { y in
        lanes.withUnsafeMutableBufferPointer { p in
            var t0 = 0
            while t0 < frames {
                let rows = min(chunk, frames - t0)
                for r in 0..<rows {
                    let src = frameStart(t0 + r, x.baseAddress!, count: count, pad: pad, scratch: fr.baseAddress!)
                    for i in 0..<n { y[i] = src[i] * win[i] }
                    let e = ev.baseAddress! + r * nEven, d = od.baseAddress! + r * max(pairs, 1)
                    e[0] = y[0]
                    for j in 1..<(pairs + 1) {
                        let a = y[j], b = y[n - j]
                        e[j] = a + b
                        d[j - 1] = a - b
                    }
                    if n % 2 == 0 { e[pairs + 1] = y[n / 2] }
                }
                cosBasis.withUnsafeBufferPointer { cb in
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(f), Int32(nEven),
                                1, ev.baseAddress, Int32(nEven), cb.baseAddress, Int32(f), 0, rp.baseAddress, Int32(f))
                }
                if pairs > 0 {
                    sinBasis.withUnsafeBufferPointer { sb in
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(f), Int32(pairs),
                                    1, od.baseAddress, Int32(pairs), sb.baseAddress, Int32(f), 0, ip.baseAddress, Int32(f))
                    }
                } else {
                    for i in 0..<(rows * f) { ip[i] = 0 }
                }
                // |X|^power in place of Re X, then 8 frames at a time into lanes (bin-major) for the consumer.
                for i in 0..<(rows * f) {
                    let a = rp[i], b = ip[i], p2 = a * a + b * b
                    rp[i] = halfPower == 1 ? p2 : powf(p2, halfPower)
                }
                let pRaw = UnsafeMutableRawPointer(p.baseAddress!), ls = MemoryLayout<Lane>.stride, fs = MemoryLayout<Float>.stride
                var r0 = 0
                while r0 < rows {
                    let lanesHere = min(laneWidth, rows - r0)
                    for l in 0..<lanesHere {
                        let row = rp.baseAddress! + (r0 + l) * f
                        for k in 0..<f { pRaw.storeBytes(of: row[k], toByteOffset: k * ls + l * fs, as: Float.self) }
                    }
                    body(t0 + r0, lanesHere, UnsafePointer(p.baseAddress!))
                    r0 += lanesHere
                }
                t0 += rows
            }
        }}}}}}}}}
    }
}

/// Writes the first `count` lanes of `v` to dst[0 ..< count].
@inline(__always)
func storeLanes(_ v: Lane, _ dst: UnsafeMutablePointer<Float>, _ count: Int) {
    if count == laneWidth {
        UnsafeMutableRawPointer(dst).storeBytes(of: v, as: Lane.self)
    } else {
        for l in 0..<count { dst[l] = v[l] }
    }
}
