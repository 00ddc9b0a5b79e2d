// LanguageModel module: the word-level scoring protocol a CTC prefix beam search calls
// incrementally, and its ARPA back-off n-gram implementation (`ARPAModel`).
// Scores crossing this protocol are natural logs (the decoder adds them to CTC log-probabilities);
// KenLM-style log10 reports live on `ARPAModel.scoreSentence`.
// Files: ARPAReader/ARPAModel/ARPAError (reading and scoring ARPA files, with NGramTable, Vocabulary, LMState,
// LineReader, ByteParsing), Perplexity (a text's perplexity as KenLM's `query`), KneserNeyBuilder and
// KneserNeyOutput (estimating a modified Kneser–Ney model from text as KenLM's `lmplz`), RecordSort (the
// external merge sort the estimation streams its n-gram records through).

/// A word-level language model that a decoder can query one word at a time.
///
/// Words are interned to `Int32` ids once (`wordID`), then each hypothesis carries an
/// `LMState` (its last few word ids) and extends it with `score(word:after:)`.
/// Implementations are immutable values safe to share between threads.
public protocol LanguageModel: Sendable {
    /// The n-gram order (1 = unigram); states keep at most `order - 1` words.
    var order: Int { get }
    /// The id of `word` (case-insensitive), or `unknownID` when it is not in the vocabulary.
    func wordID(_ word: String) -> Int32
    /// The id every out-of-vocabulary word maps to.
    var unknownID: Int32 { get }
    /// The state at the start of a sentence (after `<s>`).
    func beginSentence() -> LMState
    /// The state with no history at all.
    func nullContext() -> LMState
    /// ln P(word | state) and the state after it.
    func score(word: Int32, after state: LMState) -> (logProb: Double, next: LMState)
    /// ln P(</s> | state): the cost of ending the sentence here.
    func endSentence(after state: LMState) -> Double
}

extension LanguageModel {
    /// String convenience over `score(word:after:)`.
    public func score(word: String, after state: LMState) -> (logProb: Double, next: LMState) {
        score(word: wordID(word), after: state)
    }

    /// ln P(words, </s> | <s>): the whole-sentence natural-log score.
    public func sentenceLogProb(_ words: [String]) -> Double {
        var state = beginSentence()
        var total = 0.0
        for word in words {
            let step = score(word: word, after: state)
            total += step.logProb
            state = step.next
        }
        return total + endSentence(after: state)
    }
}
