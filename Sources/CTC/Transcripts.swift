// Transcript files by format, and the pairing of a reference file with a hypothesis file that `wer` scores.
//
// Formats (one utterance per line; LF or CRLF line ends):
//   trn    NIST sclite's `text (utterance-id)`; blank lines are skipped, as sclite skips them.
//   trans  LibriSpeech's `*.trans.txt`, `UTTERANCE-ID TEXT`; blank lines are skipped.
//   text   plain text, no ids; every line is an utterance, a blank line an empty one.
// Detection, unless a format is given: trn when the first non-blank line ends in `(id)`; trans when the file
// name ends in `.trans.txt` or every non-blank line starts with a LibriSpeech id (`1089-134686-0000`); text
// otherwise. A file with no non-blank line takes the other file's format.
//
// Pairing follows sclite (`sclite -r REF trn -h HYP trn -i rm`, checked by tools/golden_sclite.py):
//   - files with ids pair by id, in any order; the report keeps the reference file's order;
//   - a reference id with no hypothesis is left out of the scores (not counted as deletions) and listed as
//     unpaired;
//   - a hypothesis id with no reference is an error (sclite stops: "Not enough Reference files loaded");
//   - an id twice in one file is an error (sclite: "double reference text for id");
//   - plain-text files pair by line and must have as many lines;
//   - a file with ids and one without cannot be paired.
// sclite's markup is not interpreted, so it is refused rather than scored differently: `(word)` (optionally
// deletable), `{a / b}` (alternatives) and the null word `@`. Where sclite silently drops a trn line without an
// id, Trellis stops and names the line.
import Base
import Foundation

public enum TranscriptFormat: String, CaseIterable, Sendable, Codable {
    case trn, trans, text

    /// trn and trans carry utterance ids; plain text pairs by line.
    public var hasIDs: Bool { self != .text }

    /// The format of `contents` read from a file called `name`; nil when it has no non-blank line.
    public static func detect(name: String, contents: String) -> TranscriptFormat? {
        let content = TranscriptFile.lines(contents).filter { !isBlank($0) }
        guard let first = content.first else { return nil }
        if (try? TranscriptFile.splitTrn(first)) != nil { return .trn }
        if name.hasSuffix(".trans.txt") || content.allSatisfy({ isLibriSpeechID(firstToken($0)) }) { return .trans }
        return .text
    }

    static func isBlank(_ line: Substring) -> Bool { line.allSatisfy(\.isWhitespace) }

    static func firstToken(_ line: Substring) -> Substring {
        line.drop(while: \.isWhitespace).prefix(while: { !$0.isWhitespace })
    }

    /// `SPEAKER-CHAPTER-UTTERANCE`, three runs of ASCII digits.
    static func isLibriSpeechID(_ s: Substring) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}

/// Why a transcript file cannot be read or a pair of them cannot be scored.
public enum TranscriptError: Error, Equatable, CustomStringConvertible, Sendable {
    case unreadable(file: String)
    case badLine(file: String, line: Int, reason: String)
    case duplicateID(file: String, id: String, firstLine: Int, line: Int)
    case hypothesesWithoutReference(file: String, ids: [String])
    case idsOnOneSide(withIDs: String, format: TranscriptFormat, withoutIDs: String)
    case lineCountMismatch(reference: String, referenceLines: Int, hypothesis: String, hypothesisLines: Int)

    public var description: String {
        switch self {
        case .unreadable(let f):
            return "cannot read \(f): no such file or not readable"
        case .badLine(let f, let n, let why):
            return "\(f):\(n): \(why)"
        case .duplicateID(let f, let id, let first, let n):
            return "\(f):\(n): utterance id '\(id)' already appears on line \(first); each id may appear once in a file (sclite refuses it too)"
        case .hypothesesWithoutReference(let f, let ids):
            let shown = ids.prefix(5).joined(separator: ", ") + (ids.count > 5 ? ", ... (\(ids.count) in all)" : "")
            return "\(f) has hypotheses for ids the reference file does not have: \(shown). sclite stops on this too "
                + "(\"Not enough Reference files loaded\"); remove those lines or score against a reference that has them"
        case .idsOnOneSide(let with, let format, let without):
            return "\(with) has utterance ids (\(format.rawValue) format) but \(without) is plain text without ids, "
                + "so their utterances cannot be paired: give both files ids (trn or trans) or both none (--format text)"
        case .lineCountMismatch(let r, let rn, let h, let hn):
            return "\(r) has \(rn) lines but \(h) has \(hn): plain-text files pair by line, one utterance per line in both"
        }
    }
}

/// One utterance of a transcript file.
public struct Transcript: Sendable, Equatable {
    /// nil in plain text.
    public var id: String?
    public var text: String
    /// 1-based line in its file.
    public var line: Int
    public init(id: String?, text: String, line: Int) { self.id = id; self.text = text; self.line = line }
}

/// A transcript file read in one format.
public struct TranscriptFile: Sendable, Equatable {
    public var name: String
    public var format: TranscriptFormat
    public var utterances: [Transcript]

    /// Parses `contents` as `format` (detected when nil); `name` is used in messages.
    public init(name: String, contents: String, format: TranscriptFormat? = nil) throws(TranscriptError) {
        self.name = name
        self.format = format ?? TranscriptFormat.detect(name: name, contents: contents) ?? .text
        utterances = []
        var seen: [String: Int] = [:]
        for (i, line) in Self.lines(contents).enumerated() {
            let n = i + 1
            let u: Transcript
            switch self.format {
            case .text:
                u = Transcript(id: nil, text: String(line), line: n)
            case .trn, .trans:
                if TranscriptFormat.isBlank(line) { continue }
                let id: String, text: String
                do throws(LineProblem) {
                    (id, text) = try self.format == .trn ? Self.splitTrn(line) : Self.splitTrans(line)
                } catch { throw .badLine(file: name, line: n, reason: error.reason) }
                if let first = seen[id] { throw .duplicateID(file: name, id: id, firstLine: first, line: n) }
                seen[id] = n
                u = Transcript(id: id, text: text, line: n)
            }
            if let why = Self.markup(in: u.text) { throw .badLine(file: name, line: n, reason: why) }
            utterances.append(u)
        }
    }

    static func contents(of path: String) throws(TranscriptError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(file: path) }
        return String(decoding: data, as: UTF8.self)
    }

    /// The lines of `contents` (LF, CRLF or CR); the last line's end is optional.
    static func lines(_ contents: String) -> [Substring] { TextLines.split(contents) }

    /// A reason a line cannot be read; becomes `TranscriptError.badLine`.
    struct LineProblem: Error { var reason: String }

    /// `text (id)` → (id, text).
    static func splitTrn(_ line: Substring) throws(LineProblem) -> (String, String) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasSuffix(")"), let open = trimmed.lastIndex(of: "(") else {
            throw LineProblem(reason: "a trn line ends with its utterance id in parentheses, as in 'hello world (spk1-utt1)'; "
                + "this one does not (use --format text or trans if the file is not trn)")
        }
        let id = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        guard !id.isEmpty, !id.contains(where: { $0.isWhitespace }) else {
            throw LineProblem(reason: "the utterance id '(\(id))' must be one word without spaces")
        }
        return (id, trimmed[..<open].trimmingCharacters(in: .whitespaces))
    }

    /// `ID TEXT` → (id, text); the text may be empty.
    static func splitTrans(_ line: Substring) throws(LineProblem) -> (String, String) {
        let id = TranscriptFormat.firstToken(line)
        guard !id.contains(where: { $0 == "(" || $0 == ")" }) else {
            throw LineProblem(reason: "the utterance id '\(id)' contains parentheses, which a trn file cannot carry")
        }
        return (String(id), line[id.endIndex...].trimmingCharacters(in: .whitespaces))
    }

    /// Why `text` holds sclite markup that Trellis does not score, or nil.
    static func markup(in text: String) -> String? {
        if text.contains(where: { "(){}".contains($0) }) {
            return "parentheses and braces are sclite markup (an optionally deletable word, alternatives) that Trellis "
                + "does not score; remove them from the transcript"
        }
        if ErrorRate.words(text).contains("@") {
            return "'@' is sclite's null word, which Trellis does not score; remove it from the transcript"
        }
        return nil
    }
}

/// A reference file and a hypothesis file, paired utterance by utterance as sclite pairs them.
public struct TranscriptPairs: Sendable, Equatable {
    public struct Pair: Sendable, Equatable {
        /// nil for plain text.
        public var id: String?
        public var reference: String
        public var hypothesis: String
    }
    public var reference: TranscriptFile
    public var hypothesis: TranscriptFile
    /// The scored pairs, in the reference file's order.
    public var pairs: [Pair]
    /// Reference ids with no hypothesis: not scored, as sclite.
    public var unpairedReferenceIDs: [String]

    public var references: [String] { pairs.map(\.reference) }
    public var hypotheses: [String] { pairs.map(\.hypothesis) }
    /// The ids a trn file of these pairs carries: the files' own, or `utt_0001`, ... by line for plain text
    /// (the `_` gives sclite's `-i rm` a speaker, `utt`).
    public var trnIDs: [String] { pairs.enumerated().map { i, p in p.id ?? String(format: "utt_%04d", i + 1) } }

    public init(reference: TranscriptFile, hypothesis: TranscriptFile) throws(TranscriptError) {
        self.reference = reference; self.hypothesis = hypothesis
        switch (reference.format.hasIDs, hypothesis.format.hasIDs) {
        case (false, false):
            guard reference.utterances.count == hypothesis.utterances.count else {
                throw .lineCountMismatch(reference: reference.name, referenceLines: reference.utterances.count,
                                         hypothesis: hypothesis.name, hypothesisLines: hypothesis.utterances.count)
            }
            pairs = zip(reference.utterances, hypothesis.utterances).map { Pair(id: nil, reference: $0.text, hypothesis: $1.text) }
            unpairedReferenceIDs = []
        case (true, true):   // every utterance of these formats has an id
            var hyps: [String: String] = [:]
            for u in hypothesis.utterances { hyps[u.id!] = u.text }
            let refIDs = Set(reference.utterances.map { $0.id! })
            let orphans = hypothesis.utterances.map { $0.id! }.filter { !refIDs.contains($0) }
            guard orphans.isEmpty else { throw .hypothesesWithoutReference(file: hypothesis.name, ids: orphans) }
            pairs = []; unpairedReferenceIDs = []
            for u in reference.utterances {
                if let h = hyps[u.id!] { pairs.append(Pair(id: u.id, reference: u.text, hypothesis: h)) }
                else { unpairedReferenceIDs.append(u.id!) }
            }
        case (true, false):
            throw .idsOnOneSide(withIDs: reference.name, format: reference.format, withoutIDs: hypothesis.name)
        case (false, true):
            throw .idsOnOneSide(withIDs: hypothesis.name, format: hypothesis.format, withoutIDs: reference.name)
        }
    }

    /// Reads and pairs two files. With `format` nil each file's format is detected, and a file with no
    /// non-blank line takes the other's.
    public static func read(reference: String, hypothesis: String, format: TranscriptFormat? = nil) throws(TranscriptError) -> TranscriptPairs {
        let rc = try TranscriptFile.contents(of: reference), hc = try TranscriptFile.contents(of: hypothesis)
        return try TranscriptPairs(referenceName: reference, referenceContents: rc,
                                   hypothesisName: hypothesis, hypothesisContents: hc, format: format)
    }

    /// Pairs two files' contents (as `read`, without the file system).
    public init(referenceName: String, referenceContents: String, hypothesisName: String, hypothesisContents: String,
                format: TranscriptFormat? = nil) throws(TranscriptError) {
        let rf = format ?? TranscriptFormat.detect(name: referenceName, contents: referenceContents)
        let hf = format ?? TranscriptFormat.detect(name: hypothesisName, contents: hypothesisContents)
        try self.init(reference: TranscriptFile(name: referenceName, contents: referenceContents, format: rf ?? hf ?? .text),
                      hypothesis: TranscriptFile(name: hypothesisName, contents: hypothesisContents, format: hf ?? rf ?? .text))
    }
}
