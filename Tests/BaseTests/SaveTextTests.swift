// SaveText reads what numpy's savetxt writes and writes what it would: `%.18e` digits (pinned against numpy's
// output for the same values), numpy's spellings of inf and nan, `#` comments and any line ending; a malformed
// file names its line.
import XCTest
@testable import Base

final class SaveTextTests: XCTestCase {
    func testFormatsAsNumpysDefault() {
        // python3 -c "import numpy as np, io; b=io.StringIO(); np.savetxt(b, [[0.1, -2.5, 1e-300, 0.0]]); print(b.getvalue())"
        XCTAssertEqual(SaveText.text(rows: 1, columns: 4, values: [0.1, -2.5, 1e-300, 0]),
                       "1.000000000000000056e-01 -2.500000000000000000e+00 1.000000000000000025e-300 0.000000000000000000e+00\n")
        XCTAssertEqual([Double.infinity, -.infinity, .nan].map(SaveText.format), ["inf", "-inf", "nan"])
    }

    func testReadsBackExactlyWhatItWrites() throws {
        let values: [Double] = [0.1, 1.0 / 3, -1e-12, 123456.789, .infinity, -.infinity]
        let text = SaveText.text(rows: 2, columns: 3, values: values, header: "two rows\nthree columns")
        XCTAssertTrue(text.hasPrefix("# two rows\n# three columns\n"))
        let table = try SaveText.parse(Array(text.utf8), name: "t")
        XCTAssertEqual(table, NumericTable(rows: 2, columns: 3, values: values))
    }

    func testAcceptsCommasTabsCRLFCommentsAndBlankLines() throws {
        let table = try SaveText.parse(Array("# header\r\n1,2\t3\r\n\r\n4 5 6 # trailing\r\nnan +inf -Infinity\n".utf8), name: "t")
        XCTAssertEqual(table.rows, 3)
        XCTAssertEqual(table.columns, 3)
        XCTAssertEqual(Array(table.values[0..<6]), [1, 2, 3, 4, 5, 6])
        XCTAssertTrue(table.values[6].isNaN)
        XCTAssertEqual(Array(table.values[7...]), [.infinity, -.infinity])
    }

    func testErrorsNameTheLine() {
        XCTAssertThrowsError(try SaveText.parse(Array("1 2\n3 x\n".utf8), name: "m.txt")) {
            XCTAssertEqual("\($0)", "m.txt:2: \"x\" is not a number")
        }
        XCTAssertThrowsError(try SaveText.parse(Array("1 2\n\n3\n".utf8), name: "m.txt")) {
            XCTAssertEqual("\($0)", "m.txt:3: 1 values where the first row has 2")
        }
        XCTAssertThrowsError(try SaveText.parse(Array("# only a comment\n".utf8), name: "m.txt")) {
            XCTAssertEqual("\($0)", "m.txt: no numbers found")
        }
    }

    func testTransposeSwapsRowsAndColumns() {
        let t = NumericTable(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6]).transposed()
        XCTAssertEqual(t, NumericTable(rows: 3, columns: 2, values: [1, 4, 2, 5, 3, 6]))
        XCTAssertEqual(t[2, 1], 6)
    }

    func testWritesAtomicallyToAFile() throws {
        let path = NSTemporaryDirectory() + "savetext-\(UUID().uuidString).txt"
        defer { unlink(path) }
        try SaveText.write(path, NumericTable(rows: 1, columns: 2, values: [1, 2]))
        XCTAssertEqual(try SaveText.read(path), NumericTable(rows: 1, columns: 2, values: [1, 2]))
    }
}
