// Heatmap: a (rows × columns) matrix drawn like matplotlib's imshow(aspect='auto', interpolation='nearest'):
// one flat block per cell, row 0 at the top (origin upper) unless told otherwise, a viridis colour scale
// with a colorbar. Used for trellises (alpha, beta, soft and Viterbi alignments: rows = extended label
// states, columns = frames), class posteriors and spectrograms.
//
// Non-finite values (−∞ in a log-space trellis: an impossible state; NaN) are drawn in `impossibleColor`,
// light grey, and listed under the colorbar, so "impossible" never looks like "very unlikely".
// Overlays (a Viterbi path over a soft alignment) are lines in cell coordinates drawn over the image.
// `window` cuts out a block of rows and columns that keeps its original indices on the axes (a zoom).
import Foundation

/// A line drawn over a heatmap's cells, in the coordinates where cell (row r, column c) is centred at
/// x = c, y = r (with an extent: in extent units; after `Heatmap.window`: the original indices), e.g. a Viterbi path: x = frame, y = state. It gets a
/// white halo so it stays visible on every colour of the map, and a legend entry when `name` is not empty.
public struct HeatmapOverlay: Sendable {
    public var name: String
    public var x: [Double]
    public var y: [Double]
    public var color: RGB
    /// nil → markers when the line has at most 80 points.
    public var markers: Bool?

    public init(_ name: String, x: [Double], y: [Double], color: RGB = RGB(hex: 0xD62728), markers: Bool? = nil) {
        self.name = name
        self.x = x
        self.y = y
        self.color = color
        self.markers = markers
    }
}

public struct Heatmap: Sendable {
    public enum Origin: Sendable { case upper, lower }

    /// How values become colours.
    public enum Scale: Sendable, Equatable {
        /// Values as given.
        case linear
        /// Natural log of the values, like the notebook's `np.log(align)`. Values in (0, floor) are
        /// raised to `floor` so a stray 1e-300 does not stretch the colour range; 0 and negatives
        /// (log = −∞: impossible) get the impossible colour.
        case log(floor: Double)
        public static let log = Scale.log(floor: 1e-10)
    }

    public var rows: Int
    public var columns: Int
    /// Row-major: `values[r * columns + c]`.
    public var values: [Double]
    public var title: String = ""
    public var xLabel: String = "Frame"
    public var yLabel: String = ""
    /// One label per row (e.g. the extended CTC sequence `_ c _ a _ t _`); nil → row numbers.
    public var rowLabels: [String]?
    /// Rows whose labels give way first when not every row label fits (a trellis's blanks: the symbols
    /// between them are what a reader looks for).
    public var minorRows: Set<Int> = []
    /// The index the first row and column stand for (after `window`): axes count from there, and overlay
    /// coordinates use these indices.
    public var firstRow = 0
    public var firstColumn = 0
    /// One label per column; nil → column numbers (or extent values).
    public var columnLabels: [String]?
    public var scale: Scale = .linear
    public var colormap: Colormap = .viridis
    /// Colour range (after the scale is applied); nil → the finite data range.
    public var valueRange: ClosedRange<Double>?
    public var origin: Origin = .upper
    /// Data coordinates of the image edges (like imshow's extent): the x range spans the columns,
    /// the y range the rows (bottom to top). nil → cell indices.
    public var xExtent: ClosedRange<Double>?
    public var yExtent: ClosedRange<Double>?
    public var showColorbar = true
    public var colorbarLabel: String = ""
    public var impossibleColor: RGB = .impossible
    /// What the grey swatch under the colorbar says.
    public var impossibleLabel: String = "impossible"
    /// Lines drawn over the cells (e.g. the Viterbi path), in order.
    public var overlays: [HeatmapOverlay] = []

    /// `values` row-major, `rows × columns` of them.
    public init(rows: Int, columns: Int, values: [Double]) throws(FigureError) {
        guard rows > 0, columns > 0 else { throw .invalidData("a heatmap needs at least one row and one column (got \(rows)×\(columns))") }
        guard values.count == rows * columns else {
            throw .invalidData("a \(rows)×\(columns) heatmap needs \(rows * columns) values, got \(values.count)")
        }
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Float32 (or other floating-point) values, row-major.
    public init<T: BinaryFloatingPoint>(rows: Int, columns: Int, values: [T]) throws(FigureError) {
        try self.init(rows: rows, columns: columns, values: values.map { Double($0) })
    }

    /// From nested rows (all the same length).
    public init(matrix: [[Double]]) throws(FigureError) {
        let cols = matrix.first?.count ?? 0
        if let bad = matrix.firstIndex(where: { $0.count != cols }) {
            throw .invalidData("row \(bad) has \(matrix[bad].count) values but row 0 has \(cols)")
        }
        try self.init(rows: matrix.count, columns: cols, values: matrix.flatMap { $0 })
    }

    /// The values after the scale (what the colours encode); non-finite means impossible.
    public func scaledValues() -> [Double] {
        switch scale {
        case .linear:
            return values
        case .log(let floor):
            return values.map { v in
                guard v.isFinite else { return v == .infinity ? .infinity : -.infinity }
                return v > 0 ? Foundation.log(Swift.max(v, floor)) : -.infinity
            }
        }
    }

    /// The colour range used: `valueRange` or the finite min…max of the scaled values.
    public func colorRange(of scaled: [Double]) -> ClosedRange<Double> {
        if let r = valueRange { return r }
        var lo = Double.infinity, hi = -Double.infinity
        for v in scaled where v.isFinite {
            lo = Swift.min(lo, v)
            hi = Swift.max(hi, v)
        }
        if lo > hi { return 0...1 }
        if lo == hi { return (lo - 0.5)...(hi + 0.5) }
        return lo...hi
    }

    /// The cell colours as opaque pixels, top image row first.
    func pixels(scaled: [Double], range: ClosedRange<Double>) -> [UInt32] {
        let lut = colormap.packedPixels()
        let (ir, ig, ib) = impossibleColor.bytes
        let grey = 0xFF00_0000 | UInt32(ir) << 16 | UInt32(ig) << 8 | UInt32(ib)
        let span = range.upperBound - range.lowerBound
        let n = Double(lut.count)
        var out = [UInt32](repeating: grey, count: rows * columns)
        for r in 0..<rows {
            let imageRow = origin == .upper ? r : rows - 1 - r
            for c in 0..<columns {
                let v = scaled[r * columns + c]
                guard v.isFinite else { continue }
                let t = (v - range.lowerBound) / span
                let i = Int(Swift.max(0, Swift.min(n - 1, (t * n).rounded(.down))))
                out[imageRow * columns + c] = lut[i]
            }
        }
        return out
    }

    /// Axis models in data coordinates: cell centres at integers (like imshow) or the extent.
    func axisModels() -> (x: AxisModel, y: AxisModel) {
        var x: AxisModel, y: AxisModel
        if let e = xExtent {
            x = AxisModel(lo: e.lowerBound, hi: e.upperBound, title: xLabel, rule: .numeric(integerOnly: false))
        } else {
            let c0 = Double(firstColumn)
            x = AxisModel(lo: c0 - 0.5, hi: c0 + Double(columns) - 0.5, title: xLabel,
                          rule: columnLabels.map { .categorical($0, first: firstColumn) } ?? .numeric(integerOnly: true))
        }
        if let e = yExtent {
            y = AxisModel(lo: e.lowerBound, hi: e.upperBound, inverted: false, title: yLabel, rule: .numeric(integerOnly: false))
        } else {
            let r0 = Double(firstRow)
            y = AxisModel(lo: r0 - 0.5, hi: r0 + Double(rows) - 0.5, inverted: origin == .upper, title: yLabel,
                          rule: rowLabels.map { .categorical($0, minor: minorRows, first: firstRow) } ?? .numeric(integerOnly: true))
        }
        return (x, y)
    }

    /// The rows `rows` and columns `columns` (positions in this heatmap, 0-based) as a heatmap of their own whose
    /// axes keep counting from the original indices; extents shrink to match, overlays are kept (they are
    /// clipped to the plot). The colour range is the window's own unless `valueRange` is set.
    public func window(rows r: Range<Int>? = nil, columns c: Range<Int>? = nil) throws(FigureError) -> Heatmap {
        let r = r ?? 0..<rows, c = c ?? 0..<columns
        guard r.lowerBound >= 0, r.upperBound <= rows, !r.isEmpty else {
            throw .invalidData("rows \(r.lowerBound)..<\(r.upperBound) are not inside the heatmap's 0..<\(rows)")
        }
        guard c.lowerBound >= 0, c.upperBound <= columns, !c.isEmpty else {
            throw .invalidData("columns \(c.lowerBound)..<\(c.upperBound) are not inside the heatmap's 0..<\(columns)")
        }
        var out = self
        out.rows = r.count
        out.columns = c.count
        out.values = r.flatMap { row in values[(row * columns + c.lowerBound)..<(row * columns + c.upperBound)] }
        out.rowLabels = rowLabels.map { Array($0[r]) }
        out.columnLabels = columnLabels.map { Array($0[c]) }
        out.minorRows = Set(minorRows.filter { r.contains($0) }.map { $0 - r.lowerBound })
        out.firstRow = firstRow + r.lowerBound
        out.firstColumn = firstColumn + c.lowerBound
        if let e = xExtent {
            let step = (e.upperBound - e.lowerBound) / Double(columns)
            out.xExtent = (e.lowerBound + Double(c.lowerBound) * step)...(e.lowerBound + Double(c.upperBound) * step)
        }
        if let e = yExtent {
            // The extent runs bottom to top: row 0 is at the bottom with origin lower, at the top with origin upper.
            let step = (e.upperBound - e.lowerBound) / Double(rows)
            out.yExtent = origin == .lower
                ? (e.lowerBound + Double(r.lowerBound) * step)...(e.lowerBound + Double(r.upperBound) * step)
                : (e.upperBound - Double(r.upperBound) * step)...(e.upperBound - Double(r.lowerBound) * step)
        }
        return out
    }

    private func colorbar(style: Style) -> Colorbar {
        let scaled = scaledValues()
        return Colorbar(range: colorRange(of: scaled), colormap: colormap, label: colorbarLabel,
                        impossible: scaled.contains { !$0.isFinite } ? (impossibleColor, impossibleLabel) : nil, style: style)
    }

    /// Where the plot, ticks and title go inside `cell` (the colorbar's width reserved on the right).
    func layout(in cell: Rect, canvas: Canvas, style: Style) -> AxesLayout {
        let (xa, ya) = axisModels()
        let bar = colorbar(style: style)
        return Axes(title: title, x: xa, y: ya, style: style).layout(in: cell, canvas: canvas) { plotHeight in
            showColorbar ? bar.width(plotHeight: plotHeight, canvas: canvas) : 0
        }
    }

    func draw(in cell: Rect, canvas: Canvas, style: Style) {
        let scaled = scaledValues()
        let range = colorRange(of: scaled)
        let (xa, ya) = axisModels()
        let axes = Axes(title: title, x: xa, y: ya, style: style)
        let bar = colorbar(style: style)
        let layout = layout(in: cell, canvas: canvas, style: style)
        canvas.image(pixels: pixels(scaled: scaled, range: range), columns: columns, rows: rows, into: layout.plot)
        let overlayPoints = drawOverlays(layout, canvas: canvas, style: style)
        axes.drawFrame(layout, canvas: canvas)
        if showColorbar { bar.draw(besides: layout.plot, canvas: canvas) }
        let entries = overlays.filter { !$0.name.isEmpty }.map { LegendEntry(name: $0.name, color: $0.color, dashed: false, swatch: false) }
        Legend(entries: entries, placement: .best, style: style).draw(in: layout.plot, avoiding: overlayPoints, canvas: canvas)
    }

    /// Draws the overlays clipped to the plot; returns their points in device units (for the legend).
    private func drawOverlays(_ layout: AxesLayout, canvas: Canvas, style: Style) -> [(Double, Double)] {
        guard !overlays.isEmpty else { return [] }
        var all: [(Double, Double)] = []
        canvas.save()
        canvas.clip(layout.plot)
        for o in overlays {
            let points = zip(o.x, o.y).map { (layout.px($0), layout.py($1)) }
            canvas.polyline(points, .white, width: style.lineWidth * 2.6)
            canvas.polyline(points, o.color, width: style.lineWidth)
            if o.markers ?? (points.count <= 80) {
                for (x, y) in points where x.isFinite && y.isFinite {
                    canvas.circle(x, y, radius: 2.4 * style.unit, .white)
                    canvas.circle(x, y, radius: 1.7 * style.unit, o.color)
                }
            }
            all += points
        }
        canvas.restore()
        return all
    }
}
