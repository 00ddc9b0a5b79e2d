// Shared test helper: runs the built `trellis` executable (a dependency of this test target, so
// it sits next to the test bundle in .build/<config>/) with arguments and optional stdin, and
// returns what it printed and its exit status. Other Workbench tests use it to drive commands:
//
//     let result = try TrellisBinary.run(["demo", "--out", dir.path])
//     XCTAssertEqual(result.status, 0, result.stderr)
import Foundation
import XCTest

struct TrellisResult {
    var stdout: String
    var stderr: String
    var status: Int32
}

enum TrellisBinary {
    /// The built executable: next to the test bundle (.build/<config>/trellis).
    static func url() throws -> URL {
        var candidates: [URL] = []
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(executable.deletingLastPathComponent())
        candidates.append(Bundle.main.bundleURL)
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for bundle in Bundle.allBundles { candidates.append(bundle.bundleURL.deletingLastPathComponent()) }
        for directory in candidates {
            let url = directory.appendingPathComponent("trellis")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return url
            }
        }
        throw XCTSkip("the trellis executable was not found next to the tests (looked in \(candidates.map(\.path)))")
    }

    /// A fresh temporary folder for one test; remove it with FileManager when done.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `trellis arguments...` with `stdin` piped in (empty when nil) and waits for it.
    /// History goes to a temporary file, never to the user's ~/.trellis_history.
    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                    currentDirectory: URL? = nil) throws -> TrellisResult {
        let scratch = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        let inURL = scratch.appendingPathComponent("stdin")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: inURL.path, contents: Data((stdin ?? "").utf8))

        let process = Process()
        process.executableURL = try url()
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["TRELLIS_HISTORY"] = scratch.appendingPathComponent("history").path
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        // Files, not pipes: no deadlock however much a command prints.
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let input = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        process.waitUntilExit()
        try out.close(); try err.close(); try input.close()
        return TrellisResult(
            stdout: try String(contentsOf: outURL, encoding: .utf8),
            stderr: try String(contentsOf: errURL, encoding: .utf8),
            status: process.terminationStatus
        )
    }
}
