// A lesson as the shell plays it: an introduction and steps; each step explains one idea in prose, runs some
// commands, asks the student to type others, and may ask one question whose answer is checked here.
import Foundation

/// One command line of a lesson, with the line of the lesson file it is on (errors say `FILE:LINE`).
public struct LessonCommand: Sendable, Equatable {
    public var text: String
    public var line: Int
    public init(text: String, line: Int) {
        self.text = text
        self.line = line
    }
}

public struct LessonStep: Sendable, Equatable {
    /// The `## ` heading's text.
    public var title: String
    /// The line of the heading.
    public var line: Int
    /// The step's prose (and any fenced block that is neither `trellis` nor `question`), as written.
    public var prose: String
    /// ```` ```trellis ```` blocks: run when the step is shown.
    public var commands: [LessonCommand]
    /// ```` ```trellis type ```` blocks: shown, for the student to type (`lesson run --auto` runs them).
    public var toType: [LessonCommand]
    public var question: Question?

    public init(title: String, line: Int, prose: String = "", commands: [LessonCommand] = [],
                toType: [LessonCommand] = [], question: Question? = nil) {
        self.title = title
        self.line = line
        self.prose = prose
        self.commands = commands
        self.toType = toType
        self.question = question
    }
}

public struct Lesson: Sendable, Equatable {
    /// The number in the file's name (`03-repeats.md` is lesson 3).
    public var number: Int
    /// The `# ` heading.
    public var title: String
    /// The file it was read from, as given (for `FILE:LINE` messages).
    public var file: String
    /// The prose before the first step.
    public var introduction: String
    public var steps: [LessonStep]

    public init(number: Int, title: String, file: String, introduction: String = "", steps: [LessonStep]) {
        self.number = number
        self.title = title
        self.file = file
        self.introduction = introduction
        self.steps = steps
    }
}

/// A question with the answer the lesson file gives. When `check` is set, the expected value is computed by the
/// shell (the command's `--json` reply at `value`) and the file's answer is what `lesson run --auto` types:
/// a lesson whose written answer no longer matches the computed one fails in CI.
public struct Question: Sendable, Equatable {
    public enum Expected: Sendable, Equatable {
        /// Right when |given − value| ≤ tolerance (absolute), or ≤ |value| × relative when `relative` is set.
        case number(Double, tolerance: Double, relative: Bool)
        /// Right when the given text equals one of these after `Question.normalise`.
        case text([String])
    }

    public var prompt: String
    public var expected: Expected
    public var hint: String?
    /// A command whose `--json` reply holds the true value (run on a copy of the session: its effects are dropped).
    public var check: LessonCommand?
    /// Where in that reply: a `JSONPath`, optionally as `exp(PATH)` to turn a log-probability into a probability.
    public var value: String?
    /// The line of the `answer:` key.
    public var answerLine: Int
    /// What `lesson run --auto` answers: the file's `answer:` as written.
    public var writtenAnswer: String

    public init(prompt: String, expected: Expected, hint: String? = nil, check: LessonCommand? = nil,
                value: String? = nil, answerLine: Int, writtenAnswer: String) {
        self.prompt = prompt
        self.expected = expected
        self.hint = hint
        self.check = check
        self.value = value
        self.answerLine = answerLine
        self.writtenAnswer = writtenAnswer
    }

    /// The same question with its expected value replaced by one the shell computed (the tolerance is kept).
    public func expecting(computed: ComputedValue) -> Question {
        var copy = self
        switch (expected, computed) {
        case let (.number(_, tolerance, relative), .number(v)):
            copy.expected = .number(v, tolerance: tolerance, relative: relative)
        case (.text, .text(let s)):
            copy.expected = .text([s])
        case (.number(_, let tolerance, let relative), .text(let s)):
            copy.expected = Double(s).map { .number($0, tolerance: tolerance, relative: relative) } ?? .text([s])
        case (.text, .number(let v)):
            copy.expected = .number(v, tolerance: 0, relative: false)
        }
        return copy
    }

    /// A value read from a command's reply.
    public enum ComputedValue: Sendable, Equatable {
        case number(Double)
        case text(String)
    }

    public enum Verdict: Sendable, Equatable {
        case right
        case wrong
        /// Not something this question can check (a word where a number is expected): says why.
        case unreadable(String)
    }

    /// Checks a student's answer.
    public func check(_ given: String) -> Verdict {
        let answer = Question.normalise(given)
        switch expected {
        case let .number(value, tolerance, relative):
            guard let number = Question.number(answer) else {
                return .unreadable("the answer is a number (for example 0.25, 2.5e-1 or 25%); '\(given)' is not one")
            }
            let allowed = relative ? abs(value) * tolerance : tolerance
            // A tolerance of 0 still allows the last bits a decimal answer loses.
            return abs(number - value) <= max(allowed, 1e-12 * max(1, abs(value))) ? .right : .wrong
        case .text(let accepted):
            return accepted.contains { Question.normalise($0) == answer } ? .right : .wrong
        }
    }

    /// Trimmed, one space between words, lower case, without surrounding quotes (`"aa"` and `aa` are the same).
    public static func normalise(_ text: String) -> String {
        var s = text.split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased()
        for quote in ["\"", "'", "`"] where s.count >= 2 && s.hasPrefix(quote) && s.hasSuffix(quote) {
            s = String(s.dropFirst().dropLast())
        }
        return s
    }

    /// `0.25`, `2.5e-1`, `25%` (a percentage), `= 0.25`; nil for anything else.
    static func number(_ text: String) -> Double? {
        var s = text.trimmingCharacters(in: .whitespaces)
        if s.hasPrefix("=") { s = String(s.dropFirst()).trimmingCharacters(in: .whitespaces) }
        var scale = 1.0
        if s.hasSuffix("%") {
            s = String(s.dropLast()).trimmingCharacters(in: .whitespaces)
            scale = 0.01
        }
        guard let v = Double(s), v.isFinite else { return nil }
        return v * scale
    }
}
