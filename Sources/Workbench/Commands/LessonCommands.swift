// The guided lessons in the shell (docs/lessons.md): `lesson list`, `lesson start N`, `lesson run N --auto`, and
// while a lesson runs `next`, `back`, `again`, `answer ...` (or the answer alone at the prompt) and `quit-lesson`.
// Reading and playing lessons is `LessonPlayer`; the state machine is `Lessons.LessonProgress`.
import ArgumentParser
import Foundation
import Lessons

struct LessonGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson",
        abstract: "Guided lessons on CTC: list them, start one, or play one through (lessons/*.md).",
        subcommands: [LessonList.self, LessonStart.self, LessonRun.self]
    )
}

/// `--dir`, shared by the lesson commands that read the folder.
struct LessonFolderOption: ParsableArguments {
    @Option(help: "The lessons folder (default: lessons/ here, else the lessons/ of the checkout trellis was built in).",
            completion: .directory)
    var dir: String?
}

/// What `lesson start`, `next`, `back` and `again` reply under --json: the step now shown.
struct LessonStepReply: Encodable {
    var lesson: Int
    var title: String
    /// 1-based; null once the lesson is over.
    var step: Int?
    var stepCount: Int
    var stepTitle: String?
    /// The step's question, or null.
    var question: String?
    /// Commands the step asks the student to type.
    var toType: [String]
    /// The first of the step's commands that failed (`FILE:LINE: error: ...`), or null.
    var error: String?
    /// True when `next` ended the lesson.
    var finished: Bool
    /// A sentence for the student (why `next` did not move, ...), or null.
    var note: String?

    init(_ progress: LessonProgress, failure: LessonPlayer.Failure? = nil, finished: Bool = false, note: String? = nil) {
        lesson = progress.lesson.number
        title = progress.lesson.title
        step = finished ? nil : progress.index + 1
        stepCount = progress.lesson.steps.count
        stepTitle = finished ? nil : progress.step.title
        question = finished ? nil : progress.step.question?.prompt
        toType = finished ? [] : progress.step.toType.map(\.text)
        error = failure?.description
        self.finished = finished
        self.note = note
    }
}

/// Shows the session's current step (printed, or narrated on stderr with a JSON reply under --json).
private func show(session: inout Session, json: Bool) throws {
    var failure: LessonPlayer.Failure?
    if json {
        try OutputCapture.toStandardError { failure = LessonPlayer.showStep(session: &session, say: Console.out) }
        try printJSON(LessonStepReply(session.lesson.progress!, failure: failure))
    } else {
        LessonPlayer.showStep(session: &session, say: Console.out)
    }
}

struct LessonList: WorkbenchCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the lessons: number, title, steps.")

    @OptionGroup var folder: LessonFolderOption
    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        struct Item: Encodable { var number: Int; var title: String; var file: String; var stepCount: Int; var questions: Int }
        var dir: String
        var lessons: [Item]
    }

    mutating func run(session: inout Session) throws {
        let dir = LessonFolder.resolve(folder.dir)
        let files: [LessonFile]
        do { files = try LessonCatalog.files(in: dir) } catch let error as LessonError { throw WorkbenchError(error.description) }
        let lessons = try files.map { try LessonPlayer.read($0) }
        let items = lessons.map {
            Reply.Item(number: $0.number, title: $0.title, file: $0.file, stepCount: $0.steps.count,
                       questions: $0.steps.filter { $0.question != nil }.count)
        }
        if json { return try printJSON(Reply(dir: dir, lessons: items)) }
        guard !items.isEmpty else { return Console.out("no lessons in \(dir)") }
        for item in items {
            Console.out("\(pad(String(item.number), 4))\(item.title) (\(item.stepCount) steps, \(item.questions) questions)")
        }
        Console.out("'lesson start N' starts lesson N.")
    }
}

struct LessonStart: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start lesson N: its first step is shown and its commands run; then next, back, again, quit-lesson.",
        discussion: """
            A step explains one idea, runs its commands (as if typed), may ask you to type a command, and may ask a \
            question: type the answer at the prompt (a number is checked to a tolerance); a wrong answer shows a hint. \
            The prompt shows the lesson and step. The lesson's commands share your session.
            """
    )

    @Argument(help: "The lesson's number ('lesson list').")
    var number: Int
    @OptionGroup var folder: LessonFolderOption
    @Flag(help: "Print one JSON object (the step shown); the step's text and output go to standard error.")
    var json = false

    mutating func run(session: inout Session) throws {
        let lesson = try LessonPlayer.load(number, dir: folder.dir)
        try LessonPlayer.makeOutputFolder(lesson)
        session.lesson.progress = LessonProgress(lesson: lesson)
        let say = narration(json: json)
        say("Lesson \(lesson.number): \(lesson.title)")
        if !lesson.introduction.isEmpty { say(lesson.introduction) }
        try show(session: &session, json: json)
    }
}

struct LessonRun: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Play lesson N through without pausing (--auto): its commands, the commands it asks for, its answers.",
        discussion: """
            Every step's commands run, the commands it asks the student to type are typed, and each question is \
            answered with the answer written in the lesson file, which must check against the value the shell \
            computes. The first command that fails or answer that does not check stops the run with FILE:LINE and \
            status 1, so CI plays every lesson. It runs in a fresh session; yours is left as it was.
            """
    )

    @Argument(help: "The lesson's number ('lesson list').")
    var number: Int
    @Flag(help: "Play without pausing (required: 'lesson start N' goes step by step).")
    var auto = false
    @OptionGroup var folder: LessonFolderOption
    @Flag(help: "Print one JSON object (every step, its answer and the value it was checked against); the lesson's output goes to standard error.")
    var json = false

    struct Reply: Encodable {
        var lesson: Int
        var title: String
        var file: String
        var steps: [LessonPlayer.AutoStep]
    }

    func validate() throws {
        guard auto else { throw ValidationError("lesson run plays a lesson without pausing and needs --auto; 'lesson start \(number)' goes step by step") }
    }

    mutating func run(session: inout Session) throws {
        let lesson = try LessonPlayer.load(number, dir: folder.dir)
        var played = Session()
        played.shell = session.shell
        played.shell.reading = []
        var result: (steps: [LessonPlayer.AutoStep], failure: LessonPlayer.Failure?) = ([], nil)
        if json {
            try OutputCapture.toStandardError { result = LessonPlayer.auto(lesson, session: &played, say: Console.out) }
        } else {
            result = LessonPlayer.auto(lesson, session: &played, say: Console.out)
        }
        // A failure is the command's error (under --json: the one {"error": ...} line), with the step's FILE:LINE.
        if let failure = result.failure {
            throw WorkbenchError("lesson \(lesson.number) failed at \(failure.description)")
        }
        if json { try printJSON(Reply(lesson: lesson.number, title: lesson.title, file: lesson.file, steps: result.steps)) }
    }
}

struct Next: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "next",
        abstract: "Go to the lesson's next step (at an unanswered question, a second 'next' skips it)."
    )
    @Flag(help: "Print one JSON object (the step shown); its text and output go to standard error.")
    var json = false

    mutating func run(session: inout Session) throws {
        var progress = try session.lesson.requireProgress()
        let move = progress.next()
        session.lesson.progress = progress
        let say = narration(json: json)
        switch move {
        case .show:
            try show(session: &session, json: json)
        case .questionOpen:
            let note = "The question is not answered yet: type your answer (or 'next' again to skip it)."
            if json { return try printJSON(LessonStepReply(progress, note: note)) }
            say(note)
        case .finished:
            session.lesson.progress = nil
            let answered = progress.answered.count, asked = progress.lesson.steps.filter { $0.question != nil }.count
            let note = "End of lesson \(progress.lesson.number): \(answered) of \(asked) questions answered. 'lesson list' shows the others."
            if json { return try printJSON(LessonStepReply(progress, finished: true, note: note)) }
            say(note)
        case .atFirstStep:
            break
        }
    }
}

struct Back: WorkbenchCommand {
    static let configuration = CommandConfiguration(commandName: "back", abstract: "Go back to the lesson's previous step (its commands run again).")
    @Flag(help: "Print one JSON object (the step shown); its text and output go to standard error.")
    var json = false

    mutating func run(session: inout Session) throws {
        var progress = try session.lesson.requireProgress()
        guard case .show = progress.back() else { throw WorkbenchError("this is the first step: there is nothing before it ('again' shows it again)") }
        session.lesson.progress = progress
        try show(session: &session, json: json)
    }
}

struct Again: WorkbenchCommand {
    static let configuration = CommandConfiguration(commandName: "again", abstract: "Show the lesson's current step again and rerun its commands.")
    @Flag(help: "Print one JSON object (the step shown); its text and output go to standard error.")
    var json = false

    mutating func run(session: inout Session) throws {
        var progress = try session.lesson.requireProgress()
        _ = progress.again()
        session.lesson.progress = progress
        try show(session: &session, json: json)
    }
}

struct QuitLesson: WorkbenchCommand {
    static let configuration = CommandConfiguration(commandName: "quit-lesson", abstract: "Leave the lesson (the session keeps what its commands loaded).")
    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable { var lesson: Int; var step: Int; var stepCount: Int }

    mutating func run(session: inout Session) throws {
        let progress = try session.lesson.requireProgress()
        session.lesson.progress = nil
        if json { return try printJSON(Reply(lesson: progress.lesson.number, step: progress.index + 1, stepCount: progress.lesson.steps.count)) }
        Console.out("Left lesson \(progress.lesson.number) at step \(progress.index + 1) of \(progress.lesson.steps.count); 'lesson start \(progress.lesson.number)' starts it again.")
    }
}

struct Answer: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "answer",
        abstract: "Answer the lesson step's question (typing the answer alone at the prompt does the same).",
        discussion: "A number may be written 0.25, 2.5e-1 or 25%; it is right within the question's tolerance. Text is compared without case or surrounding quotes."
    )
    @Argument(parsing: .allUnrecognized, help: "The answer (a negative number too: 'answer -2.5').")
    var words: [String] = []
    @Flag(help: "Print one JSON object: right or not, the hint, the answer once shown.")
    var json = false

    struct Reply: Encodable {
        var right: Bool
        var hint: String?
        /// The expected answer, shown after several wrong tries; else null.
        var answer: String?
        var tries: Int
        /// Why the answer could not be read (not counted as a try), or null.
        var note: String?
    }

    mutating func run(session: inout Session) throws {
        let text = words.joined(separator: " ")
        guard !text.isEmpty else { throw WorkbenchError("answer what? e.g. 'answer 0.25'") }
        let reply = try LessonPlayer.answer(text, session: &session, say: narration(json: json))
        guard json else { return }
        let tries = session.lesson.progress?.tries ?? 0
        switch reply {
        case .right: try printJSON(Reply(right: true, tries: tries))
        case let .wrong(hint, answer): try printJSON(Reply(right: false, hint: hint, answer: answer, tries: tries))
        case .unreadable(let why): try printJSON(Reply(right: false, tries: tries, note: why))
        case .noQuestion: try printJSON(Reply(right: true, tries: tries, note: "already answered"))
        }
    }
}
