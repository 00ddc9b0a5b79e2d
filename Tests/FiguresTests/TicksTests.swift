// Tick placement (1-2-5 steps, decades, thinning) and the viridis table against matplotlib's endpoints.
import XCTest
@testable import Figures

final class TicksTests: XCTestCase {
    func testNiceSteps() {
        XCTAssertEqual(Ticks.niceStep(span: 1, maxTicks: 5), 0.2, accuracy: 1e-12)
        XCTAssertEqual(Ticks.niceStep(span: 399, maxTicks: 8), 50)
        XCTAssertEqual(Ticks.niceStep(span: 100, maxTicks: 10), 10)
        XCTAssertEqual(Ticks.niceStep(span: 3, maxTicks: 4), 1)
        XCTAssertEqual(Ticks.niceStep(span: 0.07, maxTicks: 6), 0.02, accuracy: 1e-15)
        XCTAssertEqual(Ticks.niceStep(span: 27, maxTicks: 5), 10)
        XCTAssertEqual(Ticks.nextStep(after: 1), 2)
        XCTAssertEqual(Ticks.nextStep(after: 2), 5)
        XCTAssertEqual(Ticks.nextStep(after: 5), 10)
        XCTAssertEqual(Ticks.nextStep(after: 0.5), 1, accuracy: 1e-15)
    }

    func testLinearTicksAndLabels() {
        let t = Ticks.linear(from: 0, to: 1, maxTicks: 5)
        XCTAssertEqual(t.map(\.value), [0, 0.2, 0.4, 0.6, 0.8, 1.0])
        XCTAssertEqual(t.map(\.label.plain), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let neg = Ticks.linear(from: -23, to: 0, maxTicks: 5)
        XCTAssertEqual(neg.map(\.value), [-20, -15, -10, -5, 0])
        XCTAssertEqual(neg.first?.label.plain, "\u{2212}20")
        XCTAssertEqual(Ticks.linear(from: -0.5, to: 399.5, maxTicks: 8, integerOnly: true).map(\.value), [0, 50, 100, 150, 200, 250, 300, 350])
        XCTAssertEqual(Ticks.linear(from: -0.5, to: 6.5, maxTicks: 20, integerOnly: true).map(\.value), [0, 1, 2, 3, 4, 5, 6])
        XCTAssertEqual(Ticks.format(-0.00001, step: 0.1), "0.0")  // never "−0.0"
        XCTAssertEqual(Ticks.linear(from: 0, to: 2e5, maxTicks: 4).map(\.label.plain), ["0", "0.5e5", "1.0e5", "1.5e5", "2.0e5"])
        XCTAssertEqual(Ticks.linear(from: 0, to: 0.0025, maxTicks: 5).map(\.label.plain), ["0", "0.5e\u{2212}3", "1.0e\u{2212}3", "1.5e\u{2212}3", "2.0e\u{2212}3", "2.5e\u{2212}3"])
    }

    func testLogTicks() {
        let t = Ticks.logarithmic(from: 0.05, to: 300, maxTicks: 10)
        XCTAssertEqual(t.map(\.value), [0.1, 1, 10, 100].map { $0 })
        XCTAssertEqual(t.map(\.label), [.powerOfTen(-1), .powerOfTen(0), .powerOfTen(1), .powerOfTen(2)])
        // Within one decade: 1-2-5 mantissas.
        XCTAssertEqual(Ticks.logarithmic(from: 1.5, to: 9, maxTicks: 5).map(\.value), [2, 5])
        // Many decades: every other one.
        XCTAssertEqual(Ticks.logarithmic(from: 1e-8, to: 1, maxTicks: 4).map(\.value).count, 5)
    }

    func testCategoricalThinning() {
        let labels = (0..<201).map { "\($0)" }
        XCTAssertEqual(Ticks.thinningFactor(items: 201, pixelsPerItem: 2, labelExtent: 15), 8)
        // Odd steps: 8 → 9, so a blank/symbol alternation shows both kinds.
        XCTAssertEqual(Ticks.categorical(labels, pixelsPerItem: 2, labelExtent: 15).map(\.value).prefix(3), [0, 9, 18])
        XCTAssertEqual(Ticks.categorical(["_", "c", "_"], pixelsPerItem: 50, labelExtent: 15).count, 3)
        let extended = Array(repeating: ["_", "a"], count: 40).flatMap { $0 } + ["_"]
        let shown = Ticks.categorical(extended, pixelsPerItem: 6, labelExtent: 10).map(\.label.plain)
        XCTAssertEqual(Set(shown), ["_", "a"])
    }

    func testMinorLabelsGiveWayFirst() {
        // A trellis: blanks (even rows) are minor. When all fit, all are shown.
        let extended = Heatmap.extendedLabels(["c", "a", "t", "s"], numbered: true)
        let blanks = Set(stride(from: 0, to: 9, by: 2))
        XCTAssertEqual(Ticks.categorical(extended, pixelsPerItem: 20, labelExtent: 15, minor: blanks).count, 9)
        // Half the room: only the symbols, every one of them (two items apart = 20 px ≥ 15).
        XCTAssertEqual(Ticks.categorical(extended, pixelsPerItem: 10, labelExtent: 15, minor: blanks).map(\.label.plain),
                       ["0 c", "1 a", "2 t", "3 s"])
        // Less: every 2nd, then every 5th symbol (1-2-5 steps), at their own rows.
        let long = Heatmap.extendedLabels((0..<30).map { _ in "x" }, numbered: true)
        let minor = Set(stride(from: 0, to: 61, by: 2))
        XCTAssertEqual(Ticks.categorical(long, pixelsPerItem: 5, labelExtent: 15, minor: minor).map(\.value).prefix(3), [1, 5, 9])
        XCTAssertEqual(Ticks.categorical(long, pixelsPerItem: 2, labelExtent: 15, minor: minor).map(\.label.plain),
                       ["0 x", "5 x", "10 x", "15 x", "20 x", "25 x"])
    }

    func testViridisEndpointsMatchMatplotlib() {
        // matplotlib's viridis: _viridis_data[0] and [-1], and the midpoint entry 128.
        let first = Colormap.viridis.color(at: 0), last = Colormap.viridis.color(at: 1)
        XCTAssertEqual(first, RGB(0.267004, 0.004874, 0.329415))
        XCTAssertEqual(last, RGB(0.993248, 0.906157, 0.143936))
        XCTAssertEqual(Colormap.viridis.entry(128), RGB(0.127568, 0.566949, 0.550556))
        XCTAssertEqual(Colormap.viridis.count, 256)
        // Quantisation like matplotlib: t = 0.5 → entry 128, t just below 1/256 → entry 0.
        XCTAssertEqual(Colormap.viridis.index(at: 0.5), 128)
        XCTAssertEqual(Colormap.viridis.index(at: 0.0039), 0)
        // Perceptually ordered: luminance increases monotonically along the map.
        let lum = (0..<256).map { i -> Double in let c = Colormap.viridis.entry(i); return 0.2126 * c.red + 0.7152 * c.green + 0.0722 * c.blue }
        XCTAssertTrue(zip(lum, lum.dropFirst()).allSatisfy { $0 < $1 })
    }
}
