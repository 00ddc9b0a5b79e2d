// Figure: a grid of panels (rows × columns, filled row by row) with an optional overall title (wrapped to the
// figure's width), written to PNG, SVG or PDF according to the file extension. Sizes are pixels for PNG and
// points for SVG/PDF. `growingToFitRowLabels` makes a figure as tall as its heatmaps' row labels need.
public enum Panel: Sendable {
    case heatmap(Heatmap)
    case line(LinePlot)
    case bars(BarChart)
    case waveform(WaveformPlot)
    /// Leaves a grid cell blank.
    case empty
}

public struct Figure: Sendable {
    public var width: Int
    public var height: Int
    public var rows: Int
    public var columns: Int
    /// Row-major; missing trailing panels are left blank.
    public var panels: [Panel]
    /// An overall title above the grid (matplotlib's suptitle).
    public var title: String = ""
    /// Text size for tick labels and axis titles in device units; nil → scaled to the panel size.
    public var fontSize: Double?
    /// Dots per inch written into a PNG (its pHYs chunk): `width` pixels print `width / dpi` inches wide.
    /// SVG and PDF sizes are already physical (points).
    public var dpi: Double = 100

    public init(width: Int = 640, height: Int = 480, rows: Int = 1, columns: Int = 1, panels: [Panel] = [], title: String = "") {
        self.width = width
        self.height = height
        self.rows = rows
        self.columns = columns
        self.panels = panels
        self.title = title
    }

    /// A one-panel figure.
    public init(width: Int = 640, height: Int = 480, _ panel: Panel) {
        self.init(width: width, height: height, rows: 1, columns: 1, panels: [panel])
    }

    /// The panel at grid position (row, column).
    public subscript(row: Int, column: Int) -> Panel {
        get {
            let i = row * columns + column
            return i < panels.count ? panels[i] : .empty
        }
        set {
            let i = row * columns + column
            while panels.count <= i { panels.append(.empty) }
            panels[i] = newValue
        }
    }

    func validate() throws(FigureError) {
        guard width > 0, height > 0, width <= 20_000, height <= 20_000 else {
            throw .invalidData("figure size \(width)×\(height) is outside 1…20000")
        }
        guard rows > 0, columns > 0 else { throw .invalidData("a figure grid needs at least 1 row and 1 column (got \(rows)×\(columns))") }
        guard dpi.isFinite, dpi >= 1, dpi <= 100_000 else { throw .invalidData("dpi \(dpi) is outside 1…100000") }
        guard panels.count <= rows * columns else {
            throw .invalidData("\(panels.count) panels do not fit a \(rows)×\(columns) grid")
        }
    }

    /// The style the panels get: `fontSize`, or scaled to one grid cell.
    func style() -> Style {
        fontSize.map { Style(base: $0) } ?? Style.automatic(panelWidth: Double(width) / Double(columns), panelHeight: Double(height) / Double(rows))
    }

    /// The overall title's lines (wrapped to the figure's width) and the height they take at the top.
    func suptitle(canvas: Canvas, style: Style) -> (lines: [String], height: Double) {
        guard !title.isEmpty else { return ([], 0) }
        canvas.font(size: style.titleFont * 1.15, bold: true)
        let lines = canvas.wrap(title, width: Double(width) - 2 * style.outerPad)
        return (lines, style.outerPad + Double(lines.count) * canvas.lineHeight)
    }

    /// Draws the whole figure on a fresh canvas of `width` × `height` device units.
    func draw(on canvas: Canvas) {
        let w = Double(width), h = Double(height)
        canvas.fill(Rect(x: 0, y: 0, width: w, height: h), .white)
        let cellW = w / Double(columns)
        let style = style()
        let (lines, top) = suptitle(canvas: canvas, style: style)
        canvas.font(size: style.titleFont * 1.15, bold: true)
        for (i, line) in lines.enumerated() {
            canvas.text(line, x: w / 2, y: style.outerPad + Double(i) * canvas.lineHeight, h: .center, v: .top)
        }
        let cellH = (h - top) / Double(rows)
        for (i, panel) in panels.enumerated() {
            let r = i / columns, c = i % columns
            let cell = Rect(x: Double(c) * cellW, y: top + Double(r) * cellH, width: cellW, height: cellH)
            canvas.save()
            switch panel {
            case .heatmap(let p): p.draw(in: cell, canvas: canvas, style: style)
            case .line(let p): p.draw(in: cell, canvas: canvas, style: style)
            case .bars(let p): p.draw(in: cell, canvas: canvas, style: style)
            case .waveform(let p): p.draw(in: cell, canvas: canvas, style: style)
            case .empty: break
            }
            canvas.restore()
        }
    }

    /// This figure made taller, when needed, so that every row label of its heatmaps gets a line of its own
    /// (`Style.tickLineHeight` per row) up to `maxHeight`; past that the labels are thinned as usual. The text
    /// keeps the size the original height gave it (`fontSize` is fixed), so the extra height all goes to the rows.
    public func growingToFitRowLabels(maxHeight: Int = 8000) -> Figure {
        var out = self
        let style = style()
        out.fontSize = style.base
        let cellW = Double(width) / Double(columns)
        let needed: Double = Canvas.measuring { canvas in
            let top = suptitle(canvas: canvas, style: style).height
            let cellH = (Double(height) - top) / Double(rows)
            var tallest = cellH
            for case .heatmap(let map) in panels where map.rowLabels != nil && map.yExtent == nil {
                let plot = map.layout(in: Rect(x: 0, y: 0, width: cellW, height: cellH), canvas: canvas, style: style).plot
                // +2: the plot rectangle is snapped to whole pixels.
                tallest = Swift.max(tallest, cellH - plot.height + Double(map.rows) * style.tickLineHeight + 2)
            }
            return top + tallest * Double(rows)
        }
        out.height = Swift.max(height, Swift.min(maxHeight, Int(needed.rounded(.up))))
        return out
    }
}
