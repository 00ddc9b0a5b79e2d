// The guided demo runs end to end on built-in data and tells a consistent story.
import Figures
import Foundation
import XCTest

final class DemoTests: XCTestCase {
    func testDemoRunsAndRecoversTheTranscript() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try TrellisBinary.run(["demo", "--out", dir.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("→  \"hello world\""), result.stdout)
        XCTAssertTrue(result.stdout.contains("Both recover the transcript."), result.stdout)
        // forward and backward likelihoods are printed with the same digits
        let lines = result.stdout.split(separator: "\n")
        let forward = lines.first { $0.contains("forward  (alpha)") }?.split(separator: "=").last
        let backward = lines.first { $0.contains("backward (beta)") }?.split(separator: "=").last
        XCTAssertNotNil(forward)
        XCTAssertEqual(forward, backward)
        XCTAssertTrue(result.stdout.contains("log p = -inf, because it is impossible"), result.stdout)
        // The figures it lists are PNGs of the default size: 1000 wide, 500 high or as tall as their row labels need.
        for name in ["probs.png", "alpha-log.png", "alignment.png", "alignment-log.png", "viterbi.png"] {
            XCTAssertTrue(result.stdout.contains(name), result.stdout)
            let image = try PNGImage(path: dir.appendingPathComponent(name).path)
            XCTAssertEqual(image.width, 1000, name)
            XCTAssertTrue((500...800).contains(image.height), "\(name): \(image.height)")
        }
    }

    func testDemoRejectsTextOutsideTheAlphabet() throws {
        let result = try TrellisBinary.run(["demo", "--text", "hi!", "--out", "/nonexistent/never-created"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("'!'"), result.stderr)
    }
}
