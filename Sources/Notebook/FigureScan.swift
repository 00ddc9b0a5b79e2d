// FigureScan: which figure files a block wrote, found from the block's own words rather than from a list each
// command would have to keep. Every figure-writing command names its output on its command line (`--out x.png`,
// `--out DIR`, `--figure f.svg`), and every write goes through AtomicFile (a new file renamed into place, so a new
// inode each time). So: before the block, the figure files in the folders its words name are stamped (inode,
// size, modification time); after it, a figure file in those folders that is new or whose stamp changed is one the
// block wrote. Comparing stamps, not times against a clock, avoids the kernel's coarse file timestamps (a file
// written right after a block starts can carry an earlier time than the clock read at the start).
import Foundation

public enum FigureScan {
    /// The extensions taken as figures: what Figures writes (png, svg, pdf) and the animations (gif, apng).
    public static let extensions: Set<String> = ["png", "svg", "pdf", "gif", "apng", "jpg", "jpeg"]

    /// A file's identity and version.
    public struct Stamp: Equatable, Sendable {
        let inode: UInt64
        let size: Int64
        let modified: Double
    }

    /// The folders `words` point at: a word (or the value of `--option=value`) that names an existing folder is
    /// that folder; a word that ends in a figure extension stands for its parent folder ("." without one).
    public static func folders(namedBy words: [String]) -> [String] {
        var result: [String] = []
        for word in words {
            var candidates = [word]
            if word.hasPrefix("-"), let eq = word.firstIndex(of: "=") { candidates = [String(word[word.index(after: eq)...])] }
            for path in candidates where !path.isEmpty {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                    result.append(normalised(path))
                } else if isFigure(path) {
                    let parent = (path as NSString).deletingLastPathComponent
                    result.append(normalised(parent.isEmpty ? "." : parent))
                }
            }
        }
        var seen = Set<String>()
        return result.filter { seen.insert($0).inserted }
    }

    /// True when `path` ends in one of `extensions` (any case).
    public static func isFigure(_ path: String) -> Bool {
        extensions.contains((path as NSString).pathExtension.lowercased())
    }

    /// The stamps of the figure files directly inside `folders` (not recursive; a missing folder has none).
    public static func stamps(in folders: [String]) -> [String: Stamp] {
        var result: [String: Stamp] = [:]
        for folder in folders {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names where isFigure(name) {
                let path = folder == "." ? name : folder + "/" + name
                var st = stat()
                guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
                let modified = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) * 1e-9
                result[path] = Stamp(inode: UInt64(st.st_ino), size: Int64(st.st_size), modified: modified)
            }
        }
        return result
    }

    /// The figure files in `after` that `before` lacks or that changed, oldest first (the order they were written),
    /// ties by path.
    public static func written(before: [String: Stamp], after: [String: Stamp]) -> [String] {
        after.filter { before[$0.key] != $0.value }
            .sorted { ($0.value.modified, $0.key) < ($1.value.modified, $1.key) }
            .map(\.key)
    }

    private static func normalised(_ path: String) -> String {
        var p = path
        while p.count > 1, p.hasSuffix("/") { p.removeLast() }
        if p.hasPrefix("./"), p.count > 2 { p.removeFirst(2) }
        return p
    }
}
