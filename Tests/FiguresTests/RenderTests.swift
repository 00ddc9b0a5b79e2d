// Renders every panel kind to PNG, SVG and PDF and checks the files: PNGs decode at the requested size,
// are not blank, and the heatmap area holds colormap colours. Set FIGURES_GALLERY=/some/dir to keep the
// files for looking at them.
import Foundation
import XCTest
@testable import Figures

final class RenderTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        if let keep = ProcessInfo.processInfo.environment["FIGURES_GALLERY"] {
            dir = URL(fileURLWithPath: keep)
        } else {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("figures-tests-\(UUID().uuidString)")
        }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if ProcessInfo.processInfo.environment["FIGURES_GALLERY"] == nil { try? FileManager.default.removeItem(at: dir) }
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// Decodes `file`, checks its size and that it is not one flat colour; returns it.
    @discardableResult
    func checkPNG(_ file: String, width: Int, height: Int) throws -> PNGImage {
        let image = try PNGImage(path: file)
        XCTAssertEqual(image.width, width)
        XCTAssertEqual(image.height, height)
        var colours = Set<UInt32>()
        for y in stride(from: 0, to: image.height, by: 3) {
            for x in stride(from: 0, to: image.width, by: 3) {
                let p = image.pixel(x: x, y: y)
                colours.insert(UInt32(p.r) << 16 | UInt32(p.g) << 8 | UInt32(p.b))
            }
        }
        XCTAssertGreaterThan(colours.count, 10, "\(file) looks blank")
        XCTAssertEqual(image.pixel(x: 0, y: 0).a, 255, "background must be opaque")
        return image
    }

    func testTrellisHeatmapPNGHoldsViridisColours() throws {
        let (states, values) = Samples.softAlignment(labels: 3, frames: 30)
        let h = try Heatmap.trellis(states: states, frames: 30, values: values, rowLabels: Samples.catLabels(),
                                    title: "Soft alignment of \"cat\"", log: false)
        let file = path("heatmap_cat.png")
        try Figure(width: 640, height: 480, .heatmap(h)).write(to: file)
        let image = try checkPNG(file, width: 640, height: 480)
        // Most pixels in the middle of the figure are colormap entries.
        let lut = Set(Colormap.viridis.packedPixels().map { $0 & 0xFFFFFF })
        var hits = 0, total = 0
        for y in stride(from: 150, to: 330, by: 5) {
            for x in stride(from: 150, to: 450, by: 5) {
                let p = image.pixel(x: x, y: y)
                total += 1
                if lut.contains(UInt32(p.r) << 16 | UInt32(p.g) << 8 | UInt32(p.b)) { hits += 1 }
            }
        }
        XCTAssertGreaterThan(Double(hits) / Double(total), 0.8)
    }

    func testLogHeatmapShowsImpossibleCellsInGrey() throws {
        // 1 row × 2 columns: p = 0 (impossible) and p = 1; the plot fills most of a wide figure.
        var h = try Heatmap(rows: 1, columns: 2, values: [0, 1])
        h.scale = .log
        h.showColorbar = false
        let file = path("heatmap_impossible.png")
        try Figure(width: 400, height: 300, .heatmap(h)).write(to: file)
        let image = try checkPNG(file, width: 400, height: 300)
        let left = image.pixel(x: 120, y: 150), right = image.pixel(x: 300, y: 150)
        let grey = RGB.impossible.bytes
        XCTAssertEqual([left.r, left.g, left.b], [grey.0, grey.1, grey.2])
        XCTAssertNotEqual([right.r, right.g, right.b], [grey.0, grey.1, grey.2])
    }

    func testLargeHeatmapAndGrid() throws {
        let (states, values) = Samples.softAlignment(labels: 100, frames: 400)
        XCTAssertEqual(states, 201)
        let labels = Heatmap.extendedLabels((0..<100).map { String(UnicodeScalar(UInt8(97 + $0 % 26))) })
        let models = ["DNN", "RNN", "BiRNN"].map {
            AlignmentInput(name: $0, states: states, frames: 400, values: values, rowLabels: labels)
        }
        let figure = try Figure.softAlignmentGrid(models, width: 1125, height: 1125)
        XCTAssertEqual(figure.panels.count, 6)
        let file = path("grid_cell42.png")
        try figure.write(to: file)
        try checkPNG(file, width: 1125, height: 1125)
    }

    func testLinePlotWithLegendAndLogAxis() throws {
        let plot = LinePlot(series: Samples.lossCurves(), title: "CTC loss", xLabel: "Epoch", yLabel: "Loss")
        var logPlot = plot
        logPlot.logY = true
        logPlot.title = "CTC loss (log scale)"
        let file = path("lines.png")
        try Figure(width: 1000, height: 400, rows: 1, columns: 2, panels: [.line(plot), .line(logPlot)]).write(to: file)
        try checkPNG(file, width: 1000, height: 400)
    }

    func testBarChartAndHistogram() throws {
        let letters = (0..<26).map { String(UnicodeScalar(UInt8(97 + $0))) }
        let counts = letters.indices.map { Double(($0 * 37) % 23 + 2) }
        let bars = try BarChart(values: counts, labels: letters, title: "Character counts", xLabel: "Character", yLabel: "Count")
        let ratios = (0..<500).map { i in 0.5 + 0.3 * sin(Double(i) * 0.7) * cos(Double(i) * 0.13) }
        let hist = try BarChart.histogram(ratios, bins: 25, range: 0...1, title: "Blank ratio per utterance", xLabel: "Blank ratio")
        XCTAssertEqual(hist.values.reduce(0, +), 500)
        let file = path("bars.png")
        try Figure(width: 1000, height: 400, rows: 1, columns: 2, panels: [.bars(bars), .bars(hist)]).write(to: file)
        try checkPNG(file, width: 1000, height: 400)
    }

    func testWaveformAndSpectrogram() throws {
        let wave = try WaveformPlot(samples: Samples.chirp(), sampleRate: 16000, title: "Chirp")
        let spec = try Heatmap.spectrogram(bins: 201, frames: 120, values: Samples.spectrogram(), hopSeconds: 0.0125,
                                           frequency: .hertz(maxFrequency: 8000), title: "Power spectrogram")
        let file = path("audio.png")
        try Figure(width: 800, height: 700, rows: 2, columns: 1, panels: [.waveform(wave), .heatmap(spec)]).write(to: file)
        try checkPNG(file, width: 800, height: 700)
    }

    func testVectorFormatsHaveTheirMagic() throws {
        let (states, values) = Samples.softAlignment(labels: 3, frames: 30)
        let h = try Heatmap.trellis(states: states, frames: 30, values: values, rowLabels: Samples.catLabels(), title: "cat", log: true)
        let figure = Figure(width: 500, height: 350, rows: 1, columns: 2,
                            panels: [.heatmap(h), .line(LinePlot(series: Samples.lossCurves(), title: "loss"))])
        try figure.write(to: path("vector.svg"))
        try figure.write(to: path("vector.pdf"))
        let svg = try String(contentsOfFile: path("vector.svg"), encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<?xml") || svg.hasPrefix("<svg"))
        XCTAssertTrue(svg.contains("<svg"))
        let pdf = try Data(contentsOf: URL(fileURLWithPath: path("vector.pdf")))
        XCTAssertEqual(Array(pdf.prefix(4)), Array("%PDF".utf8))
    }

    func testErrorsNameTheProblem() throws {
        let figure = Figure(.empty)
        XCTAssertThrowsError(try figure.write(to: path("figure.bmp"))) { error in
            XCTAssertEqual(error as? FigureError, .unsupportedFormat(path: path("figure.bmp")))
        }
        XCTAssertThrowsError(try figure.write(to: "/nonexistent-folder/x.png")) { error in
            guard case .cannotWrite(let p, _)? = error as? FigureError else { return XCTFail("\(error)") }
            XCTAssertEqual(p, "/nonexistent-folder/x.png")
        }
        XCTAssertThrowsError(try Heatmap(rows: 2, columns: 3, values: [1, 2, 3]))
        XCTAssertThrowsError(try Heatmap.trellis(states: 3, frames: 1, values: [1, 2, 3], rowLabels: ["_", "a"]))
        XCTAssertThrowsError(try BarChart(values: [1, 2], labels: ["a"]))
        XCTAssertEqual(try FigureFormat(path: "out/Plot.PDF"), .pdf)
    }
}

/// An APNG as the APNG specification lays it out: IHDR, acTL (frame count, 0 = loop), then per frame an fcTL and its
/// image data (IDAT for the first, fdAT after), chunks numbered 0, 1, 2 … in one sequence, IEND last.
final class AnimationTests: XCTestCase {
    func u32(_ png: [UInt8], _ at: Int) -> UInt32 { png[at..<(at + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }

    func testChunksOfAThreeFrameAnimation() throws {
        let frames = (1...3).map { k in
            Figure(width: 120, height: 80, .line(LinePlot(series: [Series("k", x: [0, 1], y: [0, Double(k)])], title: "frame \(k)")))
        }
        let png = try Animation(frames: frames, secondsPerFrame: 0.5).encoded()
        let chunks = try PNGChunks.split(png)   // checks every length and CRC
        XCTAssertEqual(chunks.first?.type, "IHDR")
        XCTAssertEqual(chunks[1].type, "acTL")
        XCTAssertEqual(u32(png, chunks[1].data.lowerBound), 3, "frame count")
        XCTAssertEqual(u32(png, chunks[1].data.lowerBound + 4), 0, "loops forever")
        XCTAssertEqual(chunks.last?.type, "IEND")
        XCTAssertEqual(chunks.filter { $0.type == "fcTL" }.count, 3)
        // The first frame's data stays IDAT (what a viewer without APNG shows); the others are fdAT.
        let firstFcTL = try XCTUnwrap(chunks.firstIndex { $0.type == "fcTL" })
        XCTAssertEqual(chunks[firstFcTL + 1].type, "IDAT")
        XCTAssertFalse(chunks.filter { $0.type == "fdAT" }.isEmpty)
        let numbered = chunks.filter { $0.type == "fcTL" || $0.type == "fdAT" }.map { u32(png, $0.data.lowerBound) }
        XCTAssertEqual(numbered, Array(0..<UInt32(numbered.count)), "one sequence from 0")
        let fcTL = chunks[firstFcTL].data.lowerBound
        XCTAssertEqual(u32(png, fcTL + 4), 120)
        XCTAssertEqual(u32(png, fcTL + 8), 80)
        XCTAssertEqual(Int(png[fcTL + 20]) << 8 | Int(png[fcTL + 21]), 50, "0.5 s = 50/100")
        XCTAssertEqual(Int(png[fcTL + 22]) << 8 | Int(png[fcTL + 23]), 100)
    }

    func testFramesOfDifferentSizesAreRefused() {
        let a = Figure(width: 100, height: 80, .empty), b = Figure(width: 100, height: 90, .empty)
        XCTAssertThrowsError(try Animation(frames: [a, b]).encoded())
        XCTAssertThrowsError(try Animation(frames: []).encoded())
    }
}
