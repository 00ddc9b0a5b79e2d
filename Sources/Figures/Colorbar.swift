// Colorbar: the vertical colour scale right of a heatmap, with nice ticks, an optional label and, when the
// heatmap has impossible (non-finite) cells, a grey swatch naming them.
struct Colorbar {
    var range: ClosedRange<Double>
    var colormap: Colormap
    var label: String
    var impossible: (color: RGB, label: String)?
    var style: Style

    private var gap: Double { style.base * 1.0 }
    /// The bar runs along the plot's full height up to about 36 lines of text; beside a taller plot (a trellis
    /// grown to fit 200 row labels) it stays that long, at the top, rather than stretching one scale over metres.
    private func barLength(_ plotHeight: Double) -> Double { min(plotHeight, style.base * 36) }
    private func barWidth(_ plotHeight: Double) -> Double { min(style.base * 1.4, max(style.base * 0.8, plotHeight / 20)) }

    func ticks(plotHeight: Double, canvas: Canvas) -> [Tick] {
        var axis = AxisModel(lo: range.lowerBound, hi: range.upperBound)
        axis.rule = .numeric(integerOnly: false)
        return Axes(title: "", x: axis, y: axis, style: style).ticks(for: axis, length: plotHeight, vertical: true, canvas: canvas)
    }

    /// Total width right of the plot: gap, bar, ticks, labels, the bar's title.
    func width(plotHeight: Double, canvas: Canvas) -> Double {
        canvas.font(size: style.tickFont)
        var labels = ticks(plotHeight: barLength(plotHeight), canvas: canvas).map { canvas.width($0.label) }.max() ?? 0
        if let imp = impossible { labels = max(labels, canvas.width(imp.label)) }
        canvas.font(size: style.labelFont)
        let e = canvas.fontExtents()
        let title = label.isEmpty ? 0 : style.labelPad + e.ascent + e.descent
        return gap + barWidth(barLength(plotHeight)) + style.tickLength + style.tickPad + labels + title + style.tickFont * 0.3
    }

    func draw(besides plot: Rect, canvas: Canvas) {
        let s = style
        let length = barLength(plot.height)
        var barHeight = length
        let swatch = s.tickFont * 1.1
        if impossible != nil { barHeight -= swatch + s.tickFont * 0.8 }
        let bar = Rect(x: plot.maxX + gap, y: plot.y, width: barWidth(length), height: max(10, barHeight)).snapped
        // The bar as a 1×256 image: exact table colours, crisp in every format.
        let lut = colormap.packedPixels()
        canvas.image(pixels: Array(lut.reversed()), columns: 1, rows: lut.count, into: bar)
        canvas.stroke(bar, .ink, width: s.spineWidth)
        canvas.font(size: s.tickFont)
        let span = range.upperBound - range.lowerBound
        var labelWidth = 0.0
        for t in Axes(title: "", x: AxisModel(lo: 0, hi: 1), y: AxisModel(lo: 0, hi: 1), style: s)
            .ticks(for: AxisModel(lo: range.lowerBound, hi: range.upperBound), length: bar.height, vertical: true, canvas: canvas) {
            let y = bar.maxY - (t.value - range.lowerBound) / span * bar.height
            canvas.line(bar.maxX, y, bar.maxX + s.tickLength, y, .ink, width: s.tickWidth)
            canvas.draw(t.label, x: bar.maxX + s.tickLength + s.tickPad, y: y, h: .left, v: .center)
            labelWidth = max(labelWidth, canvas.width(t.label))
        }
        if let imp = impossible {
            let box = Rect(x: bar.x, y: plot.y + length - swatch, width: bar.width, height: swatch).snapped
            canvas.fill(box, imp.color)
            canvas.stroke(box, .ink, width: s.spineWidth)
            canvas.font(size: s.tickFont)
            canvas.text(imp.label, x: bar.maxX + s.tickLength + s.tickPad, y: box.midY, h: .left, v: .center)
            labelWidth = max(labelWidth, canvas.width(imp.label))
        }
        if !label.isEmpty {
            canvas.font(size: s.labelFont)
            let x = bar.maxX + s.tickLength + s.tickPad + labelWidth + s.labelPad
            canvas.text(label, x: x, y: bar.midY, h: .center, v: .top, rotation: -Double.pi / 2)
        }
    }
}
