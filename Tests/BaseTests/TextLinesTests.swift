// One line splitter for every text reader: LF, CRLF and CR end lines alike, a final line end is optional.
import XCTest
import Base

final class TextLinesTests: XCTestCase {
    func testLFAndCRLFGiveTheSameLines() {
        XCTAssertEqual(TextLines.split("a b\nc\n"), ["a b", "c"])
        XCTAssertEqual(TextLines.split("a b\r\nc\r\n"), ["a b", "c"])
        XCTAssertEqual(TextLines.split("a b\rc"), ["a b", "c"])
        XCTAssertEqual(TextLines.split("a\r\nb\nc\r"), ["a", "b", "c"], "mixed endings")
    }

    /// Swift's own split on "\n" keeps a CRLF text whole, which is how a CRLF script became one command.
    func testSwiftSplitOnLFDoesNotSplitCRLF() {
        XCTAssertEqual("version\r\nprobs".split(separator: "\n").count, 1)
        XCTAssertEqual(TextLines.split("version\r\nprobs"), ["version", "probs"])
    }

    func testBlankLinesKeepTheirPlaceSoLineNumbersHold() {
        XCTAssertEqual(TextLines.split("a\r\n\r\nb"), ["a", "", "b"])
        XCTAssertEqual(TextLines.split("\n"), [])
        XCTAssertEqual(TextLines.split("\n\n"), ["", ""], "two empty lines")
        XCTAssertEqual(TextLines.split(""), [])
    }
}
