// FuzzSupport: what every fuzz target shares — handing control to libFuzzer, a scratch folder for readers
// that take a path, and splitting one input into the several files a reader needs.
// Files: Fuzz.swift (this file). Each target under fuzz/Sources/fuzz-* is one @main calling `Fuzz.run`.
import CFuzzDriver
import Foundation

public enum Fuzz {
    /// The body of the current target. libFuzzer calls back through a C function pointer, which cannot
    /// capture context, so the closure has to live in a static; it is set once before the driver starts.
    nonisolated(unsafe) private static var body: (([UInt8]) -> Void)?

    /// Runs libFuzzer with this process's arguments (`-runs=N`, corpus folders, …), calling `body` once per
    /// input. A thrown error is a normal outcome for bad input; only a trap, a sanitizer report, a timeout or
    /// running out of memory counts as a finding.
    public static func run(_ body: @escaping ([UInt8]) -> Void) -> Never {
        Fuzz.body = body
        let status = trellis_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv) { data, size in
            let bytes = size == 0 ? [] : [UInt8](UnsafeBufferPointer(start: data, count: size))
            Fuzz.body?(bytes)
            return 0
        }
        exit(status)
    }

    /// A folder private to this process ($TMPDIR, else /tmp), for readers that only take paths.
    public static let scratch: String = {
        let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        let dir = base + "/trellis-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: Fuzz.scratch) }
        return dir
    }()

    /// Writes `bytes` to `name` inside the scratch folder (or to `path` if it is absolute) and returns the path.
    /// Plain open/write/close: FileManager's atomic temp-file-and-rename would cost more than most readers.
    @discardableResult
    public static func write(_ bytes: some Collection<UInt8>, to name: String) -> String {
        let path = name.hasPrefix("/") ? name : scratch + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0, "the fuzz harness cannot write \(path)")
        let data = Array(bytes)
        let written = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        precondition(written == data.count, "the fuzz harness cannot write \(path)")
        return path
    }

    /// The line that separates the parts of a multi-file input (seeds keep it readable in an editor).
    public static let separator = Array("\n~~~~\n".utf8)

    /// `bytes` cut at the first `count - 1` separators; missing parts are empty.
    public static func split(_ bytes: [UInt8], parts count: Int) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        var rest = bytes[...]
        while parts.count < count - 1, let cut = firstIndex(of: separator, in: rest) {
            parts.append(rest[..<cut])
            rest = rest[(cut + separator.count)...]
        }
        parts.append(rest)
        while parts.count < count { parts.append([]) }
        return parts
    }

    private static func firstIndex(of needle: [UInt8], in hay: ArraySlice<UInt8>) -> Int? {
        guard hay.count >= needle.count else { return nil }
        var i = hay.startIndex
        while i + needle.count <= hay.endIndex {
            if hay[i] == needle[0] && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
