// Builders for small LibriSpeech-layout trees in a temporary directory.
import Audio
import Foundation

enum TestTree {
    static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-corpus-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A tone of `seconds` at 16 kHz (frequency varies with `seed` so files differ).
    static func tone(seconds: Double, seed: Int) -> Waveform {
        let n = Int(seconds * 16000)
        let f = 200.0 + 37.0 * Double(seed)
        return Waveform(samples: (0..<n).map { Float(0.3 * sin(2 * Double.pi * f * Double($0) / 16000)) }, sampleRate: 16000)
    }

    static func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func writeAudio(_ wave: Waveform, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try AudioFile.write(wave, to: path)
    }

    /// Zeroes every byte of a FLAC file after its metadata blocks: the header (what the corpus index reads) stays
    /// valid, the audio frames cannot be decoded.
    static func corruptBody(of path: String) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var i = 4                                    // "fLaC"
        while i + 4 <= bytes.count {
            let last = bytes[i] & 0x80 != 0
            i += 4 + (Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]))
            if last { break }
        }
        for j in i..<bytes.count { bytes[j] = 0 }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
