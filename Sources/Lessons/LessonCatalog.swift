// The lessons folder: every `NN-name.md` file in it, numbered by its prefix (`01-forward.md` is lesson 1).
// Reading a file's Markdown is left to the caller (the notebooks' parser); this only finds and numbers the files.
import Foundation

public struct LessonFile: Sendable, Equatable {
    public var number: Int
    /// The path as found (`lessons/01-forward.md`).
    public var path: String
}

public enum LessonCatalog {
    /// The lesson files of `folder`, by number. Two files with one number, or a folder that does not exist, is an
    /// error; files without a numeric prefix (a README) are not lessons and are skipped.
    public static func files(in folder: String) throws -> [LessonFile] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            throw LessonError("no lessons folder '\(folder)': run trellis from the repository's top folder, or pass --dir DIR")
        }
        var files: [LessonFile] = []
        for name in names where name.hasSuffix(".md") {
            let digits = name.prefix(while: \.isNumber)
            guard !digits.isEmpty, let number = Int(digits) else { continue }
            if let other = files.first(where: { $0.number == number }) {
                throw LessonError("two lessons are numbered \(number) in \(folder): \((other.path as NSString).lastPathComponent) and \(name)")
            }
            files.append(LessonFile(number: number, path: (folder as NSString).appendingPathComponent(name)))
        }
        return files.sorted { $0.number < $1.number }
    }

    /// Lesson `number` of `folder`.
    public static func file(_ number: Int, in folder: String) throws -> LessonFile {
        let all = try files(in: folder)
        guard let file = all.first(where: { $0.number == number }) else {
            let known = all.map { String($0.number) }.joined(separator: ", ")
            throw LessonError("there is no lesson \(number) in \(folder)" + (known.isEmpty ? "" : " (there are \(known)); 'lesson list' shows them"))
        }
        return file
    }
}
