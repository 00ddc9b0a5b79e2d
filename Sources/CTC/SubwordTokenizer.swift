// The subword tokenizer: byte-pair encoding (Sennrich et al. 2016) over the normalised alphabet (' a–z) with
// sentencepiece's word-boundary marker "▁" written before every word, so "the cat" is ▁the ▁cat and decoding is
// "concatenate, then ▁ → space, drop the first space". Training, encoding, decoding and the model file.
//
// Conventions, stated once:
//  • The 28 base pieces ▁ ' a … z always have ids 0–27 (in that order), whatever the training text: every
//    normalised text is encodable, a word never seen in training falls back to smaller pieces, at worst characters.
//  • Training counts adjacent piece pairs inside words (weighted by word frequency; pieces never span two words)
//    and merges the most frequent pair; ties go to the pair with the smaller left id, then the smaller right id.
//    A merge's occurrences are replaced left to right ("a a a" with a+a → "aa a"). It stops at `vocab` pieces or
//    when no word has two pieces left.
//  • Encoding a word applies, repeatedly, the merge of lowest rank among its adjacent pairs (all its occurrences,
//    left to right) — the same segmentation training gave every training word.
//  • Two merges may spell the same piece (▁a+b and ▁+ab are both ▁ab); the piece then keeps its first id.
//  • The CTC blank is not a piece: a label set built on this tokenizer adds it after the last piece.
//
// The model file is text, one merge per line, read strictly (the line number in every error):
//     trellis-tokenizer 1 bpe
//     pieces 31
//     merge ▁ t
//     merge h e
//     merge ▁t he
// `pieces` is the vocabulary size the merges must produce (a check against truncated files).
import Base
import Foundation

/// What can go wrong reading a tokenizer model file or training one.
public struct SubwordTokenizerError: Error, Equatable, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
    /// An error at a line of a model file: "FILE:LINE: message".
    static func line(_ source: String, _ line: Int, _ message: String) -> SubwordTokenizerError {
        SubwordTokenizerError("\(source):\(line): \(message)")
    }
}

public struct SubwordTokenizer: Sendable, Equatable {
    /// sentencepiece's word-boundary marker (U+2581 LOWER ONE EIGHTH BLOCK), written before every word.
    public static let wordBoundary = "\u{2581}"
    /// The version written in and accepted from the model file's first line.
    public static let formatVersion = 1
    /// ▁ ' a … z: the pieces every model starts with, ids 0–27.
    public static let basePieces: [String] = [wordBoundary, "'"] + (UInt8(ascii: "a")...UInt8(ascii: "z")).map { String(UnicodeScalar($0)) }

    public struct Merge: Sendable, Equatable, Hashable {
        public var left: Int, right: Int
        /// The id of left + right (a new piece, or an earlier one that spells the same).
        public var result: Int
    }

    /// Every piece, by id.
    public private(set) var pieces: [String]
    /// The merges in rank order (training order).
    public private(set) var merges: [Merge]
    private var pieceIDs: [String: Int]
    /// (left, right) → rank in `merges`.
    private var rank: [Pair: Int]

    struct Pair: Hashable { var left: Int32, right: Int32 }

    /// The base pieces only (no merges): a character tokenizer with the boundary marker.
    public init() {
        pieces = Self.basePieces
        merges = []
        pieceIDs = Dictionary(uniqueKeysWithValues: Self.basePieces.enumerated().map { ($1, $0) })
        rank = [:]
    }

    /// Appends a merge of two existing pieces (the next rank); returns the merged piece's id.
    @discardableResult
    mutating func addMerge(left: Int, right: Int) -> Int {
        let spelled = pieces[left] + pieces[right]
        let id: Int
        if let existing = pieceIDs[spelled] { id = existing } else {
            id = pieces.count
            pieces.append(spelled)
            pieceIDs[spelled] = id
        }
        rank[Pair(left: Int32(left), right: Int32(right))] = merges.count
        merges.append(Merge(left: left, right: right, result: id))
        return id
    }

    public var vocabularySize: Int { pieces.count }

    /// The id of a piece, nil if it is not in the vocabulary.
    public func id(of piece: String) -> Int? { pieceIDs[piece] }

    /// Whether piece `id` begins a word (starts with ▁).
    public func startsWord(_ id: Int) -> Bool { pieces[id].hasPrefix(Self.wordBoundary) }

    // MARK: encoding and decoding

    /// The pieces of normalised text: words of ' a–z separated by single spaces. Another character (including `_`
    /// and ▁) throws naming it and its position; runs of spaces and leading or trailing ones are treated as one
    /// separator (only normalised text round-trips exactly).
    public func encode(_ text: String) throws(TokenizerError) -> [Int] {
        var out: [Int] = []
        var word: [Int32] = []
        func flush() {
            if word.count > 1 { out.append(contentsOf: encodeWord(word)) }
            word.removeAll(keepingCapacity: true)
        }
        for (pos, c) in text.enumerated() {
            if c == " " { flush(); continue }
            guard c != "_", let k = Tokenizer.index(of: c) else { throw .unknownCharacter(character: c, position: pos) }
            if word.isEmpty { word.append(0) }   // ▁
            // Tokenizer classes: 0 = ', 2…27 = a…z; base pieces: 1 = ', 2…27 = a…z.
            word.append(k == Tokenizer.apostrophe ? 1 : Int32(k))
        }
        flush()
        return out
    }

    /// One word's base pieces (▁ first) → its pieces, merging the lowest-rank pair until none applies.
    func encodeWord(_ symbols: [Int32]) -> [Int] {
        var s = symbols
        while s.count > 1 {
            var bestRank = Int.max
            for i in 0..<(s.count - 1) {
                if let r = rank[Pair(left: s[i], right: s[i + 1])], r < bestRank { bestRank = r }
            }
            guard bestRank != .max else { break }
            let m = merges[bestRank]
            var merged: [Int32] = []
            merged.reserveCapacity(s.count)
            var i = 0
            while i < s.count {
                if i + 1 < s.count && s[i] == Int32(m.left) && s[i + 1] == Int32(m.right) {
                    merged.append(Int32(m.result)); i += 2
                } else {
                    merged.append(s[i]); i += 1
                }
            }
            s = merged
        }
        return s.map(Int.init)
    }

    /// The text of piece ids: concatenated, every ▁ a space, the first space dropped.
    public func decode<S: Sequence>(_ ids: S) throws(TokenizerError) -> String where S.Element: BinaryInteger {
        var s = ""
        for (pos, i) in ids.enumerated() {
            guard i >= 0, i < pieces.count else { throw .idOutOfRange(id: Int(i), position: pos, count: pieces.count) }
            s += pieces[Int(i)]
        }
        s = s.replacingOccurrences(of: Self.wordBoundary, with: " ")
        if s.hasPrefix(" ") { s.removeFirst() }
        return s
    }

    // MARK: training

    /// Learns merges from `texts` (each normalised with `Tokenizer.normalize` and split into words) until the
    /// vocabulary holds `vocab` pieces or no pair is left to merge. `vocab` must be at least the 28 base pieces.
    public static func train<S: Sequence>(texts: S, vocab: Int) throws(SubwordTokenizerError) -> SubwordTokenizer where S.Element == String {
        guard vocab >= basePieces.count else {
            throw SubwordTokenizerError("the vocabulary must hold at least the \(basePieces.count) base pieces (▁ ' a-z), got \(vocab)")
        }
        var counts: [String: Int] = [:]
        let normalizer = Tokenizer()
        for line in texts {
            for w in normalizer.normalize(line).text.split(separator: " ") { counts[String(w), default: 0] += 1 }
        }
        var model = SubwordTokenizer()
        // Words in sorted order so every pass visits them the same way (the result does not depend on it: pair
        // counts are sums, and ties are broken by ids).
        let sortedWords = counts.keys.sorted()
        var words: [[Int32]] = sortedWords.map { w in
            [0] + w.map { c in c == "'" ? 1 : Int32(Tokenizer.index(of: c)!) }
        }
        let weights = sortedWords.map { counts[$0]! }
        // Pair counts are kept up to date instead of recounted: a merge changes only the words that hold its pair
        // (found through `wordsWith`), whose old pairs are taken out and new pairs put in.
        var pairCounts: [Pair: Int] = [:]
        var wordsWith: [Pair: Set<Int>] = [:]
        for (w, s) in words.enumerated() where s.count > 1 {
            for i in 0..<(s.count - 1) {
                let p = Pair(left: s[i], right: s[i + 1])
                pairCounts[p, default: 0] += weights[w]
                wordsWith[p, default: []].insert(w)
            }
        }
        while model.pieces.count < vocab {
            var best: (pair: Pair, count: Int)? = nil
            for (p, c) in pairCounts where c > 0 {
                guard let b = best else { best = (p, c); continue }
                if c > b.count || (c == b.count && (p.left < b.pair.left || (p.left == b.pair.left && p.right < b.pair.right))) {
                    best = (p, c)
                }
            }
            guard let b = best else { break }
            let id = Int32(model.addMerge(left: Int(b.pair.left), right: Int(b.pair.right)))
            for w in (wordsWith[b.pair] ?? []).sorted() {
                let s = words[w]
                for i in 0..<(s.count - 1) { pairCounts[Pair(left: s[i], right: s[i + 1]), default: 0] -= weights[w] }
                var merged: [Int32] = []
                merged.reserveCapacity(s.count)
                var i = 0
                while i < s.count {
                    if i + 1 < s.count && s[i] == b.pair.left && s[i + 1] == b.pair.right { merged.append(id); i += 2 }
                    else { merged.append(s[i]); i += 1 }
                }
                words[w] = merged
                for i in 0..<max(merged.count - 1, 0) {
                    let p = Pair(left: merged[i], right: merged[i + 1])
                    pairCounts[p, default: 0] += weights[w]
                    wordsWith[p, default: []].insert(w)
                }
            }
            pairCounts[b.pair] = nil
            wordsWith[b.pair] = nil
        }
        return model
    }

    // MARK: the model file

    /// The model file's text (see the top of this file).
    public func fileText() -> String {
        var s = "trellis-tokenizer \(Self.formatVersion) bpe\npieces \(pieces.count)\n"
        for m in merges { s += "merge \(pieces[m.left]) \(pieces[m.right])\n" }
        return s
    }

    /// Reads a model file's text; `source` names it in errors ("FILE:LINE: ...").
    public static func parse(_ text: String, source: String) throws(SubwordTokenizerError) -> SubwordTokenizer {
        let lines = TextLines.split(text)
        guard let first = lines.first else { throw .line(source, 1, "empty file: expected 'trellis-tokenizer \(formatVersion) bpe'") }
        let head = first.split(separator: " ")
        guard head.count == 3, head[0] == "trellis-tokenizer" else {
            throw .line(source, 1, "not a Trellis tokenizer model: the first line must be 'trellis-tokenizer \(formatVersion) bpe', found '\(first)'")
        }
        guard head[1] == "\(formatVersion)" else {
            throw .line(source, 1, "format version \(head[1]) is not supported (this Trellis reads version \(formatVersion))")
        }
        guard head[2] == "bpe" else { throw .line(source, 1, "model type '\(head[2])' is not supported (only bpe)") }
        guard lines.count >= 2 else { throw .line(source, 2, "missing the 'pieces N' line") }
        let p = lines[1].split(separator: " ", omittingEmptySubsequences: false)
        guard p.count == 2, p[0] == "pieces", let declared = Int(p[1]), declared >= basePieces.count else {
            throw .line(source, 2, "expected 'pieces N' with N ≥ \(basePieces.count), found '\(lines[1])'")
        }
        var model = SubwordTokenizer()
        for (i, line) in lines.enumerated().dropFirst(2) {
            let f = line.split(separator: " ", omittingEmptySubsequences: false)
            guard f.count == 3, f[0] == "merge" else {
                throw .line(source, i + 1, "expected 'merge LEFT RIGHT' (two pieces separated by one space), found '\(line)'")
            }
            guard let l = model.id(of: String(f[1])) else { throw .line(source, i + 1, "'\(f[1])' is not a piece of the merges above") }
            guard let r = model.id(of: String(f[2])) else { throw .line(source, i + 1, "'\(f[2])' is not a piece of the merges above") }
            guard model.rank[Pair(left: Int32(l), right: Int32(r))] == nil else {
                throw .line(source, i + 1, "the merge '\(f[1]) \(f[2])' appears twice")
            }
            guard !model.pieces[r].hasPrefix(wordBoundary) else {
                throw .line(source, i + 1, "'\(f[2])' begins a word (▁) and cannot be the right half of a merge")
            }
            model.addMerge(left: l, right: r)
        }
        guard model.pieces.count == declared else {
            throw .line(source, lines.count, "the merges give \(model.pieces.count) pieces, the header declares \(declared) (truncated file?)")
        }
        return model
    }

    /// Reads a model file.
    public static func load(path: String) throws(SubwordTokenizerError) -> SubwordTokenizer {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SubwordTokenizerError("cannot read the tokenizer model \(path) (no such file, or not readable)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw SubwordTokenizerError("\(path) is not UTF-8 text: not a tokenizer model") }
        return try parse(text, source: path)
    }
}
