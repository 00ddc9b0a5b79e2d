import XCTest
import LanguageModel
@testable import CTC

final class DecoderTests: XCTestCase {
    struct Beam: Decodable { let beam: Int; let prune: Double; let indices: [Int]; let text: String; let neg_log_prob: Double }
    struct Case: Decodable { let frames: Int; let offset: Int; let greedy: String; let beams: [Beam] }
    struct File: Decodable { let classes: Int; let cases: [Case] }

    func loadSeed() throws -> (File, [Float]) {
        (try Fixture.json("seed_decode.json", as: File.self), try Fixture.floats("seed_decode_probs.f32"))
    }

    func matrix(_ f: File, _ blob: [Float], _ c: Case) throws -> LogProbabilities {
        let p = blob[c.offset..<(c.offset + c.frames * f.classes)].map { Double($0) }
        return try LogProbabilities(frames: c.frames, classes: f.classes, probabilities: p)
    }

    /// Greedy and beam (no LM) against the notebook's own decoders (tools/seed_decode_fixtures.py).
    func testNotebookDecodersOnSeedFixtures() throws {
        let (f, blob) = try loadSeed()
        XCTAssertEqual(f.cases.count, 10)
        for c in f.cases {
            let m = try matrix(f, blob, c)
            XCTAssertEqual(try GreedyDecoder.decodeText(m), c.greedy, "greedy T=\(c.frames)")
            for b in c.beams {
                let r = try PrefixBeamSearch.decode(m, options: BeamSearchOptions(beamSize: b.beam, prune: b.prune))
                XCTAssertEqual(try r.best.text(), b.text, "beam \(b.beam) prune \(b.prune) T=\(c.frames)")
                assertClose(-r.best.logProbability, b.neg_log_prob, rel: 1e-12, "score T=\(c.frames)")
            }
        }
    }

    func testGreedyCollapseThenDropBlanks() {
        XCTAssertEqual(GreedyDecoder.collapse([28, 2, 2, 28, 2, 3, 3, 1, 28, 28]), [2, 2, 3, 1])
        XCTAssertEqual(GreedyDecoder.collapse([2, 2, 28, 2], collapseRepeated: false), [2, 2, 2])
    }

    /// With no pruning and a beam wider than the number of prefixes, beam search is exact: its best is the
    /// most probable output sequence, and every kept prefix's score is that sequence's total probability.
    func testWideBeamEqualsExhaustivePrefixSearch() throws {
        var r = TinyRandom(21)
        for trial in 0..<8 {
            let T = 3 + trial % 4, K = 4
            let m = r.logProbs(frames: T, classes: K, scale: 1.0 + Double(trial % 3))
            var o = BeamSearchOptions(beamSize: BeamSearchOptions.maxBeamSize, prune: 0)   // > the 1,093 prefixes of T ≤ 6
            o.blank = 3
            let res = try PrefixBeamSearch.decode(m, options: o)
            let dist = BruteForce.outputDistribution(m, blank: 3)
            let best = dist.max { $0.value < $1.value }!
            XCTAssertEqual(res.best.indices, best.key, "trial \(trial)")
            assertClose(exp(res.best.logProbability), best.value, rel: 1e-10)
            // Like the notebook's defaultdict, a repeat with no blank-ending mass leaves a (−∞, −∞) entry behind.
            let live = res.beams.filter { $0.logProbability > -.infinity }
            XCTAssertEqual(live.count, dist.count)
            for h in live { assertClose(exp(h.logProbability), dist[h.indices]!, rel: 1e-10, "prefix \(h.indices)") }
        }
    }

    func testEmptyWhenEverythingPruned() throws {
        let m = try LogProbabilities(frames: 2, classes: 29, probabilities: [Double](repeating: 1.0 / 29, count: 58))
        let r = try PrefixBeamSearch.decode(m, options: BeamSearchOptions(prune: 0.5))
        XCTAssertEqual(r.best.indices, [])
        XCTAssertEqual(r.best.logProbability, -.infinity)
        XCTAssertThrowsError(try PrefixBeamSearch.decode(m, options: BeamSearchOptions(beamSize: 0)))
    }

    /// The LM path against a literal port of the notebook's `decode` (tuples, full-prefix LM call on every
    /// word boundary, Python's stable sort), with a toy bigram LM standing in for `lm.log_p`.
    func testLanguageModelPathMatchesLiteralNotebookPort() throws {
        let lm = ToyBigram()
        var r = TinyRandom(33)
        var changedByLM = 0, wordBoundaries = 0
        for trial in 0..<8 {
            let T = 25 + 10 * (trial % 3)
            // Frames favouring letters of the toy vocabulary, spaces and blanks.
            var logits = [Double]()
            let favour = [Tokenizer.blank, Tokenizer.space, 2, 3, 4, 21, 16, 22, 20]  // _ ␣ a b c t o u s
            for _ in 0..<T {
                let hot = favour[r.int(favour.count)]
                for k in 0..<29 { logits.append(r.rng.nextGaussian() + (k == hot ? 4 : 0) + (favour.contains(k) ? 1 : 0)) }
            }
            let m = try LogProbabilities(frames: T, classes: 29, logits: logits)
            for (alpha, beta, prune) in [(0.5, 1.0, 1e-3), (2.0, 0.1, 1e-4), (0.1, 2.0, 1e-3)] {
                let o = BeamSearchOptions(beamSize: 6, prune: prune, alpha: alpha, beta: beta)
                let fast = try PrefixBeamSearch.decode(m, options: o, languageModel: lm)
                let ref = NotebookPort.decode(m, beamSize: 6, prune: prune, alpha: alpha, beta: beta, lm: lm)
                XCTAssertEqual(fast.best.indices, ref.prefix, "trial \(trial) α=\(alpha) β=\(beta)")
                assertClose(fast.best.logProbability, ref.logProb, rel: 1e-9)
                XCTAssertEqual(fast.beams.map(\.indices), ref.beam)
                let plain = try PrefixBeamSearch.decode(m, options: o)
                if plain.best.indices != fast.best.indices { changedByLM += 1 }
                wordBoundaries += fast.best.indices.dropFirst().filter { $0 == Tokenizer.space }.count
            }
        }
        // The oracle must exercise the LM branch, not just agree on LM-free paths.
        XCTAssertGreaterThan(changedByLM, 3)
        XCTAssertGreaterThan(wordBoundaries, 10)
    }
}

/// A bigram LM over a few words; unknown words (and the empty word) map to id 0.
struct ToyBigram: LanguageModel {
    let vocab = ["<unk>", "A", "AB", "CAT", "TO", "US", "BUT", "SO", "AT"]
    var order: Int { 2 }
    var unknownID: Int32 { 0 }
    func wordID(_ word: String) -> Int32 { Int32(vocab.firstIndex(of: word.uppercased()) ?? 0) }
    func beginSentence() -> LMState { LMState(recentFirst: [Int32(99)]) }
    func nullContext() -> LMState { LMState() }
    func score(word: Int32, after state: LMState) -> (logProb: Double, next: LMState) {
        let h = state.count > 0 ? Int(state[0]) : -1
        let lp = -1.0 - 0.3 * Double(word) - (h >= 0 ? 0.17 * Double((h * 7 + Int(word) * 3) % 5) : 0.5)
        return (word == 0 ? -8 : lp, state.pushing(word, limit: 1))
    }
    func endSentence(after state: LMState) -> Double { -1 }
}

/// Literal Swift port of the notebook's Cells 19–20 (`Beam`, `decode`), for oracle use only.
enum NotebookPort {
    static func lse(_ a: [Double]) -> Double {
        if a.allSatisfy({ $0 == -.infinity }) { return -.infinity }
        let m = a.max()!
        var s = 0.0
        for x in a { s += exp(x - m) }
        return m + log(s)
    }

    /// lm.log_p(text.upper().strip()): words split on single spaces, score of the last given all before it.
    static func logP(_ lm: ToyBigram, _ prefix: [Int]) -> Double {
        var text = String(prefix.map { Tokenizer.symbols[$0] }).uppercased()
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        var state = lm.nullContext()
        for w in words.dropLast() { state = lm.score(word: lm.wordID(w), after: state).next }
        return lm.score(word: lm.wordID(words.last!), after: state).logProb
    }

    static func decode(_ m: LogProbabilities, beamSize: Int, prune: Double, alpha: Double, beta: Double, lm: ToyBigram)
        -> (prefix: [Int], logProb: Double, beam: [[Int]]) {
        let blank = 28, space = 1
        let pruneLog = prune == 0 ? -Double.infinity : log(prune)
        var top: [([Int], (Double, Double))] = [([], (0, -.infinity))]
        for t in 0..<m.frames {
            var order: [[Int]] = []
            var cand: [[Int]: (Double, Double)] = [:]
            func get(_ p: [Int]) -> (Double, Double) {
                if let v = cand[p] { return v }
                order.append(p); cand[p] = (-.infinity, -.infinity); return (-.infinity, -.infinity)
            }
            for s in 0..<m.classes {
                let p = m[t, s]
                if p < pruneLog { continue }
                for (prefix, (pBlank, pNotBlank)) in top {
                    if s == blank {
                        let (pb, pnb) = get(prefix)
                        cand[prefix] = (lse([pb, pBlank + p, pNotBlank + p]), pnb)
                        continue
                    }
                    let end = prefix.last
                    let n = prefix + [s]
                    if s == end {
                        let (pb, pnb) = get(n)
                        cand[n] = (pb, lse([pnb, p + pBlank]))
                        let (pb2, pnb2) = get(prefix)
                        cand[prefix] = (pb2, lse([pnb2, p + pNotBlank]))
                    } else if s == space && end != nil {
                        let (pb, pnb) = get(n)
                        let score = logP(lm, n)
                        let length = Double(prefix.count)
                        cand[n] = (pb, lse([pnb, pBlank + p + score * alpha + log(length) * beta,
                                            pNotBlank + p + score * alpha + log(length) * beta]))
                    } else {
                        let (pb, pnb) = get(n)
                        cand[n] = (pb, lse([pnb, pBlank + p, pNotBlank + p]))
                    }
                }
            }
            // Python's sorted(reverse=True) is stable: equal keys keep insertion order.
            let keys = order.map { lse([cand[$0]!.0, cand[$0]!.1]) }
            let ranked = order.indices.sorted { a, b in keys[a] != keys[b] ? keys[a] > keys[b] : a < b }
            top = ranked.prefix(beamSize).map { (order[$0], cand[order[$0]]!) }
        }
        let best = top[0]
        return (best.0, lse([best.1.0, best.1.1]), top.map(\.0))
    }
}
