import XCTest
@testable import CTC

final class TokenizerTests: XCTestCase {
    func testAlphabetMatchesNotebook() throws {
        XCTAssertEqual(Tokenizer.symbols.count, 29)
        XCTAssertEqual(String(Tokenizer.symbols), "' abcdefghijklmnopqrstuvwxyz_")
        let t = Tokenizer()
        XCTAssertEqual(try t.indices("it's a"), [10, 21, 0, 20, 1, 2])
        XCTAssertEqual(try t.text([10, 21, 0, 20, 1, 2, 28]), "it's a_")
    }

    func testUnknownCharacterNamesCharAndPosition() {
        XCTAssertThrowsError(try Tokenizer().indices("abC d")) { e in
            XCTAssertEqual(e as? TokenizerError, .unknownCharacter(character: "C", position: 2))
            XCTAssert("\(e)".contains("'C' at position 2"))
        }
        XCTAssertThrowsError(try Tokenizer().text([3, 29])) { e in
            XCTAssertEqual(e as? TokenizerError, .indexOutOfRange(index: 29, position: 1))
        }
    }

    func testNormalizeReportsDropped() {
        let n = Tokenizer().normalize("  Hello,  Wörld—it’s 2 o'clock!\n")
        XCTAssertEqual(n.text, "hello world it's o'clock")
        XCTAssertEqual(n.dropped.map(\.character), [",", "2", "!"])
        XCTAssertEqual(n.dropped.map(\.position), [7, 21, 30])
        XCTAssertNoThrow(try Tokenizer().indices(n.text))
    }
}
