// WordSpelling: how each output class of a model writes words, which is all shallow fusion (ShallowFusion.swift)
// needs to know about the label set. A class either begins a new word — completing the word before it, the moment
// a word LM scores it — or continues the current one, and it adds some letters (character classes of `Tokenizer`,
// the alphabet the vocabulary trie `Lexicon` is spelled in).
//
//  • characters: the space begins a word and adds no letters; any other class k adds the one letter k (so the
//    trie walk is the one it always was, even for the small test matrices whose classes are not the tokenizer's);
//  • subwords: a piece starting with ▁ begins a word and adds the rest of its letters (`▁the` → t h e, `▁` alone →
//    none); another piece continues the word with all of its letters (`at` → a t).
// So the characters' space and the bare piece `▁` play the same part, and "▁the ▁cat" and "the cat" (characters)
// complete the same words at the same places: the prefix beam search has one set of rules for both.

/// Per class: whether it begins a word, and its letters as `Tokenizer` classes.
struct WordSpelling: Sendable {
    /// Per class: the class begins a new word (the previous one, if it has letters, is then complete).
    let startsWord: [Bool]
    /// Per class k, its letters are `letters[firstLetter[k] ..< firstLetter[k + 1]]`.
    let firstLetter: [Int32]
    let letters: [Int32]

    /// The characters (or a test matrix over `classes` classes read as characters): `space` begins a word, `blank`
    /// spells nothing, any other class is one letter.
    init(characters classes: Int, space: Int, blank: Int) {
        var starts = [Bool](repeating: false, count: classes)
        var first: [Int32] = [0], letters: [Int32] = []
        for k in 0..<classes {
            if k == space { starts[k] = true } else if k != blank { letters.append(Int32(k)) }
            first.append(Int32(letters.count))
        }
        startsWord = starts; firstLetter = first; self.letters = letters
    }

    /// The pieces of a BPE model (classes 0..<N) and its blank (class N, spelling nothing).
    init(subwords model: SubwordTokenizer) {
        var starts: [Bool] = [], first: [Int32] = [0], letters: [Int32] = []
        for piece in model.pieces {
            let begins = piece.hasPrefix(SubwordTokenizer.wordBoundary)
            starts.append(begins)
            for c in begins ? piece.dropFirst() : Substring(piece) {
                // Pieces are built from ▁ ' a–z, and ▁ only ever leads a piece: every other character is a letter.
                if let i = Tokenizer.index(of: c), i != Tokenizer.space, i != Tokenizer.blank { letters.append(Int32(i)) }
            }
            first.append(Int32(letters.count))
        }
        starts.append(false)                // the blank
        first.append(Int32(letters.count))
        startsWord = starts; firstLetter = first; self.letters = letters
    }

    /// Whether class `k` adds letters to the word it belongs to.
    @inline(__always)
    func hasLetters(_ k: Int) -> Bool { firstLetter[k + 1] > firstLetter[k] }

    /// The vocabulary-trie node reached from `node` by class `k`'s letters (`Lexicon.none` once they leave it).
    @inline(__always)
    func walk(_ lexicon: Lexicon, from node: Int32, by k: Int) -> Int32 {
        var n = node
        var i = Int(firstLetter[k])
        let end = Int(firstLetter[k + 1])
        while i < end && n >= 0 { n = lexicon.child(n, letters[i]); i += 1 }
        return n
    }
}
