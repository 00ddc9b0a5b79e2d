// FuzzReplay: what the replay tests of every module share (each module's FuzzReplayTests.swift runs the inputs of
// its fuzz target, fixtures/fuzz/TARGET/{seeds,regressions}, through the calls the target makes; see
// docs/reliability.md, "Fuzzing"). A library target beside the test targets, so the helpers are written once.
import Foundation

public enum FuzzInputs {
    /// The repository's root folder.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The files of one fuzz target's seed and regression folders, sorted by name.
    public static func files(_ target: String) throws -> [URL] {
        var out: [URL] = []
        for folder in ["seeds", "regressions"] {
            let dir = root.appendingPathComponent("fixtures/fuzz/\(target)/\(folder)")
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { continue }
            out += names.sorted().filter { !$0.hasPrefix(".") }.map { dir.appendingPathComponent($0) }
        }
        return out
    }

    /// The input under the file name the fuzz target gives it (readers may look at the name), in a fresh folder.
    public static func copy(_ input: URL, as name: String) throws -> String {
        let path = (try folder() as NSString).appendingPathComponent(name)
        try FileManager.default.copyItem(atPath: input.path, toPath: path)
        return path
    }

    /// A fresh temporary folder.
    public static func folder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-fuzz-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    /// The parts of a multi-file input, cut at "\n~~~~\n" lines as the fuzz targets' `Fuzz.split` does.
    public static func split(_ bytes: [UInt8], parts count: Int) -> [[UInt8]] {
        let separator = Array("\n~~~~\n".utf8)
        var parts: [[UInt8]] = []
        var rest = bytes[...]
        search: while parts.count < count - 1 {
            var i = rest.startIndex
            while i + separator.count <= rest.endIndex {
                if rest[i..<(i + separator.count)].elementsEqual(separator) {
                    parts.append(Array(rest[..<i]))
                    rest = rest[(i + separator.count)...]
                    continue search
                }
                i += 1
            }
            break
        }
        parts.append(Array(rest))
        while parts.count < count { parts.append([]) }
        return parts
    }
}
