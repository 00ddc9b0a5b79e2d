// Figure: a grid of panels (rows × columns, filled row by row) with an optional overall title, written
// to PNG, SVG or PDF according to the file extension. Sizes are pixels for PNG and points for SVG/PDF.
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
        guard panels.count <= rows * columns else {
            throw .invalidData("\(panels.count) panels do not fit a \(rows)×\(columns) grid")
        }
    }

    /// Draws the whole figure on a fresh canvas of `width` × `height` device units.
    func draw(on canvas: Canvas) {
        let w = Double(width), h = Double(height)
        canvas.fill(Rect(x: 0, y: 0, width: w, height: h), .white)
        let cellW = w / Double(columns)
        var top = 0.0
        let probe = Style.automatic(panelWidth: cellW, panelHeight: h / Double(rows))
        let style = fontSize.map { Style(base: $0) } ?? probe
        if !title.isEmpty {
            let size = style.titleFont * 1.15
            canvas.font(size: size, bold: true)
            let e = canvas.fontExtents()
            canvas.text(title, x: w / 2, y: style.outerPad, h: .center, v: .top)
            top = style.outerPad + e.ascent + e.descent
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
}
