// One value out of a command's `--json` reply, for a question whose answer the shell computes:
// `log_likelihood`, `steps[0].updates[2].alpha`, `segments[1].confidence`, `posteriors[3][1]`; wrapped as
// `exp(PATH)` it turns a natural-log value into a probability, and a trailing `* NUMBER` scales it (a count of
// equally likely paths is p · 29^T). Keys are the reply's snake_case keys.
import Foundation

/// A parsed `value:` line: a path, and whether to take its exponential.
public struct ValueExpression: Sendable, Equatable {
    public enum Component: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    public var path: [Component]
    public var exponential: Bool
    public var factor: Double

    public init(_ text: String) throws {
        var s = text.trimmingCharacters(in: .whitespaces)
        exponential = false
        factor = 1
        if let star = s.lastIndex(of: "*") {
            guard let f = Double(s[s.index(after: star)...].trimmingCharacters(in: .whitespaces)), f.isFinite else {
                throw LessonError("'\(text)': what follows '*' must be a number")
            }
            factor = f
            s = s[..<star].trimmingCharacters(in: .whitespaces)
        }
        if s.hasPrefix("exp(") && s.hasSuffix(")") {
            exponential = true
            s = String(s.dropFirst(4).dropLast())
        }
        path = try ValueExpression.parse(s)
    }

    static func parse(_ text: String) throws -> [Component] {
        var components: [Component] = []
        var key = ""
        var chars = Array(text)[...]
        func fail() -> LessonError {
            LessonError("'\(text)' is not a value path (keys and [indices], e.g. steps[0].updates[2].alpha or exp(steps[0].updates[2].alpha))")
        }
        func endKey() { if !key.isEmpty { components.append(.key(key)); key = "" } }
        while let c = chars.popFirst() {
            switch c {
            case ".":
                guard !key.isEmpty || (components.last.map { if case .index = $0 { true } else { false } } ?? false) else { throw fail() }
                endKey()
            case "[":
                endKey()
                var digits = ""
                while let d = chars.first, d.isNumber { digits.append(d); chars.removeFirst() }
                guard chars.popFirst() == "]", let i = Int(digits) else { throw fail() }
                components.append(.index(i))
            case _ where c.isLetter || c.isNumber || c == "_":
                key.append(c)
            default:
                throw fail()
            }
        }
        endKey()
        guard !components.isEmpty else { throw fail() }
        return components
    }

    /// The value at the path in `json` (a reply's text).
    public func evaluate(json text: String) throws -> Question.ComputedValue {
        // Decoded into a typed tree: Foundation's JSONSerialization hands back NSNumber, which cannot tell 1 from true.
        guard let root = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else {
            throw LessonError("the check command's reply is not JSON")
        }
        var node = root
        var walked = ""
        for component in path {
            switch component {
            case .key(let k):
                guard case .object(let dict) = node, let next = dict[k] else {
                    let keys: String
                    if case .object(let dict) = node { keys = dict.keys.sorted().joined(separator: ", ") } else { keys = "none: it is not an object" }
                    throw LessonError("the reply has no '\(k)' at '\(walked.isEmpty ? "the top" : walked)' (keys there: \(keys))")
                }
                node = next
                walked += (walked.isEmpty ? "" : ".") + k
            case .index(let i):
                guard case .array(let array) = node else { throw LessonError("'\(walked)' is not a list, so [\(i)] means nothing") }
                guard i < array.count else { throw LessonError("'\(walked)' has \(array.count) item\(array.count == 1 ? "" : "s"), so [\(i)] is past its end") }
                node = array[i]
                walked += "[\(i)]"
            }
        }
        let plain = !exponential && factor == 1
        switch node {
        case .number(let v):
            return .number((exponential ? exp(v) : v) * factor)
        case .null:
            // JSON's null for a log-probability is −∞ (docs/json.md): its exponential is 0.
            if exponential { return .number(0) }
            throw LessonError("'\(walked)' is null in the reply (−∞ or undefined)")
        case .string(let s) where plain:
            return .text(s)
        case .bool(let b) where plain:
            return .text(b ? "true" : "false")
        case .string, .bool:
            throw LessonError("'\(walked)' is not a number, so exp() and '*' cannot apply")
        case .array, .object:
            throw LessonError("'\(walked)' is a list or an object, not one value")
        }
    }
}

/// A JSON document as a tree whose leaves keep their JSON type.
indirect enum JSONValue: Decodable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let v = try? c.decode(Double.self) { self = .number(v) }
        else if let v = try? c.decode(Bool.self) { self = .bool(v) }
        else if let v = try? c.decode(String.self) { self = .string(v) }
        else if let v = try? c.decode([JSONValue].self) { self = .array(v) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }
}
