// The non-interactive front ends, driven through the built executable: one command, -c,
// --script, piped stdin, unknown commands and help.
import Foundation
import Workbench
import XCTest

final class FrontEndTests: XCTestCase {
    func testOneCommand() throws {
        let result = try TrellisBinary.run(["version"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("trellis \(TrellisRoot.version)"), result.stdout)
        XCTAssertEqual(result.stderr, "")
    }

    func testDashCRunsSeveralCommandsInOrder() throws {
        let result = try TrellisBinary.run(["-c", "version --json; version"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, result.stdout)
        XCTAssertTrue(lines.first?.hasPrefix("{") ?? false, result.stdout)
        XCTAssertTrue(lines.last?.hasPrefix("trellis ") ?? false, result.stdout)
    }

    func testDashCStopsAtTheFirstFailure() throws {
        let result = try TrellisBinary.run(["-c", "version; nonsense; version --json"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertEqual(result.stdout.split(separator: "\n").count, 1, result.stdout)
        XCTAssertTrue(result.stderr.contains("unknown command 'nonsense'"), result.stderr)
    }

    func testScriptReportsTheFailingLineAndStops() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("steps.trellis")
        try """
            # a comment line
            version

            version --json   # trailing comment
            version --no-such-flag
            version
            """.write(to: script, atomically: true, encoding: .utf8)
        let result = try TrellisBinary.run(["--script", script.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("\(script.path):5: error:"), result.stderr)
        XCTAssertTrue(result.stderr.contains("--no-such-flag"), result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").count, 2, "line 6 must not run: \(result.stdout)")
    }

    func testMissingScriptIsAClearError() throws {
        let result = try TrellisBinary.run(["--script", "/nonexistent/steps.trellis"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("/nonexistent/steps.trellis"), result.stderr)
    }

    func testPipedStdinRunsLikeAScript() throws {
        let ok = try TrellisBinary.run([], stdin: "version\n\n# comment\nversion --json\n")
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertEqual(ok.stdout.split(separator: "\n").count, 2, ok.stdout)

        let failing = try TrellisBinary.run([], stdin: "version\nverzion\nversion\n")
        XCTAssertEqual(failing.status, 1)
        XCTAssertTrue(failing.stderr.hasPrefix("<stdin>:2: error: unknown command 'verzion'"), failing.stderr)
        XCTAssertTrue(failing.stderr.contains("Did you mean 'version'?"), failing.stderr)
        XCTAssertEqual(failing.stdout.split(separator: "\n").count, 1, failing.stdout)
    }

    /// SIGINT (Ctrl-C) stops the running command with status 130 and a plain "interrupted";
    /// a command that polls the flag is never killed, however often Ctrl-C comes.
    func testCtrlCStopsAPollingCommandWithoutKillingIt() throws {
        let process = Process()
        process.executableURL = try TrellisBinary.url()
        process.arguments = ["-c", "version; sleep 60; version --json"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // The first line shows the handler is installed (it is, before any command runs).
        var first = Data()
        while !first.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            first.append(chunk)
        }
        XCTAssertTrue(String(decoding: first, as: UTF8.self).hasPrefix("trellis "))
        for _ in 0..<5 {
            kill(process.processIdentifier, SIGINT)
            Thread.sleep(forTimeInterval: 0.1)
        }
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let rest = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationReason, .exit)
        XCTAssertEqual(process.terminationStatus, Shell.interruptedStatus, stderr)
        XCTAssertTrue(stderr.contains("interrupted"), stderr)
        XCTAssertFalse(stderr.contains("quitting"), stderr)
        XCTAssertFalse(rest.contains("{"), "the commands after the interrupted one must not run: \(rest)")
    }

    func testQuitStopsTheRemainingCommands() throws {
        let result = try TrellisBinary.run([], stdin: "version\nquit\nnonsense\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "")
        let dotted = try TrellisBinary.run(["-c", ".quit; nonsense"])
        XCTAssertEqual(dotted.status, 0, dotted.stderr)
    }

    func testUnknownCommandSuggestsTheClosestName() throws {
        let result = try TrellisBinary.run(["verison"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("unknown command 'verison'"), result.stderr)
        XCTAssertTrue(result.stderr.contains("Did you mean 'version'?"), result.stderr)
        XCTAssertEqual(result.stdout, "")
    }

    func testFarOffCommandGetsNoSuggestion() throws {
        let result = try TrellisBinary.run(["zzzzzzzzzzzz"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertFalse(result.stderr.contains("Did you mean"), result.stderr)
    }

    func testBadOptionPrintsArgumentParserMessage() throws {
        let result = try TrellisBinary.run(["version", "--jsn"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("Unknown option '--jsn'"), result.stderr)
        XCTAssertTrue(result.stderr.contains("Usage: trellis version"), result.stderr)
    }

    func testUnterminatedQuoteIsReported() throws {
        let result = try TrellisBinary.run(["-c", "help \"demo"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("never closed"), result.stderr)
    }

    func testHelpListsEveryRegisteredCommand() throws {
        for arguments in [["help"], ["--help"]] {
            let result = try TrellisBinary.run(arguments)
            XCTAssertEqual(result.status, 0, result.stderr)
            for command in CommandRegistry.all {
                let name = command.configuration.commandName ?? command._commandName
                XCTAssertTrue(result.stdout.contains("  \(name)"), "\(arguments) does not list \(name)")
            }
        }
    }

    func testHelpForEachCommandShowsItsUsage() throws {
        for command in CommandRegistry.all {
            let name = command.configuration.commandName ?? command._commandName
            let viaHelp = try TrellisBinary.run(["help", name])
            XCTAssertEqual(viaHelp.status, 0, viaHelp.stderr)
            XCTAssertTrue(viaHelp.stdout.contains("USAGE: trellis \(name)"), viaHelp.stdout)
            let viaFlag = try TrellisBinary.run([name, "--help"])
            XCTAssertEqual(viaFlag.status, 0, viaFlag.stderr)
            XCTAssertEqual(viaFlag.stdout, viaHelp.stdout)
        }
    }

    func testHelpForUnknownCommandFails() throws {
        let result = try TrellisBinary.run(["help", "dmo"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("Did you mean 'demo'?"), result.stderr)
    }
}
