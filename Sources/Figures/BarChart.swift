// BarChart: bars over categories (character frequencies, per-speaker counts) or over numeric bins
// (a histogram of utterance durations or blank ratios). Bars start at zero; optional log y for counts
// that span orders of magnitude.
import Foundation

public struct BarChart: Sendable {
    public var values: [Double]
    /// One label per bar (categorical chart); nil with `edges` set → histogram.
    public var labels: [String]?
    /// values.count + 1 increasing bin edges (histogram); nil → categorical.
    public var edges: [Double]?
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var color: RGB = RGB.cycle(0)
    public var logY = false

    /// A categorical bar chart.
    public init(values: [Double], labels: [String], title: String = "", xLabel: String = "", yLabel: String = "") throws(FigureError) {
        guard values.count == labels.count else {
            throw .invalidData("a bar chart needs one label per bar: \(values.count) values, \(labels.count) labels")
        }
        self.values = values
        self.labels = labels
        self.edges = nil
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// Bars over the bins [edges[i], edges[i+1]).
    public init(values: [Double], edges: [Double], title: String = "", xLabel: String = "", yLabel: String = "Count") throws(FigureError) {
        guard edges.count == values.count + 1 else {
            throw .invalidData("\(values.count) bins need \(values.count + 1) edges, got \(edges.count)")
        }
        guard zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else { throw .invalidData("bin edges must increase strictly") }
        self.values = values
        self.labels = nil
        self.edges = edges
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// Counts of `data` in `bins` equal-width bins over `range` (default: the data's min…max), like
    /// numpy.histogram: bins are half-open except the last, which includes its right edge; values
    /// outside the range and non-finite values are not counted.
    public static func histogram(_ data: [Double], bins: Int = 30, range: ClosedRange<Double>? = nil,
                                 title: String = "", xLabel: String = "", yLabel: String = "Count") throws(FigureError) -> BarChart {
        guard bins > 0 else { throw .invalidData("a histogram needs at least one bin (got \(bins))") }
        let finite = data.filter(\.isFinite)
        var lo = range?.lowerBound ?? finite.min() ?? 0
        var hi = range?.upperBound ?? finite.max() ?? 1
        if lo == hi { lo -= 0.5; hi += 0.5 }
        let edges = (0...bins).map { lo + (hi - lo) * Double($0) / Double(bins) }
        var counts = [Double](repeating: 0, count: bins)
        for v in finite where v >= lo && v <= hi {
            let i = v == hi ? bins - 1 : Swift.min(bins - 1, Int((v - lo) / (hi - lo) * Double(bins)))
            counts[i] += 1
        }
        return try BarChart(values: counts, edges: edges, title: title, xLabel: xLabel, yLabel: yLabel)
    }

    func draw(in cell: Rect, canvas: Canvas, style: Style) {
        let n = values.count
        let xa: AxisModel
        if let edges {
            let m = (edges[n] - edges[0]) * 0.03
            xa = AxisModel(lo: edges[0] - m, hi: edges[n] + m, title: xLabel, rule: .numeric(integerOnly: false))
        } else {
            xa = AxisModel(lo: -0.6, hi: Double(n) - 0.4, title: xLabel, rule: .categorical(labels ?? []))
        }
        let finite = values.filter { $0.isFinite && (!logY || $0 > 0) }
        let top = finite.max() ?? 1
        let ya: AxisModel
        if logY {
            let lo = (finite.min() ?? 1) / 2
            ya = AxisModel(lo: lo, hi: Swift.max(lo * 10, top * 1.5), log: true, title: yLabel, rule: .logarithmic)
        } else {
            let bottom = Swift.min(0, finite.min() ?? 0)
            ya = AxisModel(lo: bottom, hi: top > bottom ? top + (top - bottom) * 0.05 : bottom + 1, title: yLabel, rule: .numeric(integerOnly: false))
        }
        let axes = Axes(title: title, x: xa, y: ya, style: style)
        let layout = axes.layout(in: cell, canvas: canvas)
        axes.drawGrid(layout, canvas: canvas, xLines: false, yLines: true)
        canvas.save()
        canvas.clip(layout.plot)
        let base = logY ? layout.py(ya.lo) : layout.py(0)
        for i in 0..<n where values[i].isFinite && (!logY || values[i] > 0) {
            let (a, b): (Double, Double) = edges.map { ($0[i], $0[i + 1]) } ?? (Double(i) - 0.4, Double(i) + 0.4)
            let x0 = layout.px(a), x1 = layout.px(b), y = layout.py(values[i])
            let r = Rect(x: x0, y: Swift.min(y, base), width: x1 - x0, height: abs(base - y))
            canvas.fill(r, color)
            // Thin white separators keep neighbouring histogram bins apart.
            if edges != nil && r.width > 3 { canvas.stroke(r, .white, width: style.spineWidth * 0.6) }
        }
        canvas.restore()
        axes.drawFrame(layout, canvas: canvas)
    }
}
