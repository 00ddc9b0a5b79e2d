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

    /// A backslash before a line break continues the line, as in sh: both vanish.
    func testBackslashNewlineContinuesTheLine() throws {
        XCTAssertEqual(try Tokenizer.commands("train --model dnn \\\n  --data d"), [["train", "--model", "dnn", "--data", "d"]])
        XCTAssertEqual(try Tokenizer.commands("ab\\\ncd"), [["abcd"]])
        XCTAssertEqual(try Tokenizer.commands("text \"a \\\nb\""), [["text", "a b"]])
        XCTAssertEqual(try Tokenizer.commands("x \\\r\ny"), [["x", "y"]])
    }

    func testWhichLinesContinue() {
        XCTAssertTrue(Tokenizer.continues("train --model dnn \\"))
        XCTAssertTrue(Tokenizer.continues("text \"two \\"))        // inside double quotes too
        XCTAssertFalse(Tokenizer.continues("version"))
        XCTAssertFalse(Tokenizer.continues("text a\\\\"))           // an escaped backslash
        XCTAssertFalse(Tokenizer.continues("text 'a \\"))           // literal inside single quotes
        XCTAssertFalse(Tokenizer.continues("version # a comment \\")) // comments do not continue
    }

    func testLineJoinerJoinsContinuedLinesAndNumbersThemByTheirFirstLine() {
        var joiner = LineJoiner()
        XCTAssertNil(joiner.add("train --model dnn \\"))
        XCTAssertTrue(joiner.isContinuing)
        XCTAssertNil(joiner.add("  --data d \\"))
        let joined = joiner.add("  --out r")
        XCTAssertEqual(joined?.firstLine, 1)
        XCTAssertEqual(try joined.map { try Tokenizer.commands($0.text) },
                       [["train", "--model", "dnn", "--data", "d", "--out", "r"]])
        XCTAssertEqual(joiner.add("version")?.firstLine, 4)
        XCTAssertNil(joiner.add("version \\"))
        XCTAssertEqual(joiner.finish()?.firstLine, 5)  // left dangling at the end
        XCTAssertNil(joiner.finish())
    }

    /// The REPL's history keeps a continued command as one line with the same words.
    func testAContinuedCommandIsOneHistoryLine() throws {
        let typed = ["train --model dnn \\", "  --data d"]
        let entry = LineJoiner.singleLine(typed)
        XCTAssertEqual(entry, "train --model dnn   --data d")
        XCTAssertEqual(try Tokenizer.commands(entry), try Tokenizer.commands(typed.joined(separator: "\n")))
    }
}
