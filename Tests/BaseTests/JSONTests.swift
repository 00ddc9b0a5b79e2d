// The `--json` encoder's promises (docs/json.md): declaration order, snake_case, null for absent optionals and for
// non-finite numbers, Float in its own shortest form, sorted dictionary keys. Each expected line is written out by
// hand; Foundation's JSONSerialization checks that every line is valid JSON.
import Foundation
import XCTest
@testable import Base

final class JSONTests: XCTestCase {
    struct Inner: Encodable { var unitName: String; var count: Int }
    struct Reply: Encodable {
        var zebra: Int
        var logLikelihood: Double
        var saved: String?
        var already_snake: Bool
        var inner: Inner
        var values: [Double?]
    }

    private func parses(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]), text, file: file, line: line)
    }

    func testKeysKeepTheDeclarationOrderInSnakeCaseAndNilIsNull() throws {
        let r = Reply(zebra: 1, logLikelihood: -1.5, saved: nil, already_snake: true, inner: Inner(unitName: "word", count: 3),
                      values: [0.25, nil, .infinity, -.infinity, .nan])
        let text = try JSON.encode(r)
        XCTAssertEqual(text, #"{"zebra":1,"log_likelihood":-1.5,"saved":null,"already_snake":true,"inner":{"unit_name":"word","count":3},"values":[0.25,null,null,null,null]}"#)
        parses(text)
    }

    func testFloatPrintsInItsOwnShortestForm() throws {
        // Widened to Double first, Float(-0.4) would print -0.4000000059604645 (the `lm score` defect).
        XCTAssertEqual(try JSON.encode([Float(-0.4), Float(1e-5), Float(3)]), "[-0.4,1e-05,3.0]")
        XCTAssertEqual(try JSON.encode(Double(Float(-0.4))), "-0.4000000059604645")
        XCTAssertEqual(try JSON.encode([Float.nan, Float.infinity]), "[null,null]")
        // Shortest round trip: the printed Double reads back as the same bits.
        for v in [0.1, 1.0 / 3, -158.9963808017045, Double.leastNonzeroMagnitude, 1e300] {
            let text = try JSON.encode(v)
            XCTAssertEqual(Double(text), v, text)
            parses(text)
        }
    }

    func testIntegersPrintExactly() throws {
        XCTAssertEqual(try JSON.encode([UInt64.max]), "[18446744073709551615]")
        XCTAssertEqual(try JSON.encode(Int.min), "-9223372036854775808")
    }

    func testDictionariesHaveSortedKeys() throws {
        let d = ["flite": 2, "espeak": 1, "b": 3]
        XCTAssertEqual(try JSON.encode(d), #"{"b":3,"espeak":1,"flite":2}"#)
    }

    func testStringsAreEscaped() throws {
        let text = try JSON.encode("a\"b\\c\nd\te\u{01}␣")
        XCTAssertEqual(text, #""a\"b\\c\nd\te\u0001␣""#)
        XCTAssertEqual(try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) as? String, "a\"b\\c\nd\te\u{01}␣")
    }

    /// Two encoders writing into one keyed container (a reply and the shared `wer`/`cer` part) give one object.
    func testTwoPartsShareOneObject() throws {
        struct A: Encodable { var first: Int }
        struct B: Encodable { var second: Int }
        struct Both: Encodable {
            var a: A, b: B
            func encode(to encoder: Encoder) throws { try a.encode(to: encoder); try b.encode(to: encoder) }
        }
        XCTAssertEqual(try JSON.encode(Both(a: A(first: 1), b: B(second: 2))), #"{"first":1,"second":2}"#)
    }

    func testSnakeCase() {
        XCTAssertEqual(JSON.snakeCase("utteranceMean"), "utterance_mean")
        XCTAssertEqual(JSON.snakeCase("reference_length"), "reference_length")
        XCTAssertEqual(JSON.snakeCase("peakRSSMegabytes"), "peak_rss_megabytes")
        XCTAssertEqual(JSON.snakeCase("nMels"), "n_mels")
        XCTAssertEqual(JSON.snakeCase("log10"), "log10")
        XCTAssertEqual(JSON.snakeCase("secondsPerFrame"), "seconds_per_frame")
    }
}
