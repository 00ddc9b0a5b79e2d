// JSON for `--json` replies and other machine-read output: an `Encoder` that writes any `Encodable` as one line of
// JSON with the rules the replies promise (docs/json.md), which Foundation's JSONEncoder cannot all keep:
//  - keys in declaration order (the order `encode(to:)` writes them), so a reply reads top-down as declared;
//    dictionaries with String keys, whose order is random in Swift, are written with sorted keys;
//  - keys in snake_case (`utteranceMean` → `utterance_mean`; keys already in snake_case stay as they are);
//  - an absent Optional is written as `null`, never left out, so a reply always has the same keys;
//  - Double and Float in Swift's shortest round-trip form, each in its own precision (a Float −0.4 prints
//    -0.4, not -0.4000000059604645); ±∞ and NaN, which JSON cannot hold, become null.

/// A JSON value with object keys in insertion order.
public indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case integer(String)     // already formatted: Int, UInt64, ... print exactly
    case double(Double)
    case float(Float)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    /// One line of JSON.
    public var text: String {
        var out = ""
        write(into: &out)
        return out
    }

    private func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let digits): out += digits
        case .double(let v): out += v.isFinite ? v.description : "null"
        case .float(let v): out += v.isFinite ? v.description : "null"
        case .string(let s): JSONValue.quote(s, into: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(into: &out)
            }
            out += "]"
        case .object(let pairs):
            out += "{"
            for (i, pair) in pairs.enumerated() {
                if i > 0 { out += "," }
                JSONValue.quote(pair.key, into: &out)
                out += ":"
                pair.value.write(into: &out)
            }
            out += "}"
        }
    }

    static func quote(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}

public enum JSON {
    /// `value` as one line of JSON (see the rules at the top of this file).
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        try tree(value).text
    }

    /// `value` as a `JSONValue` tree.
    public static func tree<T: Encodable>(_ value: T) throws -> JSONValue {
        let node = JSONNode()
        try JSONTreeEncoder(node: node, codingPath: []).encodeValue(value)
        return node.value
    }

    /// `camelCase` → `snake_case`: an underscore before an upper-case letter that follows a lower-case letter or a
    /// digit, or that starts a word after an acronym (`peakRSSMegabytes` → `peak_rss_megabytes`); all lower-cased.
    public static func snakeCase(_ key: String) -> String {
        let chars = Array(key)
        var out = ""
        for (i, c) in chars.enumerated() {
            if c.isUppercase, i > 0 {
                let previous = chars[i - 1]
                let nextIsLower = i + 1 < chars.count && chars[i + 1].isLowercase
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && nextIsLower) { out += "_" }
            }
            out += c.lowercased()
        }
        return out
    }
}

// MARK: - The encoder

/// A value under construction: containers hand out nodes before they are filled, so nodes are references.
private final class JSONNode {
    enum Content {
        case empty
        case leaf(JSONValue)
        case object([(key: String, node: JSONNode)])
        case array([JSONNode])
    }
    var content = Content.empty

    var value: JSONValue {
        switch content {
        case .empty: return .object([])
        case .leaf(let v): return v
        case .object(let pairs): return .object(pairs.map { ($0.key, $0.node.value) })
        case .array(let nodes): return .array(nodes.map(\.value))
        }
    }

    /// The node for `key` in this object (made an object if it is not one yet); a key written twice keeps its
    /// first place and its last value.
    func child(_ key: String) -> JSONNode {
        var pairs: [(key: String, node: JSONNode)] = []
        if case .object(let p) = content { pairs = p }
        if let existing = pairs.first(where: { $0.key == key }) {
            existing.node.content = .empty
            return existing.node
        }
        let node = JSONNode()
        pairs.append((key, node))
        content = .object(pairs)
        return node
    }

    func becomeObject() {
        if case .object = content { return }
        content = .object([])
    }

    func appendElement() -> JSONNode {
        var nodes: [JSONNode] = []
        if case .array(let n) = content { nodes = n }
        let node = JSONNode()
        nodes.append(node)
        content = .array(nodes)
        return node
    }

    func becomeArray() {
        if case .array = content { return }
        content = .array([])
    }

    var arrayCount: Int {
        if case .array(let n) = content { return n.count }
        return 0
    }
}

private struct JSONTreeEncoder: Encoder {
    let node: JSONNode
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.becomeObject()
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.becomeArray()
        return UnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(node: node, codingPath: codingPath) }

    /// Leaves are written directly (so Float keeps its own precision); dictionaries get sorted keys; everything
    /// else encodes itself into this node.
    func encodeValue<T: Encodable>(_ value: T) throws {
        if let leaf = JSONTreeEncoder.leaf(value) {
            node.content = .leaf(leaf)
        } else if let dictionary = value as? [String: any Encodable] {
            node.content = .object([])
            for key in dictionary.keys.sorted() {
                try JSONTreeEncoder(node: node.child(key), codingPath: codingPath).encodeValue(dictionary[key]!)
            }
        } else {
            try value.encode(to: self)
        }
    }

    static func leaf(_ value: Any) -> JSONValue? {
        switch value {
        case let v as Bool: return .bool(v)
        case let v as String: return .string(v)
        case let v as Double: return .double(v)
        case let v as Float: return .float(v)
        case let v as Int: return .integer(String(v))
        case let v as Int8: return .integer(String(v))
        case let v as Int16: return .integer(String(v))
        case let v as Int32: return .integer(String(v))
        case let v as Int64: return .integer(String(v))
        case let v as UInt: return .integer(String(v))
        case let v as UInt8: return .integer(String(v))
        case let v as UInt16: return .integer(String(v))
        case let v as UInt32: return .integer(String(v))
        case let v as UInt64: return .integer(String(v))
        default: return nil
        }
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: JSONNode
    var codingPath: [any CodingKey]

    private func encoder(for key: Key) -> JSONTreeEncoder {
        JSONTreeEncoder(node: node.child(JSON.snakeCase(key.stringValue)), codingPath: codingPath + [key])
    }

    mutating func encodeNil(forKey key: Key) throws { encoder(for: key).node.content = .leaf(.null) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try encoder(for: key).encodeValue(value) }

    // Synthesised `encode(to:)` skips nil optionals through these; the replies promise `null` instead.
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try encodeOptional(value, key) }

    private mutating func encodeOptional<T: Encodable>(_ value: T?, _ key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        encoder(for: key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder(for: key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { JSONTreeEncoder(node: node, codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { encoder(for: key) }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: JSONNode
    var codingPath: [any CodingKey]
    var count: Int { node.arrayCount }

    private func next() -> JSONTreeEncoder { JSONTreeEncoder(node: node.appendElement(), codingPath: codingPath) }

    mutating func encodeNil() throws { next().node.content = .leaf(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws { try next().encodeValue(value) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        next().container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { next().unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { next() }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let node: JSONNode
    var codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.content = .leaf(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try JSONTreeEncoder(node: node, codingPath: codingPath).encodeValue(value)
    }
}
