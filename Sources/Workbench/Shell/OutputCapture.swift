// OutputCapture: what a command prints, taken aside at the file-descriptor level (print, Console.out, FileHandle
// writes and C's stdio all end at descriptors 1 and 2), into unlinked temporary files rather than pipes, so a
// command that prints megabytes cannot block on a full pipe. Three uses:
//   - `capture`: a notebook block's command, standard output and standard error each kept for the report;
//   - `capturing`: a lesson question's `check:` command, whose `--json` reply is read;
//   - `toStandardError`: a command run under `lesson run --auto --json`, whose output must not mix with the reply.
// While captured, standard output is not a terminal, so nothing pages or draws a progress bar meanwhile.
import Foundation

enum OutputCapture {
    /// Runs `body` with standard output and standard error going to temporary files; returns its result and the
    /// two texts. If the temporary files cannot be made, `body` runs uncaptured and both texts are empty.
    static func capture<T>(_ body: () -> T) -> (result: T, stdout: String, stderr: String) {
        guard let out = TemporaryFile(), let err = TemporaryFile() else { return (body(), "", "") }
        var result: T?
        do {
            try redirecting(STDOUT_FILENO, to: out.descriptor) {
                try redirecting(STDERR_FILENO, to: err.descriptor) { result = body() }
            }
        } catch {
            return (body(), "", "")   // a descriptor could not be duplicated: nothing was run
        }
        return (result!, out.contents(), err.contents())
    }

    /// Runs `body` with standard output going to a temporary file; returns what it wrote.
    static func capturing(_ body: () throws -> Void) throws -> String {
        guard let file = TemporaryFile() else {
            throw WorkbenchError("cannot create a temporary file to read a command's reply: \(String(cString: strerror(errno)))")
        }
        try redirecting(STDOUT_FILENO, to: file.descriptor, body)
        return file.contents()
    }

    /// Runs `body` with standard output going to standard error.
    static func toStandardError(_ body: () throws -> Void) throws {
        try redirecting(STDOUT_FILENO, to: STDERR_FILENO, body)
    }

    /// Points descriptor `target` at `fd` while `body` runs, then back (flushing C's buffers on both sides).
    private static func redirecting(_ target: Int32, to fd: Int32, _ body: () throws -> Void) throws {
        fflush(nil)
        let saved = dup(target)
        guard saved >= 0 else { throw WorkbenchError("cannot redirect descriptor \(target): \(String(cString: strerror(errno)))") }
        dup2(fd, target)
        defer {
            fflush(nil)
            dup2(saved, target)
            close(saved)
        }
        try body()
    }
}

/// An unlinked temporary file: it vanishes when closed, whatever happens to the process.
private final class TemporaryFile {
    let descriptor: Int32

    init?() {
        var template = Array((NSTemporaryDirectory() + "/trellis-capture-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        descriptor = fd
    }

    deinit { close(descriptor) }

    func contents() -> String {
        lseek(descriptor, 0, SEEK_SET)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
