// LMState: the fixed-size word history a language-model hypothesis carries between words.

/// A language-model history: up to `LMState.capacity` word ids, most recent first.
/// Fixed-size and allocation-free so beam hypotheses can copy, hash and compare it cheaply.
public struct LMState: Hashable, Sendable {
    /// The longest history a state can carry (so models up to order `capacity + 1`).
    public static let capacity = 7

    public private(set) var count: Int
    private var w: (Int32, Int32, Int32, Int32, Int32, Int32, Int32)

    public init() {
        count = 0
        w = (-1, -1, -1, -1, -1, -1, -1)
    }

    /// A state from a history given most recent word first (extra words are dropped).
    public init<C: Collection>(recentFirst words: C) where C.Element == Int32 {
        self.init()
        for word in words.prefix(Self.capacity) {
            self[count] = word
            count += 1
        }
    }

    /// The `i`-th most recent word (0 = the last word).
    public subscript(i: Int) -> Int32 {
        get {
            precondition(i >= 0 && i < Self.capacity)
            return withUnsafeBytes(of: w) { $0.load(fromByteOffset: i * 4, as: Int32.self) }
        }
        set {
            precondition(i >= 0 && i < Self.capacity)
            withUnsafeMutableBytes(of: &w) { $0.storeBytes(of: newValue, toByteOffset: i * 4, as: Int32.self) }
        }
    }

    /// The history as an array, most recent first.
    public var words: [Int32] { (0..<count).map { self[$0] } }

    /// This state with `word` pushed on, keeping at most `limit` words.
    public func pushing(_ word: Int32, limit: Int) -> LMState {
        var next = LMState()
        let keep = min(limit, Self.capacity)
        guard keep > 0 else { return next }
        next[0] = word
        var n = 1
        while n < keep && n - 1 < count {
            next[n] = self[n - 1]
            n += 1
        }
        next.count = n
        return next
    }

    public static func == (a: LMState, b: LMState) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<a.count where a[i] != b[i] { return false }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for i in 0..<count { hasher.combine(self[i]) }
    }
}
