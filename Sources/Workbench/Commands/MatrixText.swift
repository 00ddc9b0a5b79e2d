// Numeric text tables in numpy's `savetxt`/`loadtxt` format: one row per line, values separated by
// spaces (commas and tabs are read too), `#` comments; written with numpy's default `%.18e`.
import Foundation

enum MatrixText {
    /// Rows of numbers; every row must have the same number of columns.
    static func read(_ path: String) throws -> (rows: Int, columns: Int, values: [Double]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WorkbenchError("cannot read \(path): no such file or not readable")
        }
        var values: [Double] = []
        var columns = -1
        var rows = 0
        var lineNumber = 0
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
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
                    while i < stop && Self.isSeparator(bytes[i]) { i += 1 }
                    if i == stop { break }
                    let s = i
                    while i < stop && !Self.isSeparator(bytes[i]) { i += 1 }
                    let field = String(decoding: bytes[s..<i], as: UTF8.self)
                    guard let v = Double(field) ?? Self.special(field) else {
                        throw WorkbenchError("\(path):\(lineNumber): \"\(field)\" is not a number")
                    }
                    values.append(v)
                    count += 1
                }
                if count > 0 {
                    if columns < 0 { columns = count }
                    guard count == columns else {
                        throw WorkbenchError("\(path):\(lineNumber): \(count) values where the first row has \(columns)")
                    }
                    rows += 1
                }
                start = end + 1
            }
        }
        guard rows > 0 else { throw WorkbenchError("\(path): no numbers found") }
        return (rows, columns, values)
    }

    /// Writes a rows×columns table (row-major `values`) as numpy's `np.savetxt(path, a)` would.
    static func write(_ path: String, rows: Int, columns: Int, values: [Double], header: String? = nil) throws {
        precondition(values.count == rows * columns)
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
        do {
            try out.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw WorkbenchError("cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// numpy's `%.18e` (it prints ±inf and nan as `inf`, `-inf`, `nan`).
    static func format(_ v: Double) -> String {
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
