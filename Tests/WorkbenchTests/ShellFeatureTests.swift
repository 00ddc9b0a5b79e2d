// What a user of sqlite3 or IPython expects of the shell, driven through the built executable:
// `.read`, backslash continuation, `.timer`, usage lines named as typed, the alignment chart fitted to
// a width, wide output through $PAGER on a terminal, and the completion scripts and man page.
import Foundation
import Workbench
import XCTest

final class ShellFeatureTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = try TrellisBinary.temporaryDirectory()
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: dir)
    }

    private func write(_ name: String, _ text: String) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    // MARK: - .read

    func testReadRunsAScriptInTheSameSession() throws {
        let setup = try write("setup.trellis", "probs random 20 --seed 3\ntext \"ab\"\n")
        let result = try TrellisBinary.run(["-c", ".read \(setup.path); forward --json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let last = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(last.hasPrefix("{") && last.contains("\"log_likelihood\""), result.stdout)
    }

    func testReadReportsTheFailingLineOfTheScriptAndStops() throws {
        let script = try write("steps.trellis", "version\n# comment\nverzion\nversion --json\n")
        let result = try TrellisBinary.run([], stdin: "version\n.read \(script.path)\nversion\n")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("<stdin>:2: error: \(script.path):3: unknown command 'verzion'"), result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").count, 2, "only the two lines before the failure run: \(result.stdout)")
    }

    func testAScriptThatReadsItselfIsRefused() throws {
        let script = dir.appendingPathComponent("loop.trellis")
        try "version\n.read \(script.path)\n".write(to: script, atomically: true, encoding: .utf8)
        let result = try TrellisBinary.run(["-c", ".read \(script.path)"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("already being read"), result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").count, 1, "the script's first line ran once: \(result.stdout)")
    }

    func testReadOfAMissingFileIsAClearError() throws {
        let result = try TrellisBinary.run(["-c", ".read no-such-script.trellis"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("cannot read the script no-such-script.trellis"), result.stderr)
    }

    // MARK: - continuation

    func testATrailingBackslashContinuesALineInScriptsPipesAndDashC() throws {
        let text = "version \\\n    --json\nverzion\n"
        let script = try write("continued.trellis", text)
        for result in [try TrellisBinary.run(["--script", script.path]), try TrellisBinary.run([], stdin: text)] {
            XCTAssertEqual(result.status, 1)
            XCTAssertTrue(result.stdout.hasPrefix("{\"trellis\""), "the continued line is one command: \(result.stdout)")
            XCTAssertTrue(result.stderr.contains(":3: error: unknown command 'verzion'"), "physical line numbers: \(result.stderr)")
        }
        let dashC = try TrellisBinary.run(["-c", "version \\\n --json"])
        XCTAssertEqual(dashC.status, 0, dashC.stderr)
        XCTAssertTrue(dashC.stdout.hasPrefix("{"), dashC.stdout)
    }

    func testAFailingContinuedCommandIsReportedAtItsFirstLine() throws {
        let result = try TrellisBinary.run([], stdin: "version\nversion \\\n  --bogus\n")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("<stdin>:2: error:"), result.stderr)
    }

    func testABackslashOnTheLastLineIsAnError() throws {
        let result = try TrellisBinary.run([], stdin: "version \\")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("backslash"), result.stderr)
    }

    // MARK: - .timer

    func testTimerPrintsEachCommandsRunTimeOnStandardError() throws {
        let result = try TrellisBinary.run(["-c", ".timer on; version --json; sleep 0; .timer off; version"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2, "one line each for version and sleep, none once it is off: \(result.stderr)")
        let shape = try NSRegularExpression(pattern: #"^Run Time: real \d+\.\d{3} user \d+\.\d{6} sys \d+\.\d{6}$"#)
        for line in lines {
            XCTAssertNotNil(shape.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)), line)
        }
        // Standard output is untouched: the JSON line stays a JSON document.
        let first = result.stdout.split(separator: "\n").first.map { Data($0.utf8) } ?? Data()
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: first))
    }

    func testTimerTakesOnlyOnOrOff() throws {
        let result = try TrellisBinary.run(["-c", ".timer maybe"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("'on'") && result.stderr.contains("'off'"), result.stderr)
    }

    // MARK: - usage lines

    func testHelpInsideTheShellNamesCommandsAsTypedThere() throws {
        let inShell = try TrellisBinary.run(["-c", "help beam"])
        XCTAssertEqual(inShell.status, 0, inShell.stderr)
        XCTAssertTrue(inShell.stdout.contains("USAGE: beam ["), inShell.stdout)
        XCTAssertFalse(inShell.stdout.contains("trellis beam"), inShell.stdout)

        let piped = try TrellisBinary.run([], stdin: "beam --bogus\n")
        XCTAssertTrue(piped.stderr.contains("Usage: beam ["), piped.stderr)
        XCTAssertTrue(piped.stderr.contains("See 'beam --help'"), piped.stderr)
        XCTAssertFalse(piped.stderr.contains("trellis beam"), piped.stderr)

        let overview = try TrellisBinary.run([], stdin: "help\n")
        XCTAssertTrue(overview.stdout.contains("USAGE: <command> [<args>]"), overview.stdout)
        XCTAssertFalse(overview.stdout.contains("trellis -c"), overview.stdout)

        // On the command line the program name is part of what is typed.
        let oneShot = try TrellisBinary.run(["help", "beam"])
        XCTAssertTrue(oneShot.stdout.contains("USAGE: trellis beam ["), oneShot.stdout)
    }

    /// A group typed without a subcommand shows its help (ArgumentParser throws that help from the
    /// group's run(); the runner hands it back to ArgumentParser instead of matching the error's type name).
    func testAGroupWithoutASubcommandShowsItsHelp() throws {
        for (arguments, usage) in [(["probs"], "USAGE: trellis probs <subcommand>"), (["-c", "bench"], "USAGE: bench <subcommand>")] {
            let result = try TrellisBinary.run(arguments)
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(result.stdout.contains(usage), result.stdout)
            XCTAssertEqual(result.stderr, "")
        }
    }

    func testUsageTextRewritesOnlyInsideTheShell() {
        let message = "Error: x\nUsage: trellis probs load <file>\n  See 'trellis probs load --help' for more information."
        XCTAssertEqual(UsageText.asTyped(message, inShell: false), message)
        XCTAssertEqual(UsageText.asTyped(message, inShell: true),
                       "Error: x\nUsage: probs load <file>\n  See 'probs load --help' for more information.")
    }

    // MARK: - wide output

    /// A spike in one frame stays visible when frames share a column, and every row fits the width.
    func testAlignmentChartFitsAWidthKeepingEachColumnsLargestPosterior() {
        let frames = 400
        var posteriors = [Double](repeating: 0, count: frames * 2)
        posteriors[397 * 2 + 1] = 0.9    // state 1, frame 397
        posteriors[10 * 2 + 0] = 0.3     // state 0, frame 10
        let rows = AlignmentChart.rows(posteriors: posteriors, frames: frames, states: ["_", "a"], width: 80)
        XCTAssertEqual(AlignmentChart.framesPerColumn(frames: frames, width: 80), 6)  // ⌈400 / 71⌉
        XCTAssertEqual(rows.count, 2)
        for row in rows { XCTAssertLessThanOrEqual(row.count, 80, row) }
        let cells0 = Array(rows[0].split(separator: "|")[1]), cells1 = Array(rows[1].split(separator: "|")[1])
        XCTAssertEqual(cells0.count, 67)                          // ⌈400 / 6⌉ columns
        XCTAssertEqual(cells0.firstIndex(where: { $0 != " " }), 1) // frame 10 is in column 10 / 6 = 1
        XCTAssertEqual(cells0[1], ":")
        XCTAssertEqual(cells1.firstIndex(where: { $0 != " " }), 66) // frame 397 is in column 66
        XCTAssertEqual(cells1[66], "#")
        // No width: one column per frame.
        let full = AlignmentChart.rows(posteriors: posteriors, frames: frames, states: ["_", "a"], width: nil)
        XCTAssertEqual(full[0].count, frames + AlignmentChart.margin)
    }

    private let longText = "the quick brown fox jumps over the lazy dog and then some more words follow here"

    func testAlignFitsColumnsOrShowsEveryFrameIntoAPipe() throws {
        let setup = "probs random 400 --seed 1; text '\(longText)'"
        let fitted = try TrellisBinary.run(["-c", setup + "; align --columns 80"])
        XCTAssertEqual(fitted.status, 0, fitted.stderr)
        let chart = fitted.stdout.split(separator: "\n").filter { $0.hasSuffix("|") }
        XCTAssertEqual(chart.count, 2 * 80 + 1, fitted.stdout)  // 80 labels → 161 states
        for line in chart { XCTAssertLessThanOrEqual(line.count, 80, String(line)) }
        XCTAssertTrue(fitted.stdout.contains("one column = 6 frames"), fitted.stdout)

        // Not a terminal and no --columns: every frame, written as it is (no pager).
        let piped = try TrellisBinary.run(["-c", setup + "; align"], environment: ["PAGER": "sed s/^/paged:/"])
        XCTAssertEqual(piped.status, 0, piped.stderr)
        let rows = piped.stdout.split(separator: "\n").filter { $0.hasSuffix("|") }
        XCTAssertEqual(rows.first?.count, 400 + AlignmentChart.margin)
        XCTAssertFalse(piped.stdout.contains("paged:"), piped.stdout)

        let tooNarrow = try TrellisBinary.run(["-c", setup + "; align --columns 5"])
        XCTAssertEqual(tooNarrow.status, 1)
        XCTAssertTrue(tooNarrow.stderr.contains("--columns"), tooNarrow.stderr)
    }

    /// Runs `trellis -c COMMAND` on a terminal (util-linux `script` gives it one) with `environment`;
    /// returns the status and everything it printed, lines split on "\r\n".
    private func onATerminal(_ command: String, environment: [String: String]) throws -> (status: Int32, lines: [String], text: String) {
        let script = URL(fileURLWithPath: "/usr/bin/script")
        guard FileManager.default.isExecutableFile(atPath: script.path) else { throw XCTSkip("util-linux 'script' is not installed") }
        let process = Process()
        process.executableURL = script
        process.arguments = ["-qec", "exec '\(try TrellisBinary.url().path)' -c \"\(command)\"", "/dev/null"]
        var env = ProcessInfo.processInfo.environment
        env["TRELLIS_HISTORY"] = dir.appendingPathComponent("history").path
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = dir.appendingPathComponent("terminal-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let text = try String(contentsOf: out, encoding: .utf8)
        // A terminal ends lines with "\r\n", one Character in Swift: split on any line break.
        return (process.terminationStatus, text.split(whereSeparator: \.isNewline).map(String.init), text)
    }

    /// On a terminal, lines wider than it go through $PAGER; shorter output does not.
    func testWideOutputGoesThroughThePagerOnATerminal() throws {
        let command = "probs random 400 --seed 1; text '\(longText)'; align --columns 0; version"
        let run = try onATerminal(command, environment: ["PAGER": "sed s/^/paged:/", "COLUMNS": "100"])
        XCTAssertEqual(run.status, 0, run.text)
        let paged = run.lines.filter { $0.hasPrefix("paged:") }
        XCTAssertEqual(paged.count, 161, run.text)                    // every chart row, through the pager
        XCTAssertTrue(paged.allSatisfy { $0.hasSuffix("|") && $0.count == "paged:".count + 400 + AlignmentChart.margin }, run.text)
        XCTAssertFalse(run.text.contains("paged:trellis 0"), "short lines are not paged: \(run.text)")
        XCTAssertFalse(run.text.contains("paged:soft alignment"), run.text)

        // Without --columns the chart is fitted to the terminal instead, and needs no pager.
        let fitted = try onATerminal("probs random 400 --seed 1; text '\(longText)'; align",
                                     environment: ["PAGER": "sed s/^/paged:/", "COLUMNS": "100"])
        let rows = fitted.lines.filter { $0.hasSuffix("|") }
        XCTAssertEqual(rows.count, 161, fitted.text)
        XCTAssertTrue(rows.allSatisfy { $0.count <= 100 }, fitted.text)
        XCTAssertFalse(fitted.text.contains("paged:"), fitted.text)
    }

    /// A $PAGER that names no program (or a missing less) does not swallow the output.
    func testAPagerThatCannotRunLeavesTheOutputPrinted() throws {
        let command = "probs random 400 --seed 1; text '\(longText)'; align --columns 0"
        let run = try onATerminal(command, environment: ["PAGER": "no-such-pager-for-trellis", "COLUMNS": "100"])
        XCTAssertEqual(run.status, 0, run.text)
        let rows = run.lines.filter { $0.hasSuffix("|") && $0.count == 400 + AlignmentChart.margin }
        XCTAssertEqual(rows.count, 161, run.text)
    }

    // MARK: - completion scripts and man page

    func testCompletionScriptsOfferTheDeclaredValues() throws {
        let zsh = try TrellisBinary.run(["--generate-completion-script", "zsh"])
        XCTAssertEqual(zsh.status, 0, zsh.stderr)
        XCTAssertTrue(zsh.stdout.hasPrefix("#compdef trellis"), zsh.stdout)

        let bashScript = try TrellisBinary.run(["--generate-completion-script", "bash"])
        XCTAssertEqual(bashScript.status, 0, bashScript.stderr)
        guard FileManager.default.isExecutableFile(atPath: "/bin/bash") else { throw XCTSkip("no bash") }
        let file = try write("trellis.bash", bashScript.stdout)
        // Bash calls the completion function with the command, the word and the word before it.
        let driver = try write("drive.sh", """
            source '\(file.path)'
            COMP_LINE='trellis train --model '; COMP_POINT=${#COMP_LINE}
            COMP_WORDS=(trellis train --model ''); COMP_CWORD=3; COMPREPLY=()
            _trellis trellis '' --model; echo "model: ${COMPREPLY[*]}"
            COMP_LINE='trellis probs load m.txt --layout '; COMP_POINT=${#COMP_LINE}
            COMP_WORDS=(trellis probs load m.txt --layout ''); COMP_CWORD=5; COMPREPLY=()
            _trellis trellis '' --layout; echo "layout: ${COMPREPLY[*]}"
            """)
        let bash = Process()
        bash.executableURL = URL(fileURLWithPath: "/bin/bash")
        bash.arguments = [driver.path]
        let pipe = Pipe()
        bash.standardOutput = pipe
        try bash.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        bash.waitUntilExit()
        XCTAssertTrue(output.contains("model: dnn lstm bilstm gru bigru"), output)
        XCTAssertTrue(output.contains("layout: tk kt"), output)
    }

    /// docs/trellis.1 is generated (`make man`); a command added since would be missing from it.
    func testTheManPageDescribesEveryRegisteredCommand() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let page = try String(contentsOf: root.appendingPathComponent("docs/trellis.1"), encoding: .utf8)
        XCTAssertTrue(page.contains(".Dt TRELLIS 1"), "not a generated man page")
        for command in CommandRegistry.all {
            let name = command.configuration.commandName ?? command._commandName
            XCTAssertTrue(page.contains(".It Em \(name)") || page.contains(".It Em \"\(name),"),
                          "docs/trellis.1 does not describe '\(name)': run `make man`")
        }
    }
}
