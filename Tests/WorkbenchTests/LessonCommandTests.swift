// The lesson commands through the built `trellis` binary: a small lesson walked with next, back, again, typed
// commands, wrong and right answers (a hint after a wrong try) and the end; `lesson run --auto` failing with the
// FILE:LINE of a failing command and of a written answer that does not check; and every lesson of lessons/ played
// through with --auto, as CI does.
import Foundation
import XCTest
@testable import Workbench

final class LessonCommandTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let lesson = """
        # A test lesson

        Why.

        ## First

        A uniform output of three frames.

        ```trellis
        probs random 3 --peaky 0
        text "aa"
        ```

        ## Second

        ```trellis type
        forward
        ```

        ```question
        ask: What is p("aa")?
        answer: 4.1e-5
        tolerance: 2%
        check: forward
        value: exp(log_likelihood)
        hint: one path, (1/29)^3
        ```

        ## Third

        The end.
        """

    /// A folder with `lessons/01-test.md` (the lesson above, or `text`).
    private func folder(_ text: String = LessonCommandTests.lesson) throws -> URL {
        let dir = try TrellisBinary.temporaryDirectory()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("lessons"), withIntermediateDirectories: true)
        try text.write(to: dir.appendingPathComponent("lessons/01-test.md"), atomically: true, encoding: .utf8)
        return dir
    }

    /// The positions of `markers` in `text`, each after the previous one; fails on the first missing.
    private func assertInOrder(_ text: String, _ markers: [String], file: StaticString = #filePath, line: UInt = #line) {
        var rest = text[...]
        for marker in markers {
            guard let range = rest.range(of: marker) else {
                return XCTFail("'\(marker)' missing (in order) from:\n\(text)", file: file, line: line)
            }
            rest = rest[range.upperBound...]
        }
    }

    func testAStudentWalksTheLesson() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let typed = """
            lesson start 1
            next
            greedy
            forward
            next
            0.5
            answer -1
            answer 4.1e-5
            back
            again
            next
            next
            next
            version
            """
        let r = try TrellisBinary.run([], stdin: typed, currentDirectory: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        assertInOrder(r.stdout, [
            "Lesson 1: A test lesson", "Why.", "── Lesson 1, step 1 of 3: First ──", "trellis> probs random 3 --peaky 0",
            "── Lesson 1, step 2 of 3: Second ──", "Your turn: type this command:", "    forward", "Question: What is p(\"aa\")?",
            "\"\"",                                             // greedy: not the command asked for, no ✓
            "log p(text | matrix) = -10.101888", "✓ Now the question: What is p(\"aa\")?",
            "The question is not answered yet",
            "Not quite; try again. Hint: one path, (1/29)^3",  // 0.5
            "Not quite; try again. Hint: one path, (1/29)^3",  // -1, a negative number read as an answer
            "Right. 'next' goes on.",
            "── Lesson 1, step 1 of 3: First ──",              // back
            "── Lesson 1, step 1 of 3: First ──",              // again
            "── Lesson 1, step 2 of 3: Second ──",             // next: answered before, so no hold
            "── Lesson 1, step 3 of 3: Third ──", "That is the last step",
            "End of lesson 1: 1 of 1 questions answered.",
            "trellis 0.1.0",                                   // after the lesson, commands as usual
        ])
        XCTAssertFalse(r.stdout.contains("The answer is"), "the answer is shown only after three wrong tries")
        var isDirectory: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/lessons/01").path, isDirectory: &isDirectory)
                      && isDirectory.boolValue, "the lesson's figure folder")
    }

    func testThreeWrongTriesShowTheAnswerAndAWordIsNotATry() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try TrellisBinary.run([], stdin: "lesson start 1\nnext\nforward\n1\nquarter\n2\n3 --json\n", currentDirectory: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        assertInOrder(r.stdout, ["Not quite", "the answer is a number", "Not quite"])
        let last = try XCTUnwrap(r.stdout.split(separator: "\n").last)
        let reply = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        XCTAssertEqual(reply["right"] as? Bool, false)
        XCTAssertEqual(reply["tries"] as? Int, 3)
        XCTAssertEqual(reply["answer"] as? String, "4.1e-05 (± 2 %)", "the computed value, with the file's tolerance")
    }

    func testCommandsNeedALessonAndBackStopsAtTheFirstStep() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        for command in ["next", "back", "again", "quit-lesson", "answer 1"] {
            let r = try TrellisBinary.run(["-c", command], currentDirectory: dir)
            XCTAssertEqual(r.status, 1, command)
            XCTAssertTrue(r.stderr.contains("no lesson is running: 'lesson list' shows the lessons"), "\(command): \(r.stderr)")
        }
        let back = try TrellisBinary.run(["-c", "lesson start 1; back"], currentDirectory: dir)
        XCTAssertEqual(back.status, 1)
        XCTAssertTrue(back.stderr.contains("this is the first step"), back.stderr)
        let quit = try TrellisBinary.run(["-c", "lesson start 1; quit-lesson; next"], currentDirectory: dir)
        XCTAssertTrue(quit.stdout.contains("Left lesson 1 at step 1 of 3"), quit.stdout)
        XCTAssertTrue(quit.stderr.contains("no lesson is running"), quit.stderr)
        let missing = try TrellisBinary.run(["-c", "lesson start 7"], currentDirectory: dir)
        XCTAssertTrue(missing.stderr.contains("there is no lesson 7 in lessons (there are 1)"), missing.stderr)
    }

    func testThePromptShowsTheLessonAndStep() throws {
        var session = Session()
        XCTAssertEqual(REPL.prompt(for: session), "trellis> ")
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lesson = try LessonPlayer.load(1, dir: dir.appendingPathComponent("lessons").path)
        session.lesson.progress = .init(lesson: lesson)
        _ = session.lesson.progress?.next()
        XCTAssertEqual(REPL.prompt(for: session), "trellis [lesson 1 step 2/3]> ")
    }

    func testAutoFailsAtTheLineOfAFailingCommandOrOfAnAnswerThatDoesNotCheck() throws {
        let wrongAnswer = Self.lesson.replacingOccurrences(of: "answer: 4.1e-5", with: "answer: 4.5e-5")
        let dir = try folder(wrongAnswer)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try TrellisBinary.run(["lesson", "run", "1", "--auto"], currentDirectory: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("error: lesson 1 failed at lessons/01-test.md:22: error: the lesson's answer '4.5e-5' does not check: "
                                        + "the shell expects 4.1e-05 (± 2 %)"), r.stderr)

        try Self.lesson.replacingOccurrences(of: "text \"aa\"", with: "text \"a_a\"")
            .write(to: dir.appendingPathComponent("lessons/01-test.md"), atomically: true, encoding: .utf8)
        let json = try TrellisBinary.run(["lesson", "run", "1", "--auto", "--json"], currentDirectory: dir)
        XCTAssertEqual(json.status, 1)
        XCTAssertEqual(json.stdout.split(separator: "\n").count, 1, json.stdout)
        XCTAssertTrue(json.stdout.contains(#"{"error":"lesson 1 failed at lessons/01-test.md:11: error: the text contains '_'"#), json.stdout)

        let noAuto = try TrellisBinary.run(["lesson", "run", "1"], currentDirectory: dir)
        XCTAssertEqual(noAuto.status, 1)
        XCTAssertTrue(noAuto.stderr.contains("needs --auto"), noAuto.stderr)
    }

    /// Every lesson of the repository, played through as CI does (in a scratch folder that sees the repository's
    /// lessons/ and fixtures/, so their out/ stays out of the checkout).
    func testEveryLessonPlaysThroughWithAuto() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["lessons", "fixtures"] {
            try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent(name), withDestinationURL: Self.root.appendingPathComponent(name))
        }
        let list = try TrellisBinary.run(["lesson", "list", "--json"], currentDirectory: dir)
        XCTAssertEqual(list.status, 0, list.stderr)
        let lessons = try XCTUnwrap((JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])?["lessons"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(lessons.count, 6)
        for lesson in lessons {
            let number = try XCTUnwrap(lesson["number"] as? Int)
            let r = try TrellisBinary.run(["lesson", "run", String(number), "--auto", "--json"], currentDirectory: dir)
            XCTAssertEqual(r.status, 0, "lesson \(number): \(r.stdout)\n\(r.stderr.suffix(3000))")
            let reply = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
            XCTAssertEqual((reply["steps"] as? [Any])?.count, lesson["step_count"] as? Int, "lesson \(number) did not play every step")
        }
    }
}
