// The JSON header of a safetensors file, parsed by hand because a checkpoint comes from anywhere and its header
// decides what gets allocated: keys keep their order (so swapped `data_offsets` are seen as out of order),
// integers are exact or refused (Foundation turns 2^64 into a Double and `intValue` into garbage), duplicate keys
// are refused, nesting is bounded, and every error names the byte where reading stopped.
import Foundation

/// A JSON value with object keys in file order and integers kept exact.
enum HeaderValue {
    case object([(key: String, value: HeaderValue)])
    case array([HeaderValue])
    case string(String)
    case integer(Int)
    case number(Double)          // a number with a fraction or exponent, or an integer beyond Int
    case bool(Bool)
    case null

    /// What kind of value this is, for messages ("a string", "an array").
    var kind: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .integer, .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}

struct HeaderSyntaxError: Error, CustomStringConvertible {
    let offset: Int
    let reason: String
    var description: String { "\(reason) at byte \(offset) of the header" }
}

struct HeaderParser {
    /// Deeper nesting than a safetensors header ever has (3) is refused before it can exhaust the stack.
    static let maxDepth = 32

    private let bytes: [UInt8]
    private var i = 0

    /// The header's top-level object.
    static func parse(_ bytes: [UInt8]) throws -> [(key: String, value: HeaderValue)] {
        var p = HeaderParser(bytes: bytes)
        p.skipSpace()
        guard p.peek == UInt8(ascii: "{") else { throw p.fail("the header does not start with '{'") }
        guard case let .object(entries) = try p.value(depth: 0) else { throw p.fail("the header is not a JSON object") }
        p.skipSpace()
        guard p.i == bytes.count else { throw p.fail("unexpected text after the header's closing '}'") }
        return entries
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    private func fail(_ reason: String) -> HeaderSyntaxError { HeaderSyntaxError(offset: i, reason: reason) }

    private mutating func skipSpace() {
        while let c = peek, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 }
    }

    private mutating func expect(_ c: Character) throws {
        skipSpace()
        guard peek == c.asciiValue else { throw fail("expected '\(c)'") }
        i += 1
    }

    private mutating func value(depth: Int) throws -> HeaderValue {
        guard depth < Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth) levels") }
        skipSpace()
        guard let c = peek else { throw fail("the header ends where a value was expected") }
        switch c {
        case UInt8(ascii: "{"):
            i += 1
            var entries: [(key: String, value: HeaderValue)] = []
            var seen = Set<String>()
            skipSpace()
            if peek == UInt8(ascii: "}") { i += 1; return .object([]) }
            while true {
                skipSpace()
                guard peek == UInt8(ascii: "\"") else { throw fail("expected a quoted key") }
                let keyStart = i
                let key = try string()
                guard seen.insert(key).inserted else {
                    throw HeaderSyntaxError(offset: keyStart, reason: "key \"\(key)\" appears twice")
                }
                try expect(":")
                entries.append((key, try value(depth: depth + 1)))
                skipSpace()
                if peek == UInt8(ascii: ",") { i += 1; continue }
                try expect("}")
                return .object(entries)
            }
        case UInt8(ascii: "["):
            i += 1
            var items: [HeaderValue] = []
            skipSpace()
            if peek == UInt8(ascii: "]") { i += 1; return .array([]) }
            while true {
                items.append(try value(depth: depth + 1))
                skipSpace()
                if peek == UInt8(ascii: ",") { i += 1; continue }
                try expect("]")
                return .array(items)
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try number()
        default:
            for (word, v) in [("true", HeaderValue.bool(true)), ("false", .bool(false)), ("null", .null)] where matches(word) {
                i += word.utf8.count
                return v
            }
            throw fail("unexpected character '\(Character(Unicode.Scalar(c)))'")
        }
    }

    private func matches(_ word: String) -> Bool {
        let w = Array(word.utf8)
        return i + w.count <= bytes.count && Array(bytes[i..<(i + w.count)]) == w
    }

    private mutating func number() throws -> HeaderValue {
        let start = i
        if peek == UInt8(ascii: "-") { i += 1 }
        let digitsStart = i
        while let c = peek, (0x30...0x39).contains(c) { i += 1 }
        guard i > digitsStart else { throw fail("a '-' without digits") }
        guard bytes[digitsStart] != 0x30 || i - digitsStart == 1 else {
            throw HeaderSyntaxError(offset: start, reason: "a number with a leading zero")
        }
        var integral = true
        if peek == UInt8(ascii: ".") {
            integral = false
            i += 1
            let f = i
            while let c = peek, (0x30...0x39).contains(c) { i += 1 }
            guard i > f else { throw fail("a '.' without digits after it") }
        }
        if let c = peek, c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            integral = false
            i += 1
            if let s = peek, s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { i += 1 }
            let e = i
            while let c = peek, (0x30...0x39).contains(c) { i += 1 }
            guard i > e else { throw fail("an exponent without digits") }
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if integral, let v = Int(text) { return .integer(v) }
        return .number(Double(text) ?? .nan)
    }

    private mutating func string() throws -> String {
        i += 1  // the opening quote
        var out: [UInt8] = []
        while true {
            guard let c = peek else { throw fail("a string is not closed") }
            i += 1
            switch c {
            case UInt8(ascii: "\""):
                guard let s = String(validating: out, as: UTF8.self) else { throw fail("a string is not valid UTF-8") }
                return s
            case UInt8(ascii: "\\"):
                guard let e = peek else { throw fail("a string ends inside an escape") }
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard matches("\\u") else { throw fail("a lone UTF-16 high surrogate") }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("a UTF-16 high surrogate without its low half") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw fail("\\u escape of a lone surrogate") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default:
                    throw fail("unknown escape '\\\(Character(Unicode.Scalar(e)))'")
                }
            case 0..<0x20:
                throw fail("a control character inside a string")
            default:
                out.append(c)
            }
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("a \\u escape is cut short") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw fail("a \\u escape with a non-hex digit")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }
}
