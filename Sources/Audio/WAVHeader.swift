// The one fact libsndfile hides about a cut WAV: how many frames its header promised. libsndfile shortens a WAV
// whose data chunk runs past the end of the file to the frames that are there (and only notes it in its log), so
// a copy cut in half would load as half a recording. This reads the RIFF chunks itself and returns the data
// chunk's size in frames for uncompressed PCM or float WAVs; nil for anything else (other formats, compressed
// WAVs whose block size is not a frame, and streams that write 0 or 0xFFFFFFFF for "size unknown").
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

enum WAVHeader {
    /// Frames the data chunk's size announces, or nil when the file is not a plain RIFF/WAVE PCM file.
    static func promisedFrames(_ path: String) -> Int? {
        guard let fd = fopen(path, "rb") else { return nil }
        defer { fclose(fd) }
        // 12 bytes tell a WAV from anything else, so a FLAC corpus pays one tiny read per file, not 64 KB.
        var head = [UInt8](repeating: 0, count: 12)
        guard head.withUnsafeMutableBytes({ fread($0.baseAddress, 1, 12, fd) }) == 12,
              head[0..<4].elementsEqual("RIFF".utf8), head[8..<12].elementsEqual("WAVE".utf8) else { return nil }
        var rest = [UInt8](repeating: 0, count: 1 << 16)
        let n = rest.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, fd) }
        return promisedFrames(header: head + rest.prefix(n))
    }

    /// The same from the file's first bytes (the chunks before `data` must lie within them).
    static func promisedFrames(header b: [UInt8]) -> Int? {
        func u32(_ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 | Int(b[i + 2]) << 16 | Int(b[i + 3]) << 24 }
        func u16(_ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
        func tag(_ i: Int) -> String { String(decoding: b[i..<(i + 4)], as: UTF8.self) }
        guard b.count >= 12, tag(0) == "RIFF", tag(8) == "WAVE" else { return nil }
        var blockAlign = 0
        var i = 12
        while i + 8 <= b.count {
            let id = tag(i), size = u32(i + 4)
            if id == "fmt " {
                guard i + 8 + 16 <= b.count else { return nil }
                let format = u16(i + 8)
                // 1 = integer PCM, 3 = IEEE float, 0xFFFE = extensible (PCM or float in practice); others are
                // compressed, where a block is not one frame.
                guard format == 1 || format == 3 || format == 0xFFFE else { return nil }
                blockAlign = u16(i + 8 + 12)
            } else if id == "data" {
                guard blockAlign > 0, size != 0, size != 0xFFFF_FFFF else { return nil }
                return size / blockAlign
            }
            i += 8 + size + (size & 1)      // chunks are padded to an even length
        }
        return nil
    }
}
