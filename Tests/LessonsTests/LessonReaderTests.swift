// Lesson files as the reader sees them (through the notebooks' Markdown parser): steps at `## ` headings, the
// three kinds of block, question keys, and FILE:LINE errors for what a lesson cannot mean.
@testable import Lessons
import XCTest

final class LessonReaderTests: XCTestCase {
    let text = """
        # Lesson one

        Why this lesson.

        ## The matrix

        A matrix.

        ```trellis
        # a comment
        probs random 5 --seed 1
        text \\
          "cat"
        ```

        ## Your turn
        Type it.
        ```trellis type
        forward
        ```

        ```text
        T = 5
        ```

        ```question
        ask: How likely
          is it?
        answer: 0.5
        tolerance: 2%
        hint: add paths
        check: forward --json
        value: exp(log_likelihood)
        ```
        """

    func testStepsCommandsAndQuestion() throws {
        let lesson = try LessonReader.lesson(number: 1, file: "l.md", text: text)
        XCTAssertEqual(lesson.title, "Lesson one")
        XCTAssertEqual(lesson.introduction, "Why this lesson.")
        XCTAssertEqual(lesson.steps.map(\.title), ["The matrix", "Your turn"])
        XCTAssertEqual(lesson.steps.map(\.line), [5, 16])
        XCTAssertEqual(lesson.steps[0].commands, [LessonCommand(text: "probs random 5 --seed 1", line: 11),
                                                  LessonCommand(text: "text \"cat\"", line: 12)])
        XCTAssertEqual(lesson.steps[1].toType, [LessonCommand(text: "forward", line: 19)])
        XCTAssertTrue(lesson.steps[1].prose.contains("```text\nT = 5\n```"))
        let q = try XCTUnwrap(lesson.steps[1].question)
        XCTAssertEqual(q.prompt, "How likely is it?")
        XCTAssertEqual(q.expected, .number(0.5, tolerance: 0.02, relative: true))
        XCTAssertEqual(q.hint, "add paths")
        XCTAssertEqual(q.check, LessonCommand(text: "forward --json", line: 32))
        XCTAssertEqual(q.value, "exp(log_likelihood)")
        XCTAssertEqual(q.answerLine, 29)
        XCTAssertEqual(q.writtenAnswer, "0.5")
    }

    func testSeveralAnswersMakeATextQuestion() throws {
        let q = try LessonReader.question(["ask: which?", "answer: aa", "answer: \"a a\""], firstLine: 2, file: "f", blockLine: 1)
        XCTAssertEqual(q.expected, .text(["aa", "\"a a\""]))
    }

    func testErrorsNameTheLine() {
        func error(_ text: String) -> String {
            do { _ = try LessonReader.lesson(number: 1, file: "l.md", text: text); return "" } catch { return "\(error)" }
        }
        let step = "# T\n## S\n"
        XCTAssertEqual(error("no title"), "l.md:1: a lesson starts with its title, a '# ' heading")
        XCTAssertEqual(error("# T\n\n```trellis\nforward\n```"),
                       "l.md:3: a ```trellis block before the first step (a '## ' heading): the introduction only explains")
        XCTAssertEqual(error(step + "```question\nask: x\n```"), "l.md:3: the question has no 'answer:' line (lesson run --auto answers with it)")
        XCTAssertEqual(error(step + "```question\nask: x\nanswer: 1\ntolerance: a lot\n```"),
                       "l.md:6: the tolerance 'a lot' is not a non-negative number (absolute, or a percentage such as 1%)")
        XCTAssertEqual(error(step + "```question\nask: x\nanswer: 1\ncheck: forward\n```"),
                       "l.md:6: 'check:' needs a 'value:' line: where in the command's --json reply the answer is")
        XCTAssertEqual(error(step + "```question\nask: x\nanswer: 1\ncheck: forward\nvalue: a..b\n```"),
                       "l.md:7: 'a..b' is not a value path (keys and [indices], e.g. steps[0].updates[2].alpha or exp(steps[0].updates[2].alpha))")
        XCTAssertEqual(error(step + "```question\nask: x\nanswer: 1\n```\n```question\nask: y\nanswer: 2\n```"),
                       "l.md:7: a second question in step 'S': a step asks at most one")
        XCTAssertEqual(error(step + "```trellis\ntext \\\n```"), "l.md:4: the last command of the block ends in a backslash: nothing follows to continue it")
        XCTAssertEqual(error(step + "```trellis run\nforward\n```"),
                       "l.md:3: unknown block '```trellis run': a lesson runs ```trellis and asks for ```trellis type")
        XCTAssertEqual(error(step + "```trellis\nforward\n"), "l.md:3: the code block opened here with ``` is never closed (add a line with ``` after its last line)")
        XCTAssertEqual(error("# T\nno steps"), "l.md:1: the lesson has no steps: each step starts with a '## ' heading")
    }
}

final class ValueExpressionTests: XCTestCase {
    let reply = #"{"log_likelihood":-2.5,"steps":[{"frame":0,"updates":[{"alpha":-1.0},{"alpha":null}]}],"text":"cat","done":true}"#

    func testPathsIndicesAndExp() throws {
        XCTAssertEqual(try ValueExpression("log_likelihood").evaluate(json: reply), .number(-2.5))
        XCTAssertEqual(try ValueExpression("exp(steps[0].updates[0].alpha)").evaluate(json: reply), .number(exp(-1.0)))
        XCTAssertEqual(try ValueExpression("exp(steps[0].updates[1].alpha)").evaluate(json: reply), .number(0), "null is −∞")
        XCTAssertEqual(try ValueExpression("text").evaluate(json: reply), .text("cat"))
        XCTAssertEqual(try ValueExpression("done").evaluate(json: reply), .text("true"))
        XCTAssertEqual(try ValueExpression("exp(log_likelihood) * 4").evaluate(json: reply), .number(4 * exp(-2.5)))
    }

    func testAnIntegerOneIsANumberNotTrue() throws {
        // JSONSerialization's NSNumber reads 1 as true on Linux; `probs info` writes a blank ratio of 1.0 as 1.
        XCTAssertEqual(try ValueExpression("ratio").evaluate(json: #"{"ratio":1}"#), .number(1))
        XCTAssertEqual(try ValueExpression("ratio").evaluate(json: #"{"ratio":0}"#), .number(0))
    }

    func testMissingKeysAndIndicesSayWhere() {
        func message(_ path: String) -> String {
            do { _ = try ValueExpression(path).evaluate(json: reply); return "" } catch { return "\(error)" }
        }
        XCTAssertEqual(message("steps[3]"), "'steps' has 1 item, so [3] is past its end")
        XCTAssertEqual(message("steps[0].alpha"), "the reply has no 'alpha' at 'steps[0]' (keys there: frame, updates)")
        XCTAssertEqual(message("steps"), "'steps' is a list or an object, not one value")
    }
}
