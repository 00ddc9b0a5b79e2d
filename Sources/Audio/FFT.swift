// Mixed-radix FFT of real frames, eight frames at a time (one SIMD8 lane per frame), for the STFT.
//
// A complex FFT of length L is done as a Stockham auto-sort, decimation in frequency: stage by stage, with radix r,
// sub-length m = L'/r and stride s (the product of the radices already done),
//   y[q + s(rp + k)] = (Σ_j x[q + s(p + jm)] ω_r^{jk}) · w_{L'}^{pk},  p < m, q < s, k < r,
// ping-ponging between two buffers; the output comes out in natural order, so there is no bit reversal.
// Radices 4, 2, 3 and 5 have hand-written butterflies; other primes (≤ FFTPlan.maxRadix) use a direct O(r²) DFT.
//
// Real frames of even length N are packed as z_n = y_{2n} + i y_{2n+1} into one complex FFT of length N/2 and
// unpacked with X_k = E_k + e^{−2πik/N} O_k, E_k = (Z_k + conj Z_{N/2−k}) / 2, O_k = −i (Z_k − conj Z_{N/2−k}) / 2.
// Odd N goes through a complex FFT of length N with a zero imaginary part. Twiddles are computed in double and
// rounded once. Each lane is a different frame, so a frame's spectrum does not depend on its neighbours, the lane
// it landed in or the number of workers.
import Foundation

typealias Lane = SIMD8<Float>
let laneWidth = 8

struct FFTPlan: @unchecked Sendable {
    /// Largest prime factor the FFT accepts in its complex length; larger ones use the GEMM path.
    static let maxRadix = 17

    let nFFT: Int
    let length: Int             // complex FFT length: nFFT / 2 if even, nFFT if odd
    let packed: Bool            // even nFFT: two real samples per complex point
    let radices: [Int]
    let twOffset: [Int]         // per stage, into twRe / twIm: m × (r − 1) entries, p-major
    let twRe: [Float], twIm: [Float]
    let unpackCos: [Float], unpackSin: [Float]   // cos, sin(2πk/N), k ≤ N/2 (packed only)
    let rootCos: [Int: [Float]], rootSin: [Int: [Float]]   // generic radices: cos, sin(2πt/r), t < r

    /// The factorisation of the complex length into supported radices, or nil when it has a larger prime factor.
    static func radices(of n: Int) -> [Int]? {
        var n = n, out = [Int]()
        while n % 4 == 0 { out.append(4); n /= 4 }
        var p = 2
        while n > 1 {
            if p > maxRadix { return nil }
            while n % p == 0 { out.append(p); n /= p }
            p += 1
        }
        return out
    }

    static func supports(nFFT: Int) -> Bool {
        nFFT >= 2 && radices(of: nFFT % 2 == 0 ? nFFT / 2 : nFFT) != nil
    }

    init?(nFFT: Int) {
        guard nFFT >= 2 else { return nil }
        let packed = nFFT % 2 == 0, length = packed ? nFFT / 2 : nFFT
        guard let radices = FFTPlan.radices(of: length) else { return nil }
        self.nFFT = nFFT; self.length = length; self.packed = packed; self.radices = radices
        var offs = [Int](), re = [Float](), im = [Float]()
        var cur = length
        var rc = [Int: [Float]](), rs = [Int: [Float]]()
        for r in radices {
            let m = cur / r
            offs.append(re.count)
            for p in 0..<m {
                for k in 1..<r {
                    // w_cur^{pk} = exp(−2πi pk / cur); reduce pk mod cur in integers.
                    let a = 2 * Double.pi * Double((p * k) % cur) / Double(cur)
                    re.append(Float(cos(a))); im.append(Float(-sin(a)))
                }
            }
            if r > 5 && rc[r] == nil {
                rc[r] = (0..<r).map { Float(cos(2 * Double.pi * Double($0) / Double(r))) }
                rs[r] = (0..<r).map { Float(sin(2 * Double.pi * Double($0) / Double(r))) }
            }
            cur = m
        }
        twOffset = offs; twRe = re; twIm = im; rootCos = rc; rootSin = rs
        if packed {
            unpackCos = (0...length).map { Float(cos(2 * Double.pi * Double($0) / Double(nFFT))) }
            unpackSin = (0...length).map { Float(sin(2 * Double.pi * Double($0) / Double(nFFT))) }
        } else {
            unpackCos = []; unpackSin = []
        }
    }

    /// Complex FFT of `length` lanes in (ar, ai), using (br, bi) as the other buffer; returns true when the result
    /// ended in (br, bi).
    func transform(_ ar: UnsafeMutablePointer<Lane>, _ ai: UnsafeMutablePointer<Lane>,
                   _ br: UnsafeMutablePointer<Lane>, _ bi: UnsafeMutablePointer<Lane>) -> Bool {
        var xr = ar, xi = ai, yr = br, yi = bi
        var cur = length, s = 1
        twRe.withUnsafeBufferPointer { twr in
        twIm.withUnsafeBufferPointer { twi in
            for (stage, r) in radices.enumerated() {
                let m = cur / r
                let wr = twr.baseAddress! + twOffset[stage], wi = twi.baseAddress! + twOffset[stage]
                switch r {
                case 4: FFTPlan.radix4(xr, xi, yr, yi, m: m, s: s, wr: wr, wi: wi)
                case 2: FFTPlan.radix2(xr, xi, yr, yi, m: m, s: s, wr: wr, wi: wi)
                case 3: FFTPlan.radix3(xr, xi, yr, yi, m: m, s: s, wr: wr, wi: wi)
                case 5: FFTPlan.radix5(xr, xi, yr, yi, m: m, s: s, wr: wr, wi: wi)
                default:
                    rootCos[r]!.withUnsafeBufferPointer { rc in
                        rootSin[r]!.withUnsafeBufferPointer { rs in
                            FFTPlan.radixGeneric(r, xr, xi, yr, yi, m: m, s: s, wr: wr, wi: wi, rc: rc.baseAddress!, rs: rs.baseAddress!)
                        }
                    }
                }
                swap(&xr, &yr); swap(&xi, &yi)
                cur = m; s *= r
            }
        }}
        return xr != ar
    }

    @inline(__always)
    static func radix2(_ xr: UnsafeMutablePointer<Lane>, _ xi: UnsafeMutablePointer<Lane>,
                       _ yr: UnsafeMutablePointer<Lane>, _ yi: UnsafeMutablePointer<Lane>,
                       m: Int, s: Int, wr: UnsafePointer<Float>, wi: UnsafePointer<Float>) {
        for p in 0..<m {
            let c = Lane(repeating: wr[p]), d = Lane(repeating: wi[p])
            for q in 0..<s {
                let i0 = q + s * p, i1 = i0 + s * m
                let a0r = xr[i0], a0i = xi[i0], a1r = xr[i1], a1i = xi[i1]
                let o = q + s * 2 * p
                yr[o] = a0r + a1r; yi[o] = a0i + a1i
                let tr = a0r - a1r, ti = a0i - a1i
                yr[o + s] = tr * c - ti * d; yi[o + s] = tr * d + ti * c
            }
        }
    }

    @inline(__always)
    static func radix4(_ xr: UnsafeMutablePointer<Lane>, _ xi: UnsafeMutablePointer<Lane>,
                       _ yr: UnsafeMutablePointer<Lane>, _ yi: UnsafeMutablePointer<Lane>,
                       m: Int, s: Int, wr: UnsafePointer<Float>, wi: UnsafePointer<Float>) {
        for p in 0..<m {
            let c1 = Lane(repeating: wr[3 * p]), d1 = Lane(repeating: wi[3 * p])
            let c2 = Lane(repeating: wr[3 * p + 1]), d2 = Lane(repeating: wi[3 * p + 1])
            let c3 = Lane(repeating: wr[3 * p + 2]), d3 = Lane(repeating: wi[3 * p + 2])
            for q in 0..<s {
                let i0 = q + s * p, sm = s * m
                let a0r = xr[i0], a0i = xi[i0], a1r = xr[i0 + sm], a1i = xi[i0 + sm]
                let a2r = xr[i0 + 2 * sm], a2i = xi[i0 + 2 * sm], a3r = xr[i0 + 3 * sm], a3i = xi[i0 + 3 * sm]
                let b0r = a0r + a2r, b0i = a0i + a2i, b1r = a0r - a2r, b1i = a0i - a2i
                let b2r = a1r + a3r, b2i = a1i + a3i
                let b3r = a1i - a3i, b3i = a3r - a1r          // (a1 − a3)·(−i)
                let o = q + s * 4 * p
                yr[o] = b0r + b2r; yi[o] = b0i + b2i
                let x1r = b1r + b3r, x1i = b1i + b3i
                let x2r = b0r - b2r, x2i = b0i - b2i
                let x3r = b1r - b3r, x3i = b1i - b3i
                yr[o + s] = x1r * c1 - x1i * d1; yi[o + s] = x1r * d1 + x1i * c1
                yr[o + 2 * s] = x2r * c2 - x2i * d2; yi[o + 2 * s] = x2r * d2 + x2i * c2
                yr[o + 3 * s] = x3r * c3 - x3i * d3; yi[o + 3 * s] = x3r * d3 + x3i * c3
            }
        }
    }

    @inline(__always)
    static func radix3(_ xr: UnsafeMutablePointer<Lane>, _ xi: UnsafeMutablePointer<Lane>,
                       _ yr: UnsafeMutablePointer<Lane>, _ yi: UnsafeMutablePointer<Lane>,
                       m: Int, s: Int, wr: UnsafePointer<Float>, wi: UnsafePointer<Float>) {
        let h = Lane(repeating: Float(3.0.squareRoot() / 2)), half = Lane(repeating: 0.5)
        for p in 0..<m {
            let c1 = Lane(repeating: wr[2 * p]), d1 = Lane(repeating: wi[2 * p])
            let c2 = Lane(repeating: wr[2 * p + 1]), d2 = Lane(repeating: wi[2 * p + 1])
            for q in 0..<s {
                let i0 = q + s * p, sm = s * m
                let a0r = xr[i0], a0i = xi[i0], a1r = xr[i0 + sm], a1i = xi[i0 + sm], a2r = xr[i0 + 2 * sm], a2i = xi[i0 + 2 * sm]
                let tr = a1r + a2r, ti = a1i + a2i
                let t2r = a0r - half * tr, t2i = a0i - half * ti
                let ur = h * (a1i - a2i), ui = h * (a2r - a1r)   // −i·(√3/2)(a1 − a2)
                let o = q + s * 3 * p
                yr[o] = a0r + tr; yi[o] = a0i + ti
                let x1r = t2r + ur, x1i = t2i + ui, x2r = t2r - ur, x2i = t2i - ui
                yr[o + s] = x1r * c1 - x1i * d1; yi[o + s] = x1r * d1 + x1i * c1
                yr[o + 2 * s] = x2r * c2 - x2i * d2; yi[o + 2 * s] = x2r * d2 + x2i * c2
            }
        }
    }

    @inline(__always)
    static func radix5(_ xr: UnsafeMutablePointer<Lane>, _ xi: UnsafeMutablePointer<Lane>,
                       _ yr: UnsafeMutablePointer<Lane>, _ yi: UnsafeMutablePointer<Lane>,
                       m: Int, s: Int, wr: UnsafePointer<Float>, wi: UnsafePointer<Float>) {
        let c1 = Lane(repeating: Float(cos(2 * Double.pi / 5))), c2 = Lane(repeating: Float(cos(4 * Double.pi / 5)))
        let s1 = Lane(repeating: Float(sin(2 * Double.pi / 5))), s2 = Lane(repeating: Float(sin(4 * Double.pi / 5)))
        for p in 0..<m {
            let w = 4 * p
            let e1 = Lane(repeating: wr[w]), f1 = Lane(repeating: wi[w])
            let e2 = Lane(repeating: wr[w + 1]), f2 = Lane(repeating: wi[w + 1])
            let e3 = Lane(repeating: wr[w + 2]), f3 = Lane(repeating: wi[w + 2])
            let e4 = Lane(repeating: wr[w + 3]), f4 = Lane(repeating: wi[w + 3])
            for q in 0..<s {
                let i0 = q + s * p, sm = s * m
                let a0r = xr[i0], a0i = xi[i0]
                let a1r = xr[i0 + sm], a1i = xi[i0 + sm], a2r = xr[i0 + 2 * sm], a2i = xi[i0 + 2 * sm]
                let a3r = xr[i0 + 3 * sm], a3i = xi[i0 + 3 * sm], a4r = xr[i0 + 4 * sm], a4i = xi[i0 + 4 * sm]
                let b1r = a1r + a4r, b1i = a1i + a4i, b2r = a2r + a3r, b2i = a2i + a3i
                let d1r = a1r - a4r, d1i = a1i - a4i, d2r = a2r - a3r, d2i = a2i - a3i
                let pr = a0r + c1 * b1r + c2 * b2r, pi = a0i + c1 * b1i + c2 * b2i      // X1, X4 real parts
                let qr = a0r + c2 * b1r + c1 * b2r, qi = a0i + c2 * b1i + c1 * b2i      // X2, X3
                let ur = s1 * d1r + s2 * d2r, ui = s1 * d1i + s2 * d2i                  // X1 = P − iU, X4 = P + iU
                let vr = s2 * d1r - s1 * d2r, vi = s2 * d1i - s1 * d2i                  // X2 = Q − iV, X3 = Q + iV
                let o = q + s * 5 * p
                yr[o] = a0r + b1r + b2r; yi[o] = a0i + b1i + b2i
                let x1r = pr + ui, x1i = pi - ur, x4r = pr - ui, x4i = pi + ur
                let x2r = qr + vi, x2i = qi - vr, x3r = qr - vi, x3i = qi + vr
                yr[o + s] = x1r * e1 - x1i * f1; yi[o + s] = x1r * f1 + x1i * e1
                yr[o + 2 * s] = x2r * e2 - x2i * f2; yi[o + 2 * s] = x2r * f2 + x2i * e2
                yr[o + 3 * s] = x3r * e3 - x3i * f3; yi[o + 3 * s] = x3r * f3 + x3i * e3
                yr[o + 4 * s] = x4r * e4 - x4i * f4; yi[o + 4 * s] = x4r * f4 + x4i * e4
            }
        }
    }

    static func radixGeneric(_ r: Int, _ xr: UnsafeMutablePointer<Lane>, _ xi: UnsafeMutablePointer<Lane>,
                             _ yr: UnsafeMutablePointer<Lane>, _ yi: UnsafeMutablePointer<Lane>,
                             m: Int, s: Int, wr: UnsafePointer<Float>, wi: UnsafePointer<Float>,
                             rc: UnsafePointer<Float>, rs: UnsafePointer<Float>) {
        for p in 0..<m {
            for q in 0..<s {
                let i0 = q + s * p, sm = s * m, o = q + s * r * p
                for k in 0..<r {
                    var accr = Lane(), acci = Lane()
                    for j in 0..<r {
                        // ω_r^{jk} = cos(2π t/r) − i sin(2π t/r), t = jk mod r
                        let t = (j * k) % r
                        let c = Lane(repeating: rc[t]), sn = Lane(repeating: rs[t])
                        let ar = xr[i0 + j * sm], ai = xi[i0 + j * sm]
                        accr += ar * c + ai * sn
                        acci += ai * c - ar * sn
                    }
                    if k == 0 {
                        yr[o] = accr; yi[o] = acci
                    } else {
                        let c = Lane(repeating: wr[p * (r - 1) + k - 1]), d = Lane(repeating: wi[p * (r - 1) + k - 1])
                        yr[o + k * s] = accr * c - acci * d; yi[o + k * s] = accr * d + acci * c
                    }
                }
            }
        }
    }
}
