// Locating committed fixtures from the test sources (tests never need PyTorch).
import Foundation

enum Fixtures {
    static func golden(_ name: String, file: String = #filePath) -> URL {
        // Tests/ModelsTests/<file>.swift → repository root, by string so no URL state is shared between tests.
        var parts = file.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return URL(fileURLWithPath: parts.joined(separator: "/") + "/fixtures/golden/" + name)
    }
}
