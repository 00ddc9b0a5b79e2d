// Fuzz target: the Markdown readers of notebooks and lessons — fences and their info strings (MarkdownDocument),
// the notebook's block checks, the `{{ name.path | format }}` quotes of the prose filled from a JSON reply
// (JSONReader, ValueStore), a lesson's steps and questions (LessonReader), and the report's HTML (Ink). Nothing is
// run: the blocks' commands are the shell's, which fuzz-shell covers.
// An input is a Markdown text, then the separator line `~~~~`, then the JSON every quote's name is bound to.
import FuzzSupport
import Lessons
import Notebook

@main enum FuzzNotebook {
    static func main() {
        Fuzz.run { bytes in
            let parts = Fuzz.split(bytes, parts: 2)
            let markdown = String(decoding: parts[0], as: UTF8.self)
            let reply = try? JSONReader.value(String(decoding: parts[1], as: UTF8.self))
            _ = try? LessonReader.lesson(number: 1, file: "fuzz.md", text: markdown)
            _ = NotebookWriter.html(fromMarkdown: markdown, title: "fuzz")
            guard let document = try? MarkdownDocument(parsing: markdown) else { return }
            _ = NotebookRun.check(document)
            guard let quotes = try? QuoteExpression.all(in: document) else { return }
            var store = ValueStore()
            if let reply { for quote in quotes { store.bind(quote.name, to: reply) } }
            for quote in quotes { _ = try? store.text(for: quote) }
            for (index, line) in document.lines.enumerated() { _ = try? store.fill(line, line: index + 1) }
        }
    }
}
