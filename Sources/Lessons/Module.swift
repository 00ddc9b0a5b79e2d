// Lessons: guided lessons as values and a state machine over them — what a lesson file means, not how the shell
// shows it. A lesson is a Markdown file in the notebooks' format (prose and fenced ```trellis blocks); this module
// reads one into steps (`## ` headings), each with the commands it runs, the commands the student is asked to
// type and at most one question with its expected answer, and keeps a student's place in it. Running the
// commands is the shell's job (Workbench's `lesson` commands); nothing here runs a command or prints.
//
// The Markdown itself (prose runs, fenced blocks, line numbers) is read by the notebooks' parser
// (`Notebook.MarkdownDocument`), so the lessons do not carry a second Markdown parser.
//
// Files, one job each:
//   Lesson.swift          `Lesson`, `LessonStep`, `LessonCommand`, `Question` and how an answer is checked
//                         (a number to a tolerance, or one of a few strings).
//   LessonReader.swift    Markdown pieces → `Lesson`, with `FILE:LINE` errors for a malformed step or question.
//   LessonProgress.swift  the state machine: the current step, next / back / again / quit, tries and hints.
//   LessonCatalog.swift   the lessons folder: `NN-name.md` files, numbered by their prefix.
//   JSONPath.swift        `steps[0].updates[2].alpha`: one value out of a command's `--json` reply, for the
//                         questions whose answer the shell computes.
