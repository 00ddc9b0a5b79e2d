// The LibriSpeech layout as torchaudio's LIBRISPEECH sees it: ROOT/SUBSET/SPEAKER/CHAPTER/ holding
// SPEAKER-CHAPTER-UTT.flac files and SPEAKER-CHAPTER.trans.txt with one "SPEAKER-CHAPTER-UTT TRANSCRIPT" line each.
// `SpeechCorpus.open` accepts ROOT (subsets below it), ROOT/LibriSpeech (torchaudio's download folder), or a single
// SUBSET directory. Everything that cannot be trained on is listed in `skipped` with its reason and location:
// transcripts are read line by line (LF or CRLF), a line that is not UTF-8 is skipped on its own, and an utterance id
// given twice (two transcript lines, or a .flac and a .wav) is used once.
import Base
import Foundation

public struct CorpusSubset: Sendable {
    public var name: String
    public var directory: String
    public var utterances: [Utterance]
    public var skipped: [SkippedItem]

    public var speakers: Set<String> { Set(utterances.map(\.speaker)) }
    public var hours: Double { utterances.reduce(0) { $0 + $1.duration } / 3600 }
}

public struct SpeechCorpus: Sendable {
    public var root: String
    public var subsets: [CorpusSubset]
    /// Audio headers reused from the index / read from the files while opening.
    public var indexHits: Int
    public var indexMisses: Int
    public var indexPath: String?

    public var utterances: [Utterance] { subsets.flatMap(\.utterances) }
    public var skipped: [SkippedItem] { subsets.flatMap(\.skipped) }

    /// Utterance ids found in more than one subset (a test utterance that is also trained on), with those subsets,
    /// in id order. Within a subset an id is used once (`SkipReason.duplicateID`); across subsets this is reported.
    public var idsInSeveralSubsets: [(id: String, subsets: [String])] {
        var subsetsOf: [String: [String]] = [:]
        for s in subsets { for u in s.utterances { subsetsOf[u.id, default: []].append(s.name) } }
        return subsetsOf.filter { $0.value.count > 1 }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    public func subset(_ name: String) throws -> CorpusSubset {
        guard let s = subsets.first(where: { $0.name == name }) else {
            throw CorpusError.unknownSubset(name: name, available: subsets.map(\.name))
        }
        return s
    }

    /// Opens a LibriSpeech-layout tree, reusing (and refreshing) the on-disk index unless `useIndex` is false.
    /// `progress(done, total)` counts chapter folders read (a progress bar's numbers).
    public static func open(_ path: String, useIndex: Bool = true, progress: (Int, Int) -> Void = { _, _ in }) throws -> SpeechCorpus {
        var root = (path as NSString).standardizingPath
        if !root.hasPrefix("/") { root = FileManager.default.currentDirectoryPath + "/" + root }
        guard FS.isDirectory(root) else { throw CorpusError.notADirectory(path) }
        if FS.isDirectory(root + "/LibriSpeech") { root += "/LibriSpeech" }

        let subsetDirs: [(String, String)]
        if looksLikeSubset(root) {
            subsetDirs = [((root as NSString).lastPathComponent, root)]
        } else {
            let children = (FS.list(root) ?? []).filter { $0.isDirectory && looksLikeSubset(root + "/" + $0.name) }
            guard !children.isEmpty else { throw CorpusError.noLibriSpeechLayout(path) }
            subsetDirs = children.map { ($0.name, root + "/" + $0.name) }
        }

        let indexPath = useIndex ? AudioHeaderCache.location(forRoot: root) : nil
        var cache = indexPath.map(AudioHeaderCache.load) ?? AudioHeaderCache()
        var seen = Set<String>()
        var subsets: [CorpusSubset] = []
        let chapters = subsetDirs.reduce(0) { n, s in
            n + (FS.list(s.1) ?? []).filter(\.isDirectory).reduce(0) { $0 + (FS.list(s.1 + "/" + $1.name) ?? []).filter(\.isDirectory).count }
        }
        var chaptersRead = 0
        for (name, dir) in subsetDirs {
            subsets.append(readSubset(name: name, directory: dir, root: root, cache: &cache, seen: &seen, onChapter: {
                chaptersRead += 1
                progress(chaptersRead, chapters)
            }))
        }
        cache.retain(only: seen)
        if let indexPath, cache.dirty { try? cache.save(indexPath) }
        return SpeechCorpus(root: root, subsets: subsets, indexHits: cache.hits, indexMisses: cache.misses, indexPath: indexPath)
    }

    /// A subset directory has SPEAKER/CHAPTER/*.trans.txt (or at least SPEAKER/CHAPTER/*.flac) below it.
    static func looksLikeSubset(_ dir: String) -> Bool {
        for spk in (FS.list(dir) ?? []) where spk.isDirectory {
            for ch in (FS.list(dir + "/" + spk.name) ?? []) where ch.isDirectory {
                let files = FS.list(dir + "/" + spk.name + "/" + ch.name) ?? []
                if files.contains(where: { $0.name.hasSuffix(".trans.txt") || $0.name.hasSuffix(".flac") }) { return true }
            }
        }
        return false
    }

    static let audioExtensions = [".flac", ".wav"]

    static func readSubset(name: String, directory: String, root: String,
                           cache: inout AudioHeaderCache, seen: inout Set<String>, onChapter: () -> Void = {}) -> CorpusSubset {
        var utts: [Utterance] = [], skipped: [SkippedItem] = []
        for spk in (FS.list(directory) ?? []) where spk.isDirectory {
            for ch in (FS.list(directory + "/" + spk.name) ?? []) where ch.isDirectory {
                let chDir = directory + "/" + spk.name + "/" + ch.name
                readChapter(subset: name, speaker: spk.name, chapter: ch.name, dir: chDir, root: root,
                            cache: &cache, seen: &seen, utts: &utts, skipped: &skipped)
                onChapter()
            }
        }
        return CorpusSubset(name: name, directory: directory, utterances: utts, skipped: skipped)
    }

    static func readChapter(subset: String, speaker: String, chapter: String, dir: String, root: String,
                            cache: inout AudioHeaderCache, seen: inout Set<String>,
                            utts: inout [Utterance], skipped: inout [SkippedItem]) {
        let files = FS.list(dir) ?? []
        var audio: [String: String] = [:]          // utterance id → file name
        for f in files where !f.isDirectory {
            guard let ext = audioExtensions.first(where: { f.name.hasSuffix($0) }) else { continue }
            let id = String(f.name.dropLast(ext.count))
            if let kept = audio[id] {
                // Two recordings of one id (1-0-0.flac and 1-0-0.wav) would train it twice: keep the first by name.
                skipped.append(SkippedItem(reason: .duplicateID, location: dir + "/" + f.name,
                                           detail: "\(id): \(kept) already holds this utterance"))
                continue
            }
            audio[id] = f.name
        }
        let transName = "\(speaker)-\(chapter).trans.txt"
        let transPath = dir + "/" + transName
        var lines: [(id: String, text: String, line: Int)] = []
        let content: [TranscriptText.Line]
        switch TranscriptText.read(transPath) {
        case .lines(let l):
            content = l
        case let outcome:
            let why = if case .unreadable(let reason) = outcome { "\(transName) cannot be read: \(reason)" }
                      else { "no \(transName) in the chapter folder" }
            for (id, file) in audio.sorted(by: { $0.key < $1.key }) {
                skipped.append(SkippedItem(reason: .audioWithoutTranscript, location: dir + "/" + file, detail: "\(id): \(why)"))
            }
            return
        }
        var firstLine: [String: Int] = [:]
        var notUTF8 = Set<String>()                 // ids of lines skipped as not UTF-8: their audio is not "without transcript"
        for (i, entry) in content.enumerated() {
            if case .notUTF8(let repaired) = entry {
                let id = String(repaired.split(separator: " ", maxSplits: 1).first ?? "")
                let named = id.hasPrefix("\(speaker)-\(chapter)-") && audio[id] != nil
                if named { notUTF8.insert(id) }
                skipped.append(SkippedItem(reason: .notUTF8, location: "\(transPath):\(i + 1)",
                                           detail: (named ? "\(id): " : "") + "the line is not UTF-8 text (saved in another encoding, e.g. Latin-1?)"))
                continue
            }
            guard case .text(let raw) = entry else { continue }
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            let parts = line.split(separator: " ", maxSplits: 1)
            let id = String(parts[0])
            guard id.hasPrefix("\(speaker)-\(chapter)-") else {
                skipped.append(SkippedItem(reason: .malformedTranscriptLine, location: "\(transPath):\(i + 1)",
                                           detail: "id '\(id)' does not start with \(speaker)-\(chapter)-"))
                continue
            }
            if let first = firstLine[id] {
                skipped.append(SkippedItem(reason: .duplicateID, location: "\(transPath):\(i + 1)",
                                           detail: "\(id): already on line \(first); only that line is used"))
                continue
            }
            firstLine[id] = i + 1
            lines.append((id, parts.count > 1 ? String(parts[1]) : "", i + 1))
        }
        var transcribed = Set<String>()
        for (id, text, lineNo) in lines {
            transcribed.insert(id)
            guard let file = audio[id] else {
                skipped.append(SkippedItem(reason: .transcriptWithoutAudio, location: "\(transPath):\(lineNo)",
                                           detail: "\(id): no \(id).flac beside the transcript"))
                continue
            }
            let path = dir + "/" + file
            let key = String(path.dropFirst(root.count + 1))
            seen.insert(key)
            if text.trimmingCharacters(in: .whitespaces).isEmpty {
                skipped.append(SkippedItem(reason: .emptyTranscript, location: "\(transPath):\(lineNo)", detail: id))
                continue
            }
            let checked: String
            switch TranscriptCheck.check(text) {
            case .success(let t): checked = t
            case .failure(let bad):
                skipped.append(SkippedItem(reason: .outsideAlphabet, location: "\(transPath):\(lineNo)",
                                           detail: "\(id): \(bad.shown)"))
                continue
            }
            let info: AudioHeaderCache.Entry
            do { info = try cache.info(path, relativeKey: key) } catch {
                skipped.append(SkippedItem(reason: .unreadableAudio, location: path, detail: "\(error)"))
                continue
            }
            guard info.frames > 0 else {
                skipped.append(SkippedItem(reason: .emptyAudio, location: path, detail: id))
                continue
            }
            utts.append(Utterance(id: id, subset: subset, speaker: speaker, chapter: chapter, audioPath: path,
                                  transcript: text, text: checked, frames: info.frames, sampleRate: info.sampleRate))
        }
        for (id, file) in audio.sorted(by: { $0.key < $1.key }) where !transcribed.contains(id) && !notUTF8.contains(id) {
            skipped.append(SkippedItem(reason: .audioWithoutTranscript, location: dir + "/" + file,
                                       detail: "\(id): no line for it in \(transName)"))
        }
    }
}

/// A transcript file as lines, each decoded on its own so one bad byte costs one line, not the chapter.
enum TranscriptText {
    /// A line as text, or not UTF-8 (with U+FFFD where its bad bytes were, to find its id).
    enum Line: Equatable { case text(String), notUTF8(String) }
    enum Outcome: Equatable { case missing, unreadable(String), lines([Line]) }

    static func read(_ path: String) -> Outcome {
        guard let data = FileManager.default.contents(atPath: path) else {
            if !FS.exists(path) { return .missing }
            return .unreadable(FS.isDirectory(path) ? "it is a directory" : "permission denied")
        }
        if let text = String(data: data, encoding: .utf8) { return .lines(TextLines.split(text).map { .text(String($0)) }) }
        // Decoding with repair marks each invalid byte with U+FFFD; the file was not valid UTF-8, so every line
        // holding one is reported (a real U+FFFD in such a file is no loss: it is outside the alphabet anyway).
        let repaired = String(decoding: data, as: UTF8.self)
        return .lines(TextLines.split(repaired).map { $0.contains("\u{FFFD}") ? .notUTF8(String($0)) : .text(String($0)) })
    }
}
