// NotebookWriter: what a notebook run writes. The Markdown copy is the original text line for line, with, beneath
// each ```trellis block that ran, its output as a fenced text block (and the error, for a block that failed) and its
// figures as images copied into the output folder (`figures/`, linked relatively, so the folder can be moved or
// zipped whole); the prose has its {{ }} filled in. The HTML page is the same Markdown with each figure inlined as a
// data: URI, turned into HTML by Ink (JohnSundell/Ink) and wrapped in one page with its own style sheet: a single
// file a teacher opens in a browser, with nothing beside it.
import Base
import Foundation

public enum NotebookWriter {
    /// A copied figure: where the block wrote it and its path relative to the output folder.
    public struct CopiedFigure: Equatable, Sendable {
        public var source: String
        public var relativePath: String
    }

    /// The Markdown text of `run`; `figures[i]` lists the copies of block i's figures; `source` names the notebook in
    /// error lines. Quotes that cannot be filled (a block that failed or never ran) are left as written and their
    /// errors returned, so the caller decides whether they count (they do unless the run already failed).
    public static func markdown(_ run: NotebookRun, figures: [[CopiedFigure]], source: String,
                                image: (CopiedFigure) -> String = { $0.relativePath }) -> (text: String, errors: [NotebookError]) {
        var out: [String] = []
        var errors: [NotebookError] = []
        var results: [Int: (BlockResult, [CopiedFigure])] = [:]
        for (i, result) in run.blocks.enumerated() { results[result.block.startLine] = (result, i < figures.count ? figures[i] : []) }
        for piece in run.document.blocks {
            switch piece {
            case .prose(let prose):
                for (i, line) in prose.lines.enumerated() {
                    out.append(fill(line, line: prose.startLine + i, values: run.values, errors: &errors))
                }
            case .code(let code):
                out += run.document.lines[(code.startLine - 1)..<code.endLine]
                guard let (result, copies) = results[code.startLine] else { continue }
                var shown = code.options["hide-output"] == nil ? result.output : ""
                if let error = result.error {
                    shown += (shown.isEmpty ? "" : "\n") + error.located(in: source)
                }
                if !shown.isEmpty {
                    let fence = fenceFor(shown)
                    out += ["", fence + "text"] + TextLines.split(shown).map(String.init) + [fence]
                }
                for copy in copies {
                    let name = (copy.source as NSString).lastPathComponent
                    out += ["", "![\(escapeAlt(name))](\(image(copy)))"]
                }
            }
        }
        return (out.joined(separator: "\n") + "\n", errors)
    }

    /// `line` with its quotes filled in. A quote of a name no block bound (its block failed or did not run) stays as
    /// written without a new error: the block's own error says why. A bound value without the quoted key or index
    /// stays as written and adds its error.
    static func fill(_ line: String, line number: Int, values: ValueStore, errors: inout [NotebookError]) -> String {
        guard let pieces = try? Template.pieces(of: line, line: number) else { return line }  // checked before the run
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let text): out += text
            case .quote(let quote):
                do { out += try values.text(for: quote) } catch {
                    if values.values[quote.name] != nil { errors.append(NotebookError(line: error.line, message: error.message)) }
                    out += "{{ \(quote.text) }}"
                }
            }
        }
        return out
    }

    /// Copies each block's figures into `folder`/figures as `L<line>-<name>` (the block's fence line, so two blocks
    /// writing the same file name keep both versions); returns the copies per block.
    public static func copyFigures(of run: NotebookRun, into folder: String) throws -> [[CopiedFigure]] {
        let figuresFolder = folder + "/figures"
        var all: [[CopiedFigure]] = []
        for result in run.blocks {
            var copies: [CopiedFigure] = []
            var used = Set<String>()
            for path in result.figures {
                if copies.isEmpty { try FileManager.default.createDirectory(atPath: figuresFolder, withIntermediateDirectories: true) }
                let base = (path as NSString).lastPathComponent
                var name = "L\(result.block.startLine)-\(base)"
                var n = 2
                while !used.insert(name).inserted {
                    name = "L\(result.block.startLine)-\(n)-\(base)"
                    n += 1
                }
                let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
                try AtomicFile.write(Array(bytes), to: figuresFolder + "/" + name)
                copies.append(CopiedFigure(source: path, relativePath: "figures/" + name))
            }
            all.append(copies)
        }
        return all
    }

    /// One self-contained HTML page of `markdown` (the text `markdown(_:figures:source:image:)` gave with data: URIs
    /// for the figures), titled by its first heading.
    public static func html(fromMarkdown markdown: String, title fallback: String) -> String {
        // Ink reads a leading `---` block as metadata; a notebook has none, so a leading blank line keeps an
        // opening horizontal rule as a rule.
        // InkGuard: Ink, kept out of the text it never finishes on.
        let body = InkGuard.html(fromMarkdown: "\n" + markdown)
        let title = markdown.split(separator: "\n").first(where: { $0.hasPrefix("# ") }).map { String($0.dropFirst(2)) } ?? fallback
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escapeHTML(title))</title>
        <style>
        body { font-family: system-ui, sans-serif; max-width: 58em; margin: 2em auto; padding: 0 1em; line-height: 1.5; color: #222; }
        pre { background: #f6f8fa; padding: 0.8em; overflow-x: auto; font-size: 0.85em; line-height: 1.35; }
        pre code.language-text { color: #333; }
        pre code.language-trellis { color: #0550ae; }
        code { font-family: ui-monospace, monospace; }
        img { max-width: 100%; height: auto; border: 1px solid #ddd; margin: 0.5em 0; }
        table { border-collapse: collapse; margin: 1em 0; }
        th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
        th { background: #f0f0f0; }
        h1, h2, h3 { line-height: 1.2; }
        </style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    /// A data: URI of the file at `path` (its media type from the extension).
    public static func dataURI(ofFile path: String) throws -> String {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let type: String
        switch (path as NSString).pathExtension.lowercased() {
        case "svg": type = "image/svg+xml"
        case "pdf": type = "application/pdf"
        case "gif": type = "image/gif"
        case "jpg", "jpeg": type = "image/jpeg"
        case "apng": type = "image/apng"
        default: type = "image/png"
        }
        return "data:\(type);base64," + bytes.base64EncodedString()
    }

    /// A fence of backticks longer than any run of backticks in `text` (at least three), so output that itself
    /// contains a fence cannot close the block early.
    static func fenceFor(_ text: String) -> String {
        var longest = 0, run = 0
        for c in text {
            if c == "`" { run += 1; longest = max(longest, run) } else { run = 0 }
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }

    static func escapeAlt(_ text: String) -> String {
        text.replacingOccurrences(of: "[", with: "(").replacingOccurrences(of: "]", with: ")")
    }

    static func escapeHTML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
