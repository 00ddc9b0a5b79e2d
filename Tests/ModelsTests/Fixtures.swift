// Locating committed fixtures from the test sources (tests never need PyTorch).
import Foundation

enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func golden(_ name: String) -> URL { root.appendingPathComponent("fixtures/golden").appendingPathComponent(name) }
}
