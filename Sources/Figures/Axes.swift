// Axes: the frame every panel kind shares — layout of title, axis titles and tick labels around a plot
// rectangle (a "tight layout" computed from real text extents), the data→device mapping, spines and ticks.
// A title wider than the plot wraps onto more lines instead of running off the figure.
import Foundation

/// How an axis chooses its ticks once its length in pixels is known.
enum TickRule {
    /// 1-2-5 steps over the range (integer steps only when `integerOnly`).
    case numeric(integerOnly: Bool)
    /// Powers of ten (log axes).
    case logarithmic
    /// One label per item at positions first, first + 1, …; when they would overlap, the `minor` items' labels
    /// go first (a trellis's blanks), then the others are thinned (see `Ticks.categorical`).
    case categorical([String], minor: Set<Int> = [], first: Int = 0)
    /// Ticks at explicit positions (e.g. bin edges), thinned when they would overlap.
    case explicit([Tick])
    case none
}

struct AxisModel {
    var lo: Double
    var hi: Double
    var log: Bool = false
    /// For a y axis: `lo` at the top (imshow's origin='upper').
    var inverted: Bool = false
    var title: String = ""
    var rule: TickRule = .numeric(integerOnly: false)

    /// 0 at `lo`, 1 at `hi` (in log10 on log axes); non-positive values on a log axis give −∞.
    func fraction(_ v: Double) -> Double {
        if log {
            guard v > 0 else { return -.infinity }
            return (log10(v) - log10(lo)) / (log10(hi) - log10(lo))
        }
        return hi == lo ? 0.5 : (v - lo) / (hi - lo)
    }
}

/// The result of laying out one panel: where the data goes and which ticks are shown.
struct AxesLayout {
    var plot: Rect
    /// The panel title, wrapped to the plot's width.
    var titleLines: [String] = []
    var xTicks: [Tick]
    var yTicks: [Tick]
    var x: AxisModel
    var y: AxisModel

    func px(_ v: Double) -> Double { plot.x + x.fraction(v) * plot.width }
    func py(_ v: Double) -> Double {
        let f = y.fraction(v)
        return y.inverted ? plot.y + f * plot.height : plot.maxY - f * plot.height
    }
}

struct Axes {
    var title: String
    var x: AxisModel
    var y: AxisModel
    var style: Style

    /// Lays out the panel inside `cell`; `rightReserve(plotHeight)` is the width a colorbar needs.
    func layout(in cell: Rect, canvas: Canvas, rightReserve: (Double) -> Double = { _ in 0 }) -> AxesLayout {
        // The title wraps to the plot's width, which depends on the tick labels beside a plot whose height
        // depends on the title: start with one line and redo until the line count settles (twice in practice).
        var lines = title.isEmpty ? [] : [title]
        var result = layout(in: cell, canvas: canvas, titleLines: lines, rightReserve: rightReserve)
        for _ in 0..<3 where !title.isEmpty {
            canvas.font(size: style.titleFont)
            let wrapped = canvas.wrap(title, width: result.plot.width)
            if wrapped == lines { break }
            lines = wrapped
            result = layout(in: cell, canvas: canvas, titleLines: lines, rightReserve: rightReserve)
        }
        return result
    }

    private func layout(in cell: Rect, canvas: Canvas, titleLines: [String], rightReserve: (Double) -> Double) -> AxesLayout {
        let s = style
        let area = cell.inset(left: s.outerPad, top: s.outerPad, right: s.outerPad, bottom: s.outerPad)
        canvas.font(size: s.titleFont)
        let titleBlock = titleLines.isEmpty ? s.tickFont * 0.6 : Double(titleLines.count) * canvas.lineHeight + 0.6 * s.titleFont
        canvas.font(size: s.tickFont)
        let tickText = canvas.fontExtents()
        let xTickBlock = hasTicks(x) ? s.tickLength + s.tickPad + tickText.ascent + tickText.descent : 0
        canvas.font(size: s.labelFont)
        let labelHeight = canvas.lineHeight
        let xTitleBlock = x.title.isEmpty ? 0 : s.labelPad + labelHeight
        let top = titleBlock
        let bottom = xTickBlock + xTitleBlock
        let plotHeight = max(10, area.height - top - bottom)

        let yTicks = ticks(for: y, length: plotHeight, vertical: true, canvas: canvas)
        canvas.font(size: s.tickFont)
        let yLabelWidth = yTicks.map { canvas.width($0.label) }.max() ?? 0
        let yTitleBlock = y.title.isEmpty ? 0 : labelHeight + s.labelPad
        let left = yTitleBlock + (hasTicks(y) ? yLabelWidth + s.tickPad + s.tickLength : 0)
        // Room for the half of the last x tick label that sticks out to the right of the plot.
        let right = max(rightReserve(plotHeight), s.tickFont * 1.2)
        let plotWidth = max(10, area.width - left - right)
        var plot = Rect(x: area.x + left, y: area.y + top, width: plotWidth, height: plotHeight).snapped
        plot.width = max(1, plot.width)
        let xTicks = ticks(for: x, length: plot.width, vertical: false, canvas: canvas)
        return AxesLayout(plot: plot, titleLines: titleLines, xTicks: xTicks, yTicks: yTicks, x: x, y: y)
    }

    private func hasTicks(_ a: AxisModel) -> Bool {
        if case .none = a.rule { return false }
        return true
    }

    /// Ticks that fit in `length` device units without overlapping labels.
    func ticks(for axis: AxisModel, length: Double, vertical: Bool, canvas: Canvas) -> [Tick] {
        canvas.font(size: style.tickFont)
        let lineHeight = style.tickLineHeight
        let lo = min(axis.lo, axis.hi), hi = max(axis.lo, axis.hi)
        switch axis.rule {
        case .none:
            return []
        case .logarithmic:
            let maxTicks = max(2, Int(length / (vertical ? lineHeight * 2 : style.tickFont * 4)))
            return Ticks.logarithmic(from: lo, to: hi, maxTicks: maxTicks)
        case .numeric(let integerOnly):
            // Start dense, then widen the 1-2-5 step until neighbouring labels keep a gap.
            // At most about ten intervals however long the axis, like matplotlib's MaxNLocator: a colorbar as tall
            // as a 200-row trellis needs no tick every 0.02.
            let minSpacing = vertical ? lineHeight * 2.2 : style.tickFont * 3
            var step = Ticks.niceStep(span: hi - lo, maxTicks: min(10, max(1, Int(length / minSpacing))))
            if integerOnly { step = max(1, step) }
            for _ in 0..<12 {
                let ts = Ticks.linear(from: lo, to: hi, step: step)
                let extent = vertical ? lineHeight : (ts.map { canvas.width($0.label) }.max() ?? 0) + style.tickFont
                let pixelsPerStep = length * step / max(1e-300, hi - lo)
                if pixelsPerStep >= extent || ts.count <= 2 { return ts }
                step = Ticks.nextStep(after: step)
            }
            return Ticks.linear(from: lo, to: hi, step: step)
        case .categorical(let labels, let minor, let first):
            let perItem = length / max(1, abs(axis.hi - axis.lo))
            let extent = vertical ? lineHeight : (labels.map { canvas.width($0) }.max() ?? 0) + style.tickFont * 0.8
            return Ticks.categorical(labels, pixelsPerItem: perItem, labelExtent: extent, minor: minor)
                .map { Tick($0.value + Double(first), $0.label) }
        case .explicit(let all):
            guard all.count > 1 else { return all }
            let perItem = length * abs(all[1].value - all[0].value) / max(1e-300, hi - lo)
            let extent = vertical ? lineHeight : (all.map { canvas.width($0.label) }.max() ?? 0) + style.tickFont * 0.8
            let k = Ticks.thinningFactor(items: all.count, pixelsPerItem: perItem, labelExtent: extent)
            return all.indices.filter { $0 % k == 0 }.map { all[$0] }
        }
    }

    /// Light grid lines at the major ticks (drawn under the data).
    func drawGrid(_ l: AxesLayout, canvas: Canvas, xLines: Bool = true, yLines: Bool = true) {
        let w = style.spineWidth * 0.8
        if xLines {
            for t in l.xTicks { let x = l.px(t.value); canvas.line(x, l.plot.y, x, l.plot.maxY, .gridLine, width: w) }
        }
        if yLines {
            for t in l.yTicks { let y = l.py(t.value); canvas.line(l.plot.x, y, l.plot.maxX, y, .gridLine, width: w) }
        }
    }

    /// Spines, ticks, tick labels, axis titles and the panel title (drawn over the data).
    func drawFrame(_ l: AxesLayout, canvas: Canvas) {
        let s = style, p = l.plot
        canvas.stroke(p, .ink, width: s.spineWidth)
        canvas.font(size: s.tickFont)
        for t in l.xTicks {
            let x = l.px(t.value)
            guard x >= p.x - 0.5, x <= p.maxX + 0.5 else { continue }
            canvas.line(x, p.maxY, x, p.maxY + s.tickLength, .ink, width: s.tickWidth)
            canvas.draw(t.label, x: x, y: p.maxY + s.tickLength + s.tickPad, h: .center, v: .top)
        }
        var yLabelWidth = 0.0
        for t in l.yTicks {
            let y = l.py(t.value)
            guard y >= p.y - 0.5, y <= p.maxY + 0.5 else { continue }
            canvas.line(p.x - s.tickLength, y, p.x, y, .ink, width: s.tickWidth)
            canvas.draw(t.label, x: p.x - s.tickLength - s.tickPad, y: y, h: .right, v: .center)
            yLabelWidth = max(yLabelWidth, canvas.width(t.label))
        }
        canvas.font(size: s.labelFont)
        let tickText = fontHeight(canvas, s.tickFont)
        if !l.x.title.isEmpty {
            let y = p.maxY + (l.xTicks.isEmpty ? 0 : s.tickLength + s.tickPad + tickText) + s.labelPad
            canvas.font(size: s.labelFont)
            canvas.text(l.x.title, x: p.midX, y: y, h: .center, v: .top)
        }
        if !l.y.title.isEmpty {
            let x = p.x - (l.yTicks.isEmpty ? 0 : s.tickLength + s.tickPad + yLabelWidth) - s.labelPad
            canvas.font(size: s.labelFont)
            canvas.text(l.y.title, x: x, y: p.midY, h: .center, v: .bottom, rotation: -Double.pi / 2)
        }
        canvas.font(size: s.titleFont)
        let lines = l.titleLines
        for (i, line) in lines.enumerated() {
            let y = p.y - 0.6 * s.titleFont - Double(lines.count - 1 - i) * canvas.lineHeight
            canvas.text(line, x: p.midX, y: y, h: .center, v: .bottom)
        }
    }

    private func fontHeight(_ canvas: Canvas, _ size: Double) -> Double {
        canvas.font(size: size)
        let e = canvas.fontExtents()
        return e.ascent + e.descent
    }
}
