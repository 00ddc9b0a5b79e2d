// GRU as torch.nn.GRU(batch_first=True): stacked, bidirectional, inter-layer dropout, sequence lengths
// (see Recurrent.swift). Gates in PyTorch's order r, z, n:
//   r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz)
//   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),  h' = (1 − z) ⊙ n + z ⊙ h
// Parameters per layer k and direction (suffix "_reverse"): weight_ih_lk (3H, in), weight_hh_lk (3H, H),
// bias_ih_lk (3H), bias_hh_lk (3H), initialised uniform in ±1/sqrt(H).

public struct GRU: ParameterContainer {
    public let inputSize: Int, hiddenSize: Int, numLayers: Int
    public let bidirectional: Bool
    var stack: RecurrentStack<GRUCell>

    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bidirectional: Bool = false,
                dropout: Float = 0, name: String, rng: inout Xoshiro256StarStar) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.bidirectional = bidirectional
        let d = bidirectional ? 2 : 1
        var cells: [GRUCell] = []
        for layer in 0..<numLayers {
            for dir in 0..<d {
                let suffix = "_l\(layer)" + (dir == 1 ? "_reverse" : "")
                cells.append(GRUCell(inputSize: layer == 0 ? inputSize : hiddenSize * d, hidden: hiddenSize,
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

    /// D · hiddenSize.
    public var outputSize: Int { stack.outputWidth }

    public mutating func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows {
        try stack.visitParameters(body)
    }

    /// x is (B, T, inputSize), lengths[b] ≤ T; returns (B, T, outputSize) with zeros past each length.
    public mutating func forward(_ x: Tensor, lengths: [Int]) -> Tensor {
        stack.forward(x, lengths: lengths)
    }

    public mutating func forward(_ x: Tensor) -> Tensor {
        stack.forward(x, lengths: [Int](repeating: x.shape[1], count: x.shape[0]))
    }

    /// dy is (B, T, outputSize); returns dL/dx (B, T, inputSize).
    public mutating func backward(_ dy: Tensor) -> Tensor {
        stack.backward(dy)
    }
}

struct GRUCell: RecurrentCell {
    var wIH: Parameter, wHH: Parameter, bIH: Parameter, bHH: Parameter
    let inputSize: Int, hidden: Int
    var outputSize: Int { hidden }
    // By (step, rank): r, z, n (3H), W_hn h + b_hn (H), h (H).
    private var gates = Buffer(), hn = Buffer(), hs = Buffer()
    private var big = Buffer(), pre = Buffer(), dhNext = Buffer(), dh = Buffer()

    init(inputSize: Int, hidden: Int, prefix: String, suffix: String, rng: inout Xoshiro256StarStar) {
        self.inputSize = inputSize
        self.hidden = hidden
        let bound = 1 / Float(hidden).squareRoot()
        wIH = .uniform(name: parameterName(prefix, "weight_ih" + suffix), shape: [3 * hidden, inputSize], bound: bound, rng: &rng)
        wHH = .uniform(name: parameterName(prefix, "weight_hh" + suffix), shape: [3 * hidden, hidden], bound: bound, rng: &rng)
        bIH = .uniform(name: parameterName(prefix, "bias_ih" + suffix), shape: [3 * hidden], bound: bound, rng: &rng)
        bHH = .uniform(name: parameterName(prefix, "bias_hh" + suffix), shape: [3 * hidden], bound: bound, rng: &rng)
    }

    mutating func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows {
        try body(&wIH)
        try body(&wHH)
        try body(&bIH)
        try body(&bHH)
    }

    /// Gives this cell value its own caches if a copy of the layer shares them.
    private mutating func ownBuffers() {
        unique(&gates)
        unique(&hn)
        unique(&hs)
        unique(&big)
        unique(&pre)
        unique(&dhNext)
        unique(&dh)
    }

    mutating func forward(x: UnsafePointer<Float>, schedule sc: SequenceSchedule, reverse: Bool,
                          y: UnsafeMutablePointer<Float>, yRowStride: Int, yOffset: Int) {
        ownBuffers()
        let (B, T, H, I) = (sc.batch, sc.frames, hidden, inputSize)
        let H3 = 3 * H
        let steps = sc.maxLength
        let gt = gates.reserve(steps * B * H3), ghn = hn.reserve(steps * B * H), h = hs.reserve(steps * B * H)
        let g = big.reserve(B * T * H3), p = pre.reserve(B * H3)
        // Gx (B·T, 3H) = x W_ih^T + b_ih for every frame at once.
        for j in 0..<H3 { g[j] = bIH.value[j] }
        for row in 1..<max(1, B * T) { (g + row * H3).update(from: g, count: H3) }
        wIH.value.withUnsafeBufferPointer { w in
            sgemm(transB: true, m: B * T, n: H3, k: I, a: x, lda: I, b: w.baseAddress!, ldb: I, beta: 1, c: g, ldc: H3)
        }
        let bhh = bHH.value
        wHH.value.withUnsafeBufferPointer { whhBuf in
            let whh = whhBuf.baseAddress!
            for s in 0..<steps {
                let nA = sc.active[s]
                // Gh (nA, 3H) = h_{s−1} W_hh^T + b_hh
                for r in 0..<nA { for j in 0..<H3 { p[r * H3 + j] = bhh[j] } }
                if s > 0 {
                    sgemm(transB: true, m: nA, n: H3, k: H, a: h + (s - 1) * B * H, lda: H, b: whh, ldb: H, beta: 1, c: p, ldc: H3)
                }
                for r in 0..<nA {
                    let t = sc.frame(rank: r, step: s, reverse: reverse)
                    let gx = g + (sc.order[r] * T + t) * H3, gh = p + r * H3
                    let ga = gt + (s * B + r) * H3, hnr = ghn + (s * B + r) * H
                    let hPrev = h + ((s - 1) * B + r) * H  // read only when s > 0
                    let out = h + (s * B + r) * H
                    for j in 0..<H {
                        let rg = sigmoid(gx[j] + gh[j])
                        let zg = sigmoid(gx[H + j] + gh[H + j])
                        let ng = gateTanh(gx[2 * H + j] + rg * gh[2 * H + j])
                        ga[j] = rg; ga[H + j] = zg; ga[2 * H + j] = ng
                        hnr[j] = gh[2 * H + j]
                        out[j] = (1 - zg) * ng + (s > 0 ? zg * hPrev[j] : 0)
                    }
                    (y + (sc.order[r] * T + t) * yRowStride + yOffset).update(from: out, count: H)
                }
            }
        }
    }

    mutating func backward(dy: UnsafePointer<Float>, dyRowStride: Int, dyOffset: Int, x: UnsafePointer<Float>,
                           schedule sc: SequenceSchedule, reverse: Bool, dx: UnsafeMutablePointer<Float>) {
        ownBuffers()
        let (B, T, H, I) = (sc.batch, sc.frames, hidden, inputSize)
        let H3 = 3 * H
        let steps = sc.maxLength
        let (gt, ghn, h) = (gates.pointer, hn.pointer, hs.pointer)
        let dGx = big.zeros(B * T * H3)   // dL/d(W_i· x + b_i·) at (b, t)
        let dhn = dhNext.zeros(B * H)     // recurrent dL/dh from step s+1, by rank
        let dhs = dh.reserve(B * H), dGh = pre.reserve(B * H3)
        var dWhh = wHH.grad, dBhh = bHH.grad
        wHH.grad = []
        bHH.grad = []
        let whhArray = wHH.value
        dWhh.withUnsafeMutableBufferPointer { dwhhBuf in
          dBhh.withUnsafeMutableBufferPointer { dbhh in
            whhArray.withUnsafeBufferPointer { whhBuf in
              let (dwhh, whh) = (dwhhBuf.baseAddress!, whhBuf.baseAddress!)
              for s in stride(from: steps - 1, through: 0, by: -1) {
                let nA = sc.active[s]
                for r in 0..<nA {
                    let t = sc.frame(rank: r, step: s, reverse: reverse)
                    let src = dy + (sc.order[r] * T + t) * dyRowStride + dyOffset
                    let ga = gt + (s * B + r) * H3, hnr = ghn + (s * B + r) * H
                    let hPrev = h + ((s - 1) * B + r) * H  // read only when s > 0
                    let dgx = dGx + (sc.order[r] * T + t) * H3, dgh = dGh + r * H3
                    for j in 0..<H {
                        let dhv = src[j] + dhn[r * H + j]
                        let (rg, zg, ng) = (ga[j], ga[H + j], ga[2 * H + j])
                        let hp: Float = s > 0 ? hPrev[j] : 0
                        // h' = (1 − z) n + z h
                        let dn = dhv * (1 - zg), dz = dhv * (hp - ng)
                        dhs[r * H + j] = dhv * zg
                        // n = tanh(xn + r · hn)
                        let dnPre = dn * (1 - ng * ng)
                        let drPre = dnPre * hnr[j] * rg * (1 - rg)
                        let dzPre = dz * zg * (1 - zg)
                        dgx[j] = drPre; dgx[H + j] = dzPre; dgx[2 * H + j] = dnPre
                        dgh[j] = drPre; dgh[H + j] = dzPre; dgh[2 * H + j] = dnPre * rg
                    }
                }
                accumulateRowSums(dGh, rows: nA, cols: H3, into: dbhh.baseAddress!)
                if s > 0 {
                    // dW_hh (3H, H) += dGh^T (3H, nA) h_{s−1} (nA, H);  dh_{s−1} = z·dh + dGh (nA, 3H) W_hh (3H, H)
                    sgemm(transA: true, m: H3, n: H, k: nA, a: dGh, lda: H3, b: h + (s - 1) * B * H, ldb: H,
                          beta: 1, c: dwhh, ldc: H)
                    dhn.update(from: dhs, count: nA * H)
                    sgemm(m: nA, n: H, k: H3, a: dGh, lda: H3, b: whh, ldb: H, beta: 1, c: dhn, ldc: H)
                }
              }
            }
          }
        }
        wHH.grad = dWhh
        bHH.grad = dBhh
        wIH.grad.withUnsafeMutableBufferPointer { dw in
            sgemm(transA: true, m: H3, n: I, k: B * T, a: dGx, lda: H3, b: x, ldb: I, beta: 1, c: dw.baseAddress!, ldc: I)
        }
        wIH.value.withUnsafeBufferPointer { w in
            sgemm(m: B * T, n: I, k: H3, a: dGx, lda: H3, b: w.baseAddress!, ldb: I, beta: 0, c: dx, ldc: I)
        }
        accumulateRowSums(dGx, rows: B * T, cols: H3, into: &bIH.grad)
    }
}

#if canImport(Glibc)
import Base
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
