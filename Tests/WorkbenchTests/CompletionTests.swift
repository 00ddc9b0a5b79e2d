// Tab completion candidates derived from the registry.
import Workbench
import XCTest

final class CompletionTests: XCTestCase {
    func testFirstWordCompletesCommandNames() {
        XCTAssertEqual(Completion.candidates(before: "", word: "vers"), ["version"])
        XCTAssertEqual(Completion.candidates(before: "", word: "qu"), ["quit", "quit-lesson"])
        XCTAssertEqual(Completion.candidates(before: "lesson ", word: "st"), ["start"])
        let all = Completion.candidates(before: "", word: "") ?? []
        for command in CommandRegistry.all {
            XCTAssertTrue(all.contains(command.configuration.commandName ?? command._commandName))
        }
    }

    func testOptionsOfTheCommandBeingTyped() {
        XCTAssertEqual(Completion.candidates(before: "version ", word: "--j"), ["--json"])
        XCTAssertEqual(Completion.candidates(before: "demo ", word: "--"), ["--out", "--seed", "--text", "--json", "--help"])
    }

    func testAfterASemicolonTheNextCommandStarts() {
        XCTAssertEqual(Completion.candidates(before: "version; ", word: "dem"), ["demo"])
    }

    func testHelpCompletesCommandNames() {
        XCTAssertEqual(Completion.candidates(before: "help ", word: "ver"), ["version"])
    }

    func testOtherWordsFallBackToFileNames() {
        XCTAssertNil(Completion.candidates(before: "demo --out ", word: "/tm"))
    }

    /// Option values come from the option's declaration (its ExpressibleByArgument enum), so a new
    /// model kind or layout appears here without a table to update.
    func testOptionValuesAreTheDeclaredCases() {
        XCTAssertEqual(Completion.candidates(before: "train --model ", word: ""), ["dnn", "lstm", "bilstm", "gru", "bigru"])
        XCTAssertEqual(Completion.candidates(before: "train --data d --model ", word: "b"), ["bilstm", "bigru"])
        XCTAssertEqual(Completion.candidates(before: "train --model ", word: "g"), ["gru"])
        XCTAssertEqual(Completion.candidates(before: "bench step --model ", word: "l"), ["lstm"])
        XCTAssertEqual(Completion.candidates(before: "probs load m.txt --layout ", word: ""), ["tk", "kt"])
        XCTAssertEqual(Completion.candidates(before: "probs save m.txt --layout ", word: "k"), ["kt"])
        XCTAssertEqual(Completion.candidates(before: "eval --decoder ", word: ""), ["greedy", "beam"])
        XCTAssertEqual(Completion.candidates(before: "train --features ", word: ""), ["log", "raw"])
        XCTAssertEqual(Completion.candidates(before: "mel --log ", word: ""), ["none", "ln", "db"])
        XCTAssertEqual(Completion.candidates(before: "plot align --x-unit ", word: ""), ["frames", "seconds"])
        XCTAssertEqual(Completion.candidates(before: "wer --format ", word: "t"), ["trn", "trans", "text"])
    }

    func testAValueAfterAnEqualsSign() {
        // readline ends the word at '=', so the line before it ends with "--model=".
        XCTAssertEqual(Completion.candidates(before: "train --model=", word: "d"), ["dnn"])
    }

    func testPositionalArgumentsCompleteTheirDeclaredValues() {
        XCTAssertEqual(Completion.candidates(before: ".timer ", word: ""), ["on", "off"])
        XCTAssertEqual(Completion.candidates(before: "", word: ".t"), [".timer"])
        XCTAssertNil(Completion.candidates(before: ".timer on ", word: ""), "one argument only: nothing declared after it")
    }

    func testPathsAndFreeValuesFallBackToFileNames() {
        XCTAssertNil(Completion.candidates(before: "train --model dnn --out ", word: ""))
        XCTAssertNil(Completion.candidates(before: "train --model dnn ", word: ""))
        XCTAssertNil(Completion.candidates(before: "train --epochs ", word: ""))
        XCTAssertNil(Completion.candidates(before: ".read ", word: "st"))
    }
}
