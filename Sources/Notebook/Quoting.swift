// Quoting: `{{ name.path[0].key | format }}` in a notebook's prose, replaced by a value a block computed, so a
// report's numbers are never copied by hand. `name` is a block's `name=` option (the JSON reply it bound); the
// path walks objects by key and arrays by index; the optional format prints a number (`%.3f`, `%.2e`, `%d`, or
// `percent` / `percent:2` for a rate as "23.4 %"; a formatted null prints —). `\{{` writes `{{` itself. Expressions are read before any
// block runs (`QuoteExpression.all(in:)`), so a misspelt name fails in a second, not after the training.
import Base
import Foundation

/// One step of a path: an object key or an array index.
public enum PathStep: Equatable, Sendable, CustomStringConvertible {
    case key(String)
    case index(Int)

    public var description: String {
        switch self {
        case .key(let k): return "." + k
        case .index(let i): return "[\(i)]"
        }
    }
}

/// How a quoted number is printed.
public enum QuoteFormat: Equatable, Sendable {
    /// A printf conversion of one number: %.3f, %.2e, %g, %d (a `%d` of a fractional number is an error).
    case printf(String)
    /// value × 100 with `decimals` digits and " %": 0.2345 → "23.5 %".
    case percent(decimals: Int)

    init?(_ text: String) {
        if text == "percent" { self = .percent(decimals: 1); return }
        if text.hasPrefix("percent:"), let n = Int(text.dropFirst("percent:".count)), (0...10).contains(n) {
            self = .percent(decimals: n); return
        }
        // %[flags][width][.precision](f|e|g|d): exactly one conversion, nothing around it.
        let pattern = #"^%[-+ 0#]?[0-9]{0,2}(\.[0-9]{1,2})?[fegdFEG]$"#
        guard text.range(of: pattern, options: .regularExpression) != nil else { return nil }
        self = .printf(text)
    }
}

/// A parsed `{{ ... }}`: where it stands and what it names.
public struct QuoteExpression: Equatable, Sendable {
    /// The 1-based line in the document and the 1-based column of its `{{`.
    public let line: Int
    public let column: Int
    public let name: String
    public let path: [PathStep]
    public let format: QuoteFormat?
    /// The expression as written between the braces, trimmed (for messages).
    public let text: String

    /// Every expression of the prose runs of `document`; a `{{` without its `}}` or a malformed expression is a
    /// `QuoteError` with its line.
    public static func all(in document: MarkdownDocument) throws(QuoteError) -> [QuoteExpression] {
        var found: [QuoteExpression] = []
        for case .prose(let run) in document.blocks {
            for (i, line) in run.lines.enumerated() {
                for piece in try Template.pieces(of: line, line: run.startLine + i) {
                    if case .quote(let q) = piece { found.append(q) }
                }
            }
        }
        return found
    }
}

/// Why a quote could not be read or filled in; every case names the document line.
public struct QuoteError: Error, Equatable, CustomStringConvertible, Sendable {
    public let line: Int
    public let message: String
    public var description: String { message }
}

/// A prose line cut into literal text and quotes.
enum Template {
    enum Piece: Equatable {
        case text(String)
        case quote(QuoteExpression)
    }

    static func pieces(of line: String, line number: Int) throws(QuoteError) -> [Piece] {
        var pieces: [Piece] = []
        var literal = ""
        var rest = Substring(line)
        while let open = rest.range(of: "{{") {
            let before = rest[..<open.lowerBound]
            if before.hasSuffix("\\") {
                literal += before.dropLast() + "{{"
                rest = rest[open.upperBound...]
                continue
            }
            literal += before
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw QuoteError(line: number, message: "a {{ without its closing }} (write \\{{ for the braces themselves)")
            }
            let column = line.distance(from: line.startIndex, to: open.lowerBound) + 1
            let inner = String(rest[open.upperBound..<close.lowerBound])
            if !literal.isEmpty { pieces.append(.text(literal)); literal = "" }
            pieces.append(.quote(try parse(inner, line: number, column: column)))
            rest = rest[close.upperBound...]
        }
        literal += rest
        if !literal.isEmpty { pieces.append(.text(literal)) }
        return pieces
    }

    /// `name.key[0].other | %.3f` → name, path, format.
    static func parse(_ inner: String, line: Int, column: Int) throws(QuoteError) -> QuoteExpression {
        let text = inner.trimmingCharacters(in: .whitespaces)
        func fail(_ why: String) -> QuoteError {
            QuoteError(line: line, message: "cannot read {{ \(text) }}: \(why)")
        }
        var expression = text
        var format: QuoteFormat?
        if let bar = text.firstIndex(of: "|") {
            expression = text[..<bar].trimmingCharacters(in: .whitespaces)
            let spec = text[text.index(after: bar)...].trimmingCharacters(in: .whitespaces)
            guard let f = QuoteFormat(spec) else {
                throw fail("unknown format '\(spec)' (use %.3f, %.2e, %g, %d, percent or percent:N)")
            }
            format = f
        }
        let isNameCharacter: (Character) -> Bool = { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        var chars = Substring(expression)
        let name = String(chars.prefix(while: isNameCharacter))
        guard !name.isEmpty else { throw fail("it must start with a block's name (```trellis name=NAME)") }
        chars = chars.dropFirst(name.count)
        var path: [PathStep] = []
        while let c = chars.first {
            if c == "." {
                let key = chars.dropFirst().prefix(while: isNameCharacter)
                guard !key.isEmpty else { throw fail("a '.' must be followed by a key") }
                path.append(.key(String(key)))
                chars = chars.dropFirst(1 + key.count)
            } else if c == "[" {
                let digits = chars.dropFirst().prefix(while: { $0.isNumber })
                guard !digits.isEmpty, let n = Int(digits), chars.dropFirst(1 + digits.count).first == "]" else {
                    throw fail("an index is written [0], [1], ...")
                }
                path.append(.index(n))
                chars = chars.dropFirst(2 + digits.count)
            } else {
                throw fail("unexpected '\(c)'")
            }
        }
        return QuoteExpression(line: line, column: column, name: name, path: path, format: format, text: text)
    }
}

/// The values the blocks bound, by name, and filling the prose with them.
public struct ValueStore: Sendable {
    public private(set) var values: [String: JSONValue] = [:]

    public init() {}

    public mutating func bind(_ name: String, to value: JSONValue) { values[name] = value }

    /// The text `expression` stands for, or a QuoteError that says which step of the path is missing.
    public func text(for expression: QuoteExpression) throws(QuoteError) -> String {
        func fail(_ why: String) -> QuoteError {
            QuoteError(line: expression.line, message: "{{ \(expression.text) }}: \(why)")
        }
        guard var value = values[expression.name] else {
            let known = values.keys.sorted()
            throw fail("no block is named '\(expression.name)'" +
                       (known.isEmpty ? " (no block has a name= option yet)" : " (named blocks: \(known.joined(separator: ", ")))"))
        }
        var walked = expression.name
        for step in expression.path {
            switch (step, value) {
            case (.key(let k), .object(let pairs)):
                guard let next = pairs.first(where: { $0.key == k }) else {
                    throw fail("\(walked) has no key '\(k)' (its keys: \(pairs.map(\.key).joined(separator: ", ")))")
                }
                value = next.value
            case (.index(let i), .array(let items)):
                guard i < items.count else { throw fail("\(walked) has \(items.count) items; [\(i)] is past the end") }
                value = items[i]
            case (.key(let k), _):
                throw fail("\(walked) is \(ValueStore.kind(of: value)), not an object, so it has no key '\(k)'")
            case (.index(let i), _):
                throw fail("\(walked) is \(ValueStore.kind(of: value)), not an array, so it has no item [\(i)]")
            }
            walked += step.description
        }
        guard let format = expression.format else { return ValueStore.plain(value) }
        // A formatted null (an undefined correlation, a plateau never left) prints as the commands print it.
        if case .null = value { return "—" }
        guard let number = ValueStore.number(value) else {
            throw fail("the format needs a number, but \(walked) is \(ValueStore.kind(of: value))")
        }
        switch format {
        case .percent(let decimals):
            return String(format: "%.\(decimals)f %%", number * 100)
        case .printf(let spec):
            if spec.hasSuffix("d") {
                guard number == number.rounded(), abs(number) < 9e18 else {
                    throw fail("%d needs a whole number, but \(walked) is \(ValueStore.plain(value))")
                }
                return String(format: spec.dropLast() + "lld", Int64(number))
            }
            return String(format: spec, number)
        }
    }

    /// `line` (document line `number`) with every quote replaced by its text.
    public func fill(_ line: String, line number: Int) throws(QuoteError) -> String {
        var out = ""
        for piece in try Template.pieces(of: line, line: number) {
            switch piece {
            case .text(let t): out += t
            case .quote(let q): out += try text(for: q)
            }
        }
        return out
    }

    /// A value as prose: strings without quotes, numbers as the command printed them, anything else as JSON.
    static func plain(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): return s
        case .integer(let digits): return digits
        case .double(let v): return v.description
        case .float(let v): return v.description
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array, .object: return value.text
        }
    }

    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let digits): return Double(digits)
        case .double(let v): return v
        case .float(let v): return Double(v)
        default: return nil
        }
    }

    static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a true/false value"
        case .integer, .double, .float: return "a number (\(plain(value)))"
        case .string: return "a string"
        case .array(let items): return "an array of \(items.count)"
        case .object: return "an object"
        }
    }
}
