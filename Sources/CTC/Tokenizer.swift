// The notebook's tokenizer (Cell 10): 29 symbols, index 0 is the apostrophe, 1 the space, 2–27 the
// letters a–z and 28 the CTC blank `_`. Also a normaliser that turns arbitrary transcripts into text
// the tokenizer accepts, reporting everything it had to drop.
import Foundation

/// A character outside the 29-symbol alphabet, or an index outside 0..<29.
public enum TokenizerError: Error, Equatable, CustomStringConvertible, Sendable {
    /// `character` at 0-based `position` (in Characters) of the text is not one of ' space a–z _.
    case unknownCharacter(character: Character, position: Int)
    case indexOutOfRange(index: Int, position: Int)
    /// A subword id outside the `count` pieces of a tokenizer model.
    case idOutOfRange(id: Int, position: Int, count: Int)

    public var description: String {
        switch self {
        case let .unknownCharacter(c, pos):
            let shown = c.unicodeScalars.map { $0.isASCII && $0.value >= 32 ? String($0) : "U+" + String($0.value, radix: 16, uppercase: true) }.joined()
            return "character '\(shown)' at position \(pos) is not in the alphabet (' space a-z _); normalise the text first (lower-case, no digits or punctuation)"
        case let .indexOutOfRange(i, pos):
            return "index \(i) at position \(pos) is outside 0..<\(Tokenizer.classCount)"
        case let .idOutOfRange(i, pos, n):
            return "id \(i) at position \(pos) is not a piece of this tokenizer (its ids are 0..<\(n))"
        }
    }
}

/// Maps the notebook's symbols to integer classes and back.
public struct Tokenizer: Sendable {
    /// The symbols in class order: `'`, space, a…z, `_` (blank).
    public static let symbols: [Character] = ["'", " "] + (UInt8(ascii: "a")...UInt8(ascii: "z")).map { Character(UnicodeScalar($0)) } + ["_"]
    public static let classCount = 29
    public static let blank = 28
    public static let space = 1
    public static let apostrophe = 0

    public init() {}

    /// Class index of one symbol, nil if it is outside the alphabet.
    @inlinable public static func index(of c: Character) -> Int? {
        guard let a = c.asciiValue else { return nil }
        switch a {
        case UInt8(ascii: "'"): return 0
        case UInt8(ascii: " "): return 1
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return Int(a - UInt8(ascii: "a")) + 2
        case UInt8(ascii: "_"): return 28
        default: return nil
        }
    }

    /// `text_to_indices`: one class per character; throws naming the first offending character and its position.
    public func indices(_ text: String) throws(TokenizerError) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(text.utf8.count)
        for (pos, c) in text.enumerated() {
            guard let i = Tokenizer.index(of: c) else { throw .unknownCharacter(character: c, position: pos) }
            out.append(i)
        }
        return out
    }

    /// `indices_to_text`.
    public func text<S: Sequence>(_ indices: S) throws(TokenizerError) -> String where S.Element: BinaryInteger {
        var s = ""
        for (pos, i) in indices.enumerated() {
            guard i >= 0, i < Tokenizer.classCount else { throw .indexOutOfRange(index: Int(i), position: pos) }
            s.append(Tokenizer.symbols[Int(i)])
        }
        return s
    }

    /// What `normalize` produced and what it had to throw away.
    public struct Normalization: Equatable, Sendable {
        /// Text containing only ' space a–z: lower-cased, whitespace runs collapsed, trimmed.
        public var text: String
        /// Characters removed, with their 0-based position (in Characters) in the original text.
        public var dropped: [(character: Character, position: Int)]
        public static func == (a: Normalization, b: Normalization) -> Bool {
            a.text == b.text && a.dropped.map(\.character) == b.dropped.map(\.character) && a.dropped.map(\.position) == b.dropped.map(\.position)
        }
    }

    /// Lower-cases; maps typographic apostrophes (’ ‘ `) to `'`, hyphens, tabs and newlines to spaces, Latin
    /// letters with diacritics to their base letter; drops everything else (digits, punctuation, `_`),
    /// reporting each dropped character. Runs of spaces collapse to one; leading/trailing spaces go.
    public func normalize(_ text: String) -> Normalization {
        var out = ""
        var dropped: [(character: Character, position: Int)] = []
        var pendingSpace = false
        for (pos, c0) in text.enumerated() {
            var mapped: Character? = nil
            for c in c0.lowercased() {
                if c == "_" { mapped = nil; break }
                if let i = Tokenizer.index(of: c) { mapped = Tokenizer.symbols[i]; break }
                if "’‘`ʼ".contains(c) { mapped = "'"; break }
                if c.isWhitespace || c == "-" || c == "–" || c == "—" { mapped = " "; break }
                if let base = Tokenizer.baseLetter(c) { mapped = base; break }
            }
            guard let m = mapped else { dropped.append((c0, pos)); continue }
            if m == " " { pendingSpace = !out.isEmpty; continue }
            if pendingSpace { out.append(" "); pendingSpace = false }
            out.append(m)
        }
        return Normalization(text: out, dropped: dropped)
    }

    /// a–z for a Latin letter with diacritics (é → e), via the first scalar of its canonical decomposition.
    static func baseLetter(_ c: Character) -> Character? {
        guard let first = c.unicodeScalars.first, !first.isASCII else { return nil }
        let decomposed = (String(c) as NSString).decomposedStringWithCanonicalMapping
        guard let b = decomposed.unicodeScalars.first, b.isASCII,
              case let v = b.value, v >= 97 && v <= 122 else { return nil }
        return Character(b)
    }
}
