// Canvas: the few cairo calls the panels need (text in DejaVu Sans, lines, rectangles, images), in
// device units (pixels for PNG, points for SVG/PDF). One Canvas wraps one cairo context for one render.
// Text is always measured with cairo; for SVG it is handed to a `TextRuns` collector instead of being drawn,
// because cairo's SVG surface would write every glyph as an outline (see SVGText.swift).
import CCairo
import Foundation

enum HAlign { case left, center, right }
enum VAlign { case top, center, baseline, bottom }

struct Rect: Equatable {
    var x: Double, y: Double, width: Double, height: Double
    var maxX: Double { x + width }
    var maxY: Double { y + height }
    var midX: Double { x + width / 2 }
    var midY: Double { y + height / 2 }

    func inset(left: Double = 0, top: Double = 0, right: Double = 0, bottom: Double = 0) -> Rect {
        Rect(x: x + left, y: y + top, width: max(1, width - left - right), height: max(1, height - top - bottom))
    }

    /// Snapped to whole device pixels so image cells and spines land on pixel boundaries.
    var snapped: Rect {
        let x0 = x.rounded(), y0 = y.rounded()
        return Rect(x: x0, y: y0, width: max(1, (x + width).rounded() - x0), height: max(1, (y + height).rounded() - y0))
    }
}

struct Canvas {
    static let fontFamily = "DejaVu Sans"
    let cr: OpaquePointer
    /// Where text goes instead of cairo (SVG output); nil draws it with cairo.
    var textRuns: TextRuns? = nil

    /// A canvas that only measures text (a 1×1 image surface), for layout done before the real render.
    static func measuring<T>(_ body: (Canvas) -> T) -> T {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1)
        let cr = cairo_create(surface)!
        defer {
            cairo_destroy(cr)
            cairo_surface_destroy(surface)
        }
        return body(Canvas(cr: cr))
    }

    // MARK: state

    func save() { cairo_save(cr) }
    func restore() { cairo_restore(cr) }

    func setColor(_ c: RGB, alpha: Double = 1) {
        if alpha >= 1 { cairo_set_source_rgb(cr, c.red, c.green, c.blue) } else { cairo_set_source_rgba(cr, c.red, c.green, c.blue, alpha) }
    }

    func clip(_ r: Rect) {
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        cairo_clip(cr)
    }

    // MARK: shapes

    func fill(_ r: Rect, _ c: RGB, alpha: Double = 1) {
        setColor(c, alpha: alpha)
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        cairo_fill(cr)
    }

    func stroke(_ r: Rect, _ c: RGB, width: Double) {
        setColor(c)
        cairo_set_line_width(cr, width)
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        cairo_stroke(cr)
    }

    func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ c: RGB, width: Double, dash: [Double] = []) {
        setColor(c)
        cairo_set_line_width(cr, width)
        setDash(dash)
        cairo_move_to(cr, x0, y0)
        cairo_line_to(cr, x1, y1)
        cairo_stroke(cr)
        setDash([])
    }

    /// A polyline; points with a non-finite coordinate break it into separate runs.
    func polyline(_ points: [(Double, Double)], _ c: RGB, width: Double, dash: [Double] = []) {
        setColor(c)
        cairo_set_line_width(cr, width)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
        setDash(dash)
        var open = false
        for (x, y) in points {
            guard x.isFinite, y.isFinite else { open = false; continue }
            if open { cairo_line_to(cr, x, y) } else { cairo_move_to(cr, x, y); open = true }
        }
        cairo_stroke(cr)
        setDash([])
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
    }

    func circle(_ x: Double, _ y: Double, radius: Double, _ c: RGB) {
        setColor(c)
        cairo_new_sub_path(cr)
        cairo_arc(cr, x, y, radius, 0, 2 * Double.pi)
        cairo_fill(cr)
    }

    private func setDash(_ dash: [Double]) {
        dash.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32($0.count), 0) }
    }

    // MARK: text

    func font(size: Double, bold: Bool = false) {
        cairo_select_font_face(cr, Canvas.fontFamily, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
    }

    /// Advance width of `s` in the current font.
    func width(_ s: String) -> Double {
        var e = cairo_text_extents_t()
        cairo_text_extents(cr, s, &e)
        return e.x_advance
    }

    /// Height of a digit/capital above the baseline in the current font (for centring labels on ticks).
    func capHeight() -> Double {
        var e = cairo_text_extents_t()
        cairo_text_extents(cr, "0", &e)
        return -e.y_bearing
    }

    func fontExtents() -> (ascent: Double, descent: Double) {
        var f = cairo_font_extents_t()
        cairo_font_extents(cr, &f)
        return (f.ascent, f.descent)
    }

    /// Draws `s` anchored at (x, y); `rotation` in radians (−π/2 for a y-axis title reading upwards).
    func text(_ s: String, x: Double, y: Double, h: HAlign, v: VAlign, color: RGB = .ink, rotation: Double = 0) {
        guard !s.isEmpty else { return }
        let w = width(s)
        let dx: Double = h == .left ? 0 : h == .center ? -w / 2 : -w
        let dy = v == .center && !s.contains(where: { $0.isLetter || $0.isNumber }) ? inkCentre(s) : baselineOffset(v)
        if let textRuns {
            var ox = x, oy = y
            cairo_user_to_device(cr, &ox, &oy)
            textRuns.append(TextRun(text: s, x: ox, y: oy, anchor: h, baselineShift: dy, size: currentFontSize,
                                    bold: isBold, color: color, rotation: rotation))
            return
        }
        save()
        cairo_translate(cr, x, y)
        if rotation != 0 { cairo_rotate(cr, rotation) }
        setColor(color)
        cairo_move_to(cr, dx, dy)
        cairo_show_text(cr, s)
        restore()
    }

    /// `s` broken at spaces into lines no wider than `width` in the current font (the space where a line breaks
    /// is dropped); a word wider than `width` on its own is split between characters.
    func wrap(_ s: String, width: Double) -> [String] {
        guard !s.isEmpty else { return [] }
        var lines: [String] = []
        var line = ""
        for word in s.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let candidate = line.isEmpty ? word : line + " " + word
            if self.width(candidate) <= width || (line.isEmpty && word.isEmpty) {
                line = candidate
                continue
            }
            if !line.isEmpty { lines.append(line) }
            line = ""
            var piece = ""
            for ch in word {
                if !piece.isEmpty && self.width(piece + String(ch)) > width {
                    lines.append(piece)
                    piece = ""
                }
                piece.append(ch)
            }
            line = piece
        }
        lines.append(line)
        return lines
    }

    /// Height of one line of text in the current font.
    var lineHeight: Double {
        let e = fontExtents()
        return e.ascent + e.descent
    }

    private var isBold: Bool {
        guard let face = cairo_get_font_face(cr) else { return false }
        return cairo_toy_font_face_get_weight(face) == CAIRO_FONT_WEIGHT_BOLD
    }

    /// The baseline offset that centres `s`'s own ink on the anchor: a lone `_` (a trellis's blank) or `'`
    /// centred by the capital height would sit on the line below or above its row.
    private func inkCentre(_ s: String) -> Double {
        var e = cairo_text_extents_t()
        cairo_text_extents(cr, s, &e)
        return e.height > 0 ? -(e.y_bearing + e.height / 2) : capHeight() / 2
    }

    private func baselineOffset(_ v: VAlign) -> Double {
        let (ascent, descent) = fontExtents()
        switch v {
        case .baseline: return 0
        case .top: return ascent
        case .bottom: return -descent
        case .center: return capHeight() / 2
        }
    }

    // MARK: tick labels (plain or 10^k)

    func width(_ label: TickLabel) -> Double {
        switch label {
        case .text(let s): return width(s)
        case .powerOfTen(let e):
            let size = currentFontSize
            let base = width("10")
            font(size: size * 0.7)
            let exp = width(Ticks.format(Double(e), step: 1))
            font(size: size)
            return base + exp
        }
    }

    func draw(_ label: TickLabel, x: Double, y: Double, h: HAlign, v: VAlign, color: RGB = .ink) {
        switch label {
        case .text(let s):
            text(s, x: x, y: y, h: h, v: v, color: color)
        case .powerOfTen(let e):
            let size = currentFontSize
            let total = width(label)
            let left: Double = h == .left ? x : h == .center ? x - total / 2 : x - total
            let baseWidth = width("10")
            text("10", x: left, y: y, h: .left, v: v, color: color)
            let raise = capHeight() * 0.55
            font(size: size * 0.7)
            let expY: Double = {
                switch v {
                case .top: return y + raise * 0.2
                default: return y - raise
                }
            }()
            text(Ticks.format(Double(e), step: 1), x: left + baseWidth, y: expY, h: .left, v: v, color: color)
            font(size: size)
        }
    }

    var currentFontSize: Double {
        var m = cairo_matrix_t()
        cairo_get_font_matrix(cr, &m)
        return m.yy
    }

    // MARK: images

    /// Paints a (columns × rows) grid of opaque pixels into `rect`, each cell a flat block (nearest filter,
    /// like imshow(interpolation='nearest')). `pixels` is row-major, top row first.
    func image(pixels: [UInt32], columns: Int, rows: Int, into rect: Rect) {
        // SVG viewers (browsers, librsvg) smooth a scaled image whatever cairo asked for, blurring every cell into
        // its neighbours; cells already several pixels wide in the file blur only at their edges.
        if textRuns != nil, let (fx, fy) = Canvas.blockFactors(columns: columns, rows: rows, into: rect), fx * fy > 1 {
            var big = [UInt32](repeating: 0, count: columns * fx * rows * fy)
            for r in 0..<(rows * fy) {
                for c in 0..<(columns * fx) { big[r * columns * fx + c] = pixels[(r / fy) * columns + c / fx] }
            }
            return paint(pixels: big, columns: columns * fx, rows: rows * fy, into: rect)
        }
        paint(pixels: pixels, columns: columns, rows: rows, into: rect)
    }

    /// How many times to repeat each cell across and down so it is about 8 device units wide and high (at most
    /// 4 million pixels in all); nil for an empty grid.
    static func blockFactors(columns: Int, rows: Int, into rect: Rect) -> (Int, Int)? {
        guard columns > 0, rows > 0 else { return nil }
        var fx = max(1, min(8, Int((rect.width / Double(columns)).rounded(.up))))
        var fy = max(1, min(8, Int((rect.height / Double(rows)).rounded(.up))))
        while columns * fx * rows * fy > 4_000_000 && fx * fy > 1 {
            if fx >= fy { fx -= 1 } else { fy -= 1 }
        }
        return (fx, fy)
    }

    private func paint(pixels: [UInt32], columns: Int, rows: Int, into rect: Rect) {
        guard columns > 0, rows > 0, let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(columns), Int32(rows)) else { return }
        defer { cairo_surface_destroy(surface) }
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard let data = cairo_image_surface_get_data(surface) else { return }
        pixels.withUnsafeBufferPointer { src in
            for r in 0..<rows {
                let rowPtr = UnsafeMutableRawPointer(data + r * stride).assumingMemoryBound(to: UInt32.self)
                for c in 0..<columns { rowPtr[c] = src[r * columns + c] }
            }
        }
        cairo_surface_mark_dirty(surface)
        save()
        clip(rect)
        cairo_translate(cr, rect.x, rect.y)
        cairo_scale(cr, rect.width / Double(columns), rect.height / Double(rows))
        cairo_set_source_surface(cr, surface, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST)
        cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD)
        cairo_rectangle(cr, 0, 0, Double(columns), Double(rows))
        cairo_fill(cr)
        restore()
    }
}

extension Canvas {
    /// A filled polygon (no stroke).
    func polygon(_ points: [(Double, Double)], _ c: RGB) {
        guard let first = points.first else { return }
        setColor(c)
        cairo_move_to(cr, first.0, first.1)
        for p in points.dropFirst() { cairo_line_to(cr, p.0, p.1) }
        cairo_close_path(cr)
        cairo_fill(cr)
    }
}
