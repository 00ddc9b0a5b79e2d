// Scores of fixtures/lm/small.arpa against hand computation (back-off chains, </s>, OOV) and against
// KenLM's own numbers (fixtures/golden/lm_small_scores.json, written by tools/golden_lm.py).
import Foundation
import XCTest
@testable import LanguageModel

final class ARPAScoringTests: XCTestCase {
    var model: ARPAModel!

    override func setUpWithError() throws {
        model = try ARPAModel(contentsOf: Fixtures.path("fixtures/lm/small.arpa"))
    }

    func testHeaderAndVocabulary() {
        XCTAssertEqual(model.order, 3)
        XCTAssertEqual(model.counts, [8, 7, 3])
        XCTAssertEqual(model.vocabularySize, 8)
        XCTAssertTrue(model.fileHasUnknown)
        XCTAssertEqual(model.word(model.wordID("THE")), "the")     // "The" in the file, lower-cased
        XCTAssertEqual(model.wordID("dog"), model.unknownID)
    }

    // Hand computation, log10 (the file's numbers):
    //   the | <s>        = P(<s> the)                                   = -0.4
    //   cat | <s> the    = P(<s> the cat)                               = -0.1
    //   </s> | the cat   = BO(the cat) + P(cat </s>)     = -0.15 - 0.6  = -0.75
    func testTrigramThenBackoffToBigram() {
        let s = model.scoreSentence("the cat")
        XCTAssertEqual(s.words.map(\.log10), [-0.4, -0.1, -0.75], accuracy: 1e-6)
        XCTAssertEqual(s.words.map(\.ngramLength), [2, 3, 2])
        XCTAssertEqual(s.log10, -1.25, accuracy: 1e-6)
        XCTAssertEqual(s.oov, 0)
    }

    //   the | <s> the    = BO(<s> the) + BO(the) + P(the) = -0.6 - 0.3 - 0.8 = -1.7   (two back-offs)
    //   </s> | the the   = BO(the) + P(</s>)              = -0.3 - 0.7       = -1.0   ("the the" is no context)
    func testBackoffChainThroughTwoOrders() {
        let s = model.scoreSentence("the the")
        XCTAssertEqual(s.words.map(\.log10), [-0.4, -1.7, -1.0], accuracy: 1e-6)
        XCTAssertEqual(s.words.map(\.ngramLength), [2, 1, 1])
        XCTAssertEqual(s.log10, -3.1, accuracy: 1e-6)
    }

    //   <unk> | <s>      = BO(<s>) + P(<unk>) = -0.5 - 2.0 = -2.5 ; </s> | <s> <unk> = P(</s>) = -0.7
    func testOutOfVocabularyUsesUnk() {
        let s = model.scoreSentence("dog")
        XCTAssertEqual(s.words.map(\.log10), [-2.5, -0.7], accuracy: 1e-6)
        XCTAssertEqual(s.oov, 1)
        XCTAssertEqual(s.log10, -3.2, accuracy: 1e-6)
    }

    // "on the mat" is listed but "the mat" is not: the trigram must still be found (as KenLM does).
    //   on | cat sat = BO(cat sat) + P(sat on) = -0.05 - 0.3 = -0.35 ; the | sat on = P(on the) + BO(sat on)=0 = -0.35
    //   mat | on the = -0.15 ; </s> | the mat = P(mat </s>) = -0.2
    func testSentenceWithMissingSuffixBigram() {
        let s = model.scoreSentence("The cat sat on the mat")
        XCTAssertEqual(s.words.map(\.log10), [-0.4, -0.1, -0.2, -0.35, -0.35, -0.15, -0.2], accuracy: 1e-6)
        XCTAssertEqual(s.log10, -1.75, accuracy: 1e-6)
    }

    func testEmptySentenceIsJustEnd() {
        XCTAssertEqual(model.scoreSentence("").log10, -1.2, accuracy: 1e-6)   // BO(<s>) + P(</s>)
    }

    func testProtocolUsesNaturalLogs() {
        for text in ["the cat", "The cat sat on the mat", "dog", "the the"] {
            let words = text.split(separator: " ").map(String.init)
            XCTAssertEqual(model.sentenceLogProb(words), model.scoreSentence(text).log10 * log(10.0), accuracy: 1e-9)
        }
        var state = model.beginSentence()
        var total = 0.0
        for word in ["the", "cat"] {
            let step = model.score(word: word, after: state)
            total += step.logProb
            state = step.next
        }
        total += model.endSentence(after: state)
        XCTAssertEqual(total, -1.25 * log(10.0), accuracy: 1e-6)
    }

    func testMatchesKenLMGolden() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("fixtures/golden/lm_small_scores.json")))
        let golden = try JSONDecoder().decode(Golden.self, from: data)
        XCTAssertGreaterThan(golden.sentences.count, 10)
        for row in golden.sentences {
            let s = model.scoreSentence(row.sentence)
            XCTAssertEqual(s.log10, row.log10, accuracy: 1e-5, "\"\(row.sentence)\"")
            XCTAssertEqual(s.oov, row.oov, "\"\(row.sentence)\"")
            XCTAssertEqual(s.words.map(\.log10), row.words.map(\.log10), accuracy: 1e-5, "\"\(row.sentence)\"")
            XCTAssertEqual(s.words.map(\.ngramLength), row.words.map(\.ngram_length), "\"\(row.sentence)\"")
        }
    }

    func testMissingUnkUsesConfigurableFloor() throws {
        let text = Fixtures.smallText.replacingOccurrences(of: "ngram 1=8", with: "ngram 1=7")
            .replacingOccurrences(of: "-2.0\t<unk>\n", with: "")
        let path = Fixtures.temporary(text)
        let kenlmLike = try ARPAModel(contentsOf: path)
        XCTAssertFalse(kenlmLike.fileHasUnknown)
        XCTAssertEqual(kenlmLike.scoreSentence("dog").words[0].log10, -100.5, accuracy: 1e-4)  // -100 + BO(<s>)
        let floored = try ARPAModel(contentsOf: path, unknownLog10: -7)
        XCTAssertEqual(floored.scoreSentence("dog").log10, -7.5 - 0.7, accuracy: 1e-5)
        XCTAssertEqual(floored.scoreSentence("dog").oov, 1)
    }

    func testGzipAndPlainGiveIdenticalScores() throws {
        let gz = try ARPAModel(contentsOf: Fixtures.path("fixtures/lm/small.arpa.gz"))
        XCTAssertEqual(gz.counts, model.counts)
        for text in ["the cat", "The cat sat on the mat", "dog", "the the", "mat on cat sat the"] {
            XCTAssertEqual(gz.scoreSentence(text), model.scoreSentence(text))
        }
    }

    func testStateKeepsOnlyUsefulHistory() {
        // After "<s> the" the trigram context "<s> the" exists; after "the the" only "the" can extend.
        let a = model.score(word: "the", after: model.beginSentence()).next
        XCTAssertEqual(a.count, 2)
        let b = model.score(word: "the", after: a).next
        XCTAssertEqual(b.count, 1)
        XCTAssertEqual(b, LMState(recentFirst: [model.wordID("the")]))
    }

    private struct Golden: Decodable {
        struct Word: Decodable { let log10: Double; let ngram_length: Int }
        struct Row: Decodable { let sentence: String; let log10: Double; let oov: Int; let words: [Word] }
        let sentences: [Row]
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, _ message: String = "",
                            file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "lengths differ. \(message)", file: file, line: line)
    for (x, y) in zip(a, b) {
        XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b). \(message)", file: file, line: line)
    }
}
