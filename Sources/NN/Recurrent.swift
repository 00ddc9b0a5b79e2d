// Recurrent: the machinery LSTM and GRU share — stacked layers, both directions, inter-layer dropout,
// batch_first input and per-sequence lengths with pack_padded_sequence semantics:
// a sequence of length L reads frames 0..<L only; the forward direction's outputs at t ≥ L are zero, the
// reverse direction starts at frame L−1; padding never reaches outputs or gradients.
// x is (B, T, I); y is (B, T, D·R) with D = 2 if bidirectional and R the per-direction output width,
// forward direction in columns 0..<R and reverse in R..<2R (PyTorch's order).
// Inside a direction the batch is processed in order of decreasing length, so the active rows at step s
// are a prefix and each step is one GEMM over them; the input projection for all frames is one GEMM.

/// Which rows are active at each step and which frame each row reads.
struct SequenceSchedule {
    let batch: Int
    let frames: Int
    let lengths: [Int]
    /// rank → batch index, by decreasing length (stable).
    let order: [Int]
    /// active[s] = number of sequences with length > s, for s in 0..<maxLength.
    let active: [Int]
    var maxLength: Int { active.count }

    init(lengths: [Int], frames: Int) {
        precondition(lengths.allSatisfy { $0 >= 0 && $0 <= frames },
                     "Recurrent: sequence lengths \(lengths) must lie in 0...\(frames)")
        batch = lengths.count
        self.frames = frames
        self.lengths = lengths
        order = lengths.indices.sorted { lengths[$0] > lengths[$1] || (lengths[$0] == lengths[$1] && $0 < $1) }
        let maxLen = lengths.max() ?? 0
        active = (0..<maxLen).map { s in lengths.filter { $0 > s }.count }
    }

    /// The frame row `rank` reads at step `s` (forward: s; reverse: L−1−s).
    @inline(__always)
    func frame(rank: Int, step s: Int, reverse: Bool) -> Int {
        reverse ? lengths[order[rank]] - 1 - s : s
    }
}

/// One direction of one recurrent layer: owns its parameters and the activations backward needs.
protocol RecurrentCell: ParameterContainer {
    var inputSize: Int { get }
    var outputSize: Int { get }
    /// Writes h at (b, t) to y[(b·T + t)·yRowStride + yOffset ..< +R] for valid frames only.
    mutating func forward(x: UnsafePointer<Float>, schedule: SequenceSchedule, reverse: Bool,
                          y: UnsafeMutablePointer<Float>, yRowStride: Int, yOffset: Int)
    /// Reads dL/dh from dy (same layout as y), accumulates parameter gradients and OVERWRITES dx (B, T, I).
    mutating func backward(dy: UnsafePointer<Float>, dyRowStride: Int, dyOffset: Int, x: UnsafePointer<Float>,
                           schedule: SequenceSchedule, reverse: Bool, dx: UnsafeMutablePointer<Float>)
}

/// Layers × directions of cells with PyTorch's stacking rules.
struct RecurrentStack<Cell: RecurrentCell> {
    var cells: [Cell]  // index layer·D + direction
    var dropouts: [Dropout]  // after every layer but the last
    let numLayers: Int
    let directions: Int
    var mode: Mode = .training {
        didSet { for i in dropouts.indices { dropouts[i].mode = mode } }
    }
    /// Threads for the two directions and the dropouts between layers.
    var workers: Workers = .available {
        didSet { for i in dropouts.indices { dropouts[i].workers = workers } }
    }
    private var schedule: SequenceSchedule?
    private var layerInputs: [Tensor] = []

    init(cells: [Cell], numLayers: Int, directions: Int, dropout: Float, rng: inout Xoshiro256StarStar) {
        precondition(cells.count == numLayers * directions, "RecurrentStack: \(cells.count) cells for \(numLayers)×\(directions)")
        self.cells = cells
        self.numLayers = numLayers
        self.directions = directions
        dropouts = dropout > 0 ? (0..<max(0, numLayers - 1)).map { _ in Dropout(p: dropout, rng: &rng) } : []
    }

    mutating func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows {
        for i in cells.indices { try cells[i].visitParameters(body) }
    }

    var outputWidth: Int { directions * cells[0].outputSize }

    mutating func forward(_ x: Tensor, lengths: [Int]) -> Tensor {
        precondition(x.rank == 3 && x.shape[2] == cells[0].inputSize,
                     "Recurrent: input \(x.shape) must be (B, T, \(cells[0].inputSize))")
        precondition(lengths.count == x.shape[0], "Recurrent: \(lengths.count) lengths for a batch of \(x.shape[0])")
        let (b, t) = (x.shape[0], x.shape[1])
        let sched = SequenceSchedule(lengths: lengths, frames: t)
        schedule = sched
        layerInputs = []
        var h = x
        let d = directions
        for layer in 0..<numLayers {
            layerInputs.append(h)
            let width = d * cells[layer * d].outputSize
            var y = Tensor(zeros: [b, t, width])
            let r = cells[layer * d].outputSize
            h.data.withUnsafeBufferPointer { xp in
                y.data.withUnsafeMutableBufferPointer { yp in
                    cells.withUnsafeMutableBufferPointer { cp in
                        let (xs, ys, cs) = (xp.baseAddress!, yp.baseAddress!, cp.baseAddress!)
                        WorkerPlan(images: d, workers: workers).run(withIndex: true) { _, dirs in
                            for dir in dirs {
                                cs[layer * d + dir].forward(x: xs, schedule: sched, reverse: dir == 1,
                                                            y: ys, yRowStride: width, yOffset: dir * r)
                            }
                        }
                    }
                }
            }
            if layer < numLayers - 1 && !dropouts.isEmpty {
                y = dropouts[layer].forward(y)
            }
            h = y
        }
        return h
    }

    mutating func backward(_ dy: Tensor) -> Tensor {
        guard let sched = schedule else { preconditionFailure("Recurrent: backward called before forward") }
        var g = dy
        let d = directions
        for layer in stride(from: numLayers - 1, through: 0, by: -1) {
            let x = layerInputs[layer]
            let width = d * cells[layer * d].outputSize
            precondition(g.shape == [sched.batch, sched.frames, width], "Recurrent: gradient \(g.shape) does not match layer output")
            let r = cells[layer * d].outputSize
            var dxs = [Float](repeating: 0, count: d * x.count)
            let n = x.count
            x.data.withUnsafeBufferPointer { xp in
                g.data.withUnsafeBufferPointer { gp in
                    dxs.withUnsafeMutableBufferPointer { dp in
                        cells.withUnsafeMutableBufferPointer { cp in
                            let (xs, gs, ds, cs) = (xp.baseAddress!, gp.baseAddress!, dp.baseAddress!, cp.baseAddress!)
                            WorkerPlan(images: d, workers: workers).run(withIndex: true) { _, dirs in
                                for dir in dirs {
                                    cs[layer * d + dir].backward(dy: gs, dyRowStride: width, dyOffset: dir * r, x: xs,
                                                                 schedule: sched, reverse: dir == 1, dx: ds + dir * n)
                                }
                            }
                        }
                    }
                }
            }
            var dx = Tensor(shape: x.shape, data: Array(dxs[0..<n]))
            if d == 2 { addInPlace(&dx, Tensor(shape: x.shape, data: Array(dxs[n..<(2 * n)])), workers: workers) }
            if layer > 0 && !dropouts.isEmpty {
                dx = dropouts[layer - 1].backward(dx)
            }
            g = dx
        }
        layerInputs = []
        return g
    }
}

@inline(__always) func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

/// tanh for the recurrent cells' gates. glibc's `tanhf` goes through `expm1f`, and a profile of a real training run
/// (`perf record` of the demo recipe, docs/benchmarks.md) found the two at 16 % of all CPU time: an LSTM takes two
/// tanh per unit and step. This form costs one `expf` (the fast path the sigmoids already use) and a division:
/// tanh x = 1 − 2 / (e^{2x} + 1), which is exact at ±∞ (e^{2x} overflows to ∞ or falls to 0) and loses relative
/// accuracy near 0 through cancellation, so below |x| = 1/4 it is the Taylor series to x⁹ instead (the first term
/// left out is below 2·10⁻⁹ there). Largest error against the exact tanh: 1.8·10⁻⁷ absolute, 6·10⁻⁷ relative
/// (`RecurrentTests.testGateTanhAgainstTheExactFunction`).
@inline(__always) func gateTanh(_ x: Float) -> Float {
    if abs(x) < 0.25 {
        let x2 = x * x
        return x * (1 + x2 * (-1.0 / 3 + x2 * (2.0 / 15 + x2 * (-17.0 / 315 + x2 * (62.0 / 2835)))))
    }
    return 1 - 2 / (expf(2 * x) + 1)
}

#if canImport(Glibc)
import Base
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
