// {{ }} quoting and the JSON reader behind it, on hand-written values: every path step, every format against
// printf's own output, and each way a quote can be wrong giving a sentence with its line.
import Base
import XCTest
@testable import Notebook

final class QuotingTests: XCTestCase {
    private func store(_ name: String, _ json: String) throws -> ValueStore {
        var s = ValueStore()
        s.bind(name, to: try JSONReader.value(json))
        return s
    }

    func testPathsWalkObjectsAndArrays() throws {
        let s = try store("compare", #"{"runs":[{"name":"dnn","final_cer":0.5},{"name":"lstm","final_cer":0.25,"n":7}]}"#)
        XCTAssertEqual(try s.fill("CER {{ compare.runs[1].final_cer }} for {{compare.runs[1].name}}.", line: 3), "CER 0.25 for lstm.")
        XCTAssertEqual(try s.fill("{{ compare.runs[1].n }} items", line: 1), "7 items")
        XCTAssertEqual(try s.fill("{{ compare.runs[0] }}", line: 1), #"{"name":"dnn","final_cer":0.5}"#)
        XCTAssertEqual(try s.fill(#"\{{ not a quote }} and {{ compare.runs[0].name }}"#, line: 1), "{{ not a quote }} and dnn")
    }

    func testFormats() throws {
        let s = try store("v", #"{"rate":0.23456,"count":12,"big":1.5e-7,"flag":true,"text":"x"}"#)
        XCTAssertEqual(try s.fill("{{ v.rate | %.3f }}", line: 1), String(format: "%.3f", 0.23456))
        XCTAssertEqual(try s.fill("{{ v.rate | percent }}", line: 1), "23.5 %")
        XCTAssertEqual(try s.fill("{{ v.rate | percent:2 }}", line: 1), "23.46 %")
        XCTAssertEqual(try s.fill("{{ v.big | %.2e }}", line: 1), "1.50e-07")
        XCTAssertEqual(try s.fill("{{ v.count | %d }}", line: 1), "12")
        XCTAssertEqual(try s.fill("{{ v.count | %5.1f }}", line: 1), " 12.0")
        XCTAssertEqual(try s.fill("{{ v.flag }} {{ v.text }}", line: 1), "true x")
        let n = try store("n", #"{"r":null}"#)
        XCTAssertEqual(try n.fill("{{ n.r }} / {{ n.r | %.2f }}", line: 1), "null / —")
    }

    func testErrorsNameTheLineAndWhatIsMissing() throws {
        let s = try store("v", #"{"runs":[{"cer":0.5}],"rate":0.5,"text":"x"}"#)
        let cases: [(String, String)] = [
            ("{{ w.rate }}", "no block is named 'w' (named blocks: v)"),
            ("{{ v.runs[3].cer }}", "v.runs has 1 items; [3] is past the end"),
            ("{{ v.runs[0].wer }}", "v.runs[0] has no key 'wer' (its keys: cer)"),
            ("{{ v.rate.x }}", "v.rate is a number (0.5), not an object"),
            ("{{ v.text | %.2f }}", "the format needs a number, but v.text is a string"),
            ("{{ v.rate | %d }}", "%d needs a whole number"),
            ("{{ v.rate | %s }}", "unknown format '%s'"),
            ("{{ v..rate }}", "a '.' must be followed by a key"),
            ("{{ v.runs[x] }}", "an index is written [0]"),
            ("{{ }}", "it must start with a block's name"),
            ("{{ v.rate ", "a {{ without its closing }}"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try s.fill("a " + text, line: 42), text) { error in
                let e = error as? QuoteError
                XCTAssertEqual(e?.line, 42, text)
                XCTAssertTrue(e?.message.contains(expected) ?? false, "\(text): \(e?.message ?? "")")
            }
        }
    }

    func testExpressionsAreFoundInProseOnlyWithTheirLines() throws {
        let doc = try MarkdownDocument(parsing: "a {{ x.y }}\n```trellis\n{{ not.prose }}\n```\nb {{ z[0] | percent }} {{ x }}\n")
        let all = try QuoteExpression.all(in: doc)
        XCTAssertEqual(all.map(\.name), ["x", "z", "x"])
        XCTAssertEqual(all.map(\.line), [1, 5, 5])
        XCTAssertEqual(all.map(\.column), [3, 3, 24])
        XCTAssertEqual(all[1].path, [.index(0)])
        XCTAssertEqual(all[1].format, .percent(decimals: 1))
    }

    func testJSONReader() throws {
        XCTAssertEqual(try JSONReader.value(#" {"a": [1, -2.5e1, true, false, null, "q\"\u00e9\n"], "b": {}} "#).text,
                       #"{"a":[1,-25.0,true,false,null,"q\"é\n"],"b":{}}"#)
        // Integers keep their digits; a surrogate pair is one scalar.
        XCTAssertEqual(try JSONReader.value("12345678901234567890").text, "12345678901234567890")
        XCTAssertEqual(try JSONReader.value(#""\ud83d\ude00""#).text, "\"😀\"")
        for bad in ["", "{", "[1,]", "01", "1.", "\"a", "{\"a\" 1}", "tru", "[1] 2", "\"\\x\"", "\"\\ud800\""] {
            XCTAssertThrowsError(try JSONReader.value(bad), bad)
        }
    }
}
