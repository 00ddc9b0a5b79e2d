// Legend: a boxed list of series names with their line (or patch) sample, placed in the plot corner that
// covers the fewest data points (matplotlib's loc='best', reduced to the four corners).
struct LegendEntry {
    var name: String
    var color: RGB
    var dashed: Bool
    /// A filled square instead of a line sample (bar charts).
    var swatch: Bool
}

struct Legend {
    var entries: [LegendEntry]
    var placement: LegendPlacement
    var style: Style

    func draw(in plot: Rect, avoiding points: [(Double, Double)], canvas: Canvas) {
        guard !entries.isEmpty, placement != .none else { return }
        let s = style
        canvas.font(size: s.tickFont)
        let sample = 2.0 * s.tickFont
        let gap = 0.6 * s.tickFont
        let rowHeight = s.tickFont * 1.45
        let textWidth = entries.map { canvas.width($0.name) }.max() ?? 0
        let boxW = gap + sample + gap + textWidth + gap
        let boxH = gap * 0.8 + rowHeight * Double(entries.count) + gap * 0.4
        let margin = 0.6 * s.tickFont
        let corners: [(LegendPlacement, Rect)] = [
            (.upperRight, Rect(x: plot.maxX - margin - boxW, y: plot.y + margin, width: boxW, height: boxH)),
            (.upperLeft, Rect(x: plot.x + margin, y: plot.y + margin, width: boxW, height: boxH)),
            (.lowerLeft, Rect(x: plot.x + margin, y: plot.maxY - margin - boxH, width: boxW, height: boxH)),
            (.lowerRight, Rect(x: plot.maxX - margin - boxW, y: plot.maxY - margin - boxH, width: boxW, height: boxH)),
        ]
        let box: Rect
        if let fixed = corners.first(where: { $0.0 == placement }) {
            box = fixed.1
        } else {
            func covered(_ r: Rect) -> Int {
                points.reduce(0) { $0 + ($1.0 >= r.x && $1.0 <= r.maxX && $1.1 >= r.y && $1.1 <= r.maxY ? 1 : 0) }
            }
            box = corners.min { covered($0.1) < covered($1.1) }!.1
        }
        canvas.fill(box, .white, alpha: 0.85)
        canvas.stroke(box, RGB(0.8, 0.8, 0.8), width: s.spineWidth)
        for (i, e) in entries.enumerated() {
            let y = box.y + gap * 0.8 + rowHeight * (Double(i) + 0.5)
            let x0 = box.x + gap
            if e.swatch {
                canvas.fill(Rect(x: x0 + sample * 0.25, y: y - s.tickFont * 0.35, width: sample * 0.5, height: s.tickFont * 0.7), e.color)
            } else {
                canvas.line(x0, y, x0 + sample, y, e.color, width: s.lineWidth, dash: e.dashed ? [3.7 * s.unit, 1.6 * s.unit] : [])
            }
            canvas.font(size: s.tickFont)
            canvas.text(e.name, x: x0 + sample + gap, y: y, h: .left, v: .center)
        }
    }
}
