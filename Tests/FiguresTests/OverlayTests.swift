// Heatmap overlays (the Viterbi path drawn over a soft alignment): the line lands on the cells it names, in
// its colour, with a white halo, and stays inside the plot.
import Foundation
import XCTest
@testable import Figures

final class OverlayTests: XCTestCase {
    func testOverlayIsDrawnThroughTheNamedCells() throws {
        // 3 rows × 4 columns of zeros; a horizontal path along row 1 (the middle row), no colorbar, no title.
        var h = try Heatmap(rows: 3, columns: 4, values: [Double](repeating: 0, count: 12))
        h.showColorbar = false
        let green = RGB(0, 1, 0)
        h.overlays = [HeatmapOverlay("", x: [0, 1, 2, 3], y: [1, 1, 1, 1], color: green, markers: false)]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("overlay-\(UUID().uuidString).png").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Figure(width: 400, height: 300, .heatmap(h)).write(to: file)
        let image = try PNGImage(path: file)
        // Find the green rows in the middle column of the image.
        var greenRows: [Int] = []
        for y in 0..<image.height {
            let p = image.pixel(x: 220, y: y)
            if p.g > 200 && p.r < 60 && p.b < 60 { greenRows.append(y) }
        }
        XCTAssertFalse(greenRows.isEmpty, "no overlay pixels")
        // The plot's middle row is near the vertical centre of the plot area: between a third and two thirds down.
        let mid = Double(greenRows.reduce(0, +)) / Double(greenRows.count)
        XCTAssertGreaterThan(mid, Double(image.height) * 0.3)
        XCTAssertLessThan(mid, Double(image.height) * 0.65)
        // The halo: white right above and below the line.
        let above = image.pixel(x: 220, y: greenRows.first! - 1), below = image.pixel(x: 220, y: greenRows.last! + 1)
        XCTAssertGreaterThan(Int(above.r) + Int(above.g) + Int(above.b), 600)
        XCTAssertGreaterThan(Int(below.r) + Int(below.g) + Int(below.b), 600)
    }
}
