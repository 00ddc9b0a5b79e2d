// tune-lm's grid: each cell's WER against decoding the same matrices one by one with those (α, β) and scoring them
// with ErrorRate directly (the parallel split must change nothing), the cells in α-major order, and the greedy
// baseline against GreedyDecoder.
import XCTest
import Base
import CTC
import LanguageModel
@testable import Training

final class LMTuningTests: XCTestCase {
    static let arpa = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/lm/small.arpa").path

    /// Matrices that spell a reference with noise: two frames per character peaking on it (or, one time in four, on
    /// a random other letter), a blank frame between characters, Gaussian logits everywhere.
    func cases(count: Int, seed: UInt64) throws -> [DecodingCase] {
        let sentences = ["the cat sat on the mat", "the cat sat", "on the mat", "the mat sat on the cat", "the cat"]
        var rng = SplitMix64(seed: seed)
        var out: [DecodingCase] = []
        for i in 0..<count {
            let text = sentences[i % sentences.count]
            var logits: [Double] = []
            for c in try Tokenizer().indices(text) {
                let wrong = rng.next() % 4 == 0 ? Int(2 + rng.next() % 26) : c
                for peak in [wrong, wrong, Tokenizer.blank] {
                    for k in 0..<29 { logits.append(rng.nextGaussian() + (k == peak ? 4 : 0)) }
                }
            }
            out.append(DecodingCase(id: String(format: "u%02d", i), matrix: try LogProbabilities(frames: logits.count / 29, classes: 29, logits: logits), reference: text))
        }
        return out
    }

    func testGridCellsEqualSerialDecoding() throws {
        let cases = try cases(count: 14, seed: 3)
        let lm = DecoderLanguageModel(try ARPAModel(contentsOf: Self.arpa))
        let base = BeamSearchOptions(beamSize: 8, prune: 1e-3, fusion: .shallow, unkScore: -5)
        let alphas = [0.0, 0.5, 2.0], betas = [0.0, 2.0]
        let cells = try XCTUnwrap(LMTuning.grid(cases, alphas: alphas, betas: betas, base: base, lm: lm, workers: Workers(3)))
        XCTAssertEqual(cells.map(\.alpha), [0, 0, 0.5, 0.5, 2, 2])
        XCTAssertEqual(cells.map(\.beta), [0, 2, 0, 2, 0, 2])
        var distinct = Set<Int>()
        for cell in cells {
            var o = base
            o.alpha = cell.alpha; o.beta = cell.beta
            let hyps = try cases.map { try PrefixBeamSearch.decode($0.matrix, options: o, lm: lm).best.text() }
            let words = try ErrorRate.wordErrorRate(references: cases.map(\.reference), hypotheses: hyps)
            let chars = try ErrorRate.characterErrorRate(references: cases.map(\.reference), hypotheses: hyps)
            XCTAssertEqual(cell.words, words, "α \(cell.alpha) β \(cell.beta)")
            XCTAssertEqual(cell.characters, chars, "α \(cell.alpha) β \(cell.beta)")
            distinct.insert(words.totals.errors)
        }
        XCTAssertGreaterThan(distinct.count, 1, "the grid must change the answer somewhere")
        let greedy = try XCTUnwrap(LMTuning.decodeAll(cases, with: .greedy, workers: Workers(2)))
        XCTAssertEqual(greedy, try cases.map { try Tokenizer().text(GreedyDecoder.decode($0.matrix)) })
    }

    func testStopsBetweenUtterances() throws {
        let cases = try cases(count: 4, seed: 1)
        XCTAssertNil(try LMTuning.decodeAll(cases, with: .greedy, workers: Workers(2), shouldStop: { true }))
    }
}
