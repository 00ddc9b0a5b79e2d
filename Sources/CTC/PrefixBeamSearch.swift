// The notebook's prefix beam search (Cells 19–20, `decode`), reimplemented to give the same answer fast, with two
// ways to add a word LM: the notebook's own (`Fusion.notebook`, below) and shallow fusion (`Fusion.shallow`, the
// default of the commands; its rules are in ShallowFusion.swift).
//
// Semantics kept exactly (read `decode` in Cell 20; with shallow fusion only the LM terms differ, see the end):
//  • per frame, symbols in class order; a symbol whose log-probability is below log(prune) is skipped
//    (prune = 0 disables pruning); for each symbol, the previous frame's top prefixes in rank order;
//  • blank: P_b(prefix) ⊕= (P_b + p) ⊕ (P_nb + p);  repeat of the last symbol: P_nb(prefix+s) ⊕= P_b + p and
//    P_nb(prefix) ⊕= P_nb + p;  space after a non-empty prefix, with an LM: P_nb(prefix+␣) ⊕= (P_b + p + α·lm + β·ln len)
//    ⊕ (P_nb + p + α·lm + β·ln len), where len is the prefix's length in characters and lm is the natural-log
//    probability of the prefix's last word given all its earlier words (the notebook's `lm.log_p(text)` of the
//    whole stripped, upper-cased prefix, which an ARPA model evaluates as exactly that conditional, without <s>);
//    otherwise P_nb(prefix+s) ⊕= (P_b + p) ⊕ (P_nb + p);
//  • ranking by P_b ⊕ P_nb, descending, ties kept in first-insertion order (Python's stable sort), top `beamSize` kept;
//  • ⊕ is computed as the notebook's `logsumexp(*args)` = max + log Σ exp(aᵢ − max), in argument order, so even
//    exact ties resolve the same way.
// Unlike the notebook: prefixes are trie node ids with parent pointers (no tuple or string rebuilding), candidate
// slots are found through per-node frame stamps, the word history is an `LMState` carried along the trie (so the
// LM is asked one word at a time and each (prefix, word) is scored once), and a frame where nothing survives the
// pruning yields an empty result instead of the notebook's IndexError.
//
// Shallow fusion leaves P_b and P_nb purely acoustic and keeps its LM term F per trie node (a function of the
// prefix's text: the completed words' α·ln P + β, OOV penalties, the partial word's trie penalty); candidates are
// ranked by (P_b ⊕ P_nb) + F, those at −∞ dropped (a beam whose letters left the vocabulary when u = −∞), and the
// final beam re-ranked after completing each last word and adding α·ln P(</s>).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LanguageModel

/// Decoder settings. The defaults are those of the notebook's `decode`; `notebookEvaluation` is what its
/// `beam_search_decoder` (used in evaluation) passes.
public struct BeamSearchOptions: Sendable, Equatable {
    public var beamSize: Int = 5
    /// Minimal per-frame probability for a symbol to extend prefixes (0 = no pruning).
    public var prune: Double = 1e-5
    /// LM weight (multiplies the natural-log word probability).
    public var alpha: Double = 0.1
    /// Length bonus weight (multiplies ln of the prefix length in characters, at each word boundary).
    public var beta: Double = 2
    public var blank: Int = Tokenizer.blank
    public var space: Int = Tokenizer.space
    /// Notebook fusion: score the first word after `<s>` (true) or with no history at all, as the notebook's
    /// `lm.log_p` (false). Shallow fusion always starts after `<s>`.
    public var lmStartsWithSentenceBegin: Bool = false
    /// How an LM is added (without an LM both decode the same). The notebook's, so `decode`'s defaults stay the
    /// notebook's; the commands default to `.shallow`.
    public var fusion: Fusion = .notebook
    /// Shallow fusion's OOV penalty u in nats (ShallowFusion.swift); −∞ allows vocabulary words only.
    public var unkScore: Double = ShallowFusionDefaults.unkScore

    public init(beamSize: Int = 5, prune: Double = 1e-5, alpha: Double = 0.1, beta: Double = 2, fusion: Fusion = .notebook,
                unkScore: Double = ShallowFusionDefaults.unkScore) {
        self.beamSize = beamSize; self.prune = prune; self.alpha = alpha; self.beta = beta
        self.fusion = fusion; self.unkScore = unkScore
    }

    /// `beam_search_decoder`'s values: beam 5, prune 1e-3, alpha 0.1, beta 0.1.
    /// The largest beam accepted. The notebook uses 5–100; each frame costs beam × classes extensions and as many
    /// language-model lookups, so a beam of 10^6 ran for minutes in 770 MB before this bound.
    public static let maxBeamSize = 4096

    public static let notebookEvaluation = BeamSearchOptions(beamSize: 5, prune: 1e-3, alpha: 0.1, beta: 0.1)
}

/// A decoded prefix and its score.
public struct BeamHypothesis: Sendable, Equatable {
    public var indices: [Int]
    /// ln(P_b + P_nb), including LM and length terms if an LM was used. The notebook returns its negative.
    /// With shallow fusion: ln P_ctc(prefix) + F(prefix), F with the last word completed and </s> added.
    public var logProbability: Double
    /// Shallow fusion's F alone (so logProbability − lmScore is ln P_ctc); nil without an LM or with the notebook's
    /// fusion, which folds its terms into P_nb where they cannot be told apart.
    public var lmScore: Double? = nil
    /// Text through the notebook's tokenizer (classes ≥ 29 are an error).
    public func text() throws(TokenizerError) -> String { try Tokenizer().text(indices) }
}

public struct BeamSearchResult: Sendable {
    /// The best hypothesis (empty with −∞ if pruning removed every prefix).
    public var best: BeamHypothesis
    /// The final beam, best first.
    public var beams: [BeamHypothesis]
}

/// The notebook's `logsumexp(*args)`, bit for bit: max + log(Σ exp(aᵢ − max)) summed left to right.
/// exp(0) = 1 and log(1) = 0 exactly, so the shortcuts below do not change any result.
@inline(__always)
func notebookLSE(_ a: Double, _ b: Double) -> Double {
    if a == -.infinity { return b }
    if b == -.infinity { return a }
    if a >= b { return a + log(1 + exp(b - a)) }
    return b + log(exp(a - b) + 1)
}

@inline(__always)
func notebookLSE(_ a: Double, _ b: Double, _ c: Double) -> Double {
    if a == -.infinity { return notebookLSE(b, c) }
    if b == -.infinity { return notebookLSE(a, c) }
    if c == -.infinity { return notebookLSE(a, b) }
    let m = max(a, max(b, c))
    // Python's max returns the first maximal argument; its term is exp(0) = 1.
    let ea = a == m ? 1.0 : exp(a - m)
    let eb = b == m ? 1.0 : exp(b - m)
    let ec = c == m ? 1.0 : exp(c - m)
    return m + log(ea + eb + ec)
}

/// Prefix beam search over a T×K log-probability matrix (`decode` in the notebook, which takes probabilities
/// and logs them itself: pass `LogProbabilities(probabilities:)`).
public enum PrefixBeamSearch {
    /// The most memory a decode can take: every frame may extend the whole beam by every symbol, and the prefix trie
    /// keeps each node (about 24 bytes, plus a K-wide child table of 4-byte ids for each extended node). A beam of
    /// 4096 over 10,000 frames reached 24 GB; callers compare this with their memory limit before decoding.
    public static func worstCaseBytes(frames: Int, classes: Int, beamSize: Int) -> Double {
        Double(frames) * Double(beamSize) * Double(classes) * 28
    }

    /// Decodes with `languageModel`, building its vocabulary trie for shallow fusion first (from `vocabulary`
    /// when given, else from an `ARPAModel`'s own words; another model without `vocabulary` has an empty lexicon:
    /// every word is OOV). Callers decoding many matrices build a `DecoderLanguageModel` once instead.
    public static func decode(_ m: LogProbabilities, options: BeamSearchOptions = BeamSearchOptions(),
                              languageModel: (any LanguageModel)?, vocabulary: [(word: String, id: Int32)]? = nil,
                              labels: LabelSet = .characters,
                              shouldStop: (() -> Bool)? = nil) throws(CTCError) -> BeamSearchResult {
        var lm: DecoderLanguageModel? = nil
        if let languageModel {
            if options.fusion == .notebook {
                lm = DecoderLanguageModel(languageModel, vocabulary: [])    // the notebook's fusion needs no lexicon
            } else if let vocabulary {
                lm = DecoderLanguageModel(languageModel, vocabulary: vocabulary)
            } else if let arpa = languageModel as? ARPAModel {
                lm = DecoderLanguageModel(arpa)
            } else {
                lm = DecoderLanguageModel(languageModel, vocabulary: [])
            }
        }
        return try decode(m, options: options, lm: lm, labels: labels, shouldStop: shouldStop)
    }

    /// `labels` says what the classes are. Characters (the default): `options.blank` and `options.space` as given.
    /// Subwords: the label set's blank (its last class) replaces `options.blank`, there is no space class, and a
    /// word is complete when a piece starting with ▁ follows it (or the utterance ends); only shallow fusion is
    /// defined for them (the notebook's fusion is a rule about its space character).
    public static func decode(_ m: LogProbabilities, options: BeamSearchOptions = BeamSearchOptions(),
                              lm: DecoderLanguageModel? = nil, labels: LabelSet = .characters,
                              shouldStop: (() -> Bool)? = nil) throws(CTCError) -> BeamSearchResult {
        var options = options
        let spelling: WordSpelling
        switch labels.kind {
        case .characters:
            spelling = WordSpelling(characters: m.classes, space: options.space, blank: options.blank)
        case .subwords(let model):
            guard m.classes == labels.classCount else {
                throw .invalidArgument("the matrix has \(m.classes) classes but the tokenizer has \(model.vocabularySize) pieces + blank = \(labels.classCount)")
            }
            if lm != nil && options.fusion == .notebook {
                throw .invalidArgument("the notebook's fusion scores a word at the space character, which subword pieces do not have; use shallow fusion (--fusion shallow) with a subword model")
            }
            options.blank = labels.blank
            options.space = -1
            spelling = WordSpelling(subwords: model)
        }
        guard options.beamSize >= 1, options.beamSize <= BeamSearchOptions.maxBeamSize else {
            throw .invalidArgument("beam size must be between 1 and \(BeamSearchOptions.maxBeamSize), got \(options.beamSize)")
        }
        guard options.alpha.isFinite, options.beta.isFinite else {
            throw .invalidArgument("the LM weight α and the length bonus β must be finite numbers, got α = \(options.alpha), β = \(options.beta)")
        }
        guard !options.unkScore.isNaN, options.unkScore <= 0 else {
            throw .invalidArgument("the OOV penalty (unk score) must be a number ≤ 0 in nats (−inf: vocabulary words only), got \(options.unkScore)")
        }
        guard options.prune >= 0, options.prune <= 1 else { throw .invalidArgument("prune must be a probability in [0, 1], got \(options.prune)") }
        guard options.blank >= 0, options.blank < m.classes else { throw .invalidArgument("blank \(options.blank) is outside 0..<\(m.classes)") }
        var search = Search(classes: m.classes, options: options, lm: lm, spelling: spelling)
        search.reserve(frames: m.frames)
        let finished = m.values.withUnsafeBufferPointer { lp in
            for t in 0..<m.frames {
                if let shouldStop, shouldStop() { return false }
                search.step(lp.baseAddress! + t * m.classes)
            }
            return true
        }
        guard finished else { throw .stopped }
        return search.result()
    }
}

/// The mutable state of one decode: the prefix trie, the current beam and the next frame's candidates.
private struct Search {
    let K: Int
    let beamSize: Int
    let pruneLog: Double
    let blank: Int32, space: Int32
    let alpha: Double, beta: Double
    let lm: (any LanguageModel)?
    /// An LM with the notebook's fusion, read once (testing the existential optional in the inner loop is
    /// measurably slow).
    let hasLM: Bool
    /// Shallow fusion's scorer (nil without an LM or with the notebook's fusion).
    let shallow: ShallowFusionScorer?
    /// Which classes begin a word and the letters each adds (shallow fusion's view of the label set).
    let spelling: WordSpelling

    // Trie of prefixes: node 0 is the empty prefix.
    var parent: [Int32] = [-1]
    var symbol: [Int32] = [-1]
    var length: [Int32] = [0]
    /// Per node, the offset of its K-wide child table in `children` (−1 until the node is first extended).
    var childBlock: [Int32] = [-1]
    var children: [Int32] = []
    /// Per node: frame stamp and slot of its candidate entry in the frame being built.
    var stamp: [Int32] = [-1]
    var slot: [Int32] = [0]
    // LM bookkeeping per node (only filled when an LM is given).
    var wordStart: [Int32] = [0]      // node where the current (last) word begins (after the last space)
    var hasText: [Bool] = [false]     // the prefix contains a non-space symbol
    var history: [LMState] = []       // LM state after the node's completed words
    var wordScore: [Double] = []      // cached ln P(last word | history), NaN until asked
    // Shallow fusion per node: the vocabulary-trie node of the last (partial) word (Lexicon.none once it left the
    // vocabulary), whether that word has letters yet (a word to complete), F of the completed words, and F itself
    // (with the partial word's penalty): the ranking adds it.
    var lexNode: [Int32] = []
    var inWord: [Bool] = []
    var wordBase: [Double] = []
    var fused: [Double] = []

    // The beam (previous frame's top prefixes, in rank order).
    var beamNode: [Int32] = [0]
    var beamPb: [Double] = [0]
    var beamPnb: [Double] = [-.infinity]
    // Candidates of the frame being built, in first-insertion order: the first `candCount` entries of fixed-size
    // buffers (a frame has at most beamSize prefixes plus beamSize × (K − 1) extensions).
    var candNode: [Int32]
    var candPb: [Double]
    var candPnb: [Double]
    var candCount = 0
    // Per-frame scratch: surviving symbols; per beam rank, the last symbol, the child by each symbol (rank × K),
    // and with an LM the α·ln P(word) and β·ln(length) terms of a space.
    var survivors: [Int32] = []
    var lastSymbol: [Int32]
    var extNode: [Int32]
    var lmTerm: [Double]
    var lengthBonus: [Double]
    var frame: Int32 = 0
    // Scratch of selectTop and wordText, reused across frames.
    var topIdx: [Int] = []
    var topKey: [Double] = []
    var wordBytes: [UInt8] = []

    init(classes: Int, options: BeamSearchOptions, lm decoderLM: DecoderLanguageModel?, spelling: WordSpelling) {
        self.spelling = spelling
        K = classes
        beamSize = options.beamSize
        pruneLog = options.prune == 0 ? -.infinity : log(options.prune)
        blank = Int32(options.blank); space = Int32(options.space)
        alpha = options.alpha; beta = options.beta
        let lm = decoderLM?.model
        self.lm = lm
        hasLM = lm != nil && options.fusion == .notebook
        shallow = decoderLM.flatMap { options.fusion == .shallow ? ShallowFusionScorer(lm: $0, alpha: options.alpha, beta: options.beta, unkScore: options.unkScore) : nil }
        if let lm, hasLM {
            history = [options.lmStartsWithSentenceBegin ? lm.beginSentence() : lm.nullContext()]
            wordScore = [.nan]
        }
        if let lm, shallow != nil {
            history = [lm.beginSentence()]
            lexNode = [Lexicon.root]; inWord = [false]; wordBase = [0]; fused = [0]
        }
        let capacity = options.beamSize * (classes + 1)
        candNode = [Int32](repeating: 0, count: capacity)
        candPb = [Double](repeating: -.infinity, count: capacity)
        candPnb = [Double](repeating: -.infinity, count: capacity)
        survivors.reserveCapacity(classes)
        lastSymbol = [Int32](repeating: -1, count: options.beamSize)
        extNode = [Int32](repeating: -1, count: options.beamSize * classes)
        lmTerm = [Double](repeating: 0, count: options.beamSize)
        lengthBonus = [Double](repeating: 0, count: options.beamSize)
        topIdx.reserveCapacity(beamSize + 1)
        topKey.reserveCapacity(beamSize + 1)
    }

    /// Reserves the trie for `frames` frames (each extends at most beamSize prefixes by K − 1 symbols), capped so a
    /// very long matrix does not reserve more than it is likely to use.
    mutating func reserve(frames: Int) {
        let nodes = min(1 << 20, 1 + frames * beamSize * max(K - 1, 1))
        parent.reserveCapacity(nodes); symbol.reserveCapacity(nodes); length.reserveCapacity(nodes)
        childBlock.reserveCapacity(nodes); stamp.reserveCapacity(nodes); slot.reserveCapacity(nodes)
        children.reserveCapacity(min(1 << 22, frames * beamSize * K))
        if hasLM { wordStart.reserveCapacity(nodes); hasText.reserveCapacity(nodes); history.reserveCapacity(nodes); wordScore.reserveCapacity(nodes) }
        if shallow != nil { lexNode.reserveCapacity(nodes); inWord.reserveCapacity(nodes); wordBase.reserveCapacity(nodes); fused.reserveCapacity(nodes); history.reserveCapacity(nodes) }
    }

    /// The child of `node` by `s`, creating it (and, with an LM, its word bookkeeping) if needed.
    @inline(__always)
    mutating func child(_ node: Int32, _ s: Int32) -> Int32 {
        var block = childBlock[Int(node)]
        if block < 0 {
            block = Int32(children.count)
            children.append(contentsOf: repeatElement(-1, count: K))
            childBlock[Int(node)] = block
        }
        let key = Int(block) + Int(s)
        let existing = children[key]
        if existing >= 0 { return existing }
        let id = Int32(parent.count)
        parent.append(node); symbol.append(s); length.append(length[Int(node)] + 1)
        childBlock.append(-1); stamp.append(-1); slot.append(0)
        children[key] = id
        if hasLM { addWordBookkeeping(id, parent: node, symbol: s) }
        if let shallow { addShallowBookkeeping(id, parent: node, symbol: s, shallow) }
        return id
    }

    /// Shallow fusion's F for a new node. A class that begins a word (a space, a ▁-piece) completes the word its
    /// parent was spelling, if that has letters; then the class's letters walk the vocabulary trie (from the root
    /// for a new word), and the prefix pays the OOV penalty once they leave it.
    mutating func addShallowBookkeeping(_ id: Int32, parent p: Int32, symbol s: Int32, _ scorer: ShallowFusionScorer) {
        let pi = Int(p), k = Int(s)
        var base = wordBase[pi], state = history[pi], node = lexNode[pi]
        let begins = spelling.startsWord[k]
        if begins {
            if inWord[pi] {
                let w = scorer.completeWord(node: node, after: state)
                base += w.term
                state = w.next
            }
            node = Lexicon.root
        }
        node = spelling.walk(scorer.lm.lexicon, from: node, by: k)
        lexNode.append(node)
        inWord.append(spelling.hasLetters(k) || (!begins && inWord[pi]))
        wordBase.append(base)
        history.append(state)
        fused.append(base + scorer.partialPenalty(node: node))
    }

    /// Shallow fusion's F of the whole utterance ending at `node`: its last word completed, then α·ln P(</s>).
    func finalFused(_ node: Int32, _ scorer: ShallowFusionScorer) -> Double {
        let i = Int(node)
        if inWord[i] {
            let w = scorer.completeWord(node: lexNode[i], after: history[i])
            return wordBase[i] + w.term + scorer.end(after: w.next)
        }
        return wordBase[i] + scorer.end(after: history[i])
    }

    mutating func addWordBookkeeping(_ id: Int32, parent p: Int32, symbol s: Int32) {
        let pi = Int(p)
        wordScore.append(.nan)
        if s == space {
            wordStart.append(id)
            hasText.append(hasText[pi])
            // The notebook strips leading spaces (no word yet); between two spaces its split(" ") sees an
            // empty word, which an LM maps to its unknown word.
            history.append(hasText[pi] ? lm!.score(word: wordText(p), after: history[pi]).next : history[pi])
        } else {
            wordStart.append(symbol[pi] == space || pi == 0 ? p : wordStart[pi])
            hasText.append(true)
            history.append(history[pi])
        }
    }

    /// The tokenizer's symbols as upper-case ASCII bytes.
    static let upperBytes: [UInt8] = Tokenizer.symbols.map { c in
        let b = c.asciiValue ?? UInt8(ascii: "?")
        return b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") ? b - 32 : b
    }

    /// Characters of the node's last word (after its last space), upper-cased as the notebook does. The alphabet
    /// is ASCII, so the word is built as bytes (walking the trie backwards) and decoded once.
    mutating func wordText(_ node: Int32) -> String {
        wordBytes.removeAll(keepingCapacity: true)
        var n = node
        let stop = wordStart[Int(node)]
        while n != stop && n > 0 {
            let k = Int(symbol[Int(n)])
            wordBytes.append(k < Search.upperBytes.count ? Search.upperBytes[k] : UInt8(ascii: "?"))
            n = parent[Int(n)]
        }
        wordBytes.reverse()
        return String(decoding: wordBytes, as: UTF8.self)
    }

    /// ln P(last word of `node` | earlier words), cached per node.
    mutating func lmScore(_ node: Int32) -> Double {
        let i = Int(node)
        if !wordScore[i].isNaN { return wordScore[i] }
        let v = lm!.score(word: wordText(node), after: history[i]).logProb
        wordScore[i] = v
        return v
    }

    /// One frame, in two phases. (1) The trie work: for each surviving symbol (class order) and beam prefix (rank
    /// order), the child node, and the LM terms of prefixes a space extends; this may grow the node arrays. (2) The
    /// scores, in the notebook's order, over buffers that no longer grow: candidate slots are found through per-node
    /// frame stamps and appended in first-insertion order.
    mutating func step(_ row: UnsafePointer<Double>) {
        let n = beamNode.count
        survivors.removeAll(keepingCapacity: true)
        for s in 0..<K where !(row[s] < pruneLog || row[s].isNaN) { survivors.append(Int32(s)) }
        for j in 0..<n {
            let prefix = beamNode[j]
            lastSymbol[j] = prefix == 0 ? -1 : symbol[Int(prefix)]
        }
        let spaceSurvives = survivors.contains(space)
        for s32 in survivors where s32 != blank {
            for j in 0..<n { extNode[j * K + Int(s32)] = child(beamNode[j], s32) }
        }
        if hasLM && spaceSurvives {
            for j in 0..<n {
                let prefix = beamNode[j]
                guard prefix != 0 && lastSymbol[j] != space && space != blank else { continue }
                lmTerm[j] = lmScore(prefix) * alpha
                lengthBonus[j] = log(Double(length[Int(prefix)])) * beta
            }
        }
        // Phase 2 on local buffers (moved out of self so each is uniquely referenced and never reallocated).
        var stampBuf: [Int32] = [], slotBuf: [Int32] = []
        swap(&stampBuf, &stamp); swap(&slotBuf, &slot)
        defer { swap(&stampBuf, &stamp); swap(&slotBuf, &slot) }
        var count = 0
        let frame = self.frame, K = self.K, blank = self.blank, space = self.space, useLM = hasLM
        stampBuf.withUnsafeMutableBufferPointer { stampP in
        slotBuf.withUnsafeMutableBufferPointer { slotP in
        candNode.withUnsafeMutableBufferPointer { cn in
        candPb.withUnsafeMutableBufferPointer { cb in
        candPnb.withUnsafeMutableBufferPointer { cnb in
            @inline(__always) func slotOf(_ node: Int32) -> Int {
                let i = Int(node)
                if stampP[i] == frame { return Int(slotP[i]) }
                stampP[i] = frame
                let k = count
                slotP[i] = Int32(k)
                cn[k] = node; cb[k] = -.infinity; cnb[k] = -.infinity
                count += 1
                return k
            }
            for s32 in survivors {
                let p = row[Int(s32)]
                for j in 0..<n {
                    let prefix = beamNode[j], pb = beamPb[j], pnb = beamPnb[j]
                    if s32 == blank {
                        let k = slotOf(prefix)
                        cb[k] = notebookLSE(cb[k], pb + p, pnb + p)
                        continue
                    }
                    let ext = extNode[j * K + Int(s32)]
                    if s32 == lastSymbol[j] {
                        let k1 = slotOf(ext)
                        cnb[k1] = notebookLSE(cnb[k1], p + pb)
                        let k2 = slotOf(prefix)
                        cnb[k2] = notebookLSE(cnb[k2], p + pnb)
                    } else if s32 == space && prefix != 0 && useLM {
                        let k = slotOf(ext)
                        let score = lmTerm[j], bonus = lengthBonus[j]
                        cnb[k] = notebookLSE(cnb[k], pb + p + score + bonus, pnb + p + score + bonus)
                    } else {
                        let k = slotOf(ext)
                        cnb[k] = notebookLSE(cnb[k], pb + p, pnb + p)
                    }
                }
            }
        }}}}}
        candCount = count
        selectTop()
        self.frame += 1
    }

    /// Keeps the `beamSize` best candidates by P_b ⊕ P_nb, descending, ties in insertion order.
    mutating func selectTop() {
        topIdx.removeAll(keepingCapacity: true)
        topKey.removeAll(keepingCapacity: true)
        let shallowKey = shallow != nil
        for i in 0..<candCount {
            var key = notebookLSE(candPb[i], candPnb[i])
            if shallowKey {
                key += fused[Int(candNode[i])]
                if !(key > -.infinity) { continue }     // impossible, or its letters left the vocabulary (u = −∞)
            }
            // Insert after every kept entry with key ≥ this one (stable), if it makes the cut.
            if topIdx.count == beamSize, let worst = topKey.last, !(key > worst) { continue }
            var pos = topKey.count
            while pos > 0 && key > topKey[pos - 1] { pos -= 1 }
            topKey.insert(key, at: pos); topIdx.insert(i, at: pos)
            if topIdx.count > beamSize { topKey.removeLast(); topIdx.removeLast() }
        }
        beamNode.removeAll(keepingCapacity: true); beamPb.removeAll(keepingCapacity: true); beamPnb.removeAll(keepingCapacity: true)
        for i in topIdx { beamNode.append(candNode[i]); beamPb.append(candPb[i]); beamPnb.append(candPnb[i]) }
    }

    func indices(_ node: Int32) -> [Int] {
        var out: [Int] = []
        var n = node
        while n > 0 { out.append(Int(symbol[Int(n)])); n = parent[Int(n)] }
        return out.reversed()
    }

    func result() -> BeamSearchResult {
        var beams = (0..<beamNode.count).map {
            BeamHypothesis(indices: indices(beamNode[$0]), logProbability: notebookLSE(beamPb[$0], beamPnb[$0]))
        }
        if let shallow {
            for j in beams.indices {
                let f = finalFused(beamNode[j], shallow)
                beams[j].logProbability += f
                beams[j].lmScore = f
            }
            // Re-rank with the ends added, ties in beam order (a stable sort).
            beams = beams.enumerated().sorted { a, b in
                a.element.logProbability != b.element.logProbability ? a.element.logProbability > b.element.logProbability : a.offset < b.offset
            }.map(\.element)
        }
        return BeamSearchResult(best: beams.first ?? BeamHypothesis(indices: [], logProbability: -.infinity), beams: beams)
    }
}
