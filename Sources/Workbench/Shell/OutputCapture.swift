// Standard output taken aside while a command runs, at the file-descriptor level (print, Console.out and C's stdio
// all write to descriptor 1): captured into a temporary file to read a command's `--json` reply (a lesson question's
// `check:`), or sent to standard error so that a command running under `--json` keeps its reply alone on stdout
// (`lesson run --auto --json` plays the lesson's commands meanwhile).
import Foundation

enum OutputCapture {
    /// Runs `body` with standard output going to a temporary file; returns what it wrote.
    static func capturing(_ body: () throws -> Void) throws -> String {
        let path = NSTemporaryDirectory() + "trellis-capture-\(getpid())-\(UUID().uuidString)"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw WorkbenchError("cannot create a temporary file to read a command's reply: \(String(cString: strerror(errno)))") }
        defer { close(fd); unlink(path) }
        try redirecting(to: fd, body)
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// Runs `body` with standard output going to standard error.
    static func toStandardError(_ body: () throws -> Void) throws {
        try redirecting(to: STDERR_FILENO, body)
    }

    private static func redirecting(to fd: Int32, _ body: () throws -> Void) throws {
        fflush(nil)
        let saved = dup(STDOUT_FILENO)
        guard saved >= 0 else { throw WorkbenchError("cannot redirect standard output: \(String(cString: strerror(errno)))") }
        dup2(fd, STDOUT_FILENO)
        defer {
            fflush(nil)
            dup2(saved, STDOUT_FILENO)
            close(saved)
        }
        try body()
    }
}
