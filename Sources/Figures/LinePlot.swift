// LinePlot: several named series on shared x/y axes with a legend — loss curves, metrics per epoch,
// blank ratios. Optional log y axis (values ≤ 0 are left out of the line, not clamped).
import Foundation

public struct Series: Sendable {
    public var name: String
    public var x: [Double]
    public var y: [Double]
    /// nil → the next colour of matplotlib's cycle.
    public var color: RGB?
    public var dashed = false
    /// nil → markers when the series has at most 25 points (a metric per epoch), none for long curves.
    public var markers: Bool?
    /// false → a scatter: markers only, no line between the points (per-utterance values have no order).
    public var connected = true

    public init(_ name: String, x: [Double], y: [Double], color: RGB? = nil, dashed: Bool = false, markers: Bool? = nil) {
        self.name = name
        self.x = x
        self.y = y
        self.color = color
        self.dashed = dashed
        self.markers = markers
    }

    /// y against 1, 2, 3, … (epochs).
    public init(_ name: String, y: [Double], color: RGB? = nil) {
        self.init(name, x: y.indices.map { Double($0 + 1) }, y: y, color: color)
    }

    /// Points without a line between them.
    public static func scatter(_ name: String, x: [Double], y: [Double], color: RGB? = nil) -> Series {
        var s = Series(name, x: x, y: y, color: color, markers: true)
        s.connected = false
        return s
    }
}

public enum LegendPlacement: Sendable {
    /// The corner that hides the fewest data points.
    case best
    case upperRight, upperLeft, lowerLeft, lowerRight
    case none
}

public struct LinePlot: Sendable {
    public var series: [Series]
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var logY: Bool
    /// Fixed axis ranges; nil → the data range plus 5 % margins (matplotlib's default).
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var legend: LegendPlacement = .best
    public var grid = true

    public init(series: [Series], title: String = "", xLabel: String = "", yLabel: String = "", logY: Bool = false) {
        self.series = series
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logY = logY
    }

    func color(_ i: Int) -> RGB { series[i].color ?? RGB.cycle(i) }

    /// Data range of the plottable points (positive y only on a log axis), with margins.
    func ranges() -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        var xs: [Double] = [], ys: [Double] = []
        for s in series {
            for (x, y) in zip(s.x, s.y) where x.isFinite && y.isFinite && (!logY || y > 0) {
                xs.append(x)
                ys.append(y)
            }
        }
        let xr = xRange ?? padded(xs.min(), xs.max(), log: false)
        let yr = yRange ?? padded(ys.min(), ys.max(), log: logY)
        return (xr, yr)
    }

    private func padded(_ lo: Double?, _ hi: Double?, log: Bool) -> ClosedRange<Double> {
        guard var lo, var hi else { return log ? 0.1...10 : 0...1 }
        if log {
            var a = log10(lo), b = log10(hi)
            if a == b { a -= 0.5; b += 0.5 }
            let m = (b - a) * 0.05
            return pow(10, a - m)...pow(10, b + m)
        }
        if lo == hi { lo -= 0.5; hi += 0.5 }
        let m = (hi - lo) * 0.05
        return (lo - m)...(hi + m)
    }

    func draw(in cell: Rect, canvas: Canvas, style: Style) {
        let (xr, yr) = ranges()
        let integerX = series.allSatisfy { $0.x.allSatisfy { $0 == $0.rounded() } }
        let xa = AxisModel(lo: xr.lowerBound, hi: xr.upperBound, title: xLabel, rule: .numeric(integerOnly: integerX))
        let ya = AxisModel(lo: yr.lowerBound, hi: yr.upperBound, log: logY, title: yLabel,
                           rule: logY ? .logarithmic : .numeric(integerOnly: false))
        let axes = Axes(title: title, x: xa, y: ya, style: style)
        let layout = axes.layout(in: cell, canvas: canvas)
        if grid { axes.drawGrid(layout, canvas: canvas) }
        canvas.save()
        canvas.clip(layout.plot)
        for (i, s) in series.enumerated() {
            let points = zip(s.x, s.y).map { (layout.px($0), layout.py($1)) }
            if s.connected {
                canvas.polyline(points, color(i), width: style.lineWidth, dash: s.dashed ? [3.7 * style.unit, 1.6 * style.unit] : [])
            }
            if s.markers ?? (s.x.count <= 25) {
                for (x, y) in points where x.isFinite && y.isFinite {
                    canvas.circle(x, y, radius: 2.5 * style.unit, color(i))
                }
            }
        }
        canvas.restore()
        axes.drawFrame(layout, canvas: canvas)
        let entries = series.enumerated().filter { !$0.element.name.isEmpty }.map {
            LegendEntry(name: $0.element.name, color: color($0.offset), dashed: $0.element.dashed, swatch: false)
        }
        let points = series.flatMap { s in zip(s.x, s.y).map { (layout.px($0), layout.py($1)) } }
        Legend(entries: entries, placement: legend, style: style).draw(in: layout.plot, avoiding: points, canvas: canvas)
    }
}
