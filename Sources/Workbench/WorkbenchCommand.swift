// Workbench: the one place commands are defined. Each command is a swift-argument-parser
// declaration that also conforms to `WorkbenchCommand`, so `trellis CMD ...`, `trellis -c`,
// `--script`, piped stdin and the REPL all parse, document and complete it from that one type.
import ArgumentParser

/// A command that runs against the shared session state (the REPL keeps one `Session`
/// alive between commands; one-shot invocations start from an empty one).
public protocol WorkbenchCommand: ParsableCommand {
    mutating func run(session: inout Session) throws
}

extension WorkbenchCommand {
    // One-shot use through plain ArgumentParser entry points still works.
    public mutating func run() throws {
        var session = Session()
        try run(session: &session)
    }
}

/// A failure a student should read, not a stack trace.
public struct WorkbenchError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}
