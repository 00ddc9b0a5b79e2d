// The BPE tokenizer against a merge order worked out by hand, the exact round trip over random texts (unseen
// words included), the model file read back and refused with line numbers, and the label sets built on it.
import Base
import XCTest
@testable import CTC

final class SubwordTokenizerTests: XCTestCase {
    static let tiny = ["the cat sat on the mat", "the cat ate the rat"]

    // Base ids: ▁ 0, ' 1, a 2, c 4, e 6, h 9, m 14, n 15, o 16, r 19, s 20, t 21.
    // Words: ▁the ×4, ▁cat ×2, ▁sat, ▁on, ▁mat, ▁ate, ▁rat ×1.
    //  1. pair counts: (a,t) 2+1+1+1+1 = 6 (cat×2, sat, mat, ate, rat); (▁,t) (t,h) (h,e) 4; (▁,c) (c,a) 2 → a+t = at (28)
    //  2. (▁,t) (t,h) (h,e) 4, tie → smallest left id: ▁ (0) → ▁+t = ▁t (29)
    //  3. (▁t,h) is 4 but ▁t has id 29 > h (9): (h,e) 4 → h+e = he (30)
    //  4. (▁t,he) 4 → ▁the (31)
    //  5. (▁,c) 2 and (c,at) 2: left ids 0 < 4 → ▁+c = ▁c (32)
    //  6. (▁c,at) 2 → ▁cat (33)
    //  7. all other pairs occur once; left ▁ (0) is smallest, then the smallest right: m (14) < o 16 < r 19 < s 20 < at 28 → ▁m (34)
    //  8. → ▁o (35); the vocabulary of 36 is full.
    func testMergesOfATinyTextInTheOrderWorkedOutByHand() throws {
        let m = try SubwordTokenizer.train(texts: Self.tiny, vocab: 36)
        XCTAssertEqual(m.merges.map { "\(m.pieces[$0.left])+\(m.pieces[$0.right])" },
                       ["a+t", "▁+t", "h+e", "▁t+he", "▁+c", "▁c+at", "▁+m", "▁+o"])
        XCTAssertEqual(Array(m.pieces[28...]), ["at", "▁t", "he", "▁the", "▁c", "▁cat", "▁m", "▁o"])
        XCTAssertEqual(m.vocabularySize, 36)
        // Training words come out as training segmented them.
        XCTAssertEqual(try m.encode("the cat sat"), [31, 33, 0, 20, 28])
        // Unseen: "cats'" → ▁ c a t s ' → at (rank 0) → ▁c (rank 4) → ▁cat (rank 5): ▁cat s '; "hat" → ▁ h at.
        XCTAssertEqual(try m.encode("cats' hat"), [33, 20, 1, 0, 9, 28])
        XCTAssertEqual(try m.decode([33, 20, 1, 0, 9, 28]), "cats' hat")
    }

    func testTrainingStopsWhenEveryWordIsOnePiece() throws {
        let m = try SubwordTokenizer.train(texts: ["ab ab"], vocab: 100)
        XCTAssertEqual(m.pieces.count, 30)   // ▁a, then ▁ab
        XCTAssertEqual(try m.encode("ab"), [29])
        XCTAssertThrowsError(try SubwordTokenizer.train(texts: ["ab"], vocab: 27)) { e in
            XCTAssert("\(e)".contains("at least the 28 base pieces"), "\(e)")
        }
    }

    func testTwoMergesSpellingTheSamePieceShareItsId() throws {
        var m = SubwordTokenizer()
        let ab = m.addMerge(left: 2, right: 3)            // a+b
        let sa = m.addMerge(left: 0, right: 2)            // ▁+a
        let first = m.addMerge(left: sa, right: 3)        // ▁a+b = ▁ab
        let second = m.addMerge(left: 0, right: ab)       // ▁+ab = ▁ab again
        XCTAssertEqual(first, second)
        XCTAssertEqual(m.vocabularySize, 31)
        XCTAssertEqual(try SubwordTokenizer.parse(m.fileText(), source: "m"), m)
    }

    /// decode(encode(t)) == t for random normalised texts: words drawn from the training vocabulary and random
    /// strings over the whole alphabet (unseen words, apostrophes, one-letter words), and the empty text.
    func testRoundTripIsExactForRandomNormalisedTexts() throws {
        var rng = SplitMix64(seed: 11)
        func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        let alphabet = Array("'abcdefghijklmnopqrstuvwxyz")
        let known = ["the", "cat", "sat", "on", "mat", "ate", "rat", "there", "that", "hat"]
        var corpus: [String] = []
        for _ in 0..<200 { corpus.append((0..<(1 + pick(8))).map { _ in known[pick(known.count)] }.joined(separator: " ")) }
        let models = [SubwordTokenizer(), try SubwordTokenizer.train(texts: corpus, vocab: 60), try SubwordTokenizer.train(texts: corpus, vocab: 500)]
        XCTAssertEqual(models[0].vocabularySize, 28)
        for m in models {
            XCTAssertEqual(try m.encode(""), [])
            XCTAssertEqual(try m.decode([Int]()), "")
            for _ in 0..<300 {
                let words = (0..<(1 + pick(7))).map { _ in
                    pick(2) == 0 ? known[pick(known.count)] : String((0..<(1 + pick(9))).map { _ in alphabet[pick(alphabet.count)] })
                }
                let text = words.joined(separator: " ")
                let ids = try m.encode(text)
                XCTAssert(ids.allSatisfy { $0 >= 0 && $0 < m.vocabularySize })
                XCTAssertEqual(try m.decode(ids), text)
                // One ▁-piece per word: where word boundaries are read from.
                XCTAssertEqual(ids.filter(m.startsWord).count, words.count)
            }
        }
    }

    func testCharactersOutsideTheAlphabetAndUnknownIdsAreErrors() throws {
        let m = try SubwordTokenizer.train(texts: Self.tiny, vocab: 36)
        XCTAssertThrowsError(try m.encode("the Cat")) { e in
            XCTAssertEqual(e as? TokenizerError, .unknownCharacter(character: "C", position: 4))
        }
        XCTAssertThrowsError(try m.encode("a_b")) { e in
            XCTAssertEqual(e as? TokenizerError, .unknownCharacter(character: "_", position: 1))
        }
        XCTAssertThrowsError(try m.decode([31, 36])) { e in
            XCTAssertEqual(e as? TokenizerError, .idOutOfRange(id: 36, position: 1, count: 36))
            XCTAssert("\(e)".contains("id 36 at position 1"), "\(e)")
        }
        XCTAssertThrowsError(try m.decode([-1]))
    }

    func testModelFileReadsBackAndCRLFIsAccepted() throws {
        let m = try SubwordTokenizer.train(texts: Self.tiny, vocab: 36)
        let text = m.fileText()
        XCTAssertEqual(text.split(separator: "\n").prefix(3), ["trellis-tokenizer 1 bpe", "pieces 36", "merge a t"])
        XCTAssertEqual(try SubwordTokenizer.parse(text, source: "x"), m)
        XCTAssertEqual(try SubwordTokenizer.parse(text.replacingOccurrences(of: "\n", with: "\r\n"), source: "x"), m)
    }

    func testMalformedModelFilesNameTheLine() {
        func error(_ text: String) -> String {
            do { _ = try SubwordTokenizer.parse(text, source: "f.bpe"); return "no error" } catch { return "\(error)" }
        }
        XCTAssert(error("").hasPrefix("f.bpe:1: empty file"))
        XCTAssert(error("hello\n").hasPrefix("f.bpe:1: not a Trellis tokenizer model"))
        XCTAssert(error("trellis-tokenizer 2 bpe\npieces 28\n").hasPrefix("f.bpe:1: format version 2 is not supported"))
        XCTAssert(error("trellis-tokenizer 1 unigram\npieces 28\n").hasPrefix("f.bpe:1: model type 'unigram'"))
        XCTAssert(error("trellis-tokenizer 1 bpe\n").hasPrefix("f.bpe:2: missing"))
        XCTAssert(error("trellis-tokenizer 1 bpe\npieces 12\n").hasPrefix("f.bpe:2: expected 'pieces N'"))
        XCTAssert(error("trellis-tokenizer 1 bpe\npieces 30\nmerge a t\nmerge at xy\n").hasPrefix("f.bpe:4: 'xy' is not a piece"), error("trellis-tokenizer 1 bpe\npieces 30\nmerge a t\nmerge at xy\n"))
        XCTAssert(error("trellis-tokenizer 1 bpe\npieces 30\nmerge a t\nmerge  a t\n").hasPrefix("f.bpe:4: expected 'merge LEFT RIGHT'"))
        XCTAssert(error("trellis-tokenizer 1 bpe\npieces 30\nmerge a t\nmerge a t\n").hasPrefix("f.bpe:4: the merge 'a t' appears twice"))
        XCTAssert(error("trellis-tokenizer 1 bpe\npieces 30\nmerge a ▁\n").hasPrefix("f.bpe:3: '▁' begins a word"))
        XCTAssert(error("trellis-tokenizer 1 bpe\npieces 31\nmerge a t\nmerge ▁ t\n").hasPrefix("f.bpe:4: the merges give 30 pieces, the header declares 31"))
    }

    func testLabelSetsOfCharactersAndSubwords() throws {
        let chars = LabelSet.characters
        XCTAssertEqual(chars.classCount, 29)
        XCTAssertEqual(chars.blank, 28)
        XCTAssertEqual(chars.wordSeparator, 1)
        XCTAssertEqual(chars.symbols.joined(), "' abcdefghijklmnopqrstuvwxyz_")
        XCTAssertEqual(try chars.encode("it's a"), try Tokenizer().indices("it's a"))
        XCTAssertEqual(try chars.decode([10, 21, 0, 20, 1, 2]), "it's a")

        let m = try SubwordTokenizer.train(texts: Self.tiny, vocab: 36)
        let sub = LabelSet.subwords(m)
        XCTAssertEqual(sub.classCount, 37)
        XCTAssertEqual(sub.blank, 36)
        XCTAssertNil(sub.wordSeparator)
        XCTAssertEqual(sub.symbol(31), "▁the")
        XCTAssertEqual(sub.symbol(36), "_")
        XCTAssertEqual(sub.symbol(37), "#37")
        XCTAssertTrue(sub.startsWord(33))
        XCTAssertFalse(sub.startsWord(28))
        XCTAssertFalse(sub.startsWord(36))
        XCTAssertEqual(try sub.encode("the rat"), [31, 0, 19, 28])
        XCTAssertThrowsError(try sub.decode([36])) { e in XCTAssertEqual(e as? TokenizerError, .idOutOfRange(id: 36, position: 0, count: 36)) }
    }

    /// Greedy decoding of a subword matrix: argmax path ▁the ▁the _ ▁cat s _ s → collapse → ▁the ▁cat s s → "the catss".
    func testGreedyDecodingJoinsPiecesIntoWords() throws {
        let sub = LabelSet.subwords(try SubwordTokenizer.train(texts: Self.tiny, vocab: 36))
        let path = [31, 31, 36, 33, 20, 36, 20]
        var logits = [Double](repeating: 0, count: path.count * sub.classCount)
        for (t, k) in path.enumerated() { logits[t * sub.classCount + k] = 5 }
        let m = try LogProbabilities(frames: path.count, classes: sub.classCount, logits: logits)
        XCTAssertEqual(try sub.decode(GreedyDecoder.decode(m, blank: sub.blank)), "the catss")
    }

    /// Against tools/compare_sentencepiece.py's own BPE (written from the rules, not from this code): the same
    /// merges from the same texts, and the same ids for words seen and unseen.
    func testMergesAndEncodingsMatchTheIndependentPythonImplementation() throws {
        struct Golden: Decodable {
            struct Encoding: Decodable { var text: String; var ids: [Int] }
            var texts: [String]; var vocab: Int; var merges: [[String]]; var pieces: [String]; var encodings: [Encoding]
        }
        let g = try Fixture.json("bpe_python.json", as: Golden.self)
        let m = try SubwordTokenizer.train(texts: g.texts, vocab: g.vocab)
        XCTAssertEqual(m.merges.map { [m.pieces[$0.left], m.pieces[$0.right]] }, g.merges)
        XCTAssertEqual(m.pieces, g.pieces)
        for e in g.encodings { XCTAssertEqual(try m.encode(e.text), e.ids, e.text) }
    }
}
