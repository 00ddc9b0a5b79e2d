// The `--json` contract (docs/json.md): with --json a command's standard output is exactly one JSON document (one per
// file for the streams, `transcribe`), written from an Encodable reply type by Base's encoder (declaration order,
// snake_case keys, null for what is absent); everything meant for a person goes to standard error; a failure is
// `{"error": "..."}` with a non-zero status (CommandRunner writes it). Replies that several commands share are here.
import Base
import Figures

/// Prints `reply` as the command's line of JSON on standard output.
func printJSON<T: Encodable>(_ reply: T) throws {
    let text: String
    do { text = try JSON.encode(reply) } catch { throw WorkbenchError("cannot write the JSON reply: \(error)") }
    Console.out(text)
}

/// Where a command's lines for a person go: standard output, or standard error under --json so that the reply is
/// the only thing on standard output.
func narration(json: Bool) -> @Sendable (String) -> Void {
    if json { return { text in Console.error(text) } }
    return { text in Console.out(text) }
}

/// Every failure under --json.
struct ErrorReply: Encodable {
    var error: String
}

/// `plot ... --json`: the figure written.
struct FigureReply: Encodable {
    var saved: String
    /// png, svg or pdf.
    var format: String
    /// The size written (it may have grown so that every row label fits): pixels for PNG, points otherwise.
    var width: Int
    var height: Int
}

/// Writes `figure` to `path` and reports it: `wrote PATH`, or a `FigureReply` under --json.
func writeFigure(_ figure: Figure, to path: String, json: Bool) throws {
    do { try figure.write(to: path) } catch { throw WorkbenchError("\(error)") }
    if json {
        let format = (try? FigureFormat(path: path).rawValue) ?? ""
        try printJSON(FigureReply(saved: path, format: format, width: figure.width, height: figure.height))
    } else {
        Console.out("wrote \(path)")
    }
}
