// Lesson files → `Lesson`. The Markdown is split into prose runs and fenced blocks by the notebooks' parser
// (`Notebook.MarkdownDocument`); this reader only gives the pieces their lesson meaning:
//   `# TITLE`               the lesson's title (the first level-1 heading)
//   prose before any `## `  the introduction
//   `## TITLE`              starts a step
//   ```trellis              commands the step runs when it is shown (one per line, `#` comments, `\` continues)
//   ```trellis type         commands the student is asked to type (`lesson run --auto` runs them)
//   ```question             `ask:`, `answer:`, optional `tolerance:`, `hint:`, `check:`, `value:` (docs/lessons.md)
// Anything else (```text blocks, lists, tables) is prose and shown as written.
import Base
import Foundation
import Notebook

/// A lesson file that cannot be read: the message names FILE:LINE.
public struct LessonError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ file: String, _ line: Int, _ message: String) {
        description = "\(file):\(line): \(message)"
    }
    public init(_ message: String) { description = message }
}

public enum LessonReader {
    /// Reads a lesson file's text (`file` names it in errors).
    public static func lesson(number: Int, file: String, text: String) throws -> Lesson {
        let document: MarkdownDocument
        do { document = try MarkdownDocument(parsing: text) } catch {
            // The parser's message starts "line N: ...".
            let message = error.description
            if message.hasPrefix("line "), let colon = message.firstIndex(of: ":"), let n = Int(message.dropFirst(5).prefix(upTo: colon)) {
                throw LessonError(file, n, String(message[message.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
            }
            throw LessonError("\(file): \(message)")
        }
        return try lesson(number: number, file: file, document: document)
    }

    /// Reads a parsed lesson file (`file`, lesson `number`).
    public static func lesson(number: Int, file: String, document: MarkdownDocument) throws -> Lesson {
        var title: String?
        var introduction: [String] = []
        var steps: [LessonStep] = []

        func addProse(_ text: String) {
            if steps.isEmpty { introduction.append(text) } else { steps[steps.count - 1].prose += (steps[steps.count - 1].prose.isEmpty ? "" : "\n") + text }
        }

        for block in document.blocks {
            switch block {
            case .prose(let run):
                // Headings live in prose; split it at `# ` and `## ` lines.
                let line = run.startLine
                var pending: [String] = []
                func flush() {
                    let text = pending.joined(separator: "\n").trimmingCharacters(in: .newlines)
                    if !text.isEmpty { addProse(text) }
                    pending = []
                }
                for (offset, row) in run.lines.enumerated() {
                    if row.hasPrefix("## ") {
                        flush()
                        steps.append(LessonStep(title: heading(row, level: 2), line: line + offset))
                    } else if row.hasPrefix("# ") && title == nil {
                        flush()
                        title = heading(row, level: 1)
                    } else {
                        pending.append(row)
                    }
                }
                flush()
            case .code(let code):
                let info = code.info, lines = code.body, line = code.startLine
                let words = info.split(separator: " ").map(String.init)
                switch words.first {
                case "trellis":
                    guard !steps.isEmpty else {
                        throw LessonError(file, line, "a ```trellis block before the first step (a '## ' heading): the introduction only explains")
                    }
                    let commands = try commandLines(lines, firstLine: line + 1, file: file)
                    if words.dropFirst().first == "type" {
                        steps[steps.count - 1].toType += commands
                    } else if words.count == 1 {
                        steps[steps.count - 1].commands += commands
                    } else {
                        throw LessonError(file, line, "unknown block '```\(info)': a lesson runs ```trellis and asks for ```trellis type")
                    }
                case "question":
                    guard !steps.isEmpty else { throw LessonError(file, line, "a ```question block before the first step (a '## ' heading)") }
                    guard steps[steps.count - 1].question == nil else {
                        throw LessonError(file, line, "a second question in step '\(steps[steps.count - 1].title)': a step asks at most one")
                    }
                    steps[steps.count - 1].question = try question(lines, firstLine: line + 1, file: file, blockLine: line)
                default:
                    addProse((["```" + info] + lines + ["```"]).joined(separator: "\n"))
                }
            }
        }
        guard let title else { throw LessonError(file, 1, "a lesson starts with its title, a '# ' heading") }
        guard !steps.isEmpty else { throw LessonError(file, 1, "the lesson has no steps: each step starts with a '## ' heading") }
        return Lesson(number: number, title: title, file: file, introduction: introduction.joined(separator: "\n\n"), steps: steps)
    }

    private static func heading(_ row: String, level: Int) -> String {
        String(row.dropFirst(level + 1)).trimmingCharacters(in: .whitespaces)
    }

    /// A block's command lines: `#` comments and blank lines dropped, a trailing backslash joining a line to the
    /// next (the command keeps the line it starts on), as `--script` reads them.
    static func commandLines(_ lines: [String], firstLine: Int, file: String) throws -> [LessonCommand] {
        var commands: [LessonCommand] = []
        var pending: (text: String, line: Int)?
        for (offset, raw) in lines.enumerated() {
            var row = raw.trimmingCharacters(in: .whitespaces)
            if pending == nil && (row.isEmpty || row.hasPrefix("#")) { continue }
            let continues = row.hasSuffix("\\")
            if continues { row = String(row.dropLast()).trimmingCharacters(in: .whitespaces) }
            if let p = pending { pending = (p.text + " " + row, p.line) } else { pending = (row, firstLine + offset) }
            if !continues, let p = pending {
                commands.append(LessonCommand(text: p.text, line: p.line))
                pending = nil
            }
        }
        if let p = pending {
            throw LessonError(file, p.line, "the last command of the block ends in a backslash: nothing follows to continue it")
        }
        return commands
    }

    static let questionKeys = ["ask", "answer", "tolerance", "hint", "check", "value"]

    /// A ```question block: `key: value` lines; a line that does not start with a key continues the previous value.
    static func question(_ lines: [String], firstLine: Int, file: String, blockLine: Int) throws -> Question {
        var values: [String: (text: String, line: Int)] = [:]
        var answers: [(text: String, line: Int)] = []
        var last: String?
        for (offset, raw) in lines.enumerated() {
            let line = firstLine + offset
            let row = raw.trimmingCharacters(in: .whitespaces)
            if row.isEmpty { continue }
            if let colon = row.firstIndex(of: ":"), questionKeys.contains(String(row[..<colon]).lowercased()) {
                let key = String(row[..<colon]).lowercased()
                let value = String(row[row.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                if key == "answer" {
                    answers.append((value, line))
                } else {
                    guard values[key] == nil else { throw LessonError(file, line, "'\(key):' is given twice in this question") }
                    values[key] = (value, line)
                }
                last = key
            } else if let key = last, key != "answer", let v = values[key] {
                values[key] = (v.text + " " + row, v.line)
            } else {
                throw LessonError(file, line, "'\(row)' is not a question key; a question has \(questionKeys.map { $0 + ":" }.joined(separator: ", "))")
            }
        }
        guard let ask = values["ask"], !ask.text.isEmpty else { throw LessonError(file, blockLine, "the question has no 'ask:' line") }
        guard let first = answers.first, !first.text.isEmpty else {
            throw LessonError(file, blockLine, "the question has no 'answer:' line (lesson run --auto answers with it)")
        }
        var check: LessonCommand?
        if let c = values["check"] {
            guard values["value"] != nil else { throw LessonError(file, c.line, "'check:' needs a 'value:' line: where in the command's --json reply the answer is") }
            check = LessonCommand(text: c.text, line: c.line)
        }
        if let v = values["value"] {
            guard check != nil else { throw LessonError(file, v.line, "'value:' needs a 'check:' line: the command whose --json reply holds it") }
            do { _ = try ValueExpression(v.text) } catch { throw LessonError(file, v.line, "\(error)") }
        }

        let expected: Question.Expected
        if let t = values["tolerance"] {
            guard answers.count == 1, let number = Question.number(first.text) else {
                throw LessonError(file, t.line, "'tolerance:' is for one numeric answer; '\(first.text)' is not a number")
            }
            let relative = t.text.hasSuffix("%")
            guard let tolerance = Double(relative ? String(t.text.dropLast()) : t.text), tolerance >= 0, tolerance.isFinite else {
                throw LessonError(file, t.line, "the tolerance '\(t.text)' is not a non-negative number (absolute, or a percentage such as 1%)")
            }
            expected = .number(number, tolerance: relative ? tolerance / 100 : tolerance, relative: relative)
        } else if answers.count == 1, let number = Question.number(first.text) {
            expected = .number(number, tolerance: 0, relative: false)
        } else {
            expected = .text(answers.map(\.text))
        }
        return Question(prompt: ask.text, expected: expected, hint: values["hint"]?.text, check: check,
                        value: values["value"]?.text, answerLine: first.line, writtenAnswer: first.text)
    }
}
