// NGramTable: the n-grams of one order n >= 2, as flat arrays (n word ids, a log10 probability and
// a log10 back-off weight per entry) with an open-addressing index hashed on the ids.
// Sized from the `\data\` header (capped by what the file can hold), so loading a 2 M-entry order allocates three
// times, not 2 M; a header that overstates its counts costs nothing and one that understates them regrows.

struct NGramTable: Sendable {
    let n: Int
    private(set) var ids: [Int32] = []        // entry e is ids[e*n ..< e*n+n], in text order
    private(set) var prob: [Float] = []
    private(set) var backoff: [Float] = []    // empty for the highest order
    private var slots: [Int32]                // entry + 1, 0 = empty
    private var mask: Int

    init(order n: Int, expected: Int, hasBackoff: Bool) {
        self.n = n
        var size = 16
        while size < expected + expected / 2 { size <<= 1 }   // load factor <= 2/3
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
        ids.reserveCapacity(expected * n)
        prob.reserveCapacity(expected)
        if hasBackoff { backoff.reserveCapacity(expected) }
        self.hasBackoff = hasBackoff
    }

    let hasBackoff: Bool
    var count: Int { prob.count }

    @inline(__always)
    static func hash(_ key: UnsafePointer<Int32>, _ n: Int) -> Int {
        var h: UInt64 = 0x9E3779B97F4A7C15
        for k in 0..<n {
            h = (h ^ UInt64(UInt32(bitPattern: key[k]))) &* 0xff51afd7ed558ccd
            h ^= h >> 32
        }
        h = (h ^ (h >> 29)) &* 0xc4ceb9fe1a85ec53
        h ^= h >> 32
        return Int(truncatingIfNeeded: h)
    }

    /// The entry index of the n-gram `key[0..<n]` (text order), or -1.
    @inline(__always)
    func find(_ key: UnsafePointer<Int32>) -> Int {
        let n = self.n
        return slots.withUnsafeBufferPointer { slots in
            ids.withUnsafeBufferPointer { ids in
                var i = Self.hash(key, n) & mask
                while true {
                    let slot = Int(slots[i])
                    if slot == 0 { return -1 }
                    let e = slot - 1
                    let base = e * n
                    var same = true
                    for k in 0..<n where ids[base + k] != key[k] { same = false; break }
                    if same { return e }
                    i = (i + 1) & mask
                }
            }
        }
    }

    /// Adds an n-gram; returns false (and adds nothing) if it is already present.
    mutating func insert(_ key: UnsafePointer<Int32>, prob p: Float, backoff b: Float) -> Bool {
        if (count + 1) * 3 > slots.count * 2 { grow() }
        let n = self.n
        var i = Self.hash(key, n) & mask
        let found: Bool = slots.withUnsafeBufferPointer { slots in
            ids.withUnsafeBufferPointer { ids in
                while true {
                    let slot = Int(slots[i])
                    if slot == 0 { return false }
                    let base = (slot - 1) * n
                    var same = true
                    for k in 0..<n where ids[base + k] != key[k] { same = false; break }
                    if same { return true }
                    i = (i + 1) & mask
                }
            }
        }
        if found { return false }
        slots[i] = Int32(count + 1)
        for k in 0..<n { ids.append(key[k]) }
        prob.append(p)
        if hasBackoff { backoff.append(b) }
        return true
    }

    private mutating func grow() {
        let size = slots.count * 2
        var fresh = [Int32](repeating: 0, count: size)
        let m = size - 1
        let n = self.n
        ids.withUnsafeBufferPointer { ids in
            for e in 0..<count {
                var i = Self.hash(ids.baseAddress! + e * n, n) & m
                while fresh[i] != 0 { i = (i + 1) & m }
                fresh[i] = Int32(e + 1)
            }
        }
        slots = fresh
        mask = m
    }
}
