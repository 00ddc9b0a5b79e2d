// Lexicon: a language model's vocabulary as a character trie over the tokenizer's classes, what shallow fusion
// (ShallowFusion.swift) asks while a word is still being spelled: "can these letters still become a word the LM
// knows?" and, when a space ends the word, "which word id is it?". A vocabulary word the tokenizer cannot spell
// (digits, `<s>`, `</s>`, `<unk>`, an underscore, which is the CTC blank) is left out: no path of the decoder
// could produce it.
//
// Layout: nodes numbered in creation order, node 0 the empty prefix; each node's children are a contiguous run of
// (symbol, child) edges sorted by symbol (compressed sparse rows), so a 72,000-word vocabulary takes a few MB
// instead of a 29-wide table per node.

/// A character trie over tokenizer classes with the LM's word id at each node that ends a word.
public struct Lexicon: Sendable {
    /// The root: the empty prefix (a word not started yet).
    public static let root: Int32 = 0
    /// What `child` returns when no vocabulary word continues with the symbol.
    public static let none: Int32 = -1

    /// Per node, the range of its edges in `edgeSymbol` / `edgeTarget`: firstEdge[n] ..< firstEdge[n + 1].
    let firstEdge: [Int32]
    let edgeSymbol: [Int32]
    let edgeTarget: [Int32]
    /// Per node, the id of the word it spells (−1: not a whole word, only a prefix of some).
    let wordID: [Int32]

    /// Vocabulary words kept (spellable) and left out (a character outside the alphabet).
    public let words: Int
    public let skipped: Int

    public var nodeCount: Int { wordID.count }

    /// A trie of `words` (word, id) pairs; `symbol` maps a character to its class (nil: not spellable) and must
    /// not map anything to the blank or the space (a word has neither). Later duplicates keep the first id.
    public init<S: Sequence>(_ words: S, symbol: (Character) -> Int? = Lexicon.tokenizerSymbol)
    where S.Element == (word: String, id: Int32) {
        // Build with a dictionary keyed by (node, symbol), then freeze into sorted edge runs.
        var edges: [Int64: Int32] = [:]
        var ids: [Int32] = [-1]
        var kept = 0, skipped = 0
        var spelled: [Int] = []
        for (word, id) in words {
            spelled.removeAll(keepingCapacity: true)
            var ok = !word.isEmpty
            for c in word {
                guard let s = symbol(c) else { ok = false; break }
                spelled.append(s)
            }
            guard ok else { skipped += 1; continue }
            var node: Int32 = 0
            for s in spelled {
                let key = Int64(node) << 8 | Int64(s)
                if let next = edges[key] { node = next; continue }
                let next = Int32(ids.count)
                ids.append(-1)
                edges[key] = next
                node = next
            }
            if ids[Int(node)] < 0 { ids[Int(node)] = id; kept += 1 }
        }
        let sorted = edges.sorted { $0.key < $1.key }     // by node, then symbol
        var first = [Int32](repeating: 0, count: ids.count + 1)
        for (key, _) in sorted { first[Int(key >> 8) + 1] += 1 }
        for n in 0..<ids.count { first[n + 1] += first[n] }
        firstEdge = first
        edgeSymbol = sorted.map { Int32($0.key & 0xFF) }
        edgeTarget = sorted.map { $0.value }
        wordID = ids
        self.words = kept
        self.skipped = skipped
    }

    /// The tokenizer's class of a word character: ' and a–z (upper case folded, as the ARPA reader folds it);
    /// nil for the space, the blank `_` and anything else.
    public static func tokenizerSymbol(_ c: Character) -> Int? {
        guard let a = c.asciiValue else { return nil }
        let lower = a >= UInt8(ascii: "A") && a <= UInt8(ascii: "Z") ? a + 32 : a
        guard let i = Tokenizer.index(of: Character(UnicodeScalar(lower))), i != Tokenizer.space, i != Tokenizer.blank else { return nil }
        return i
    }

    /// The node reached from `node` by `symbol`, or `Lexicon.none` when no vocabulary word continues that way
    /// (`node` = `none` stays `none`: once a word has left the vocabulary it cannot come back).
    @inline(__always)
    public func child(_ node: Int32, _ symbol: Int32) -> Int32 {
        guard node >= 0 else { return Lexicon.none }
        var lo = Int(firstEdge[Int(node)]), hi = Int(firstEdge[Int(node) + 1])
        while lo < hi {     // binary search in the node's sorted edge run (at most 28 edges)
            let mid = (lo + hi) >> 1
            let s = edgeSymbol[mid]
            if s == symbol { return edgeTarget[mid] }
            if s < symbol { lo = mid + 1 } else { hi = mid }
        }
        return Lexicon.none
    }

    /// The word id spelled by `node`, or nil when it is only a prefix (or `none`).
    @inline(__always)
    public func word(at node: Int32) -> Int32? {
        guard node >= 0 else { return nil }
        let id = wordID[Int(node)]
        return id >= 0 ? id : nil
    }

    /// The node a whole spelling reaches from the root (`none` if it leaves the vocabulary).
    public func node(spelling classes: [Int]) -> Int32 {
        var n = Lexicon.root
        for s in classes { n = child(n, Int32(s)) }
        return n
    }
}
