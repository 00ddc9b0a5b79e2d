// The lesson state machine without a shell: moving between steps, open questions, answers checked to a tolerance or
// as text, hints after a wrong try, the answer shown after several, and the commands a step asks the student to type.
import Lessons
import XCTest

final class LessonProgressTests: XCTestCase {
    static func question(_ expected: Question.Expected, hint: String? = "look at frame 1") -> Question {
        Question(prompt: "what?", expected: expected, hint: hint, answerLine: 9, writtenAnswer: "x")
    }

    static let lesson = Lesson(number: 1, title: "T", file: "lessons/01-t.md", steps: [
        LessonStep(title: "one", line: 3),
        LessonStep(title: "two", line: 7, question: question(.number(0.25, tolerance: 0.01, relative: false))),
        LessonStep(title: "three", line: 12, toType: [LessonCommand(text: "text \"aa\"", line: 14), LessonCommand(text: "forward", line: 15)]),
    ])

    func testNextBackAgainWalkTheSteps() {
        var p = LessonProgress(lesson: Self.lesson)
        XCTAssertEqual(p.index, 0)
        XCTAssertEqual(p.back(), .atFirstStep)
        XCTAssertEqual(p.next(), .show(1))
        XCTAssertEqual(p.again(), .show(1))
        XCTAssertEqual(p.back(), .show(0))
        XCTAssertEqual(p.index, 0)
    }

    func testAnOpenQuestionHoldsNextOnceThenItIsSkipped() {
        var p = LessonProgress(lesson: Self.lesson)
        _ = p.next()
        XCTAssertTrue(p.awaitsAnswer)
        XCTAssertEqual(p.next(), .questionOpen)
        XCTAssertEqual(p.index, 1)
        XCTAssertEqual(p.next(), .show(2))
        XCTAssertFalse(p.answered.contains(1))
        XCTAssertEqual(p.next(), .finished)
    }

    func testANumberIsRightWithinTheToleranceAndWrongOutside() {
        var p = LessonProgress(lesson: Self.lesson)
        _ = p.next()
        XCTAssertEqual(p.answer("0.27"), .wrong(hint: "look at frame 1", answer: nil))   // 0.02 away, tolerance 0.01
        XCTAssertEqual(p.tries, 1)
        XCTAssertEqual(p.answer("0.259"), .right)                                          // 0.009 away
        XCTAssertFalse(p.awaitsAnswer)
        XCTAssertEqual(p.answer("0.25"), .noQuestion)
        XCTAssertEqual(p.next(), .show(2))                                                 // answered: no hold
    }

    func testTheAnswerIsShownAfterThreeWrongTriesAndWordsDoNotCount() {
        var p = LessonProgress(lesson: Self.lesson)
        _ = p.next()
        XCTAssertEqual(p.answer("1"), .wrong(hint: "look at frame 1", answer: nil))
        guard case .unreadable = p.answer("a quarter") else { return XCTFail("a word is not a number") }
        XCTAssertEqual(p.tries, 1)
        XCTAssertEqual(p.answer("2"), .wrong(hint: "look at frame 1", answer: nil))
        XCTAssertEqual(p.answer("3"), .wrong(hint: "look at frame 1", answer: "0.25 (± 0.01)"))
        XCTAssertEqual(p.answer("25%"), .right)
    }

    func testMovingResetsTriesAndAComputedQuestionReplacesTheWrittenOne() {
        var p = LessonProgress(lesson: Self.lesson)
        _ = p.next()
        p.computedQuestion = p.step.question!.expecting(computed: .number(0.5))
        XCTAssertEqual(p.answer("0.25"), .wrong(hint: "look at frame 1", answer: nil))
        XCTAssertEqual(p.answer("0.505"), .right)                 // the tolerance of the file is kept
        _ = p.back()
        _ = p.next()
        XCTAssertNil(p.computedQuestion)
        XCTAssertEqual(p.tries, 0)
        XCTAssertFalse(p.awaitsAnswer, "a question answered once stays answered")
    }

    func testTypedCommandsAreCountedOnceEach() {
        var p = LessonProgress(lesson: Self.lesson)
        _ = p.next(); _ = p.next(); _ = p.next()
        XCTAssertEqual(p.index, 2)
        XCTAssertEqual(p.nextToType?.text, "text \"aa\"")
        XCTAssertNil(p.noteTyped { $0.text == "greedy" })
        XCTAssertEqual(p.noteTyped { $0.text == "forward" }, 1)
        XCTAssertNil(p.noteTyped { $0.text == "forward" }, "typed twice counts once")
        XCTAssertFalse(p.allTyped)
        XCTAssertEqual(p.noteTyped { $0.text == "text \"aa\"" }, 0)
        XCTAssertTrue(p.allTyped)
        _ = p.again()
        XCTAssertFalse(p.allTyped, "again starts the step over")
    }
}

final class QuestionTests: XCTestCase {
    func testRelativeTolerance() {
        let q = LessonProgressTests.question(.number(-20, tolerance: 0.01, relative: true))
        XCTAssertEqual(q.check("-20.19"), .right)
        XCTAssertEqual(q.check("-20.21"), .wrong)
        XCTAssertEqual(q.check("= -2.0e1"), .right)
    }

    func testTextIgnoresCaseSpacesAndQuotes() {
        let q = LessonProgressTests.question(.text(["the cat", "a cat"]))
        XCTAssertEqual(q.check("  The   Cat "), .right)
        XCTAssertEqual(q.check("\"a cat\""), .right)
        XCTAssertEqual(q.check("cat"), .wrong)
    }

    func testAZeroToleranceStillAcceptsTheSameDecimal() {
        let q = LessonProgressTests.question(.number(3, tolerance: 0, relative: false))
        XCTAssertEqual(q.check("3"), .right)
        XCTAssertEqual(q.check("3.0000001"), .wrong)
    }

    func testNonFiniteAnswersAreNotNumbers() {
        let q = LessonProgressTests.question(.number(3, tolerance: 0, relative: false))
        guard case .unreadable = q.check("inf") else { return XCTFail() }
        guard case .unreadable = q.check("nan") else { return XCTFail() }
    }
}
