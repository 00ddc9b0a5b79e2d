// LSTM as torch.nn.LSTM(batch_first=True) with optional proj_size, bidirectional, stacked, inter-layer
// dropout and sequence lengths (see Recurrent.swift). Gates in PyTorch's order i, f, g, o:
//   i = σ(W_ii x + b_ii + W_hi h + b_hi), f = σ(…), g = tanh(…), o = σ(…)
//   c' = f ⊙ c + i ⊙ g,  m = o ⊙ tanh(c'),  h' = W_hr m (proj_size > 0) or m.
// Parameters per layer k and direction (suffix "_reverse"): weight_ih_lk (4H, in), weight_hh_lk (4H, R),
// bias_ih_lk (4H), bias_hh_lk (4H), weight_hr_lk (P, H) — all initialised uniform in ±1/sqrt(H) as PyTorch.

public struct LSTM: ParameterContainer {
    public let inputSize: Int, hiddenSize: Int, numLayers: Int, projSize: Int
    public let bidirectional: Bool
    var stack: RecurrentStack<LSTMCell>

    /// `name` is the module's state_dict prefix (e.g. "intermediate_layers").
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bidirectional: Bool = false, projSize: Int = 0,
                dropout: Float = 0, name: String, rng: inout Xoshiro256StarStar) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.projSize = projSize
        self.bidirectional = bidirectional
        let d = bidirectional ? 2 : 1
        let r = projSize > 0 ? projSize : hiddenSize
        var cells: [LSTMCell] = []
        for layer in 0..<numLayers {
            for dir in 0..<d {
                let suffix = "_l\(layer)" + (dir == 1 ? "_reverse" : "")
                cells.append(LSTMCell(inputSize: layer == 0 ? inputSize : r * d, hidden: hiddenSize, proj: projSize,
                                      prefix: name, suffix: suffix, rng: &rng))
            }
        }
        stack = RecurrentStack(cells: cells, numLayers: numLayers, directions: d, dropout: dropout, rng: &rng)
    }

    public var mode: Mode {
        get { stack.mode }
        set { stack.mode = newValue }
    }

    public var workers: Workers {
        get { stack.workers }
        set { stack.workers = newValue }
    }

    /// Width of the output rows: D · (projSize > 0 ? projSize : hiddenSize).
    public var outputSize: Int { stack.outputWidth }

    public mutating func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows {
        try stack.visitParameters(body)
    }

    /// x is (B, T, inputSize), lengths[b] ≤ T; returns (B, T, outputSize) with zeros past each length.
    public mutating func forward(_ x: Tensor, lengths: [Int]) -> Tensor {
        stack.forward(x, lengths: lengths)
    }

    /// All frames valid.
    public mutating func forward(_ x: Tensor) -> Tensor {
        stack.forward(x, lengths: [Int](repeating: x.shape[1], count: x.shape[0]))
    }

    /// dy is (B, T, outputSize); returns dL/dx (B, T, inputSize), zero at padded frames.
    public mutating func backward(_ dy: Tensor) -> Tensor {
        stack.backward(dy)
    }
}

struct LSTMCell: RecurrentCell {
    var wIH: Parameter, wHH: Parameter, bIH: Parameter, bHH: Parameter
    var wHR: Parameter?
    let inputSize: Int, hidden: Int, proj: Int
    var outputSize: Int { proj > 0 ? proj : hidden }
    // Activations by (step, rank): gates i,f,g,o after their nonlinearity (4H), c (H), tanh(c) (H), h (R).
    private var gates = Buffer(), cells = Buffer(), tanhC = Buffer(), hs = Buffer()
    // Scratch reused across calls.
    private var big = Buffer(), pre = Buffer(), mbuf = Buffer(), dhNext = Buffer(), dcNext = Buffer(), dh = Buffer(), dm = Buffer()

    init(inputSize: Int, hidden: Int, proj: Int, prefix: String, suffix: String, rng: inout Xoshiro256StarStar) {
        self.inputSize = inputSize
        self.hidden = hidden
        self.proj = proj
        let r = proj > 0 ? proj : hidden
        let bound = 1 / Float(hidden).squareRoot()
        wIH = .uniform(name: parameterName(prefix, "weight_ih" + suffix), shape: [4 * hidden, inputSize], bound: bound, rng: &rng)
        wHH = .uniform(name: parameterName(prefix, "weight_hh" + suffix), shape: [4 * hidden, r], bound: bound, rng: &rng)
        bIH = .uniform(name: parameterName(prefix, "bias_ih" + suffix), shape: [4 * hidden], bound: bound, rng: &rng)
        bHH = .uniform(name: parameterName(prefix, "bias_hh" + suffix), shape: [4 * hidden], bound: bound, rng: &rng)
        wHR = proj > 0 ? .uniform(name: parameterName(prefix, "weight_hr" + suffix), shape: [proj, hidden], bound: bound, rng: &rng) : nil
    }

    mutating func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows {
        try body(&wIH)
        try body(&wHH)
        try body(&bIH)
        try body(&bHH)
        if wHR != nil { try body(&wHR!) }
    }

    /// Gives this cell value its own caches if a copy of the layer shares them.
    private mutating func ownBuffers() {
        unique(&gates)
        unique(&cells)
        unique(&tanhC)
        unique(&hs)
        unique(&big)
        unique(&pre)
        unique(&mbuf)
        unique(&dhNext)
        unique(&dcNext)
        unique(&dh)
        unique(&dm)
    }

    mutating func forward(x: UnsafePointer<Float>, schedule sc: SequenceSchedule, reverse: Bool,
                          y: UnsafeMutablePointer<Float>, yRowStride: Int, yOffset: Int) {
        ownBuffers()
        let (B, T, H, R, I) = (sc.batch, sc.frames, hidden, outputSize, inputSize)
        let H4 = 4 * H
        let steps = sc.maxLength
        let gt = gates.reserve(steps * B * H4), cs = cells.reserve(steps * B * H)
        let tc = tanhC.reserve(steps * B * H), h = hs.reserve(steps * B * R)
        let g = big.reserve(B * T * H4), p = pre.reserve(B * H4), m = mbuf.reserve(B * H)
        // Input projection of every frame at once: G (B·T, 4H) = x W_ih^T + b_ih + b_hh.
        for j in 0..<H4 { g[j] = bIH.value[j] + bHH.value[j] }
        for row in 1..<max(1, B * T) { (g + row * H4).update(from: g, count: H4) }
        wIH.value.withUnsafeBufferPointer { w in
            sgemm(transB: true, m: B * T, n: H4, k: I, a: x, lda: I, b: w.baseAddress!, ldb: I, beta: 1, c: g, ldc: H4)
        }
        let (whhArray, whrArray, hasProj) = (wHH.value, wHR?.value ?? [0], wHR != nil)
        whhArray.withUnsafeBufferPointer { whhBuf in whrArray.withUnsafeBufferPointer { whrBuf in
            let whh = whhBuf.baseAddress!, whr = hasProj ? whrBuf.baseAddress : nil
            for s in 0..<steps {
                let nA = sc.active[s]
                if s > 0 {
                    // pre (nA, 4H) = h_{s−1} (nA, R) W_hh^T
                    sgemm(transB: true, m: nA, n: H4, k: R, a: h + (s - 1) * B * R, lda: R, b: whh, ldb: R, beta: 0, c: p, ldc: H4)
                } else {
                    p.update(repeating: 0, count: nA * H4)
                }
                for r in 0..<nA {
                    let t = sc.frame(rank: r, step: s, reverse: reverse)
                    let gx = g + (sc.order[r] * T + t) * H4, pr = p + r * H4
                    let ga = gt + (s * B + r) * H4
                    let c = cs + (s * B + r) * H, th = tc + (s * B + r) * H
                    let cPrev = cs + ((s - 1) * B + r) * H  // read only when s > 0
                    let out = whr != nil ? m + r * H : h + (s * B + r) * R
                    for j in 0..<H {
                        let ig = sigmoid(pr[j] + gx[j])
                        let fg = sigmoid(pr[H + j] + gx[H + j])
                        let gg = gateTanh(pr[2 * H + j] + gx[2 * H + j])
                        let og = sigmoid(pr[3 * H + j] + gx[3 * H + j])
                        ga[j] = ig; ga[H + j] = fg; ga[2 * H + j] = gg; ga[3 * H + j] = og
                        let cv = (s > 0 ? fg * cPrev[j] : 0) + ig * gg
                        c[j] = cv
                        let tv = gateTanh(cv)
                        th[j] = tv
                        out[j] = og * tv
                    }
                }
                if let whr {
                    // h (nA, P) = m (nA, H) W_hr^T
                    sgemm(transB: true, m: nA, n: R, k: H, a: m, lda: H, b: whr, ldb: H, beta: 0, c: h + s * B * R, ldc: R)
                }
                for r in 0..<nA {
                    let t = sc.frame(rank: r, step: s, reverse: reverse)
                    (y + (sc.order[r] * T + t) * yRowStride + yOffset).update(from: h + (s * B + r) * R, count: R)
                }
            }
        } }
    }

    mutating func backward(dy: UnsafePointer<Float>, dyRowStride: Int, dyOffset: Int, x: UnsafePointer<Float>,
                           schedule sc: SequenceSchedule, reverse: Bool, dx: UnsafeMutablePointer<Float>) {
        ownBuffers()
        let (B, T, H, R, I) = (sc.batch, sc.frames, hidden, outputSize, inputSize)
        let H4 = 4 * H
        let steps = sc.maxLength
        let (gt, cs, tc, h) = (gates.pointer, cells.pointer, tanhC.pointer, hs.pointer)
        let dGs = big.zeros(B * T * H4)      // dL/d(gate pre-activations) at (b, t)
        let dhn = dhNext.zeros(B * R)        // recurrent dL/dh from step s+1, by rank
        let dcn = dcNext.zeros(B * H)
        let dhs = dh.reserve(B * R), dms = dm.reserve(B * H), ms = mbuf.reserve(B * H), dps = pre.reserve(B * H4)
        var dWhr = wHR?.grad ?? [0]
        if wHR != nil { wHR!.grad = [] }
        var dWhh = wHH.grad
        wHH.grad = []  // moved out so the loop below owns the only reference (no copy on write)
        let (whhArray, whrArray, hasProj) = (wHH.value, wHR?.value ?? [0], wHR != nil)
        dWhh.withUnsafeMutableBufferPointer { dwhhBuf in
          dWhr.withUnsafeMutableBufferPointer { dwhrBuf in
            let dwhh = dwhhBuf.baseAddress!
            whhArray.withUnsafeBufferPointer { whhBuf in whrArray.withUnsafeBufferPointer { whrBuf in
              let whh = whhBuf.baseAddress!, whr = hasProj ? whrBuf.baseAddress : nil
              for s in stride(from: steps - 1, through: 0, by: -1) {
                let nA = sc.active[s]
                // dh = dL/dy at (b, t) + recurrent gradient (rows ≥ active[s+1] of dhNext are still zero)
                for r in 0..<nA {
                    let t = sc.frame(rank: r, step: s, reverse: reverse)
                    let src = dy + (sc.order[r] * T + t) * dyRowStride + dyOffset
                    for j in 0..<R { dhs[r * R + j] = src[j] + dhn[r * R + j] }
                }
                if let whr {
                    for r in 0..<nA {
                        let ga = gt + (s * B + r) * H4, th = tc + (s * B + r) * H
                        for j in 0..<H { ms[r * H + j] = ga[3 * H + j] * th[j] }
                    }
                    // h = W_hr m: dW_hr (P, H) += dh^T (P, nA) m (nA, H);  dm (nA, H) = dh (nA, P) W_hr (P, H)
                    sgemm(transA: true, m: R, n: H, k: nA, a: dhs, lda: R, b: ms, ldb: H, beta: 1, c: dwhrBuf.baseAddress!, ldc: H)
                    sgemm(m: nA, n: H, k: R, a: dhs, lda: R, b: whr, ldb: H, beta: 0, c: dms, ldc: H)
                }
                let dmSrc = whr != nil ? dms : dhs
                for r in 0..<nA {
                    let ga = gt + (s * B + r) * H4, th = tc + (s * B + r) * H
                    let cPrev = cs + ((s - 1) * B + r) * H  // read only when s > 0
                    let dp = dps + r * H4
                    for j in 0..<H {
                        let (ig, fg, gg, og) = (ga[j], ga[H + j], ga[2 * H + j], ga[3 * H + j])
                        let dmv = dmSrc[r * H + j]
                        let tv = th[j]
                        // m = o·tanh(c): dc += dm·o·(1 − tanh²c); do = dm·tanh(c)
                        let dc = dcn[r * H + j] + dmv * og * (1 - tv * tv)
                        let dO = dmv * tv
                        // c = f·c_prev + i·g
                        let dI = dc * gg, dGg = dc * ig, dF = s > 0 ? dc * cPrev[j] : 0
                        dcn[r * H + j] = dc * fg
                        dp[j] = dI * ig * (1 - ig)
                        dp[H + j] = dF * fg * (1 - fg)
                        dp[2 * H + j] = dGg * (1 - gg * gg)
                        dp[3 * H + j] = dO * og * (1 - og)
                    }
                    let t = sc.frame(rank: r, step: s, reverse: reverse)
                    (dGs + (sc.order[r] * T + t) * H4).update(from: dp, count: H4)
                }
                if s > 0 {
                    // dW_hh (4H, R) += dpre^T (4H, nA) h_{s−1} (nA, R);  dh_{s−1} (nA, R) = dpre (nA, 4H) W_hh (4H, R)
                    sgemm(transA: true, m: H4, n: R, k: nA, a: dps, lda: H4, b: h + (s - 1) * B * R, ldb: R,
                          beta: 1, c: dwhh, ldc: R)
                    sgemm(m: nA, n: R, k: H4, a: dps, lda: H4, b: whh, ldb: R, beta: 0, c: dhn, ldc: R)
                }
              }
            } }
          }
        }
        wHH.grad = dWhh
        if hasProj { wHR!.grad = dWhr }
        // Input side over all frames (padded rows of dG are zero): dW_ih += dG^T x; dx = dG W_ih; biases += Σ dG.
        wIH.grad.withUnsafeMutableBufferPointer { dw in
            sgemm(transA: true, m: H4, n: I, k: B * T, a: dGs, lda: H4, b: x, ldb: I, beta: 1, c: dw.baseAddress!, ldc: I)
        }
        wIH.value.withUnsafeBufferPointer { w in
            sgemm(m: B * T, n: I, k: H4, a: dGs, lda: H4, b: w.baseAddress!, ldb: I, beta: 0, c: dx, ldc: I)
        }
        accumulateRowSums(dGs, rows: B * T, cols: H4, into: &bIH.grad)
        accumulateRowSums(dGs, rows: B * T, cols: H4, into: &bHH.grad)
    }
}

/// acc[j] += Σ_rows m[row][j]
func accumulateRowSums(_ m: UnsafePointer<Float>, rows: Int, cols: Int, into acc: inout [Float]) {
    acc.withUnsafeMutableBufferPointer { a in accumulateRowSums(m, rows: rows, cols: cols, into: a.baseAddress!) }
}

func accumulateRowSums(_ m: UnsafePointer<Float>, rows: Int, cols: Int, into a: UnsafeMutablePointer<Float>) {
    for row in 0..<rows {
        let r = m + row * cols
        for j in 0..<cols { a[j] += r[j] }
    }
}

#if canImport(Glibc)
import Base
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
