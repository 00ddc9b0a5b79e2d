// Figures of real utterances (T = 400 frames, 100 labels): the figure grows until every extended label has a line
// of its own, the labels never overlap (positions checked against cairo's font extents), a fixed height thins
// them to numbered symbols, windows keep the original indices, long titles wrap inside the plot (measured with
// cairo's text extents), text grows with the figure, SVG keeps its text as <text>, and PNGs carry their DPI.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Figures

final class LongUtteranceTests: XCTestCase {
    /// The T = 400, 100-label soft alignment, its rows labelled `_`, `0 a`, `_`, `1 b`, ….
    func longAlignment() throws -> Heatmap {
        let (states, values) = Samples.softAlignment(labels: 100, frames: 400)
        let letters = (0..<100).map { String(UnicodeScalar(UInt8(97 + $0 % 26))) }
        return try Heatmap.trellis(states: states, frames: 400, values: values,
                                   rowLabels: Heatmap.extendedLabels(letters, numbered: true), title: "Alignment")
    }

    /// The layout the figure's only panel gets, measured as the real render measures it.
    func layout(_ figure: Figure) -> (AxesLayout, Style) {
        guard case .heatmap(let h) = figure.panels[0] else { fatalError("a heatmap figure") }
        let style = figure.style()
        return Canvas.measuring { canvas in
            let top = figure.suptitle(canvas: canvas, style: style).height
            let cell = Rect(x: 0, y: top, width: Double(figure.width), height: Double(figure.height) - top)
            return (h.layout(in: cell, canvas: canvas, style: style), style)
        }
    }

    /// Tick labels stacked along y are at least one line of text apart; side by side along x, their boxes are apart.
    func assertNoOverlap(_ l: AxesLayout, style: Style, file: StaticString = #filePath, line: UInt = #line) {
        Canvas.measuring { canvas in
            canvas.font(size: style.tickFont)
            let ys = l.yTicks.map { l.py($0.value) }.sorted()
            for (a, b) in zip(ys, ys.dropFirst()) {
                XCTAssertGreaterThanOrEqual(b - a, canvas.lineHeight, "y labels overlap", file: file, line: line)
            }
            let boxes = l.xTicks.map { t -> (Double, Double) in
                let w = canvas.width(t.label), x = l.px(t.value)
                return (x - w / 2, x + w / 2)
            }.sorted { $0.0 < $1.0 }
            for (a, b) in zip(boxes, boxes.dropFirst()) {
                XCTAssertLessThan(a.1, b.0, "x labels overlap", file: file, line: line)
            }
        }
    }

    func testTheFigureGrowsUntilEveryExtendedLabelFits() throws {
        let h = try longAlignment()
        let grown = Figure(width: 1000, height: 500, .heatmap(h)).growingToFitRowLabels()
        XCTAssertGreaterThan(grown.height, 201 * 15, "201 rows need about a line each")
        XCTAssertEqual(grown.width, 1000)
        // The text keeps the size the requested 1000 × 500 gives it.
        XCTAssertEqual(grown.fontSize, Figure(width: 1000, height: 500, .heatmap(h)).style().base)
        let (l, style) = layout(grown)
        XCTAssertEqual(l.yTicks.count, 201, "every row labelled")
        XCTAssertEqual(l.yTicks[1].label.plain, "0 a")
        XCTAssertEqual(l.yTicks[25].label.plain, "12 m")
        XCTAssertEqual(l.yTicks.last?.label.plain, "_")
        assertNoOverlap(l, style: style)
        // A small figure does not shrink, and a huge label count stops at the ceiling (and thins instead).
        var tall = Figure(width: 1000, height: 5000, .heatmap(h))
        tall.fontSize = 14
        XCTAssertEqual(tall.growingToFitRowLabels().height, 5000)
        XCTAssertEqual(Figure(width: 1000, height: 500, .heatmap(h)).growingToFitRowLabels(maxHeight: 1200).height, 1200)
    }

    func testAFixedHeightThinsToNumberedSymbolsWithoutOverlap() throws {
        let (l, style) = layout(Figure(width: 1000, height: 500, .heatmap(try longAlignment())))
        let labels = l.yTicks.map(\.label.plain)
        XCTAssertGreaterThan(labels.count, 5)
        XCTAssertFalse(labels.contains("_"), "blank rows give way first")
        // Every m-th symbol with m from 1, 2, 5, 10, …: the numbers are multiples of m, counted from 0.
        let numbers = labels.map { Int($0.split(separator: " ")[0])! }
        XCTAssertEqual(numbers.first, 0)
        let m = numbers[1] - numbers[0]
        XCTAssertTrue([2, 5, 10, 20].contains(m), "\(numbers)")
        XCTAssertEqual(numbers, Array(stride(from: 0, to: 100, by: m)))
        // Tick positions are the symbol rows 2i + 1.
        XCTAssertEqual(l.yTicks.map(\.value), numbers.map { Double(2 * $0 + 1) })
        assertNoOverlap(l, style: style)
    }

    func testAWindowKeepsTheOriginalIndices() throws {
        var h = try longAlignment()
        h.overlays = [HeatmapOverlay("path", x: [120, 150], y: [45, 60])]
        let w = try h.window(rows: 40..<81, columns: 100..<200)
        XCTAssertEqual(w.rows, 41)
        XCTAssertEqual(w.columns, 100)
        XCTAssertEqual(w.values[0], h.values[40 * 400 + 100])
        XCTAssertEqual(w.values[40 * 100 + 99], h.values[80 * 400 + 199])
        XCTAssertEqual(w.rowLabels?[1], "20 u")
        XCTAssertEqual(w.minorRows, Set(stride(from: 0, to: 41, by: 2)), "row 40 of the trellis is a blank")
        XCTAssertEqual(w.overlays[0].x, [120, 150], "overlays stay in the original coordinates")
        var figure = Figure(width: 1000, height: 1200, .heatmap(w))
        figure.fontSize = 14
        let (l, style) = layout(figure)
        XCTAssertEqual(l.yTicks.first?.value, 40)
        XCTAssertEqual(l.yTicks[1].label.plain, "20 u")
        XCTAssertEqual(l.xTicks.first?.value, 100, "frame numbers count from the window's first frame")
        XCTAssertEqual(l.x.lo, 99.5)
        assertNoOverlap(l, style: style)
        // A second window counts on from the first; an extent (seconds) shrinks with it.
        var timed = w
        timed.xExtent = 1.0...2.0
        let inner = try timed.window(columns: 10..<20)
        XCTAssertEqual(inner.firstColumn, 110)
        XCTAssertEqual(inner.xExtent!.lowerBound, 1.1, accuracy: 1e-12)
        XCTAssertEqual(inner.xExtent!.upperBound, 1.2, accuracy: 1e-12)
        XCTAssertThrowsError(try h.window(rows: 190..<210))
        XCTAssertThrowsError(try h.window(columns: 5..<5))
    }

    func testLongTitlesWrapInsideThePlot() throws {
        let text = "Viterbi path over the alignment of \"the quick brown fox jumps over the lazy dog while seven wizards quietly hex a jovial banker at dawn\""
        var h = try longAlignment()
        h.title = text
        // A fixed text size, so that only the width changes.
        func figure(_ width: Int) -> Figure {
            var f = Figure(width: width, height: 600, .heatmap(h))
            f.fontSize = 14
            return f
        }
        for width in [500, 1000, 2500] {
            let (l, style) = layout(figure(width))
            XCTAssertEqual(l.titleLines.joined(separator: " "), text, "nothing cut at width \(width)")
            Canvas.measuring { canvas in
                canvas.font(size: style.titleFont)
                for line in l.titleLines { XCTAssertLessThanOrEqual(canvas.width(line), l.plot.width, "'\(line)' at width \(width)") }
            }
        }
        XCTAssertGreaterThan(layout(figure(500)).0.titleLines.count, 2)
        XCTAssertEqual(layout(figure(2500)).0.titleLines.count, 1)
        // A word longer than the width is split between characters, and no character is lost.
        Canvas.measuring { canvas in
            canvas.font(size: 14)
            let long = String(repeating: "abcdefghij", count: 8)
            let lines = canvas.wrap("a " + long, width: 120)
            XCTAssertEqual(lines.joined(), "a" + long)
            for line in lines { XCTAssertLessThanOrEqual(canvas.width(line), 120) }
        }
    }

    func testTextGrowsWithTheFigure() {
        func base(_ w: Int, _ h: Int) -> Double { Figure(width: w, height: h, .empty).style().base }
        XCTAssertEqual(base(2000, 1000), 2 * base(1000, 500), accuracy: 1e-9, "twice the size, the same picture")
        XCTAssertEqual(base(4000, 2000), 4 * base(1000, 500), accuracy: 1e-9)
        // Height beyond square (room for rows) does not make the letters bigger.
        XCTAssertEqual(base(1000, 5000), base(1000, 1000), accuracy: 1e-9)
    }

    func testPNGCarriesItsDPI() throws {
        // The CRC every chunk is checked with, against the standard check value.
        XCTAssertEqual(PNGChunks.crc32(Array("123456789".utf8)[...]), 0xCBF4_3926)
        var figure = Figure(width: 300, height: 200, .heatmap(try Heatmap(rows: 2, columns: 2, values: [0, 1, 2, 3])))
        figure.dpi = 150
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dpi-\(UUID().uuidString).png").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try figure.write(to: file)
        let image = try PNGImage(path: file)  // cairo (libpng) still decodes it
        XCTAssertEqual(image.width, 300)
        XCTAssertEqual(image.dotsPerInch!, 150, accuracy: 0.02, "5906 pixels per metre")
        // pHYs sits between IHDR and the image data, as the PNG spec requires; 150 dpi = 5906 pixels per metre.
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        let chunks = try PNGChunks.split(bytes)
        XCTAssertEqual(chunks.map(\.type).prefix(2), ["IHDR", "pHYs"])
        XCTAssertEqual(Array(bytes[chunks[1].data]), [0, 0, 0x17, 0x12, 0, 0, 0x17, 0x12, 1])
        XCTAssertEqual(0x1712, 5906)
        XCTAssertThrowsError(try { var f = figure; f.dpi = 0; try f.write(to: file) }())
    }

    func testSVGKeepsItsTextAsText() throws {
        var h = try longAlignment()
        h.title = "Soft alignment of a long utterance whose title has to wrap onto a second line & more"
        h.overlays = [HeatmapOverlay("Viterbi path", x: [0, 399], y: [0, 200])]
        let svg = String(decoding: try Figure(width: 500, height: 400, .heatmap(h)).encoded(as: .svg), as: UTF8.self)
        let texts = try SVGTexts(svg).all
        let title = h.title  // its "&" is escaped in the file and comes back as "&"
        // The title's lines, in order, make up the whole title.
        let titleLines = texts.filter { title.contains($0) && $0.count > 5 }
        XCTAssertGreaterThan(titleLines.count, 1, "\(texts.prefix(10))")
        XCTAssertEqual(titleLines.joined(separator: " "), title)
        for expected in ["Frame", "Extended labels", "0 a", "Viterbi path", "probability"] {
            XCTAssertTrue(texts.contains(expected), "no <text>\(expected)</text> in \(texts.prefix(20))")
        }
        XCTAssertFalse(svg.contains("glyph"), "cairo's glyph outlines are not used")
        XCTAssertTrue(svg.contains(SVGText.crispImages), "heatmap cells stay blocks in SVG viewers")
    }
}

/// The character data of every <text> element of an SVG document, parsed as XML (so the file is well-formed).
final class SVGTexts: NSObject, XMLParserDelegate {
    private(set) var all: [String] = []
    private var current: String?

    init(_ svg: String) throws {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        guard parser.parse() else { throw parser.parserError ?? FigureError.invalidData("the SVG is not well-formed XML") }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if name == "text" { current = "" }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { current? += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text", let c = current { all.append(c); current = nil }
    }
}
