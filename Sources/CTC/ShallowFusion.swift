// Shallow fusion: how the beam decoder adds a word language model to the CTC scores by default, as pyctcdecode and
// the KenLM-based decoders (DeepSpeech's ctcdecode, torchaudio's) do — unlike the notebook's fusion (`Fusion.notebook`
// in PrefixBeamSearch.swift), which adds α × a prefix score and β × ln(length in characters) at every space.
//
// The score of a prefix is  ln P_ctc(prefix) + F(prefix), F a function of its text alone:
//   F = Σ over its completed words w_i:  α·ln P(w_i | <s> w_1 … w_{i−1}) + β  [+ u if w_i is not in the vocabulary]
//       + (while a last word is being spelled)  u if its letters are no longer a prefix of any vocabulary word
// and, when the utterance ends, the last partial word is completed the same way and α·ln P(</s> | history) added.
//
// Units: natural logs throughout. The LM's log10 probabilities are converted (ln P = ln 10 · log10 P, as
// pyctcdecode's alpha · score · LOG_BASE_CHANGE_FACTOR does), so α means the same as pyctcdecode's alpha. β (the
// word-insertion bonus) and u (`unkScore`, the OOV penalty) are nats added as they are, not scaled by α.
// pyctcdecode adds its unk offset (−10) before the α·ln 10 scaling for a whole word but as is for a partial word; here
// u is one number used both ways: it is charged once, when the spelled letters leave the vocabulary trie, and the same
// u stays charged when the word completes (so an OOV word costs u once, never twice). u = −∞ makes the vocabulary a
// hard constraint: a beam that spells a letter no vocabulary word continues with dies at that frame.
// (pyctcdecode also multiplies a partial penalty by length/6 beyond 6 letters; Trellis does not.)
// Because F depends only on the text, adding it to the ranking key (rather than into P_blank/P_non-blank) keeps
// P_ctc exact, so a wide beam without pruning finds argmax over all transcripts of ln P_ctc + F: the decoder tests'
// oracle enumerates exactly that.
import LanguageModel

/// How the beam decoder combines the CTC scores with a word LM.
public enum Fusion: String, Sendable, CaseIterable, Codable {
    /// Each completed word's α·ln P(word | history) + β once, an OOV penalty, vocabulary-trie pruning of partial
    /// words, and ln P(</s>) at the end (ShallowFusion.swift).
    case shallow
    /// The notebook's Cell 20: α·ln P(last word | earlier words) + β·ln(prefix length in characters) folded into
    /// P_non-blank at every space; the last word and </s> are never scored.
    case notebook
}

/// A word LM as the beam decoder reads it: the scorer and its vocabulary as a character trie, built once and
/// shared by every utterance (and thread) a decoder runs over.
public struct DecoderLanguageModel: Sendable {
    public let model: any LanguageModel
    public let lexicon: Lexicon

    /// `vocabulary`: every (word, id) of `model` (ids as `model.wordID` gives them).
    public init<S: Sequence>(_ model: any LanguageModel, vocabulary: S) where S.Element == (word: String, id: Int32) {
        self.model = model
        lexicon = Lexicon(vocabulary)
    }

    /// An ARPA model with its own vocabulary.
    public init(_ arpa: ARPAModel) {
        self.init(arpa, vocabulary: (0..<Int32(arpa.vocabularySize)).lazy.map { (word: arpa.word($0), id: $0) })
    }
}

/// The fused score terms (natural logs) of `ShallowFusion`'s rules, for one setting of α, β and u.
struct ShallowFusionScorer {
    let lm: DecoderLanguageModel
    let alpha: Double, beta: Double, unkScore: Double

    /// The term of a word the letters ending at vocabulary-trie node `node` spell (`Lexicon.none`: out of the
    /// vocabulary), after `history`: α·ln P(word | history) + β, plus u when it is not a vocabulary word; and the
    /// history after it. The penalty u of an OOV word's partial letters is already in the prefix score, so callers
    /// add this to the score *before* the partial penalty (`wordBase`), never on top of it.
    func completeWord(node: Int32, after history: LMState) -> (term: Double, next: LMState) {
        if let id = lm.lexicon.word(at: node) {
            let s = lm.model.score(word: id, after: history)
            return (weighted(s.logProb) + beta, s.next)
        }
        let s = lm.model.score(word: lm.model.unknownID, after: history)
        return (weighted(s.logProb) + beta + unkScore, s.next)
    }

    /// α·lp, with α = 0 switching the LM off even where lp = −∞ (0·−∞ would be NaN).
    @inline(__always)
    func weighted(_ lp: Double) -> Double { alpha == 0 ? 0 : alpha * lp }

    /// The penalty of letters that have reached vocabulary-trie node `node`: 0 while some word still starts with
    /// them, u once none does.
    @inline(__always)
    func partialPenalty(node: Int32) -> Double { node >= 0 ? 0 : unkScore }

    /// α·ln P(</s> | history): ending the sentence here.
    func end(after history: LMState) -> Double { weighted(lm.model.endSentence(after: history)) }
}

/// Shallow fusion's defaults: pyctcdecode's α = 0.5, β = 1.5 and unk offset −10, and a wider beam than the notebook's
/// 5 (the commands use these when --fusion shallow is given without --alpha, --beta, --beam).
public enum ShallowFusionDefaults {
    public static let alpha = 0.5
    public static let beta = 1.5
    public static let unkScore = -10.0
    public static let beamSize = 32
}
