// Tests of `buildKneserNey` (LanguageModel/KneserNeyBuilder.swift) and `perplexity(of:onTextAt:)`: a bigram model
// computed by hand, lmplz's own ARPA files for a tiny text (fixtures/lm/kn-tiny*, made by
// tools/golden_lmplz.sh), pruning, the vocabulary limit, the disk sort, bad input, and a hand-made ARPA's
// perplexity.
import Foundation
import XCTest
@testable import LanguageModel

final class KneserNeyTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kn-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func write(_ text: String, _ name: String = "text.txt") -> String {
        let path = folder + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    private func options(_ order: Int) -> KneserNeyOptions {
        var o = KneserNeyOptions(order: order)
        o.temporaryFolder = folder
        return o
    }

    // MARK: by hand

    /// Three sentences, order 2, every number derived below.
    ///
    /// Bigrams (the top order keeps raw counts): <s> b 1, <s> a 1, <s> c 1, b a 1, b c 1, b b 1, b </s> 3,
    /// a b 4, a a 2, c a 2 — so n1 = 6, n2 = 2, n3 = 1, n4 = 1; Y = 6 / (6 + 2·2) = 0.6;
    /// D1 = 1 − 2·0.6·2/6 = 0.6, D2 = 2 − 3·0.6·1/2 = 1.1, D3+ = 3 − 4·0.6·1/1 = 0.6.
    /// Unigram adjusted counts = distinct left neighbours: a {b, <s>, c, a} 4, b {<s>, a, b} 3, c {b, <s>} 2,
    /// </s> {b} 1 (and <s>, <unk> 0) — n1..n4 = 1, 1, 1, 1; Y = 1/3; D1 = 1 − 2·(1/3)·1 = 1/3,
    /// D2 = 2 − 3·(1/3)·1 = 1, D3+ = 3 − 4·(1/3)·1 = 5/3.
    /// Unigrams: Σa = 10; u(a) = (4 − 5/3)/10 = 0.233333, u(b) = (3 − 5/3)/10 = 0.133333, u(c) = (2 − 1)/10 = 0.1,
    /// u(</s>) = (1 − 1/3)/10 = 0.066667; γ = (1/3 + 1 + 2·5/3)/10 = 0.466667; |V| = 5 (<unk> </s> a b c), so
    /// p(w) = u(w) + 0.466667·0.2: p(a) = 0.326667, p(b) = 0.226667, p(c) = 0.193333, p(</s>) = 0.16,
    /// p(<unk>) = 0.093333 (they sum to 1).
    /// Context <s>: Σ = 3, three singletons: γ(<s>) = 3·0.6/3 = 0.6, u = 0.4/3 = 0.133333;
    ///   p(a|<s>) = 0.133333 + 0.6·0.326667 = 0.329333.
    /// Context b: Σ = 6, singletons a c b, </s> 3: γ(b) = (3·0.6 + 0.6)/6 = 0.4;
    ///   p(</s>|b) = (3 − 0.6)/6 + 0.4·0.16 = 0.464; p(a|b) = 0.4/6 + 0.4·0.326667 = 0.197333.
    /// Context a: Σ = 6, b 4, a 2: γ(a) = (0.6 + 1.1)/6 = 0.283333;
    ///   p(b|a) = (4 − 0.6)/6 + 0.283333·0.226667 = 0.630889; p(a|a) = (2 − 1.1)/6 + 0.283333·0.326667 = 0.242556;
    ///   unseen p(c|a) = γ(a)·p(c) = 0.283333·0.193333 = 0.054778.
    /// Context c: Σ = 2, a 2: γ(c) = 1.1/2 = 0.55; p(a|c) = 0.9/2 + 0.55·0.326667 = 0.629667.
    func testHandComputedBigramModel() throws {
        let text = write("b a b\na b c a a b\nc a a b b\n")
        let out = folder + "/hand.arpa"
        let report = try buildKneserNey(texts: [text], options: options(2), output: out)
        XCTAssertEqual(report.tokens, 14)
        XCTAssertEqual(report.sentences, 3)
        XCTAssertEqual(report.types, 6)
        XCTAssertEqual(report.counts, [6, 10])
        XCTAssertEqual(report.countOfCounts, [[1, 1, 1, 1], [6, 2, 1, 1]])
        XCTAssertEqual(report.discounts[0].d1, 1.0 / 3, accuracy: 1e-6)
        XCTAssertEqual(report.discounts[0].d2, 1, accuracy: 1e-6)
        XCTAssertEqual(report.discounts[0].d3, 5.0 / 3, accuracy: 1e-6)
        XCTAssertEqual(report.discounts[1].d1, 0.6, accuracy: 1e-6)
        XCTAssertEqual(report.discounts[1].d2, 1.1, accuracy: 1e-6)
        XCTAssertEqual(report.discounts[1].d3, 0.6, accuracy: 1e-6)

        let m = try ARPAModel(contentsOf: out)
        let s = m.beginSentence(), none = m.nullContext()
        func p(_ w: String, _ state: LMState) -> Double { pow(10, m.scoreLog10(word: m.wordID(w), after: state).log10) }
        func after(_ w: String) -> LMState { m.scoreLog10(word: m.wordID(w), after: none).next }
        XCTAssertEqual(p("a", none), 0.326667, accuracy: 1e-5)
        XCTAssertEqual(p("b", none), 0.226667, accuracy: 1e-5)
        XCTAssertEqual(p("c", none), 0.193333, accuracy: 1e-5)
        XCTAssertEqual(p("</s>", none), 0.16, accuracy: 1e-5)
        XCTAssertEqual(p("zzz", none), 0.093333, accuracy: 1e-5)     // <unk>
        XCTAssertEqual(p("a", s), 0.329333, accuracy: 1e-5)
        XCTAssertEqual(p("</s>", after("b")), 0.464, accuracy: 1e-5)
        XCTAssertEqual(p("a", after("b")), 0.197333, accuracy: 1e-5)
        XCTAssertEqual(p("b", after("a")), 0.630889, accuracy: 1e-5)
        XCTAssertEqual(p("a", after("a")), 0.242556, accuracy: 1e-5)
        XCTAssertEqual(p("c", after("a")), 0.054778, accuracy: 1e-5)
        XCTAssertEqual(p("a", after("c")), 0.629667, accuracy: 1e-5)
        // Each context's distribution sums to one over the vocabulary without <s>.
        for context in [s, after("a"), after("b"), after("c")] {
            let total = ["a", "b", "c", "</s>", "zzz"].map { p($0, context) }.reduce(0, +)
            XCTAssertEqual(total, 1, accuracy: 1e-5)
        }
    }

    // MARK: lmplz's own files

    /// Every n-gram of `path` as printed: text → (log10 p, log10 back-off or 0).
    private func arpaEntries(_ path: String) throws -> [String: (Float, Float)] {
        var entries: [String: (Float, Float)] = [:]
        var inSection = false
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("\\") { inSection = line.hasSuffix("-grams:"); continue }
            guard inSection, !line.isEmpty else { continue }
            let f = line.split(separator: "\t")
            entries[String(f[1])] = (Float(f[0])!, f.count > 2 ? Float(f[2])! : 0)
        }
        return entries
    }

    private func assertSameModel(_ mine: String, _ golden: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let a = try arpaEntries(mine), b = try arpaEntries(golden)
        XCTAssertEqual(Set(a.keys), Set(b.keys), "the n-gram sets differ", file: file, line: line)
        var worst: Float = 0
        for (gram, x) in a { if let y = b[gram] { worst = max(worst, abs(x.0 - y.0), abs(x.1 - y.1)) } }
        // Both files print the shortest digits of the same float32 values.
        XCTAssertEqual(worst, 0, "largest log10 difference from lmplz", file: file, line: line)
        let header = { (p: String) in try String(contentsOfFile: p, encoding: .utf8).components(separatedBy: "\n\n")[0] }
        XCTAssertEqual(try header(mine), try header(golden), file: file, line: line)
    }

    func testMatchesLmplzAtOrderThree() throws {
        let out = folder + "/o3.arpa"
        let report = try buildKneserNey(texts: [Fixtures.path("fixtures/lm/kn-tiny.txt")], options: options(3), output: out)
        XCTAssertEqual(report.spilledRuns, 0)
        try assertSameModel(out, Fixtures.path("fixtures/lm/kn-tiny-o3.arpa"))
    }

    func testPruningMatchesLmplz() throws {
        var o = options(4)
        o.pruneThresholds = [0, 1, 1]
        o.discountFallback = [0.5, 1, 1.5]
        let out = folder + "/o4p.arpa"
        let report = try buildKneserNey(texts: [Fixtures.path("fixtures/lm/kn-tiny.txt")], options: o, output: out)
        XCTAssertLessThan(report.countsWritten[1], report.counts[1])
        XCTAssertLessThan(report.countsWritten[3], report.counts[3])
        XCTAssertEqual(report.countsWritten[0], report.counts[0])
        try assertSameModel(out, Fixtures.path("fixtures/lm/kn-tiny-o4-prune011.arpa"))
        // The pruned file is still a consistent model: the reader accepts it and every context is listed.
        XCTAssertEqual(try ARPAModel(contentsOf: out).counts, report.countsWritten)
    }

    func testVocabularyLimitMatchesLmplz() throws {
        var o = options(3)
        o.vocabularyLimit = 15
        let out = folder + "/o3v.arpa"
        let report = try buildKneserNey(texts: [Fixtures.path("fixtures/lm/kn-tiny.txt")], options: o, output: out)
        XCTAssertEqual(report.countsWritten[0], 15 + 3)       // the words kept, and <unk> <s> </s>
        try assertSameModel(out, Fixtures.path("fixtures/lm/kn-tiny-o3-vocab15.arpa"))
    }

    // MARK: the disk sort

    func testDiskSortGivesIdenticalFiles() throws {
        let text = Fixtures.path("fixtures/lm/kn-tiny.txt")
        var o = options(4)
        o.pruneThresholds = [0, 0, 1]
        o.discountFallback = [0.5, 1, 1.5]
        let inMemory = folder + "/memory.arpa", onDisk = folder + "/disk.arpa", compressed = folder + "/disk.arpa.gz"
        let a = try buildKneserNey(texts: [text], options: o, output: inMemory)
        o.memoryBytes = 1024
        let b = try buildKneserNey(texts: [text], options: o, output: onDisk)
        XCTAssertEqual(a.spilledRuns, 0)
        XCTAssertGreaterThan(b.spilledRuns, 64)        // more runs than one merge takes: merged in passes
        XCTAssertEqual(FileManager.default.contents(atPath: inMemory), FileManager.default.contents(atPath: onDisk))
        _ = try buildKneserNey(texts: [text], options: o, output: compressed)
        let plain = try ARPAModel(contentsOf: inMemory), gz = try ARPAModel(contentsOf: compressed)
        XCTAssertEqual(plain.counts, gz.counts)
        let sentence = "the cat sees a red ball at night"
        XCTAssertEqual(plain.scoreSentence(sentence).log10, gz.scoreSentence(sentence).log10)
        // The temporary folder is cleaned up.
        let left = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("trellis-lm-") }
        XCTAssertEqual(left, [])
    }

    func testRecordSorterCombinesAcrossRuns() throws {
        let runFolder = try RunFolder(inside: folder)
        let budget = SortBudget(bytes: 64, temporaryFolder: runFolder.path, fanIn: 3)
        let sorter = RecordSorter(width: 3, keyWidth: 2, order: .suffix(2), budget: budget, folder: runFolder,
                                  combine: { $0[2] += $1[2] })
        var expected: [[UInt32]: UInt32] = [:]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let key: [UInt32] = [UInt32.random(in: 0..<5, using: &rng), UInt32.random(in: 0..<5, using: &rng)]
            try sorter.append(key + [1])
            expected[key, default: 0] += 1
        }
        XCTAssertGreaterThan(sorter.spilledRuns, 3)
        let stream = try sorter.finish()
        var got: [[UInt32]] = []
        while try stream.next({ got.append([$0[0], $0[1], $0[2]]) }) {}
        XCTAssertEqual(got.count, expected.count)
        XCTAssertEqual(got.map { [$0[1], $0[0]] }, got.map { [$0[1], $0[0]] }.sorted { $0.lexicographicallyPrecedes($1) })
        for r in got { XCTAssertEqual(r[2], expected[[r[0], r[1]]]) }
    }

    // MARK: bad input

    private func assertFails(_ kind: KneserNeyError.Kind, line: Int = 0, _ texts: [String], _ o: KneserNeyOptions,
                             file: StaticString = #filePath, lineNumber: UInt = #line) {
        XCTAssertThrowsError(try buildKneserNey(texts: texts, options: o, output: folder + "/bad.arpa"), file: file, line: lineNumber) { error in
            guard let e = error as? KneserNeyError else { return XCTFail("\(error)", file: file, line: lineNumber) }
            XCTAssertEqual(e.kind, kind, e.description, file: file, line: lineNumber)
            XCTAssertEqual(e.line, line, e.description, file: file, line: lineNumber)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/bad.arpa"), file: file, line: lineNumber)
    }

    func testBadInputIsATypedError() {
        let good = Fixtures.path("fixtures/lm/kn-tiny.txt")
        assertFails(.cannotOpen, [folder + "/missing.txt"], options(3))
        assertFails(.specialWord, line: 2, [write("a b\nc <s> d\n")], options(2))
        assertFails(.specialWord, line: 1, [write("the </S>\n")], options(2))      // words are lower-cased
        assertFails(.emptyText, [write("\n \n\t\n")], options(2))
        assertFails(.badDiscount, [write("a b\nb a\n")], options(2))
        var o = options(0)
        assertFails(.badOptions, [good], o)
        o = options(9)
        assertFails(.badOptions, [good], o)
        o = options(3); o.pruneThresholds = [1]
        assertFails(.badOptions, [good], o)
        o = options(3); o.pruneThresholds = [0, 2, 1]
        assertFails(.badOptions, [good], o)
        o = options(2); o.pruneThresholds = [0, 1, 1]
        assertFails(.badOptions, [good], o)
        o = options(3); o.vocabularyLimit = 0
        assertFails(.badOptions, [good], o)
        o = options(3); o.discountFallback = [0.5, 3, 1]
        assertFails(.badOptions, [good], o)
        o = options(3); o.temporaryFolder = folder + "/no/such/folder"
        assertFails(.diskSort, [good], o)
        let gz = write("not really gzip", "broken.gz")
        try? Data([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2]).write(to: URL(fileURLWithPath: gz))
        assertFails(.readError, line: 0, [gz], options(2))
    }

    func testErrorMessagesNameTheFileAndLine() {
        let path = write("a b\nc <unk> d\n")
        XCTAssertThrowsError(try buildKneserNey(texts: [path], options: options(2), output: folder + "/x.arpa")) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.hasPrefix(path + ":2: "), message)
            XCTAssertTrue(message.contains("<unk>"), message)
        }
    }

    // MARK: perplexity

    /// Scores by hand from the file below:
    ///   "a":   p(a|<s>) −0.1, p(</s>|a) −0.4                               → −0.5, 2 words
    ///   "a a": −0.1, p(a|a) = b(a) + p(a) = −0.2 − 0.3, −0.4               → −1.0, 3 words
    ///   "b":   OOV: b(<s>) + p(<unk>) = −0.5 − 1 = −1.5; p(</s>|<unk>) = b(<unk>) + p(</s>) = −0.5 → −2.0, 2 words
    /// Total −3.5 over 7 words: perplexity 10^(3.5/7) = 10^0.5; without the OOV: 10^(2/6).
    func testPerplexityOfAHandMadeModel() throws {
        let model = write("""
            \\data\\
            ngram 1=4
            ngram 2=2

            \\1-grams:
            -1\t<unk>\t0
            0\t<s>\t-0.5
            -0.5\t</s>\t0
            -0.3\ta\t-0.2

            \\2-grams:
            -0.1\t<s> a
            -0.4\ta </s>

            \\end\\

            """, "hand.arpa")
        let text = write("a\na a\nb\n")
        let r = try perplexity(of: try ARPAModel(contentsOf: model), onTextAt: text)
        XCTAssertEqual(r.log10Prob, -3.5, accuracy: 1e-6)
        XCTAssertEqual(r.words, 7)
        XCTAssertEqual(r.sentences, 3)
        XCTAssertEqual(r.oov, 1)
        XCTAssertEqual(r.oovLog10Prob, -1.5, accuracy: 1e-6)
        XCTAssertEqual(r.perplexity, pow(10, 0.5), accuracy: 1e-6)
        XCTAssertEqual(r.perplexityExcludingOOV, pow(10, 2.0 / 6), accuracy: 1e-6)
        XCTAssertThrowsError(try perplexity(of: try ARPAModel(contentsOf: model), onTextAt: folder + "/none.txt")) { error in
            XCTAssertEqual((error as? KneserNeyError)?.kind, .cannotOpen)
        }
    }
}
