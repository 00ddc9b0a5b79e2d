// LabelSet: the one description of what a model's output classes mean — their symbols, which one is the CTC
// blank, how text becomes class ids and back, and where words begin. Everything that sizes a model's output,
// builds training targets, decodes, draws a trellis or labels a figure asks a LabelSet instead of assuming the
// notebook's 29 characters.
//
// Two kinds:
//  • `.characters` — the notebook's tokenizer (`Tokenizer`): ' space a–z, blank 28; a word ends at the space class.
//    Every call delegates to `Tokenizer`, so the default is bit for bit what it was before label sets existed.
//  • `.subwords(model)` — a BPE model (`SubwordTokenizer`): its pieces are classes 0..<N and the blank is N (the
//    last class, as the models' `setBlankBias` and the evaluator expect); a word begins at a piece starting with ▁.
public struct LabelSet: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case characters
        case subwords(SubwordTokenizer)
    }

    public let kind: Kind

    public init(_ kind: Kind) { self.kind = kind }

    /// The notebook's 29 character classes.
    public static let characters = LabelSet(.characters)

    public static func subwords(_ model: SubwordTokenizer) -> LabelSet { LabelSet(.subwords(model)) }

    /// The subword model, nil for characters.
    public var subwordModel: SubwordTokenizer? {
        if case .subwords(let m) = kind { return m }
        return nil
    }

    /// Number of output classes, the blank included.
    public var classCount: Int {
        switch kind {
        case .characters: Tokenizer.classCount
        case .subwords(let m): m.vocabularySize + 1
        }
    }

    /// The blank's class: always the last one.
    public var blank: Int {
        switch kind {
        case .characters: Tokenizer.blank
        case .subwords(let m): m.vocabularySize
        }
    }

    /// The class that separates words, when there is one (the characters' space); subwords mark word starts instead.
    public var wordSeparator: Int? {
        switch kind {
        case .characters: Tokenizer.space
        case .subwords: nil
        }
    }

    /// Whether class `k` begins a new word (the previous word is then complete: where a word LM scores it).
    public func startsWord(_ k: Int) -> Bool {
        switch kind {
        case .characters: false
        case .subwords(let m): k >= 0 && k < m.vocabularySize && m.startsWord(k)
        }
    }

    /// A short name for logs and replies: "characters (29 classes)" or "subwords (BPE, 256 pieces + blank)".
    public var summary: String {
        switch kind {
        case .characters: "characters (\(classCount) classes)"
        case .subwords(let m): "subwords (BPE, \(m.vocabularySize) pieces + blank)"
        }
    }

    /// The symbol of class `k` as figures and tables show it: the character or the piece, `_` for the blank,
    /// `#k` outside the classes.
    public func symbol(_ k: Int) -> String {
        guard k >= 0 && k < classCount else { return "#\(k)" }
        switch kind {
        case .characters: return String(Tokenizer.symbols[k])
        case .subwords(let m): return k == blank ? "_" : m.pieces[k]
        }
    }

    /// Every class's symbol, in class order.
    public var symbols: [String] { (0..<classCount).map(symbol) }

    /// Class ids of a text (characters: one per character, `_` the blank as the notebook allows; subwords: the BPE
    /// pieces of normalised text). Throws naming the first character outside the alphabet.
    public func encode(_ text: String) throws(TokenizerError) -> [Int] {
        switch kind {
        case .characters: try Tokenizer().indices(text)
        case .subwords(let m): try m.encode(text)
        }
    }

    /// Text of class ids (the blank is not text: for subwords it is an unknown id).
    public func decode<S: Sequence>(_ ids: S) throws(TokenizerError) -> String where S.Element: BinaryInteger {
        switch kind {
        case .characters: try Tokenizer().text(ids)
        case .subwords(let m): try m.decode(ids)
        }
    }
}
