// The on-disk index that lets a large corpus open fast: per audio file, its modification time and size and the
// header facts (frames, sample rate) that otherwise need one libsndfile open per file. Opening a corpus still
// walks the tree and reads every transcript (cheap), but re-reads an audio header only when the file's mtime or
// size changed. Stored as tab-separated text: `.trellis-index.tsv` in the corpus root when writable, else under
// $XDG_CACHE_HOME (or ~/.cache)/trellis/.
// The index is input like any other file (it may be edited, damaged or copied from elsewhere): an entry is used only
// when its facts are plausible (`Entry.isPlausible`); otherwise the file's header is read again.
import Base
import Foundation

public struct AudioHeaderCache: Sendable {
    public struct Entry: Sendable, Equatable {
        public var mtime: Int64
        public var size: Int64
        public var frames: Int
        public var sampleRate: Int

        /// Rates libsndfile can hold and durations a corpus file can have (a day at most): enough to catch a damaged
        /// or hostile entry (9e18 frames made `corpus stats` report 156 billion hours and batching overflow).
        public static let sampleRates = 1...1_000_000
        public static let maxSeconds = 24 * 3600

        public var isPlausible: Bool {
            Self.sampleRates.contains(sampleRate) && frames >= 0 && frames <= sampleRate * Self.maxSeconds
                && mtime >= 0 && size >= 0
        }
    }

    static let magic = "trellis-audio-index\t1"
    public private(set) var entries: [String: Entry] = [:]
    /// Files whose cached entry was reused / (re)read in this session.
    public private(set) var hits = 0
    public private(set) var misses = 0
    var dirty = false

    public init() {}

    /// Loads the cache from `path`; a missing or foreign file yields an empty cache.
    public static func load(_ path: String) -> AudioHeaderCache {
        var cache = AudioHeaderCache()
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return cache }
        var lines = TextLines.split(text).filter { !$0.isEmpty }[...]
        guard lines.first.map(String.init) == magic else { return cache }
        lines = lines.dropFirst()
        for line in lines {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == 5, let m = Int64(f[1]), let s = Int64(f[2]), let n = Int(f[3]), let r = Int(f[4]) else { continue }
            cache.entries[String(f[0])] = Entry(mtime: m, size: s, frames: n, sampleRate: r)
        }
        return cache
    }

    /// Header facts for `path`: from the cache if its mtime and size match, else read with libsndfile.
    public mutating func info(_ path: String, relativeKey key: String) throws -> Entry {
        guard let stamp = FS.stamp(path) else {
            throw CorpusError.unreadable(path: path, reason: "cannot stat the file")
        }
        if let e = entries[key], e.mtime == stamp.mtime, e.size == stamp.size, e.isPlausible {
            hits += 1
            return e
        }
        misses += 1
        let info = try AudioFileProbe.info(path)
        let e = Entry(mtime: stamp.mtime, size: stamp.size, frames: info.frames, sampleRate: info.sampleRate)
        entries[key] = e
        dirty = true
        return e
    }

    /// Drops entries for files not seen in this walk, so the cache tracks deletions.
    mutating func retain(only keys: Set<String>) {
        let before = entries.count
        entries = entries.filter { keys.contains($0.key) }
        if entries.count != before { dirty = true }
    }

    public func save(_ path: String) throws {
        var out = AudioHeaderCache.magic + "\n"
        for (k, e) in entries.sorted(by: { $0.key < $1.key }) {
            out += "\(k)\t\(e.mtime)\t\(e.size)\t\(e.frames)\t\(e.sampleRate)\n"
        }
        do { try AtomicFile.write(out, to: path) } catch {
            throw CorpusError.unreadable(path: path, reason: "cannot write the index: \(error.reason)")
        }
    }

    /// Where the index of the corpus at `root` lives: inside it if writable, else in the user's cache directory.
    public static func location(forRoot root: String) -> String {
        if access(root, W_OK) == 0 { return root + "/.trellis-index.tsv" }
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CACHE_HOME"] ?? ((env["HOME"] ?? "/tmp") + "/.cache")
        let dir = base + "/trellis"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let safe = root.map { $0.isLetter || $0.isNumber ? $0 : "_" }
        return dir + "/index-" + String(safe.suffix(120)) + ".tsv"
    }
}

import Audio

/// libsndfile header probe (kept behind one name so the index has a single dependency on Audio).
enum AudioFileProbe {
    static func info(_ path: String) throws -> AudioFileInfo { try AudioFile.info(path) }
}
