// Ready-made panels for Trellis's standard pictures: trellis tables (alpha, beta, posteriors, soft and
// Viterbi alignments) with extended-label rows, and the notebook's Cell 42 grid (each model's soft
// alignment in linear and log scale, side by side).
extension Heatmap {
    /// What the numbers of a trellis-shaped matrix are.
    public enum TrellisValues: Sendable, Equatable {
        /// Probabilities in [0, 1] (soft alignment, posteriors, a 0/1 Viterbi path).
        case probability
        /// Natural-log values as computed (alpha, beta): plotted as given; −∞ = impossible state.
        case logProbability
    }

    /// A (states × frames) trellis heatmap, row s labelled `rowLabels[s]` (e.g. `_ c _ a _ t _`); the blank rows
    /// (the even states of the 2L + 1) are the labels left out first when not all fit.
    /// With `log` on probabilities, the colours show ln(p) like the notebook's `np.log(align)`, and cells
    /// with p = 0 are drawn as impossible (grey). Log-probability input is never logged again.
    public static func trellis(states: Int, frames: Int, values: [Double], rowLabels: [String]? = nil,
                               title: String = "", log: Bool = false, values kind: TrellisValues = .probability,
                               yLabel: String = "Extended labels") throws(FigureError) -> Heatmap {
        if let rowLabels, rowLabels.count != states {
            throw .invalidData("\(states) trellis rows need \(states) row labels, got \(rowLabels.count)")
        }
        var h = try Heatmap(rows: states, columns: frames, values: values)
        h.title = title
        h.rowLabels = rowLabels
        if states % 2 == 1 { h.minorRows = Set(stride(from: 0, to: states, by: 2)) }
        h.yLabel = yLabel
        h.xLabel = "Frame"
        switch kind {
        case .logProbability:
            h.scale = .linear
            h.colorbarLabel = "log probability"
            h.impossibleLabel = "−∞ (impossible)"
        case .probability where log:
            h.scale = .log
            h.colorbarLabel = "log probability"
            h.impossibleLabel = "p = 0"
        case .probability:
            h.scale = .linear
            h.colorbarLabel = "probability"
            h.impossibleLabel = "undefined"
        }
        return h
    }

    /// The extended CTC label sequence as row labels: blank, l1, blank, l2, …, blank (2L + 1 rows). `numbered`
    /// puts each symbol's position in the transcript before it (`_`, `0 c`, `_`, `1 a`, …), so a reader can find
    /// label 57 of a long utterance even when only every fifth label fits on the axis.
    public static func extendedLabels(_ labels: [String], blank: String = "_", numbered: Bool = false) -> [String] {
        var out = [blank]
        for (i, l) in labels.enumerated() { out += [numbered ? "\(i) \(l)" : l, blank] }
        return out
    }
}

/// One model's soft alignment for `Figure.softAlignmentGrid`.
public struct AlignmentInput: Sendable {
    public var name: String
    public var states: Int
    public var frames: Int
    /// (states × frames) row-major probabilities.
    public var values: [Double]
    public var rowLabels: [String]?

    public init(name: String, states: Int, frames: Int, values: [Double], rowLabels: [String]? = nil) {
        self.name = name
        self.states = states
        self.frames = frames
        self.values = values
        self.rowLabels = rowLabels
    }
}

extension Figure {
    /// The notebook's Cell 42: one row per model, its soft alignment in linear scale (left) and log
    /// scale (right), each with a colorbar. Default size: 15 × 5 inches per row at 100 dpi.
    public static func softAlignmentGrid(_ models: [AlignmentInput], width: Int? = nil, height: Int? = nil,
                                         title: String = "") throws(FigureError) -> Figure {
        guard !models.isEmpty else { throw .invalidData("the alignment grid needs at least one model") }
        var panels: [Panel] = []
        for m in models {
            let linear = try Heatmap.trellis(states: m.states, frames: m.frames, values: m.values, rowLabels: m.rowLabels,
                                             title: "\(m.name) Alignment", log: false)
            let logged = try Heatmap.trellis(states: m.states, frames: m.frames, values: m.values, rowLabels: m.rowLabels,
                                             title: "\(m.name) Alignment in log scale", log: true)
            panels += [.heatmap(linear), .heatmap(logged)]
        }
        return Figure(width: width ?? 1500, height: height ?? 500 * models.count, rows: models.count, columns: 2,
                      panels: panels, title: title)
    }
}
