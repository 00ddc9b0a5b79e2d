// Vocabulary: interns lower-cased words as dense Int32 ids (bytes in one arena, an open-addressing
// index), so n-gram tables store ids and lookups hash bytes without making Strings.

struct Vocabulary: Sendable {
    private(set) var bytes: [UInt8] = []          // every word's lower-cased bytes, back to back
    private(set) var offsets: [Int32] = [0]       // word i is bytes[offsets[i] ..< offsets[i+1]]
    private var slots: [Int32]                    // id + 1, 0 = empty
    private var mask: Int

    init(expected: Int) {
        var size = 16
        while size < expected * 2 { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
        bytes.reserveCapacity(expected * 8)
        offsets.reserveCapacity(expected + 1)
    }

    var count: Int { offsets.count - 1 }

    func word(_ id: Int32) -> String {
        let i = Int(id)
        return String(decoding: bytes[Int(offsets[i])..<Int(offsets[i + 1])], as: UTF8.self)
    }

    @inline(__always)
    private static func hash(_ p: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf29ce484222325
        for b in p { h = (h ^ UInt64(asciiLower(b))) &* 0x100000001b3 }
        h ^= h >> 29
        return Int(truncatingIfNeeded: h)
    }

    @inline(__always)
    private func matches(_ id: Int, _ p: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = Int(offsets[id]), e = Int(offsets[id + 1])
        guard e - s == p.count else { return false }
        return bytes.withUnsafeBufferPointer { all in
            for k in 0..<p.count where all[s + k] != asciiLower(p[k]) { return false }
            return true
        }
    }

    /// The id of the word spelled by `p` (compared case-insensitively), or nil.
    func find(_ p: UnsafeBufferPointer<UInt8>) -> Int32? {
        var i = Self.hash(p) & mask
        while true {
            let slot = slots[i]
            if slot == 0 { return nil }
            if matches(Int(slot - 1), p) { return slot - 1 }
            i = (i + 1) & mask
        }
    }

    func find(_ word: String) -> Int32? {
        var word = word
        return word.withUTF8 { find($0) }
    }

    /// Adds the word and returns (id, true), or returns the existing id and false.
    mutating func insert(_ p: UnsafeBufferPointer<UInt8>) -> (id: Int32, inserted: Bool) {
        if count * 2 >= slots.count { grow() }
        var i = Self.hash(p) & mask
        while true {
            let slot = slots[i]
            if slot == 0 { break }
            if matches(Int(slot - 1), p) { return (slot - 1, false) }
            i = (i + 1) & mask
        }
        let id = Int32(count)
        for b in p { bytes.append(asciiLower(b)) }
        offsets.append(Int32(bytes.count))
        slots[i] = id + 1
        return (id, true)
    }

    mutating func insert(_ word: String) -> (id: Int32, inserted: Bool) {
        var word = word
        return word.withUTF8 { insert($0) }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
        bytes.withUnsafeBufferPointer { all in
            for id in 0..<count {
                let p = UnsafeBufferPointer(rebasing: all[Int(offsets[id])..<Int(offsets[id + 1])])
                var i = Self.hash(p) & mask
                while slots[i] != 0 { i = (i + 1) & mask }
                slots[i] = Int32(id + 1)
            }
        }
    }
}
