// OutputCapture: what a command prints, kept instead of shown — a notebook puts each command's output beneath its
// block. Commands print through `Console` (Swift's `print` into C's stdout buffer, and FileHandle writes to fd 2),
// and some library code writes straight to the descriptors, so the capture is at the descriptor level: fd 1 and 2
// point at two temporary files while the body runs, then back. Files rather than pipes, so a command that prints
// megabytes cannot block on a full pipe. Standard output is then not a terminal, so nothing pages or draws a
// progress bar meanwhile.
import Foundation

enum OutputCapture {
    /// Runs `body` with standard output and standard error going to temporary files; returns its result and the
    /// two texts. If the temporary files cannot be made, `body` runs uncaptured and both texts are empty.
    static func capture<T>(_ body: () -> T) -> (result: T, stdout: String, stderr: String) {
        fflush(nil)
        guard let out = TemporaryFile(), let err = TemporaryFile() else { return (body(), "", "") }
        let savedOut = dup(STDOUT_FILENO), savedErr = dup(STDERR_FILENO)
        guard savedOut >= 0, savedErr >= 0 else {
            if savedOut >= 0 { close(savedOut) }
            if savedErr >= 0 { close(savedErr) }
            return (body(), "", "")
        }
        dup2(out.descriptor, STDOUT_FILENO)
        dup2(err.descriptor, STDERR_FILENO)
        let result = body()
        fflush(nil)
        dup2(savedOut, STDOUT_FILENO)
        dup2(savedErr, STDERR_FILENO)
        close(savedOut)
        close(savedErr)
        return (result, out.contents(), err.contents())
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
