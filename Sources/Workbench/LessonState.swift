// Session slice owned by the lesson commands: the lesson in progress (a `LessonProgress` value, nil when none), and
// whether the shell is playing a step's own commands right now (so those are not counted as typed by the student).
import Lessons

public struct LessonState {
    public var progress: LessonProgress?
    /// The lessons folder the lesson was started from (for messages).
    public var folder = LessonFolder.defaultPath
    /// True while a step's ```trellis commands run: the student did not type them.
    var playing = false
    public init() {}

    func requireProgress() throws -> LessonProgress {
        guard let progress else {
            throw WorkbenchError("no lesson is running: 'lesson list' shows the lessons, 'lesson start N' starts one")
        }
        return progress
    }
}
