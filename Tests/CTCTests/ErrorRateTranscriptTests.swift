// Reading transcript files for WER: the three formats, their detection, line ends, and the refusals with
// the file and line they concern. (Agreement with sclite's counts is ErrorRateGoldenTests' job.)
import XCTest
@testable import CTC

final class ErrorRateTranscriptTests: XCTestCase {
    func file(_ contents: String, name: String = "f", format: TranscriptFormat? = nil) throws -> TranscriptFile {
        try TranscriptFile(name: name, contents: contents, format: format)
    }

    func testEachFormat() throws {
        let trn = try file("hello world (spk1-utt1)\n\n  (spk1-utt2)  \n")
        XCTAssertEqual(trn.format, .trn)
        XCTAssertEqual(trn.utterances, [Transcript(id: "spk1-utt1", text: "hello world", line: 1),
                                        Transcript(id: "spk1-utt2", text: "", line: 3)])
        let trans = try file("1089-134686-0000 HE HOPED THERE\n1089-134686-0001\n")
        XCTAssertEqual(trans.format, .trans)
        XCTAssertEqual(trans.utterances.map(\.id), ["1089-134686-0000", "1089-134686-0001"])
        XCTAssertEqual(trans.utterances.map(\.text), ["HE HOPED THERE", ""])
        let text = try file("the cat\n\nsat")
        XCTAssertEqual(text.format, .text)
        XCTAssertEqual(text.utterances.map(\.text), ["the cat", "", "sat"])
        XCTAssertEqual(text.utterances.map(\.id), [nil, nil, nil])
    }

    func testDetectionAndForcing() throws {
        // Any ID TEXT file is trans when its name says so; otherwise only LibriSpeech ids make it trans.
        XCTAssertEqual(TranscriptFormat.detect(name: "x/1089-134686.trans.txt", contents: "utt1 hello\n"), .trans)
        XCTAssertEqual(TranscriptFormat.detect(name: "hyp.txt", contents: "utt1 hello\n"), .text)
        XCTAssertEqual(TranscriptFormat.detect(name: "hyp.txt", contents: "\n \n"), nil)
        XCTAssertEqual(try file("utt1 hello\n", format: .trans).utterances.first?.id, "utt1")
        // A line that starts like a LibriSpeech id is read as plain text when forced.
        XCTAssertEqual(try file("1089-134686-0000 hello\n", format: .text).utterances.first?.text, "1089-134686-0000 hello")
    }

    func testLineEnds() throws {
        let lf = try file("a b (x_1)\nc (x_2)\n"), crlf = try file("a b (x_1)\r\nc (x_2)\r\n")
        XCTAssertEqual(lf, crlf)
        XCTAssertEqual(try file("a\r\n\r\nb\r\n").utterances.map(\.text), ["a", "", "b"])
        XCTAssertEqual(try file("a\nb").utterances.map(\.text), ["a", "b"], "the last line's end is optional")
        XCTAssertEqual(try file("").utterances, [])
    }

    func testBadLinesNameTheirLine() {
        XCTAssertThrowsError(try file("a (x_1)\nno id here\n", name: "r.trn")) { e in
            guard case .badLine("r.trn", 2, let why) = e as? TranscriptError else { return XCTFail("\(e)") }
            XCTAssertTrue(why.contains("in parentheses"), why)
            XCTAssertTrue("\(e)".hasPrefix("r.trn:2: "), "\(e)")
        }
        XCTAssertThrowsError(try file("a (x 1)\n", format: .trn))
        XCTAssertThrowsError(try file("a (maybe) b (x_1)\n")) { e in XCTAssertTrue("\(e)".contains("optionally deletable"), "\(e)") }
        XCTAssertThrowsError(try file("a @ b\n")) { e in XCTAssertTrue("\(e)".contains("null word"), "\(e)") }
        XCTAssertThrowsError(try file("a (x_1)\nb (x_1)\n", name: "h.trn")) { e in
            XCTAssertEqual(e as? TranscriptError, .duplicateID(file: "h.trn", id: "x_1", firstLine: 1, line: 2))
        }
    }

    func testPairing() throws {
        func pairs(_ r: String, _ h: String, _ format: TranscriptFormat? = nil) throws -> TranscriptPairs {
            try TranscriptPairs(referenceName: "ref", referenceContents: r, hypothesisName: "hyp", hypothesisContents: h, format: format)
        }
        // By id, in the reference's order, across formats that carry ids.
        let q = try pairs("a (1-2-3)\nb (1-2-4)\nc (1-2-5)\n", "1-2-4 B\n1-2-3 A\n")
        XCTAssertEqual(q.pairs.map(\.hypothesis), ["A", "B"])
        XCTAssertEqual(q.trnIDs, ["1-2-3", "1-2-4"])
        XCTAssertEqual(q.unpairedReferenceIDs, ["1-2-5"])
        XCTAssertThrowsError(try pairs("a (1-2-3)\n", "1-2-3 A\n1-2-9 Z\n")) { e in
            XCTAssertEqual(e as? TranscriptError, .hypothesesWithoutReference(file: "hyp", ids: ["1-2-9"]))
        }
        // Plain text by line, with synthetic trn ids.
        let t = try pairs("a\nb\n", "a\nc\n")
        XCTAssertEqual(t.trnIDs, ["utt_0001", "utt_0002"])
        XCTAssertThrowsError(try pairs("a\nb\n", "a\n")) { e in
            XCTAssertEqual(e as? TranscriptError, .lineCountMismatch(reference: "ref", referenceLines: 2, hypothesis: "hyp", hypothesisLines: 1))
        }
        // Ids on one side only: refused, whichever side.
        XCTAssertThrowsError(try pairs("a (x_1)\n", "a\n")) { e in
            XCTAssertEqual(e as? TranscriptError, .idsOnOneSide(withIDs: "ref", format: .trn, withoutIDs: "hyp"))
            XCTAssertTrue("\(e)".contains("cannot be paired"), "\(e)")
        }
        XCTAssertThrowsError(try pairs("a\n", "a (x_1)\n"))
        // An empty file takes the other's format: an empty hypothesis trn leaves every reference unpaired.
        XCTAssertEqual(try pairs("a (x_1)\n", "").unpairedReferenceIDs, ["x_1"])
        // Forcing one format for both.
        XCTAssertEqual(try pairs("u1 a b\n", "u1 a\n", .trans).pairs, [.init(id: "u1", reference: "a b", hypothesis: "a")])
    }
}
