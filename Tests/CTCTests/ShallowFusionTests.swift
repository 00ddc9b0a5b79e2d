// Shallow fusion against exact enumeration: every frame path of a tiny matrix over {blank, space, a, b, c}, collapsed,
// each transcript scored by hand with a hand-written bigram ARPA (fixtures/lm/fusion-tiny.arpa, its numbers copied
// below and backed off by hand, not through ARPAModel); the decoder's best and its score must match. Also the
// vocabulary trie, its pruning at every frame, and the reduction to the plain decoder when the LM terms are zero.
import XCTest
import Foundation
import LanguageModel
@testable import CTC

final class ShallowFusionTests: XCTestCase {
    static let arpaPath = Fixture.root.appendingPathComponent("fixtures/lm/fusion-tiny.arpa").path
    static let used = [Tokenizer.blank, Tokenizer.space, 2, 3, 4]     // _ ␣ a b c

    /// fusion-tiny.arpa's numbers (log10), for the hand scorer.
    enum Hand {
        static let unigram: [String: Double] = ["<unk>": -1.0, "<s>": -99, "</s>": -0.8, "a": -0.7, "ab": -0.9, "ba": -1.1, "cab": -1.3]
        static let backoff: [String: Double] = ["<s>": -0.5, "a": -0.3, "ab": -0.2, "ba": -0.4, "cab": -0.1]
        static let bigram: [String: Double] = ["<s> a": -0.2, "<s> cab": -0.25, "a ab": -0.4, "ab </s>": -0.3, "ba a": -0.5, "cab </s>": -0.6]
        static let vocabulary: Set<String> = ["a", "ab", "ba", "cab"]

        /// log10 P(w | h) of a bigram back-off model: the bigram if listed, else backoff(h) + P(w). ARPA values are
        /// float32 (as KenLM stores them), so each number is rounded to Float before the sum.
        static func log10(_ w: String, after h: String) -> Double {
            func f(_ x: Double?) -> Double { x.map { Double(Float($0)) } ?? 0 }
            if let b = bigram["\(h) \(w)"] { return f(b) }
            return f(backoff[h]) + f(unigram[w]!)
        }

        /// F(text) = α·ln P(words, </s> | <s>) + β·words + u·(OOV words); OOV words score as <unk>.
        static func fused(_ text: String, alpha: Double, beta: Double, unk: Double) -> Double {
            let words = text.split(separator: " ").map(String.init)
            var h = "<s>", log10Sum = 0.0, oov = 0
            for w in words {
                let known = vocabulary.contains(w)
                if !known { oov += 1 }
                let key = known ? w : "<unk>"
                log10Sum += log10(key, after: h)
                h = key
            }
            log10Sum += log10("</s>", after: h)
            let lm = alpha * log(10) * log10Sum + beta * Double(words.count)
            return oov == 0 ? lm : lm + Double(oov) * unk
        }
    }

    func lm() throws -> DecoderLanguageModel { DecoderLanguageModel(try ARPAModel(contentsOf: Self.arpaPath)) }

    /// A T×29 matrix with random probabilities on the five used classes and 0 elsewhere.
    func matrix(_ r: inout TinyRandom, frames: Int) throws -> LogProbabilities {
        var p = [Double](repeating: 0, count: frames * 29)
        for t in 0..<frames {
            let w = Self.used.map { _ in exp(1.5 * r.rng.nextGaussian()) }
            let z = w.reduce(0, +)
            for (i, k) in Self.used.enumerated() { p[t * 29 + k] = w[i] / z }
        }
        return try LogProbabilities(frames: frames, classes: 29, probabilities: p)
    }

    /// ln P_ctc of every label sequence with non-zero probability: all 5^T paths over the used classes, collapsed.
    func enumerate(_ m: LogProbabilities) -> [[Int]: Double] {
        var probability: [[Int]: Double] = [:]
        var path = [Int](repeating: 0, count: m.frames)
        for code in 0..<Int(pow(5.0, Double(m.frames))) {
            var c = code, lp = 0.0
            for t in 0..<m.frames { path[t] = Self.used[c % 5]; c /= 5; lp += m[t, path[t]] }
            probability[GreedyDecoder.collapse(path, blank: Tokenizer.blank), default: 0] += exp(lp)
        }
        return probability.mapValues { log($0) }
    }

    func text(_ labels: [Int]) -> String { String(labels.map { Tokenizer.symbols[$0] }) }

    /// A beam wider than every prefix and no pruning: the decoder's best is argmax over all transcripts of
    /// ln P_ctc + F, with F scored by hand; every kept hypothesis has exactly its transcript's total.
    func testWideBeamEqualsExhaustiveFusedSearch() throws {
        let lm = try lm()
        var r = TinyRandom(7)
        var changedByLM = 0, oovBest = 0, checked = 0
        for trial in 0..<9 {
            let m = try matrix(&r, frames: 4 + trial % 2)
            let acoustic = enumerate(m)
            for (alpha, beta, unk) in [(0.5, 1.5, -10.0), (2.0, 0.0, -3.0), (1.0, -1.0, -Double.infinity), (0.3, 3.0, -0.5)] {
                let options = BeamSearchOptions(beamSize: BeamSearchOptions.maxBeamSize, prune: 0, alpha: alpha, beta: beta,
                                                fusion: .shallow, unkScore: unk)
                let result = try PrefixBeamSearch.decode(m, options: options, lm: lm)
                var total: [[Int]: Double] = [:]
                for (labels, lp) in acoustic { total[labels] = lp + Hand.fused(text(labels), alpha: alpha, beta: beta, unk: unk) }
                let best = total.max { $0.value < $1.value }!
                let label = "trial \(trial) α=\(alpha) β=\(beta) u=\(unk)"
                XCTAssertEqual(result.best.indices, best.key, label + ": \"\(text(result.best.indices))\" vs \"\(text(best.key))\"")
                assertClose(result.best.logProbability, best.value, rel: 1e-10, label)
                assertClose(result.best.lmScore!, Hand.fused(text(best.key), alpha: alpha, beta: beta, unk: unk), rel: 1e-10, label)
                let live = result.beams.filter { $0.logProbability > -.infinity }
                XCTAssertEqual(live.count, total.values.filter { $0 > -.infinity }.count, label)
                for h in live {
                    assertClose(h.logProbability, total[h.indices]!, rel: 1e-10, label + " \"\(text(h.indices))\"")
                    checked += 1
                }
                let plain = try PrefixBeamSearch.decode(m, options: BeamSearchOptions(beamSize: BeamSearchOptions.maxBeamSize, prune: 0))
                if plain.best.indices != result.best.indices { changedByLM += 1 }
                if text(best.key).split(separator: " ").contains(where: { !Hand.vocabulary.contains(String($0)) }) { oovBest += 1 }
            }
        }
        // The oracle must exercise the LM: it changes the answer, and OOV words win sometimes (finite u).
        XCTAssertGreaterThan(changedByLM, 5)
        XCTAssertGreaterThan(oovBest, 0)
        XCTAssertGreaterThan(checked, 1000)
    }

    func testLexiconTrie() {
        let words: [(word: String, id: Int32)] = [("cab", 4), ("CAT", 5), ("ca", 6), ("<s>", 1), ("x2", 7), ("don't", 8), ("a_b", 9), ("cab", 10)]
        let lex = Lexicon(words)
        XCTAssertEqual(lex.words, 4)              // cab, cat (upper case folded), ca, don't; the second "cab" keeps id 4
        XCTAssertEqual(lex.skipped, 3)            // <s>, x2, a_b: characters the tokenizer cannot spell as a word
        let tok = Tokenizer()
        func node(_ s: String) -> Int32 { lex.node(spelling: try! tok.indices(s)) }
        XCTAssertEqual(lex.word(at: node("cab")), 4)
        XCTAssertEqual(lex.word(at: node("cat")), 5)
        XCTAssertEqual(lex.word(at: node("ca")), 6)
        XCTAssertEqual(lex.word(at: node("don't")), 8)
        XCTAssertNil(lex.word(at: node("c")))     // a prefix, not a word
        XCTAssertNotEqual(node("c"), Lexicon.none)
        XCTAssertNotEqual(node("don"), Lexicon.none)
        XCTAssertEqual(node("cb"), Lexicon.none)  // no word starts with cb
        XCTAssertEqual(node("caba"), Lexicon.none)
        XCTAssertEqual(lex.child(Lexicon.none, 2), Lexicon.none)   // once out, never back
        XCTAssertEqual(node(""), Lexicon.root)
        // Nodes: root, c, ca, cab, cat, d, do, don, don', don't.
        XCTAssertEqual(lex.nodeCount, 10)
    }

    /// u = −∞: at every frame every kept beam spells only vocabulary words and a vocabulary prefix (the beams of
    /// impossible words die the frame they leave the trie), and the answer is the best in-vocabulary transcript.
    func testTriePruningKeepsOnlyVocabularyPrefixes() throws {
        let lm = try lm()
        let prefixes = Set(Hand.vocabulary.flatMap { w in (0...w.count).map { String(w.prefix($0)) } })
        var r = TinyRandom(99)
        var pruned = 0
        for trial in 0..<6 {
            let m = try matrix(&r, frames: 8)
            let options = BeamSearchOptions(beamSize: 3, prune: 0, alpha: 0.5, beta: 1, fusion: .shallow, unkScore: -.infinity)
            for t in 1...m.frames {
                let result = try PrefixBeamSearch.decode(m.prefix(frames: t), options: options, lm: lm)
                for h in result.beams {
                    let words = text(h.indices).split(separator: " ", omittingEmptySubsequences: false).map(String.init)
                    for w in words.dropLast() where !w.isEmpty { XCTAssertTrue(Hand.vocabulary.contains(w), "trial \(trial) t=\(t): \"\(w)\"") }
                    XCTAssertTrue(prefixes.contains(words.last!), "trial \(trial) t=\(t): partial \"\(words.last!)\"")
                }
                let free = try PrefixBeamSearch.decode(m.prefix(frames: t), options: BeamSearchOptions(beamSize: 3, prune: 0))
                if free.beams.contains(where: { !text($0.indices).split(separator: " ").allSatisfy { prefixes.contains(String($0)) } }) { pruned += 1 }
            }
        }
        XCTAssertGreaterThan(pruned, 10)   // without the trie, beams of impossible words were there to prune
    }

    /// Beam 1: the acoustically best path spells "cb", which no vocabulary word starts with; with the trie the
    /// beam leaves "cb" the frame it appears and ends on the vocabulary word "cab".
    func testImpossibleWordDiesEarly() throws {
        func row(_ p: [Int: Double]) -> [Double] { (0..<29).map { p[$0] ?? 0 } }
        let (a, b, c) = (2, 3, 4)
        let m = try LogProbabilities(frames: 3, classes: 29, probabilities: row([c: 0.55, b: 0.45]) + row([b: 0.6, a: 0.4]) + row([b: 0.6, a: 0.4]))
        let plain = try PrefixBeamSearch.decode(m, options: BeamSearchOptions(beamSize: 1, prune: 0))
        XCTAssertEqual(try plain.best.text(), "cb")
        let lm = try lm()
        let hard = try PrefixBeamSearch.decode(m, options: BeamSearchOptions(beamSize: 1, prune: 0, alpha: 0, beta: 0, fusion: .shallow, unkScore: -.infinity), lm: lm)
        XCTAssertEqual(try hard.best.text(), "cab")
        assertClose(hard.best.logProbability, log(0.55 * 0.4 * 0.6), rel: 1e-12)
        // A finite penalty keeps "cb" when the acoustics outweigh it (ln .33 − 0.3 > ln .22 at frame 1), and charges
        // it once: ln(.55·.6·.6) − 0.3 at the end.
        let soft = try PrefixBeamSearch.decode(m, options: BeamSearchOptions(beamSize: 1, prune: 0, alpha: 0, beta: 0, fusion: .shallow, unkScore: -0.3), lm: lm)
        XCTAssertEqual(try soft.best.text(), "cb")
        assertClose(soft.best.logProbability, log(0.55 * 0.6 * 0.6) - 0.3, rel: 1e-12)
    }

    /// With α = β = u = 0 every LM term is zero: the same beams and scores as decoding without an LM.
    func testZeroWeightsReduceToThePlainDecoder() throws {
        let lm = try lm()
        var r = TinyRandom(5)
        for _ in 0..<5 {
            let m = try matrix(&r, frames: 12)
            let plain = try PrefixBeamSearch.decode(m, options: BeamSearchOptions(beamSize: 8, prune: 1e-3))
            let fused = try PrefixBeamSearch.decode(m, options: BeamSearchOptions(beamSize: 8, prune: 1e-3, alpha: 0, beta: 0, fusion: .shallow, unkScore: 0), lm: lm)
            XCTAssertEqual(fused.beams.map(\.indices), plain.beams.filter { $0.logProbability > -.infinity }.map(\.indices))
            for (f, p) in zip(fused.beams, plain.beams) { XCTAssertEqual(f.logProbability, p.logProbability) }
        }
    }

    func testBadOptionsAreErrors() throws {
        let m = try LogProbabilities(frames: 1, classes: 29, probabilities: [Double](repeating: 1.0 / 29, count: 29))
        for u in [Double.nan, 1.0] {
            XCTAssertThrowsError(try PrefixBeamSearch.decode(m, options: BeamSearchOptions(fusion: .shallow, unkScore: u), lm: try lm())) { e in
                XCTAssertTrue("\(e)".contains("OOV penalty"), "\(e)")
            }
        }
    }
}
