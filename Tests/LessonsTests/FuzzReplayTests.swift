// Replays the inputs of the `fuzz-notebook` target (fixtures/fuzz/notebook/seeds and regressions/, see
// docs/reliability.md) through the same readers: each input is a Markdown text, a "~~~~" line and a JSON reply;
// the lesson reader, the HTML writer, the Markdown reader, the notebook's checks and the quotes must each return
// or throw. The good seeds must get through: the lessons as lessons, the quotes filled from the reply.
import Foundation
import FuzzReplay
import Lessons
import Notebook
import XCTest

final class NotebookFuzzReplayTests: XCTestCase {
    func testEveryFuzzInputIsReadOrRefused() throws {
        let inputs = try FuzzInputs.files("notebook")
        XCTAssertGreaterThan(inputs.count, 0, "no seeds under fixtures/fuzz/notebook")
        var lessons: [String] = [], filled: [String: [String]] = [:]
        for input in inputs {
            let parts = FuzzInputs.split([UInt8](try Data(contentsOf: input)), parts: 2)
            let markdown = String(decoding: parts[0], as: UTF8.self)
            let reply = try? JSONReader.value(String(decoding: parts[1], as: UTF8.self))
            if (try? LessonReader.lesson(number: 1, file: input.lastPathComponent, text: markdown)) != nil {
                lessons.append(input.lastPathComponent)
            }
            XCTAssertFalse(NotebookWriter.html(fromMarkdown: markdown, title: "replay").isEmpty)
            guard let document = try? MarkdownDocument(parsing: markdown) else { continue }
            _ = NotebookRun.check(document)
            guard let quotes = try? QuoteExpression.all(in: document) else { continue }
            var store = ValueStore()
            if let reply { for quote in quotes { store.bind(quote.name, to: reply) } }
            filled[input.lastPathComponent] = quotes.compactMap { try? store.text(for: $0) }
        }
        XCTAssertEqual(Set(lessons), ["lesson-forward.md", "lesson-decoders.md"])
        XCTAssertEqual(filled["quotes.md"], ["800", "0.52", "46.2 %", "1001-100-0000"])
    }
}
