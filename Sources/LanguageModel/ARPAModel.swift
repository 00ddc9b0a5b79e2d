// ARPAModel: a back-off n-gram model read from an ARPA file, scored the way KenLM's `query` does
// (the longest matching n-gram, plus the back-off weights of the longer contexts it could not match;
// out-of-vocabulary words score as `<unk>`, or as a -100 log10 floor when the file has no `<unk>`).
// Words are case-insensitive: lower-cased (ASCII) on load and on query.

public struct ARPAModel: LanguageModel {
    /// The file the model was read from.
    public let path: String
    public let order: Int
    /// The n-gram counts per order, as the `\data\` header announced (index 0 = unigrams).
    public let counts: [Int]
    /// Whether the file itself listed `<unk>` (otherwise OOV words get `unknownLog10`).
    public let fileHasUnknown: Bool
    public let unknownID: Int32
    public let beginID: Int32
    public let endID: Int32

    let vocabulary: Vocabulary
    let unigramProb: [Float]
    let unigramBackoff: [Float]
    let tables: [NGramTable]          // tables[k] holds the (k+2)-grams

    init(path: String, order: Int, counts: [Int], fileHasUnknown: Bool, vocabulary: Vocabulary,
         unigramProb: [Float], unigramBackoff: [Float], tables: [NGramTable]) {
        self.path = path
        self.order = order
        self.counts = counts
        self.fileHasUnknown = fileHasUnknown
        self.vocabulary = vocabulary
        self.unigramProb = unigramProb
        self.unigramBackoff = unigramBackoff
        self.tables = tables
        unknownID = vocabulary.find("<unk>") ?? -1
        beginID = vocabulary.find("<s>") ?? -1
        endID = vocabulary.find("</s>") ?? -1
    }

    /// The number of words in the vocabulary (including `<s>`, `</s>` and `<unk>`).
    public var vocabularySize: Int { vocabulary.count }

    /// The word spelled by an id.
    public func word(_ id: Int32) -> String { vocabulary.word(id) }

    public func wordID(_ word: String) -> Int32 { vocabulary.find(word) ?? unknownID }

    public func beginSentence() -> LMState { LMState(recentFirst: [beginID]).truncated(to: order - 1) }

    public func nullContext() -> LMState { LMState() }

    public func score(word: Int32, after state: LMState) -> (logProb: Double, next: LMState) {
        let s = scoreLog10(word: word, after: state)
        return (s.log10 * ln10, s.next)
    }

    public func endSentence(after state: LMState) -> Double {
        scoreLog10(word: endID, after: state).log10 * ln10
    }

    /// log10 P(word | state), the length of the n-gram that matched, and the next state.
    /// The next state keeps only as much history as can still match a longer n-gram (as KenLM does),
    /// which changes no score but lets a decoder merge more hypotheses.
    public func scoreLog10(word: Int32, after state: LMState) -> (log10: Double, ngramLength: Int, next: LMState) {
        let w = word >= 0 && Int(word) < unigramProb.count ? word : unknownID
        let history = min(state.count, order - 1)
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: LMState.capacity + 1) { key in
            // key holds the history in text order, ending with the word: key[top-k ... top] is the (k+1)-gram.
            let top = LMState.capacity
            let base = key.baseAddress!
            base[top] = w
            for j in 0..<history { base[top - 1 - j] = state[j] }

            var p = Double(unigramProb[Int(w)])
            var matched = 0     // the longest listed n-gram's context length
            var reach = 0       // the same, counting the blanks the reader inserted
            if history > 0 {
                for k in 1...history {
                    let e = tables[k - 1].find(base + (top - k))
                    if e < 0 { break }
                    reach = k
                    let q = tables[k - 1].prob[e]
                    if !q.isNaN {
                        p = Double(q)
                        matched = k
                    }
                }
            }
            if matched < history {
                for j in (matched + 1)...history {
                    // the context of length j: key[top-j ..< top]
                    if j == 1 {
                        p += Double(unigramBackoff[Int(base[top - 1])])
                    } else {
                        let e = tables[j - 2].find(base + (top - j))
                        if e < 0 { break }   // a missing context has no longer extension either
                        p += Double(tables[j - 2].backoff[e])
                    }
                }
            }
            let next = state.pushing(w, limit: min(reach + 1, order - 1))
            return (p, reach + 1, next)     // KenLM counts blanks in the reported length
        }
    }

    /// One scored word of `scoreSentence`.
    public struct WordScore: Sendable, Equatable {
        public let word: String
        public let id: Int32
        public let log10: Double
        public let ngramLength: Int
    }

    /// A sentence's score as KenLM's `query` reports it: the log10 total including `</s>`, and the
    /// number of out-of-vocabulary words (words that map to `<unk>`).
    public struct SentenceScore: Sendable, Equatable {
        public let log10: Double
        public let oov: Int
        public let words: [WordScore]
        /// Natural-log total.
        public var logProb: Double { log10 * ln10 }
    }

    /// Scores whitespace-separated words, with `<s>` context and a final `</s>` unless turned off.
    public func scoreSentence(_ text: String, sentenceContext: Bool = true) -> SentenceScore {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map(String.init)
        var state = sentenceContext ? beginSentence() : nullContext()
        var total = 0.0
        var oov = 0
        var scored: [WordScore] = []
        scored.reserveCapacity(tokens.count + 1)
        for token in tokens {
            let id = wordID(token)
            if id == unknownID { oov += 1 }
            let s = scoreLog10(word: id, after: state)
            total += s.log10
            scored.append(WordScore(word: token, id: id, log10: s.log10, ngramLength: s.ngramLength))
            state = s.next
        }
        if sentenceContext {
            let s = scoreLog10(word: endID, after: state)
            total += s.log10
            scored.append(WordScore(word: "</s>", id: endID, log10: s.log10, ngramLength: s.ngramLength))
        }
        return SentenceScore(log10: total, oov: oov, words: scored)
    }
}

/// ln(10): converts the file's log10 scores to the protocol's natural logs.
let ln10 = 2.302585092994045684

extension LMState {
    func truncated(to limit: Int) -> LMState {
        LMState(recentFirst: words.prefix(max(0, limit)))
    }
}
