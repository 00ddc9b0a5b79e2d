// Reads a text file line by line as raw bytes, through zlib so `.gz` and plain files are read alike.
// No String is made per line: the 3.8 M lines of a real trigram model go straight to the parser.
import CZlib
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

struct LineReader: ~Copyable {
    private let file: gzFile
    private var buffer: UnsafeMutableBufferPointer<UInt8>
    private var start = 0       // first unconsumed byte
    private var end = 0         // one past the last valid byte
    private var eof = false
    private(set) var lineNumber = 0
    /// An upper bound on the bytes of text the file holds: its size, times deflate's largest ratio (1032:1) when
    /// it is compressed. Readers size their tables by it instead of trusting counts a header announces.
    let bodyBytesBound: Int

    init?(path: String, chunk: Int = 1 << 20) {
        guard let f = gzopen(path, "rb") else { return nil }
        gzbuffer(f, 1 << 18)
        file = f
        buffer = .allocate(capacity: chunk)
        var st = stat()
        let size = stat(path, &st) == 0 ? Int(st.st_size) : Int(Int32.max)
        // gzdirect tells plain from compressed once zlib has looked at the first bytes.
        bodyBytesBound = gzdirect(f) != 0 ? size : (size > Int.max / 1032 ? Int.max : size * 1032)
    }

    deinit {
        gzclose(file)
        buffer.deallocate()
    }

    /// Calls `body` with the next line (without `\n` or `\r\n`) and its 1-based number; false at the end.
    /// Throws when zlib reports a read error (a truncated or corrupt `.gz`).
    mutating func next(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws -> Bool {
        while true {
            if let nl = findNewline() {
                lineNumber += 1
                var stop = nl
                if stop > start && buffer[stop - 1] == 13 { stop -= 1 }
                let line = UnsafeBufferPointer(rebasing: buffer[start..<stop])
                start = nl + 1
                try body(line, lineNumber)
                return true
            }
            if eof {
                guard start < end else { return false }
                lineNumber += 1
                var stop = end
                if buffer[stop - 1] == 13 { stop -= 1 }
                let line = UnsafeBufferPointer(rebasing: buffer[start..<stop])
                start = end
                try body(line, lineNumber)
                return true
            }
            try refill()
        }
    }

    private func findNewline() -> Int? {
        guard start < end else { return nil }
        let base = buffer.baseAddress! + start
        guard let hit = memchr(base, 10, end - start) else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(buffer.baseAddress!)
    }

    private mutating func refill() throws {
        // Move the partial line to the front; grow when a single line fills the buffer.
        let pending = end - start
        if start > 0 && pending > 0 {
            UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(
                from: buffer.baseAddress! + start, byteCount: pending)
        }
        start = 0
        end = pending
        if end == buffer.count {
            let bigger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: buffer.count * 2)
            _ = bigger.initialize(from: buffer)
            buffer.deallocate()
            buffer = bigger
        }
        let n = gzread(file, buffer.baseAddress! + end, UInt32(buffer.count - end))
        if n < 0 {
            var code: Int32 = 0
            let message = gzerror(file, &code).map { String(cString: $0) } ?? "read error"
            throw LineReaderError(message: "read error: \(message) (a corrupt .gz?)")
        }
        if n == 0 {
            // zlib reports a gzip stream cut short as an end of file with Z_BUF_ERROR, not as a failed read.
            var code: Int32 = 0
            _ = gzerror(file, &code)
            if code == Z_BUF_ERROR {
                throw LineReaderError(message: "truncated gzip file: the compressed data ends before the end of its stream "
                                      + "(an interrupted download or copy?)")
            }
            eof = true
        }
        end += Int(n)
    }
}

struct LineReaderError: Error { let message: String }
