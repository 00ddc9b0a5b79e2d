// The interactive shell through a real pseudo-terminal: util-linux `script` gives trellis a
// controlling terminal, so readline runs and Ctrl-C (byte 0x03) becomes SIGINT. The test talks
// to it like `expect`: send keys, wait for text (generous time-outs only guard against hangs).
import Foundation
import XCTest

/// Output collected from the child, read on a background thread.
private final class OutputBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func append(_ chunk: Data) { lock.lock(); data.append(chunk); lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }
}

private final class TerminalSession {
    let process = Process()
    let input = Pipe()
    let output = Pipe()
    let buffer = OutputBuffer()

    init(binary: URL, historyFile: URL) throws {
        let script = URL(fileURLWithPath: "/usr/bin/script")
        guard FileManager.default.isExecutableFile(atPath: script.path) else {
            throw XCTSkip("util-linux 'script' is not installed")
        }
        process.executableURL = script
        // `script -c` runs the command through $SHELL. Without `exec` that shell stays in the terminal's
        // foreground group and gets every Ctrl-C too: dash (Debian's /bin/sh, used when $SHELL is unset,
        // as in CI) then dies of SIGINT once trellis exits, and `script -e` reports 130.
        process.arguments = ["-qec", "exec '\(binary.path)'", "/dev/null"]
        var env = ProcessInfo.processInfo.environment
        env["TRELLIS_HISTORY"] = historyFile.path
        env["TERM"] = "xterm"
        process.environment = env
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        let buffer = self.buffer
        output.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if !chunk.isEmpty { buffer.append(chunk) }
        }
        try process.run()
    }

    func send(_ keys: String) {
        input.fileHandleForWriting.write(Data(keys.utf8))
    }

    /// Waits until `predicate` holds for the whole output so far.
    @discardableResult
    func wait(for what: String, timeout: TimeInterval = 30, _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let text = buffer.text
            if predicate(text) { return text }
            Thread.sleep(forTimeInterval: 0.02)
        }
        XCTFail("timed out waiting for \(what); output so far:\n\(buffer.text)")
        throw XCTSkip("REPL did not respond")
    }

    func waitForPrompts(_ count: Int) throws {
        try wait(for: "\(count) prompts") { $0.components(separatedBy: "trellis> ").count - 1 >= count }
    }

    func finish() -> Int32 {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        output.fileHandleForReading.readabilityHandler = nil
        return process.terminationStatus
    }
}

final class REPLTests: XCTestCase {
    func testPromptErrorsCtrlCCtrlDAndHistory() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let history = dir.appendingPathComponent("history")
        let session = try TerminalSession(binary: try TrellisBinary.url(), historyFile: history)
        try session.waitForPrompts(1)

        // A wrong command prints an error with a suggestion and the prompt comes back.
        session.send("verzion\n")
        try session.wait(for: "the suggestion") { $0.contains("Did you mean 'version'?") }
        try session.waitForPrompts(2)

        // Ctrl-C at the prompt throws the typed text away.
        session.send("junk")
        try session.wait(for: "the echo of junk") { $0.contains("trellis> junk") }
        session.send("\u{03}")
        try session.waitForPrompts(3)
        session.send("version\n")
        try session.wait(for: "the version") { $0.contains("trellis 0.1") }
        XCTAssertFalse(session.buffer.text.contains("junkversion"))
        try session.waitForPrompts(4)

        // Ctrl-C while a command runs stops that command only.
        session.send("sleep 60\n")
        try session.wait(for: "the echo of sleep") { $0.contains("sleep 60\r\n") }
        // Ctrl-C until the command reports it: one that lands before the command starts is
        // cleared with the line, and a command that polls the flag is never killed by repeats.
        for _ in 0..<10 where !session.buffer.text.contains("interrupted") {
            session.send("\u{03}")
            let deadline = Date().addingTimeInterval(1)
            while !session.buffer.text.contains("interrupted") && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        XCTAssertTrue(session.buffer.text.contains("interrupted"), session.buffer.text)
        try session.waitForPrompts(5)

        // Ctrl-D leaves with status 0.
        session.send("\u{04}")
        XCTAssertEqual(session.finish(), 0, session.buffer.text)

        // History persisted, without the line thrown away by Ctrl-C.
        let saved = try String(contentsOf: history, encoding: .utf8)
        XCTAssertTrue(saved.contains("verzion\nversion\nsleep 60\n"), saved)
        XCTAssertFalse(saved.contains("junk"), saved)

        // A new session recalls the last line with the Up arrow.
        let second = try TerminalSession(binary: try TrellisBinary.url(), historyFile: history)
        try second.waitForPrompts(1)
        second.send("\u{1b}[A")
        try second.wait(for: "the recalled line") { $0.contains("trellis> sleep 60") }
        second.send("\u{15}quit\n")  // Ctrl-U clears the recalled line
        XCTAssertEqual(second.finish(), 0, second.buffer.text)
    }

    /// A line ending in a backslash continues at "   ...> "; history keeps the command as one line;
    /// Ctrl-C there throws the unfinished command away; Tab offers the values an option declares.
    func testContinuationLinesCtrlCAndOptionValueCompletion() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let history = dir.appendingPathComponent("history")
        let session = try TerminalSession(binary: try TrellisBinary.url(), historyFile: history)
        try session.waitForPrompts(1)

        session.send("version \\\n")
        try session.wait(for: "the continuation prompt") { $0.contains("   ...> ") }
        session.send("--json\n")
        try session.wait(for: "the JSON version") { $0.contains("{\"trellis\"") }
        try session.waitForPrompts(2)

        // Ctrl-C at the continuation prompt: the first prompt returns and the pending line is gone.
        session.send("verzion \\\n")
        try session.wait(for: "a second continuation prompt") { $0.components(separatedBy: "   ...> ").count - 1 >= 2 }
        session.send("\u{03}")
        try session.waitForPrompts(3)
        session.send("version\n")
        try session.wait(for: "the plain version") { $0.contains("trellis 0.1") }
        XCTAssertFalse(session.buffer.text.contains("Did you mean"), "the abandoned 'verzion' must not run: \(session.buffer.text)")
        try session.waitForPrompts(4)

        // Tab after --model completes from the declared cases: "bil" becomes "bilstm" ("bi" is also bigru's).
        session.send("train --model bil\t")
        try session.wait(for: "the completed value") { $0.contains("train --model bilstm") }
        session.send("\u{15}")  // Ctrl-U: clear the line
        session.send("\u{04}")
        XCTAssertEqual(session.finish(), 0, session.buffer.text)

        let saved = try String(contentsOf: history, encoding: .utf8)
        XCTAssertTrue(saved.contains("version --json\nversion\n"), saved)
        XCTAssertFalse(saved.contains("verzion"), saved)
    }
}
