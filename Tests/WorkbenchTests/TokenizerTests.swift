// The shell-like tokeniser: quotes, escapes, `;` separators and comments.
import Workbench
import XCTest

final class TokenizerTests: XCTestCase {
    func testWhitespaceSeparatesWords() throws {
        XCTAssertEqual(try Tokenizer.commands("  demo   --out\tdir  "), [["demo", "--out", "dir"]])
        XCTAssertEqual(try Tokenizer.commands(""), [])
        XCTAssertEqual(try Tokenizer.commands("   "), [])
    }

    func testQuotesKeepSpacesAndEmptyWords() throws {
        XCTAssertEqual(try Tokenizer.commands(#"say "hello world" 'it''s' """#), [["say", "hello world", "its", ""]])
        XCTAssertEqual(try Tokenizer.commands(#"a"b c"'d e'"#), [["ab cd e"]])
        XCTAssertEqual(try Tokenizer.commands(#"x '$HOME \n "q"'"#), [["x", #"$HOME \n "q""#]])
    }

    func testBackslashEscapes() throws {
        XCTAssertEqual(try Tokenizer.commands(##"a\ b c\;d \#e"##), [["a b", "c;d", "#e"]])
        XCTAssertEqual(try Tokenizer.commands(#""say \"hi\" \\ \n""#), [[#"say "hi" \ \n"#]])
    }

    func testSemicolonsSplitCommandsOutsideQuotes() throws {
        XCTAssertEqual(try Tokenizer.commands("a 1; b 2;c;;"), [["a", "1"], ["b", "2"], ["c"]])
        XCTAssertEqual(try Tokenizer.commands(#"a "1;2" '3;4'"#), [["a", "1;2", "3;4"]])
    }

    func testHashStartsACommentOnlyAtAWordStart() throws {
        XCTAssertEqual(try Tokenizer.commands("# whole line"), [])
        XCTAssertEqual(try Tokenizer.commands("a b # c; d"), [["a", "b"]])
        XCTAssertEqual(try Tokenizer.commands("a#b '#c'"), [["a#b", "#c"]])
    }

    func testUnterminatedQuotesAndTrailingBackslashAreErrors() {
        XCTAssertThrowsError(try Tokenizer.commands(#"a "bc"#)) { error in
            XCTAssertEqual((error as? TokenizeError)?.column, 3)
        }
        XCTAssertThrowsError(try Tokenizer.commands("a 'bc"))
        XCTAssertThrowsError(try Tokenizer.commands(#"a \"#))
    }

    func testLenientWordsForCompletion() {
        XCTAssertEqual(Tokenizer.lenientWords(#"demo --out "my dir"#), ["demo", "--out", "my dir"])
        XCTAssertEqual(Tokenizer.lenientWords("version; demo --o"), ["demo", "--o"])
        XCTAssertEqual(Tokenizer.lenientWords(""), [])
    }
}
