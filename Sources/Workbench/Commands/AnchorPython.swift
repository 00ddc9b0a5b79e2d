// Running the PyTorch anchor for `bench all --anchor-python PATH`: finding the repository's committed
// tools/anchors/bench_torch.py, checking that the given Python imports torch before anything long is timed, and running
// the script with that Python. Its progress lines (standard error) pass through to the user; its JSON reply
// (standard output) is read by `AnchorFigures.parse`. The project never depends on that Python: it is only run.
import Foundation

enum AnchorPython {
    /// The committed script, relative to a repository's root.
    static let scriptPath = "tools/anchors/bench_torch.py"

    /// Where bench_torch.py is: `explicit` when given, else under the current folder or one of its parents, else
    /// above the executable (a build in the repository sits at .build/<config>/trellis).
    static func locateScript(explicit: String?, currentDirectory: String = FileManager.default.currentDirectoryPath,
                             executable: String = CommandLine.arguments.first ?? "") throws -> String {
        let fm = FileManager.default
        if let explicit {
            guard fm.isReadableFile(atPath: explicit) else { throw AnchorError.noScript([explicit]) }
            return explicit
        }
        let executableFolder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for start in [URL(fileURLWithPath: currentDirectory), executableFolder] {
            var folder = start.standardizedFileURL
            while true {
                let candidate = folder.appendingPathComponent(scriptPath).path
                if fm.isReadableFile(atPath: candidate) { return candidate }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        throw AnchorError.noScript([currentDirectory + " and its parents", executableFolder.path + " and its parents"])
    }

    /// The torch version `python` imports, or a typed error: no such program, or no torch (its own last line of error).
    static func checkTorch(python: String) throws -> String {
        let r = try run(python, ["-c", "import torch, torchaudio, numpy; print(torch.__version__)"], passErrors: false)
        guard r.status == 0 else {
            throw AnchorError.noTorch(python: python, detail: lastLine(r.errors) ?? "exit status \(r.status)")
        }
        return String(decoding: r.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `python script --threads T --reps R --only a,b,...` and reads its reply.
    static func bench(python: String, script: String, threads: Int, reps: Int, only: [String]) throws -> AnchorFigures {
        let r = try run(python, [script, "--threads", "\(threads)", "--reps", "\(reps)", "--only", only.joined(separator: ",")],
                        passErrors: true)
        guard r.status == 0 else { throw AnchorError.scriptFailed(status: r.status, detail: lastLine(r.errors) ?? "") }
        return try AnchorFigures.parse(r.output)
    }

    struct Finished {
        var status: Int32
        var output: Data
        /// Standard error when it was captured (empty when it went to the user).
        var errors: String
    }

    /// Runs `program arguments…`, capturing standard output; standard error goes to the user when `passErrors`
    /// (bench_torch.py's progress), else it is captured (the torch check's error is turned into a sentence).
    static func run(_ program: String, _ arguments: [String], passErrors: Bool) throws -> Finished {
        guard FileManager.default.isExecutableFile(atPath: program) else { throw AnchorError.noPython(program) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        // Standard output through a pipe, read to its end before waiting; captured errors through a file, so that
        // neither stream can fill and block the child while the other is read.
        let output = Pipe()
        let errorsPath = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-anchor-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: errorsPath) }
        process.standardOutput = output
        if passErrors {
            process.standardError = FileHandle.standardError
        } else {
            guard FileManager.default.createFile(atPath: errorsPath, contents: nil),
                  let handle = FileHandle(forWritingAtPath: errorsPath) else { throw AnchorError.noPython(program) }
            process.standardError = handle
        }
        do { try process.run() } catch { throw AnchorError.noPython(program) }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errors = passErrors ? "" : ((try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? "")
        return Finished(status: process.terminationStatus, output: data, errors: errors)
    }

    /// The last non-empty line of a program's error output (Python's exception line).
    static func lastLine(_ text: String) -> String? {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.last { !$0.isEmpty }
    }
}
