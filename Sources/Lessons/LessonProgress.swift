// A student's place in a lesson: which step is shown, how many tries the current question has had, which questions
// were answered. A value the shell keeps in its session; every move returns what the shell should say or show, so
// the whole state machine is tested without a terminal.
import Foundation

public struct LessonProgress: Sendable, Equatable {
    public let lesson: Lesson
    /// The step shown (0-based).
    public private(set) var index = 0
    /// Wrong answers to the current step's question so far.
    public private(set) var tries = 0
    /// Steps whose question was answered right.
    public private(set) var answered: Set<Int> = []
    /// The current step's question as the shell computed it (`check:`), else nil (then the file's answer counts).
    public var computedQuestion: Question?
    /// `next` was refused once at this step because its question is open; the second `next` skips it.
    public private(set) var warnedAboutSkip = false
    /// The `trellis type` commands of the current step the student has run.
    public private(set) var typed: Set<Int> = []

    /// After this many wrong tries the answer itself is shown.
    public static let triesBeforeAnswer = 3

    public init(lesson: Lesson) {
        self.lesson = lesson
    }

    public var step: LessonStep { lesson.steps[index] }
    public var isLastStep: Bool { index == lesson.steps.count - 1 }
    /// The question the student's answers are checked against (computed if the shell computed it).
    public var question: Question? { computedQuestion ?? step.question }
    /// True while the current step's question waits for a right answer.
    public var awaitsAnswer: Bool { step.question != nil && !answered.contains(index) }

    public enum Move: Sendable, Equatable {
        /// Show step `index` (run its commands).
        case show(Int)
        /// `next` at an open question: say so, stay (a second `next` skips).
        case questionOpen
        /// `next` after the last step: the lesson is over.
        case finished
        /// `back` at the first step.
        case atFirstStep
    }

    public mutating func next() -> Move {
        if awaitsAnswer && !warnedAboutSkip {
            warnedAboutSkip = true
            return .questionOpen
        }
        if isLastStep { return .finished }
        enter(index + 1)
        return .show(index)
    }

    public mutating func back() -> Move {
        guard index > 0 else { return .atFirstStep }
        enter(index - 1)
        return .show(index)
    }

    /// Shows the current step again (its commands run again; its question stays as answered or not).
    public mutating func again() -> Move {
        enter(index)
        return .show(index)
    }

    private mutating func enter(_ i: Int) {
        index = i
        tries = 0
        warnedAboutSkip = false
        computedQuestion = nil
        typed = []
    }

    public enum Reply: Sendable, Equatable {
        case right
        /// Wrong; the hint (if the question has one), and the answer once `triesBeforeAnswer` tries failed.
        case wrong(hint: String?, answer: String?)
        /// The answer could not be read as what the question expects; not counted as a try.
        case unreadable(String)
        /// No question is open at this step.
        case noQuestion
    }

    public mutating func answer(_ given: String) -> Reply {
        guard let question, awaitsAnswer else { return .noQuestion }
        switch question.check(given) {
        case .right:
            answered.insert(index)
            return .right
        case .unreadable(let why):
            return .unreadable(why)
        case .wrong:
            tries += 1
            return .wrong(hint: question.hint, answer: tries >= Self.triesBeforeAnswer ? Self.describe(question.expected) : nil)
        }
    }

    /// The first `trellis type` command of this step not typed yet that `matches` accepts (the shell compares its
    /// words with those of a command the student just ran); it then counts as typed. Returns its index.
    public mutating func noteTyped(where matches: (LessonCommand) -> Bool) -> Int? {
        guard let i = step.toType.indices.first(where: { !typed.contains($0) && matches(step.toType[$0]) }) else { return nil }
        typed.insert(i)
        return i
    }

    public var allTyped: Bool { typed.count == step.toType.count }

    /// The next `trellis type` command not typed yet.
    public var nextToType: LessonCommand? {
        step.toType.indices.first { !typed.contains($0) }.map { step.toType[$0] }
    }

    /// The expected answer as a student reads it.
    public static func describe(_ expected: Question.Expected) -> String {
        switch expected {
        case let .number(v, tolerance, relative):
            let within = tolerance == 0 ? "" : relative ? " (± \(formatted(tolerance * 100)) %)" : " (± \(formatted(tolerance)))"
            return formatted(v) + within
        case .text(let accepted):
            return accepted.map { "'\($0)'" }.joined(separator: " or ")
        }
    }

    static func formatted(_ v: Double) -> String {
        let magnitude = abs(v)
        if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e6) { return String(format: "%.4g", v) }
        var s = String(format: "%.6f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
