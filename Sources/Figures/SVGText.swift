// SVGText: figure text as SVG <text> elements. cairo's SVG surface has no text mode: it writes each glyph as an
// outline in a <symbol> and places it with <use> (cairo bug 38516), so an SVG figure could not be searched,
// copied, edited in Inkscape or read by a screen reader. Like matplotlib's `svg.fonttype: none`, the canvas
// hands its text to a `TextRuns` collector during an SVG render (cairo still measures it, so the layout is the
// same as in PNG and PDF), and the runs are written as <text> elements in DejaVu Sans on top of cairo's drawing.
// A viewer without DejaVu Sans substitutes a sans-serif font; the anchors (start, middle, end) keep labels in place.
// The same pass asks viewers to scale the embedded images (heatmap cells, colorbars) without smoothing, as cairo
// draws them (nearest filter): otherwise a browser or librsvg blurs every cell into its neighbours.

/// One piece of text as the canvas would have drawn it: anchored at (x, y) in device units, rotated about that
/// point by `rotation` radians, its baseline `baselineShift` below the anchor (in the rotated frame).
struct TextRun: Equatable {
    var text: String
    var x: Double
    var y: Double
    var anchor: HAlign
    var baselineShift: Double
    var size: Double
    var bold: Bool
    var color: RGB
    var rotation: Double
}

/// Collects the text of one render (a reference, so the value-type canvas passed around the panels shares it).
final class TextRuns {
    private(set) var runs: [TextRun] = []
    func append(_ run: TextRun) { runs.append(run) }
}

enum SVGText {
    /// `svg` (cairo's document) with `runs` added as a group of <text> elements just before the closing </svg>,
    /// and its images marked to be scaled without smoothing.
    static func insert(_ runs: [TextRun], into cairoSVG: String) -> String {
        let svg = cairoSVG.replacingOccurrences(of: "<image ", with: "<image style=\"\(crispImages)\" ")
        guard !runs.isEmpty, let end = svg.range(of: "</svg>", options: .backwards) else { return svg }
        var group = "<g id=\"text\" font-family=\"DejaVu Sans, Bitstream Vera Sans, sans-serif\">\n"
        for r in runs { group += element(r) + "\n" }
        group += "</g>\n"
        var out = svg
        out.insert(contentsOf: group, at: end.lowerBound)
        return out
    }

    /// CSS for blocky image scaling: `pixelated` (browsers) after `optimizeSpeed` (SVG 1.1, librsvg), so a viewer
    /// that does not know the second keeps the first.
    static let crispImages = "image-rendering:optimizeSpeed;image-rendering:pixelated"

    static func element(_ r: TextRun) -> String {
        let anchor = r.anchor == .left ? "start" : r.anchor == .center ? "middle" : "end"
        var transform = "translate(\(number(r.x)) \(number(r.y)))"
        if r.rotation != 0 { transform += " rotate(\(number(r.rotation * 180 / Double.pi)))" }
        let (red, green, blue) = r.color.bytes
        let fill = "#" + [red, green, blue].map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        let weight = r.bold ? " font-weight=\"bold\"" : ""
        return "<text transform=\"\(transform)\" y=\"\(number(r.baselineShift))\" font-size=\"\(number(r.size))\"\(weight)"
            + " fill=\"\(fill)\" text-anchor=\"\(anchor)\" xml:space=\"preserve\">\(escaped(r.text))</text>"
    }

    static func escaped(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// Device units with at most two decimals and no trailing zeros ("12.5", "300").
    private static func number(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        if r == r.rounded() { return String(Int(r)) }
        var s = String(r)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }
}

private extension String {
    func leftPadded(to n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
