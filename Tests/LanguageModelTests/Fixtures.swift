// Locates committed fixtures from the test sources, so tests run from any working directory.
import Foundation

enum Fixtures {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// fixtures/lm/small.arpa as text, for tests that write damaged variants of it.
    static var smallText: String { try! String(contentsOfFile: path("fixtures/lm/small.arpa"), encoding: .utf8) }

    /// Writes `text` to a fresh temporary file and returns its path.
    static func temporary(_ text: String, name: String = "model.arpa") -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lmtests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try! text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}
