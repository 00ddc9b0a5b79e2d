// SaveText: numeric tables in numpy's `savetxt`/`loadtxt` text, the one reader and writer every module uses
// (`probs load/save`, `--save` of the CTC tables, `mel --save`, the trainer's alignment dumps, `plot grid`).
// Reading: one row per line, values separated by spaces (commas, tabs and a CR before the LF are read too),
// `#` comments, `inf`/`nan` in numpy's spellings. Writing: numpy's default `%.18e`, written atomically.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A rows × columns table, row-major.
public struct NumericTable: Equatable, Sendable {
    public var rows: Int
    public var columns: Int
    public var values: [Double]

    public init(rows: Int, columns: Int, values: [Double]) {
        precondition(values.count == rows * columns, "NumericTable: \(values.count) values for \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    public subscript(row: Int, column: Int) -> Double { values[row * columns + column] }

    /// Rows become columns (a K×T file read as T×K).
    public func transposed() -> NumericTable {
        var t = [Double](repeating: 0, count: values.count)
        for r in 0..<rows { for c in 0..<columns { t[c * rows + r] = values[r * columns + c] } }
        return NumericTable(rows: columns, columns: rows, values: t)
    }
}

/// A table that could not be read: the file and, where it is about one line, that line.
public struct SaveTextError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

public enum SaveText {
    /// The table in the file at `path`; every row must have the same number of columns.
    public static func read(_ path: String) throws(SaveTextError) -> NumericTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SaveTextError("cannot read \(path): no such file or not readable")
        }
        return try parse([UInt8](data), name: path)
    }

    /// The table in `bytes`; `name` prefixes the errors (`name:LINE: ...`).
    public static func parse(_ bytes: [UInt8], name: String) throws(SaveTextError) -> NumericTable {
        var values: [Double] = []
        var columns = -1
        var rows = 0
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 10 { end += 1 }
            lineNumber += 1
            var stop = end
            if let hash = bytes[start..<end].firstIndex(of: UInt8(ascii: "#")) { stop = hash }
            var count = 0
            var i = start
            while i < stop {
                while i < stop && isSeparator(bytes[i]) { i += 1 }
                if i == stop { break }
                let s = i
                while i < stop && !isSeparator(bytes[i]) { i += 1 }
                let field = String(decoding: bytes[s..<i], as: UTF8.self)
                guard let v = Double(field) ?? special(field) else {
                    throw SaveTextError("\(name):\(lineNumber): \"\(field)\" is not a number")
                }
                values.append(v)
                count += 1
            }
            if count > 0 {
                if columns < 0 { columns = count }
                guard count == columns else {
                    throw SaveTextError("\(name):\(lineNumber): \(count) values where the first row has \(columns)")
                }
                rows += 1
            }
            start = end + 1
        }
        guard rows > 0 else { throw SaveTextError("\(name): no numbers found") }
        return NumericTable(rows: rows, columns: columns, values: values)
    }

    /// The text `np.savetxt(path, a)` writes for the rows × columns table `values` (row-major); `header` lines
    /// become `# ` comments, as numpy's `header=` does.
    public static func text(rows: Int, columns: Int, values: [Double], header: String? = nil) -> String {
        precondition(values.count == rows * columns, "SaveText: \(values.count) values for \(rows)×\(columns)")
        var out = ""
        out.reserveCapacity(rows * columns * 26)
        if let header {
            for line in header.split(separator: "\n", omittingEmptySubsequences: false) { out += "# \(line)\n" }
        }
        for r in 0..<rows {
            for c in 0..<columns {
                if c > 0 { out += " " }
                out += format(values[r * columns + c])
            }
            out += "\n"
        }
        return out
    }

    public static func text(_ table: NumericTable, header: String? = nil) -> String {
        text(rows: table.rows, columns: table.columns, values: table.values, header: header)
    }

    /// Writes the table atomically (see AtomicFile): the previous file survives any failure.
    public static func write(_ path: String, rows: Int, columns: Int, values: [Double], header: String? = nil) throws(FileWriteError) {
        try AtomicFile.write(text(rows: rows, columns: columns, values: values, header: header), to: path)
    }

    public static func write(_ path: String, _ table: NumericTable, header: String? = nil) throws(FileWriteError) {
        try AtomicFile.write(text(table, header: header), to: path)
    }

    /// numpy's `%.18e` (it prints ±inf and nan as `inf`, `-inf`, `nan`).
    public static func format(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        return String(format: "%.18e", v)
    }

    private static func isSeparator(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 44 || b == 13 }

    private static func special(_ s: String) -> Double? {
        switch s.lowercased() {
        case "inf", "+inf", "infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: return nil
        }
    }
}
