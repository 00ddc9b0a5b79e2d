// Tab completion candidates derived from the registry.
import Workbench
import XCTest

final class CompletionTests: XCTestCase {
    func testFirstWordCompletesCommandNames() {
        XCTAssertEqual(Completion.candidates(before: "", word: "vers"), ["version"])
        XCTAssertEqual(Completion.candidates(before: "", word: "qu"), ["quit"])
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
}
