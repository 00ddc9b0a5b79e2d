// Playing a lesson in the shell: reading a lesson file (the notebooks' Markdown parser, then `LessonReader`),
// showing a step (its prose, then its ```trellis commands run through the one `CommandRunner`, then what the
// student should type and the question), computing a question's true answer from its `check:` command on a copy of
// the session, checking answers, noticing the commands the student types, and `lesson run --auto`, which plays a
// whole lesson and fails with FILE:LINE at the first command that fails or written answer that does not check.
// The state machine itself (next, back, tries, hints) is `Lessons.LessonProgress`; this file only drives it.
import Foundation
import Lessons

/// Where the lessons are: `--dir`, else `lessons/` in the current folder, else the `lessons/` of the checkout the
/// executable was built in (`.build/release/trellis` → `lessons/`), so `trellis` finds them from any folder.
enum LessonFolder {
    static let defaultPath = "lessons"

    static func resolve(_ dir: String?) -> String {
        if let dir { return dir }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: defaultPath, isDirectory: &isDirectory), isDirectory.boolValue { return defaultPath }
        var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent(defaultPath)
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue,
               FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                return candidate.path
            }
            folder = folder.deletingLastPathComponent()
        }
        return defaultPath
    }
}

enum LessonPlayer {
    // MARK: - Reading

    static func read(_ file: LessonFile) throws -> Lesson {
        guard let text = try? String(contentsOfFile: file.path, encoding: .utf8) else {
            throw WorkbenchError("cannot read the lesson \(file.path) (missing file or not UTF-8 text)")
        }
        do { return try LessonReader.lesson(number: file.number, file: file.path, text: text) } catch let error as LessonError {
            throw WorkbenchError(error.description)
        }
    }

    static func load(_ number: Int, dir: String?) throws -> Lesson {
        let folder = LessonFolder.resolve(dir)
        do { return try read(LessonCatalog.file(number, in: folder)) } catch let error as LessonError {
            throw WorkbenchError(error.description)
        }
    }

    /// The folder a lesson's figures, corpora and runs go to, `out/lessons/NN`: made empty when the lesson starts,
    /// so its `plot --out` commands need no `mkdir` and its `train --out` finds no run of an earlier try.
    static func outputFolder(_ lesson: Lesson) -> String { String(format: "out/lessons/%02d", lesson.number) }

    static func makeOutputFolder(_ lesson: Lesson) throws {
        let folder = outputFolder(lesson)
        do {
            if FileManager.default.fileExists(atPath: folder) { try FileManager.default.removeItem(atPath: folder) }
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw WorkbenchError("cannot create the lesson's output folder \(folder): \(error.localizedDescription)")
        }
    }

    // MARK: - Showing a step

    /// A step's command that failed: where, and why.
    struct Failure: Error, Equatable {
        var file: String
        var line: Int
        var message: String
        var description: String { "\(file):\(line): \(message)" }
    }

    /// Prints the current step and runs its commands. Returns the first command that failed (also printed unless
    /// `reportFailure` is false); the step stays shown.
    @discardableResult
    static func showStep(session: inout Session, reportFailure: Bool = true, say: (String) -> Void) -> Failure? {
        guard let progress = session.lesson.progress else { return nil }
        let lesson = progress.lesson, step = progress.step
        say("\n── Lesson \(lesson.number), step \(progress.index + 1) of \(lesson.steps.count): \(step.title) ──\n")
        if !step.prose.isEmpty { say(step.prose + "\n") }
        var failure: Failure?
        session.lesson.playing = true
        for command in step.commands {
            say("\(REPL.prompt)\(command.text)")
            let outcome = CommandRunner.run(line: command.text, session: &session)
            if outcome != .success {
                failure = Failure(file: lesson.file, line: command.line, message: outcome.sentence)
                if reportFailure { Console.error("\(lesson.file):\(command.line): \(outcome.sentence)") }
                break
            }
        }
        session.lesson.playing = false
        if !step.toType.isEmpty {
            say("\nYour turn: type " + (step.toType.count == 1 ? "this command:" : "these commands:"))
            for command in step.toType { say("    \(command.text)") }
        }
        if let question = step.question {
            say("\nQuestion: \(question.prompt)")
            say("(type your answer at the prompt, or 'answer ...')")
        }
        say(progress.isLastStep && step.question == nil ? "That is the last step: 'next' ends the lesson, 'back' and 'again' revisit it."
            : "'next' goes on, 'back' returns, 'again' repeats this step, 'quit-lesson' leaves the lesson.")
        return failure
    }

    /// Computes the current question's true answer from its `check:` command, on the session as it is now (after
    /// the commands the student typed), and makes it the one answers are checked against.
    static func refreshQuestion(session: inout Session) throws {
        guard let progress = session.lesson.progress, let question = progress.step.question, let check = question.check else { return }
        let value = try computedValue(of: question, check: check, session: session)
        session.lesson.progress?.computedQuestion = question.expecting(computed: value)
    }

    /// The question's true answer: its `check:` command run with `--json` on a copy of the session (so nothing it
    /// does stays), the reply read at `value:`.
    static func computedValue(of question: Question, check: LessonCommand, session: Session) throws -> Question.ComputedValue {
        let file = session.lesson.progress?.lesson.file ?? "lesson"
        var copy = session
        copy.lesson.playing = true
        let line = CommandRunner.requestsJSON((try? Tokenizer.commands(check.text).last) ?? []) ? check.text : check.text + " --json"
        var outcome = CommandOutcome.success
        let reply = try OutputCapture.capturing { outcome = CommandRunner.run(line: line, session: &copy) }
        guard outcome == .success else {
            throw Failure(file: file, line: check.line, message: "the question's check command failed: \(outcome.sentence)")
        }
        do {
            let expression = try ValueExpression(question.value ?? "")
            let lastLine = reply.split(separator: "\n").last.map(String.init) ?? ""
            return try expression.evaluate(json: lastLine)
        } catch let error as LessonError {
            throw Failure(file: file, line: check.line, message: "error: the question's value: \(error.description)")
        }
    }

    // MARK: - Answers and typed commands

    /// Checks `text` against the current step's question and says what the student should read.
    static func answer(_ text: String, session: inout Session, say: (String) -> Void) throws -> LessonProgress.Reply {
        guard session.lesson.progress != nil else { _ = try session.lesson.requireProgress(); return .noQuestion }
        if session.lesson.progress?.awaitsAnswer == true {
            do { try refreshQuestion(session: &session) } catch let failure as Failure {
                // The lesson's own check is broken: say so, and check against the answer written in the file.
                Console.error(failure.description)
            }
        }
        var progress = session.lesson.progress!
        let reply = progress.answer(text)
        session.lesson.progress = progress
        switch reply {
        case .right:
            say("Right." + (progress.isLastStep ? " That was the last step: 'next' ends the lesson." : " 'next' goes on."))
        case let .wrong(hint, answer):
            say("Not quite; try again." + (hint.map { " Hint: \($0)" } ?? ""))
            if let answer { say("The answer is \(answer). 'next' goes on.") }
        case .unreadable(let why):
            say(why)
        case .noQuestion:
            if progress.step.question == nil {
                throw WorkbenchError("step \(progress.index + 1) asks no question ('\(text)' is not a command either: 'help' lists them)")
            }
            say("This question is already answered: 'next' goes on.")
        }
        return reply
    }

    /// After a command the student ran: if the step asked for it, say so.
    static func noteTyped(_ words: [String], session: inout Session, json: Bool) {
        guard var progress = session.lesson.progress, !session.lesson.playing, !progress.step.toType.isEmpty else { return }
        let typed = progress.noteTyped { command in
            ((try? Tokenizer.commands(command.text)) ?? []).first == words
        }
        session.lesson.progress = progress
        guard typed != nil else { return }
        let say = narration(json: json)
        if progress.allTyped {
            say(progress.awaitsAnswer ? "✓ Now the question: \(progress.step.question?.prompt ?? "")" : "✓ That is what this step asked for: 'next' goes on.")
        } else {
            say("✓ Now the next one: \(progress.nextToType?.text ?? "")")
        }
    }

    /// The lesson the prompt shows: `[lesson 1 step 3/8]`.
    static func promptTag(_ session: Session) -> String? {
        guard let p = session.lesson.progress else { return nil }
        return "[lesson \(p.lesson.number) step \(p.index + 1)/\(p.lesson.steps.count)]"
    }

    // MARK: - Playing a whole lesson

    struct AutoStep: Encodable {
        var step: Int
        var title: String
        var line: Int
        var commands: Int
        /// The written answer and the value it was checked against (null when the step asks nothing).
        var answer: String?
        var expected: String?
    }

    /// Plays `lesson` through on `session` (commands, typed commands, written answers); stops at the first failure.
    static func auto(_ lesson: Lesson, session: inout Session, say: (String) -> Void) -> (steps: [AutoStep], failure: Failure?) {
        do { try makeOutputFolder(lesson) } catch { return ([], Failure(file: lesson.file, line: 1, message: "error: \(error)")) }
        session.lesson.progress = LessonProgress(lesson: lesson)
        defer { session.lesson.progress = nil }
        say("Lesson \(lesson.number): \(lesson.title)")
        if !lesson.introduction.isEmpty { say(lesson.introduction) }
        var steps: [AutoStep] = []
        while let progress = session.lesson.progress {
            let step = progress.step
            if let failure = showStep(session: &session, reportFailure: false, say: say) { return (steps, failure) }
            for command in step.toType {
                say("\(REPL.prompt)\(command.text)        (typed by lesson run --auto)")
                let outcome = CommandRunner.run(line: command.text, session: &session)
                if outcome != .success {
                    return (steps, Failure(file: lesson.file, line: command.line, message: outcome.sentence))
                }
            }
            var record = AutoStep(step: progress.index + 1, title: step.title, line: step.line, commands: step.commands.count + step.toType.count)
            if let question = step.question {
                do { try refreshQuestion(session: &session) } catch let failure as Failure {
                    return (steps, failure)
                } catch {
                    return (steps, Failure(file: lesson.file, line: question.check?.line ?? question.answerLine, message: "error: \(error)"))
                }
                let asked = session.lesson.progress?.question ?? question
                say("\(REPL.prompt)\(question.writtenAnswer)        (the lesson's answer)")
                record.answer = question.writtenAnswer
                record.expected = LessonProgress.describe(asked.expected)
                var checked = session.lesson.progress!
                let reply = checked.answer(question.writtenAnswer)
                session.lesson.progress = checked
                guard reply == .right else {
                    return (steps, Failure(file: lesson.file, line: question.answerLine, message:
                        "error: the lesson's answer '\(question.writtenAnswer)' does not check: the shell expects \(record.expected!)"))
                }
                say("Right.")
            }
            steps.append(record)
            guard case .show = session.lesson.progress!.next() else { break }
        }
        say("Lesson \(lesson.number) played through: \(lesson.steps.count) steps.")
        return (steps, nil)
    }
}

extension CommandOutcome {
    /// The outcome as the line a script reports after FILE:LINE: ("error: ...", "interrupted").
    var sentence: String {
        switch self {
        case .success: return "ok"
        case .quit: return "the command left the shell"
        case .interrupted: return "interrupted"
        case .failure(let message): return "error: " + message
        }
    }
}
