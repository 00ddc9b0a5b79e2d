// Shallow fusion over subword pieces: a word is complete when the next piece starting with ▁ (or the end) follows
// it. Oracles: a hand-made posterior over four pieces whose fused scores are worked out in the comments (the LM
// flips the acoustic choice); exact enumeration of every frame path of small random matrices, each transcript
// scored by the hand scorer of ShallowFusionTests (the text's words through fusion-tiny.arpa's numbers); and the
// character decoder itself, which a tokenizer without merges (every piece one character) must reproduce exactly.
import XCTest
import Foundation
import LanguageModel
@testable import CTC

final class SubwordFusionTests: XCTestCase {
    typealias Hand = ShallowFusionTests.Hand

    /// ▁a (28), ▁c (29), ab (30), ▁b (31); the blank is 32. fusion-tiny.arpa's words are a, ab, ba, cab.
    func tokenizer() throws -> SubwordTokenizer {
        try SubwordTokenizer.parse("trellis-tokenizer 1 bpe\npieces 32\nmerge ▁ a\nmerge ▁ c\nmerge a b\nmerge ▁ b\n", source: "test")
    }

    func lm() throws -> DecoderLanguageModel { DecoderLanguageModel(try ARPAModel(contentsOf: ShallowFusionTests.arpaPath)) }

    /// Frames (no blank anywhere): {▁c .55, ▁b .45}, {a .55, ab .45}, {▁a 1}. The four transcripts and their
    /// acoustic probabilities: "ca a" .3025, "cab a" .2475, "ba a" .2475, "bab a" .2025, so greedy and the beam
    /// without an LM read "ca a". log10 P(words, </s> | <s>) by hand from the ARPA file (back-offs where no bigram):
    ///   ca a:  <unk>|<s> −0.5−1.0, a|<unk> −0.7, </s>|a −0.3−0.8  = −3.3   (ca is OOV: + u)
    ///   cab a: cab|<s> −0.25,      a|cab −0.1−0.7, </s>|a −1.1     = −2.15
    ///   ba a:  ba|<s> −0.5−1.1,    a|ba −0.5,      </s>|a −1.1     = −3.2
    ///   bab a: as ca a, −3.3 + u.
    /// With α = 0.5, β = 1, u = −10 the totals ln P + α·ln10·log10 P + 2β (+ u) are −12.99, −1.871, −3.080 and
    /// −13.39: the LM makes it "cab a", a word completed by the ▁-piece ▁a in the middle and one at the end.
    func testTheLanguageModelFlipsAHandMadePosteriorOverPieces() throws {
        let t = try tokenizer()
        let labels = LabelSet.subwords(t)
        XCTAssertEqual(t.pieces[28...], ["▁a", "▁c", "ab", "▁b"])
        let (a, pa, pc, ab, pb) = (2, 28, 29, 30, 31)
        func row(_ p: [Int: Double]) -> [Double] { (0..<33).map { p[$0] ?? 0 } }
        let m = try LogProbabilities(frames: 3, classes: 33, probabilities: row([pc: 0.55, pb: 0.45]) + row([a: 0.55, ab: 0.45]) + row([pa: 1]))

        XCTAssertEqual(try t.decode(GreedyDecoder.decode(m, blank: labels.blank)), "ca a")
        let plain = try PrefixBeamSearch.decode(m, options: BeamSearchOptions(beamSize: 4, prune: 0), labels: labels)
        XCTAssertEqual(try t.decode(plain.best.indices), "ca a")

        let options = BeamSearchOptions(beamSize: 4, prune: 0, alpha: 0.5, beta: 1, fusion: .shallow, unkScore: -10)
        let fused = try PrefixBeamSearch.decode(m, options: options, lm: try lm(), labels: labels)
        XCTAssertEqual(fused.best.indices, [pc, ab, pa])
        XCTAssertEqual(try t.decode(fused.best.indices), "cab a")
        let ln10 = log(10.0)
        assertClose(fused.best.logProbability, log(0.55 * 0.45) + 0.5 * ln10 * -2.15 + 2, rel: 1e-6)    // float32 ARPA numbers
        // Every transcript's total, against the hand scorer (which rounds the ARPA numbers as they are stored).
        let expected: [String: Double] = ["ca a": log(0.3025), "cab a": log(0.2475), "ba a": log(0.2475), "bab a": log(0.2025)]
        XCTAssertEqual(Set(try fused.beams.map { try t.decode($0.indices) }), Set(expected.keys))
        for h in fused.beams {
            let text = try t.decode(h.indices)
            let f = Hand.fused(text, alpha: 0.5, beta: 1, unk: -10)
            assertClose(h.lmScore!, f, rel: 1e-12, text)
            assertClose(h.logProbability, expected[text]! + f, rel: 1e-12, text)
        }
        assertClose(fused.beams[1].logProbability, -3.080, rel: 1e-3)
        // Beam 1 cannot see it: "ca" is still a prefix of "cab" after frame 2 and beats "cab" acoustically.
        var narrow = options
        narrow.beamSize = 1
        XCTAssertEqual(try t.decode(PrefixBeamSearch.decode(m, options: narrow, lm: try lm(), labels: labels).best.indices), "ca a")
    }

    /// The classes the random matrices use: the blank, ▁, a, b, ▁a, ▁c, ab, ▁b.
    static let used = [32, 0, 2, 3, 28, 29, 30, 31]

    func matrix(_ r: inout TinyRandom, frames: Int) throws -> LogProbabilities {
        var p = [Double](repeating: 0, count: frames * 33)
        for t in 0..<frames {
            let w = Self.used.map { _ in exp(1.5 * r.rng.nextGaussian()) }
            let z = w.reduce(0, +)
            for (i, k) in Self.used.enumerated() { p[t * 33 + k] = w[i] / z }
        }
        return try LogProbabilities(frames: frames, classes: 33, probabilities: p)
    }

    /// ln P_ctc of every piece sequence: all 8^T paths over the used classes, collapsed.
    func enumerate(_ m: LogProbabilities) -> [[Int]: Double] {
        var probability: [[Int]: Double] = [:]
        let n = Self.used.count
        var path = [Int](repeating: 0, count: m.frames)
        for code in 0..<Int(pow(Double(n), Double(m.frames))) {
            var c = code, lp = 0.0
            for t in 0..<m.frames { path[t] = Self.used[c % n]; c /= n; lp += m[t, path[t]] }
            probability[GreedyDecoder.collapse(path, blank: 32), default: 0] += exp(lp)
        }
        return probability.mapValues { log($0) }
    }

    /// A beam wider than every prefix, no pruning: the best is argmax over all piece sequences of ln P_ctc + F(text),
    /// and every kept hypothesis has exactly its sequence's total. Different segmentations of one text ("▁a b" and
    /// "▁ ab") are different hypotheses with the same F.
    func testWideBeamEqualsExhaustiveFusedSearchOverPieces() throws {
        let t = try tokenizer()
        let labels = LabelSet.subwords(t)
        let lm = try lm()
        var r = TinyRandom(11)
        var changedByLM = 0, oovBest = 0, midWordBoundaries = 0, checked = 0
        for trial in 0..<12 {
            // Four frames: 8^4 paths, and fewer piece sequences (at most 7^4 + 7^3 + …) than the beam holds.
            let m = try matrix(&r, frames: 4)
            let acoustic = enumerate(m)
            for (alpha, beta, unk) in [(0.5, 1.5, -10.0), (2.0, 0.0, -3.0), (1.0, -1.0, -Double.infinity), (0.3, 3.0, -0.5)] {
                let options = BeamSearchOptions(beamSize: BeamSearchOptions.maxBeamSize, prune: 0, alpha: alpha, beta: beta,
                                                fusion: .shallow, unkScore: unk)
                let result = try PrefixBeamSearch.decode(m, options: options, lm: lm, labels: labels)
                var total: [[Int]: Double] = [:]
                for (ids, lp) in acoustic { total[ids] = lp + Hand.fused(try t.decode(ids), alpha: alpha, beta: beta, unk: unk) }
                let best = total.max { $0.value < $1.value }!
                let label = "trial \(trial) α=\(alpha) β=\(beta) u=\(unk)"
                let bestText = try t.decode(best.key)
                let gotText = try t.decode(result.best.indices)
                XCTAssertEqual(result.best.indices, best.key, label + ": \"\(gotText)\" vs \"\(bestText)\"")
                assertClose(result.best.logProbability, best.value, rel: 1e-10, label)
                let live = result.beams.filter { $0.logProbability > -.infinity }
                XCTAssertEqual(live.count, total.values.filter { $0 > -.infinity }.count, label)
                for h in live {
                    assertClose(h.logProbability, total[h.indices]!, rel: 1e-10, label + " \(h.indices)")
                    checked += 1
                }
                let plain = try PrefixBeamSearch.decode(m, options: BeamSearchOptions(beamSize: BeamSearchOptions.maxBeamSize, prune: 0), labels: labels)
                if plain.best.indices != result.best.indices { changedByLM += 1 }
                if bestText.split(separator: " ").contains(where: { !Hand.vocabulary.contains(String($0)) }) { oovBest += 1 }
                if bestText.split(separator: " ").count > 1 { midWordBoundaries += 1 }
            }
        }
        // The oracle must exercise the LM: it changes answers, OOV words win sometimes, words end mid-utterance.
        XCTAssertGreaterThan(changedByLM, 5)
        XCTAssertGreaterThan(oovBest, 0)
        XCTAssertGreaterThan(midWordBoundaries, 3)
        XCTAssertGreaterThan(checked, 1000)
    }

    /// A tokenizer without merges has the 28 pieces ▁ ' a … z and the blank 28: the characters with ▁ for the space
    /// and the first two classes swapped. Decoding a character matrix, and the same matrix with columns 0 and 1
    /// swapped as pieces, must give the same beams (classes mapped back) with bit-identical scores, with and
    /// without an LM: "one character per piece" is exactly the character decoder.
    func testPiecesOfOneCharacterDecodeExactlyAsTheCharacterDecoder() throws {
        let labels = LabelSet.subwords(SubwordTokenizer())
        XCTAssertEqual(labels.classCount, 29)
        let swap = { (k: Int) in k == 0 ? 1 : k == 1 ? 0 : k }
        let lm = try lm()
        var r = TinyRandom(3)
        var withWords = 0
        for trial in 0..<6 {
            // Most of the mass on _ ␣ a b c ', a little everywhere (some of it pruned).
            let frames = 20 + 5 * trial
            var p = [Double](repeating: 0, count: frames * 29)
            for f in 0..<frames {
                var w = (0..<29).map { _ in 0.02 * exp(r.rng.nextGaussian()) }
                for k in [Tokenizer.blank, Tokenizer.space, 2, 3, 4, 0] { w[k] = exp(1.5 * r.rng.nextGaussian()) }
                let z = w.reduce(0, +)
                for k in 0..<29 { p[f * 29 + k] = w[k] / z }
            }
            let chars = try LogProbabilities(frames: frames, classes: 29, probabilities: p)
            var q = p
            for f in 0..<frames { q.swapAt(f * 29, f * 29 + 1) }
            let pieces = try LogProbabilities(frames: frames, classes: 29, probabilities: q)
            for (alpha, beta, unk, withLM) in [(0.0, 0.0, 0.0, false), (0.5, 1.5, -10.0, true), (2.0, -0.5, -Double.infinity, true), (1.0, 3.0, -1.0, true)] {
                let options = BeamSearchOptions(beamSize: 8, prune: 1e-3, alpha: alpha, beta: beta, fusion: .shallow, unkScore: unk)
                let c = try PrefixBeamSearch.decode(chars, options: options, lm: withLM ? lm : nil)
                let s = try PrefixBeamSearch.decode(pieces, options: options, lm: withLM ? lm : nil, labels: labels)
                let label = "trial \(trial) α=\(alpha) β=\(beta) u=\(unk) lm=\(withLM)"
                XCTAssertEqual(s.beams.map { $0.indices.map(swap) }, c.beams.map(\.indices), label)
                XCTAssertEqual(s.beams.map(\.logProbability), c.beams.map(\.logProbability), label)
                XCTAssertEqual(s.beams.map(\.lmScore), c.beams.map(\.lmScore), label)
                // The same words: the character text's and the pieces' (▁ read as a space, the first one dropped).
                let words = { (text: String) in text.split(separator: " ").map(String.init) }
                let charWords = words(try c.best.text())
                XCTAssertEqual(words(try labels.decode(s.best.indices)), charWords, label)
                if withLM && charWords.count > 1 { withWords += 1 }
            }
        }
        XCTAssertGreaterThan(withWords, 3)     // the LM scored words completed mid-utterance, not only at the end
    }

    func testNotebookFusionAndAMatrixOfTheWrongWidthAreRefusedForSubwords() throws {
        let labels = LabelSet.subwords(try tokenizer())
        let m = try LogProbabilities(frames: 2, classes: 33, probabilities: [Double](repeating: 1.0 / 33, count: 66))
        XCTAssertThrowsError(try PrefixBeamSearch.decode(m, options: BeamSearchOptions(fusion: .notebook), lm: try lm(), labels: labels)) { e in
            XCTAssertTrue("\(e)".contains("use shallow fusion"), "\(e)")
        }
        let narrow = try LogProbabilities(frames: 2, classes: 29, probabilities: [Double](repeating: 1.0 / 29, count: 58))
        XCTAssertThrowsError(try PrefixBeamSearch.decode(narrow, labels: labels)) { e in
            XCTAssertTrue("\(e)".contains("the matrix has 29 classes but the tokenizer has 32 pieces + blank = 33"), "\(e)")
        }
    }
}
