// KneserNeyBuilder: estimates an interpolated modified Kneser–Ney n-gram model from text and writes it as
// ARPA, step for step as KenLM's `lmplz` does (lm/builder: corpus_count, adjust_counts,
// initial_probabilities, interpolate), in the same float32 arithmetic, so the two files agree to the
// printed digit. The stages, each a pass over records streamed through `RecordSorter`:
//  1. count: every line is `<s>^(N-1) w1 … wn </s>`; each order-N window's count (hash table in memory,
//     sorted runs on disk when it fills the budget);
//  2. adjust (suffix order): an order-N n-gram keeps its count; a lower-order n-gram's adjusted count is the
//     number of distinct words seen to its left (N1+(• w)), except that one starting with `<s>` has no left
//     context and keeps its raw count; count-of-counts n1..n4 per order give the discounts
//     D_j = j − (j+1)·Y·n_{j+1}/n_j with Y = n1/(n1 + 2·n2) (Chen & Goodman eq. 26);
//  3. initial probabilities (context order): u(w|h) = (a(hw) − D(a(hw))) / Σ_w a(hw) and the context's
//     interpolation weight γ(h) = (D1·N1(h•) + D2·N2(h•) + D3·N3+(h•) + pruned mass) / Σ_w a(hw);
//  4. interpolation (suffix order): p(w|h) = u(w|h) + γ(h)·p(w|h'), h' = h without its first word, down to
//     the unigrams, which interpolate with the uniform 1/|V| (|V| = the kept words with `<unk>` and `</s>`, without `<s>`);
//     `<s>` gets probability 1 (printed as lmplz prints it) and the back-off of an n-gram is γ of the
//     context it forms. Pruned n-grams (count ≤ the order's threshold, or holding a word outside the
//     vocabulary limit) leave their mass to γ, as lmplz's --prune and --limit_vocab_file do.
// Words are lower-cased (ASCII), as the ARPA reader lower-cases them; tokens are split on spaces, tabs, CR.
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// What `buildKneserNey` is asked to estimate.
public struct KneserNeyOptions: Sendable {
    /// The n-gram order N (1 … LMState.capacity + 1).
    public var order: Int
    /// lmplz's --prune: n-grams of order i+1 seen at most `pruneThresholds[i]` times are dropped; the last value
    /// applies to higher orders; the unigram value must be 0 and the values non-decreasing.
    public var pruneThresholds: [UInt64] = []
    /// Keep only this many of the most frequent words (ties by spelling); n-grams with another word are pruned.
    public var vocabularyLimit: Int?
    /// Discounts (D1, D2, D3+) used for an order whose closed-form estimate fails (lmplz's --discount_fallback).
    public var discountFallback: [Float]?
    /// Bytes of n-gram records held in memory before sorting moves to disk.
    public var memoryBytes: Int = 1 << 30
    /// Where the disk sort's temporary folder is made.
    public var temporaryFolder: String = "/tmp"

    public init(order: Int) { self.order = order }
}

/// The three discounts of one order (D1, D2, D3+), as lmplz prints them.
public struct Discounts: Sendable, Equatable, Encodable {
    public var d1: Float
    public var d2: Float
    public var d3: Float
    func of(_ count: UInt64) -> Float { count == 0 ? 0 : count == 1 ? d1 : count == 2 ? d2 : d3 }
}

/// What an estimation saw and produced.
public struct KneserNeyReport: Sendable, Encodable {
    public var order: Int
    /// Word tokens read (without `<s>`/`</s>`) and lines (sentences).
    public var tokens: Int
    public var sentences: Int
    /// Distinct words, counting `<unk>`, `<s>` and `</s>`.
    public var types: Int
    /// n-grams per order before pruning, and the ones written.
    public var counts: [Int]
    public var countsWritten: [Int]
    /// Count-of-counts n1…n4 of adjusted counts, per order.
    public var countOfCounts: [[Int]]
    public var discounts: [Discounts]
    /// Sorted runs written to disk (0 when everything fitted in memory).
    public var spilledRuns: Int
}

/// Why an estimation failed; `line` is 0 when the error is not about one line of a text.
public struct KneserNeyError: Error, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable {
        case cannotOpen, readError, specialWord, badOptions, emptyText, badDiscount, diskSort, cannotWrite, stopped
    }
    public let kind: Kind
    public let file: String
    public let line: Int
    public let detail: String

    public init(_ kind: Kind, file: String = "", line: Int = 0, _ detail: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.detail = detail
    }

    public var description: String {
        if file.isEmpty { return detail }
        return line > 0 ? "\(file):\(line): \(detail)" : "\(file): \(detail)"
    }
}

let kUNK: UInt32 = 0, kBOS: UInt32 = 1, kEOS: UInt32 = 2

/// Estimates the model from `texts` (plain or .gz, one sentence per line) and writes the ARPA file `output`
/// (gzip-compressed when it ends in `.gz`), atomically. `shouldStop` is polled once per line.
public func buildKneserNey(texts: [String], options: KneserNeyOptions, output: String,
                           shouldStop: () -> Bool = { false }) throws -> KneserNeyReport {
    let thresholds = try validated(options)
    let n = options.order
    let folder: RunFolder
    do { folder = try RunFolder(inside: options.temporaryFolder) } catch let e as RunFileError {
        throw KneserNeyError(.diskSort, e.description)
    }
    // Stage 1 gets the whole budget; later stages split it between the sorters alive at once.
    let wholeBudget = SortBudget(bytes: max(64, options.memoryBytes / 2), temporaryFolder: folder.path)
    let stageBudget = SortBudget(bytes: max(64, options.memoryBytes / (2 * n + 2)), temporaryFolder: folder.path)
    do {
        var counted = try countNGrams(texts: texts, order: n, budget: wholeBudget, folder: folder, shouldStop: shouldStop)
        let pruneWord = vocabularyPruning(counted, limit: options.vocabularyLimit)
        let adjusted = try adjustCounts(counted.full, order: n, thresholds: thresholds, pruneWord: pruneWord,
                                        types: counted.vocabulary.count, budget: stageBudget, folder: folder)
        counted.spilled += adjusted.spilled
        let discounts = try (0..<n).map { try discountsFor(order: $0 + 1, adjusted.countOfCounts[$0], fallback: options.discountFallback) }
        let initial = try initialProbabilities(adjusted, discounts: discounts, budget: stageBudget, folder: folder)
        let written = try writeInterpolated(initial, adjusted: adjusted, vocabulary: counted.vocabulary, output: output,
                                            budget: stageBudget, folder: folder)
        return KneserNeyReport(order: n, tokens: counted.tokens, sentences: counted.sentences, types: counted.vocabulary.count,
                               counts: adjusted.counts, countsWritten: written.counts,
                               countOfCounts: adjusted.countOfCounts.map { Array($0[1...4]).map(Int.init) },
                               discounts: discounts, spilledRuns: counted.spilled + initial.spilled + written.spilled)
    } catch let e as RunFileError {
        throw KneserNeyError(.diskSort, e.description)
    }
}

private func validated(_ o: KneserNeyOptions) throws -> [UInt64] {
    guard o.order >= 1 && o.order <= LMState.capacity + 1 else {
        throw KneserNeyError(.badOptions, "order \(o.order) is out of range: Trellis models have orders 1 to \(LMState.capacity + 1)")
    }
    var t = o.pruneThresholds
    if t.isEmpty { t = [0] }
    guard t.count <= o.order else {
        throw KneserNeyError(.badOptions, "\(t.count) pruning thresholds for a model of order \(o.order): give at most one per order")
    }
    guard t[0] == 0 else {
        throw KneserNeyError(.badOptions, "the unigram pruning threshold must be 0 (unigram pruning is not implemented, as in lmplz; use --vocab-limit)")
    }
    for i in 1..<t.count where t[i] < t[i - 1] {
        throw KneserNeyError(.badOptions, "pruning thresholds must not decrease from one order to the next (\(t.map(String.init).joined(separator: " "))): otherwise an n-gram could outlive its own context")
    }
    while t.count < o.order { t.append(t.last!) }
    if let limit = o.vocabularyLimit, limit < 1 {
        throw KneserNeyError(.badOptions, "the vocabulary limit must be at least 1 word (got \(limit))")
    }
    if let f = o.discountFallback {
        guard f.count == 3, f[0] >= 0, f[0] <= 1, f[1] >= 0, f[1] <= 2, f[2] >= 0, f[2] <= 3 else {
            throw KneserNeyError(.badOptions, "the fallback discounts are three numbers D1 ≤ 1, D2 ≤ 2, D3+ ≤ 3, none negative")
        }
    }
    guard o.memoryBytes >= 1024 else {
        throw KneserNeyError(.badOptions, "the memory budget must be at least 1 KB")
    }
    return t
}

// MARK: - Stage 1: counting

struct CountedText {
    var vocabulary: Vocabulary
    var unigramCounts: [UInt64]     // raw occurrences per word id (tokens only)
    var tokens = 0
    var sentences = 0
    var full: RecordStream          // order-N windows: [w0 … wN-1, countLo, countHi], suffix order
    var spilled = 0
}

@inline(__always) func split(_ c: UInt64) -> (UInt32, UInt32) { (UInt32(truncatingIfNeeded: c), UInt32(truncatingIfNeeded: c >> 32)) }
@inline(__always) func joined(_ lo: UInt32, _ hi: UInt32) -> UInt64 { UInt64(lo) | (UInt64(hi) << 32) }

private func addCounts(_ into: UnsafeMutablePointer<UInt32>, _ from: UnsafePointer<UInt32>, at k: Int) {
    let (lo, hi) = split(joined(into[k], into[k + 1]) + joined(from[k], from[k + 1]))
    into[k] = lo
    into[k + 1] = hi
}

/// The order-N windows of one text are counted in a hash table; when it fills its half of the budget
/// its entries go to the sorter, which spills sorted runs as needed.
private struct WindowTable {
    let n: Int
    var keys: [UInt32] = []
    var counts: [UInt64] = []
    var slots: [Int32]
    var mask: Int
    let capacity: Int

    init(order n: Int, bytes: Int) {
        self.n = n
        capacity = max(16, bytes / (n * 4 + 8 + 8))
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    var isFull: Bool { counts.count >= capacity }

    mutating func add(_ key: UnsafePointer<UInt32>) {
        var h: UInt64 = 0x9E3779B97F4A7C15
        for k in 0..<n { h = (h ^ UInt64(key[k])) &* 0xff51afd7ed558ccd; h ^= h >> 32 }
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let slot = Int(slots[i])
            if slot == 0 { break }
            let base = (slot - 1) * n
            var same = true
            for k in 0..<n where keys[base + k] != key[k] { same = false; break }
            if same { counts[slot - 1] += 1; return }
            i = (i + 1) & mask
        }
        slots[i] = Int32(counts.count + 1)
        keys.append(contentsOf: UnsafeBufferPointer(start: key, count: n))
        counts.append(1)
    }

    mutating func drain(into sorter: RecordSorter) throws {
        var record = [UInt32](repeating: 0, count: n + 2)
        for e in 0..<counts.count {
            for k in 0..<n { record[k] = keys[e * n + k] }
            (record[n], record[n + 1]) = split(counts[e])
            try sorter.append(record)
        }
        keys.removeAll(keepingCapacity: true)
        counts.removeAll(keepingCapacity: true)
        for i in slots.indices { slots[i] = 0 }
    }
}

private func countNGrams(texts: [String], order n: Int, budget: SortBudget, folder: RunFolder,
                         shouldStop: () -> Bool) throws -> CountedText {
    var vocabulary = Vocabulary(expected: 1 << 12)
    for special in ["<unk>", "<s>", "</s>"] { _ = vocabulary.insert(special) }
    var unigramCounts: [UInt64] = [0, 0, 0]
    let sorter = RecordSorter(width: n + 2, keyWidth: n, order: .suffix(n), budget: budget, folder: folder,
                              combine: { addCounts($0, $1, at: n) })
    var table = WindowTable(order: n, bytes: budget.bytes)
    var window = [UInt32](repeating: kBOS, count: n)
    var tokens = 0, sentences = 0

    func push(_ word: UInt32) throws {
        if n > 1 { for k in 0..<(n - 1) { window[k] = window[k + 1] } }
        window[n - 1] = word
        window.withUnsafeBufferPointer { table.add($0.baseAddress!) }
        if table.isFull { try table.drain(into: sorter) }
    }

    for path in texts {
        guard var reader = LineReader(path: path) else {
            throw KneserNeyError(.cannotOpen, file: path, "cannot open the text: \(String(cString: strerror(errno)))")
        }
        do {
            while try reader.next({ line, number in
                if shouldStop() { throw KneserNeyError(.stopped, file: path, line: number, "stopped") }
                for k in 0..<n { window[k] = kBOS }
                var i = 0
                let count = line.count
                while i < count {
                    while i < count && isTokenBreak(line[i]) { i += 1 }
                    if i == count { break }
                    let s = i
                    while i < count && !isTokenBreak(line[i]) { i += 1 }
                    let (id, inserted) = vocabulary.insert(UnsafeBufferPointer(rebasing: line[s..<i]))
                    if id <= 2 {
                        throw KneserNeyError(.specialWord, file: path, line: number,
                                             "the text contains the reserved word \(vocabulary.word(id)); <s>, </s> and <unk> are added by the model itself, so remove them from the text")
                    }
                    if inserted { unigramCounts.append(0) }
                    unigramCounts[Int(id)] += 1
                    tokens += 1
                    try push(UInt32(id))
                }
                try push(kEOS)
                sentences += 1
            }) {}
        } catch let e as LineReaderError {
            throw KneserNeyError(.readError, file: path, line: reader.lineNumber, e.message)
        }
    }
    guard tokens > 0 else {
        throw KneserNeyError(.emptyText, file: texts.first ?? "", "the text has no words: a language model needs at least a few sentences")
    }
    try table.drain(into: sorter)
    let spilled = sorter.spilledRuns
    let stream = try sorter.finish()
    return CountedText(vocabulary: vocabulary, unigramCounts: unigramCounts, tokens: tokens, sentences: sentences,
                       full: stream, spilled: spilled)
}

/// lmplz splits words on space, tab, CR and NUL (lines on LF).
@inline(__always) private func isTokenBreak(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 13 || b == 0 }

/// The words outside the `limit` most frequent (ties broken by spelling) are pruned; `<s>`, `</s>` and
/// `<unk>` never are.
private func vocabularyPruning(_ counted: CountedText, limit: Int?) -> [Bool] {
    guard let limit, limit < counted.vocabulary.count - 3 else { return [] }
    let words = (3..<counted.vocabulary.count).map { Int32($0) }
    let ranked = words.sorted { a, b in
        let ca = counted.unigramCounts[Int(a)], cb = counted.unigramCounts[Int(b)]
        if ca != cb { return ca > cb }
        return Array(counted.vocabulary.word(a).utf8).lexicographicallyPrecedes(Array(counted.vocabulary.word(b).utf8))
    }
    var prune = [Bool](repeating: true, count: counted.vocabulary.count)
    for s in 0...2 { prune[s] = false }
    for w in ranked.prefix(limit) { prune[Int(w)] = false }
    return prune
}

// MARK: - Stage 2: adjusted counts

/// Per-order records [w0 … wk-1, adjustedLo, adjustedHi, pruned] (k ≥ 2, context order) and the unigrams as arrays.
struct AdjustedCounts {
    var order: Int
    var unigramAdjusted: [UInt64]
    var unigramPruned: [Bool]
    var higher: [RecordStream]          // higher[k-2] holds the k-grams
    var counts: [Int]
    var countOfCounts: [[UInt64]]       // [order-1][0…4]
    var spilled = 0
}

private func adjustCounts(_ full: RecordStream, order n: Int, thresholds: [UInt64], pruneWord: [Bool],
                          types: Int, budget: SortBudget, folder: RunFolder) throws -> AdjustedCounts {
    var unigramAdjusted = [UInt64](repeating: 0, count: types)
    var unigramPruned = [Bool](repeating: false, count: types)
    var sorters: [RecordSorter] = (2...max(2, n)).map { k in
        RecordSorter(width: k + 3, keyWidth: k, order: .context(k), budget: budget, folder: folder)
    }
    if n == 1 { sorters = [] }
    var stats = [[UInt64]](repeating: [0, 0, 0, 0, 0], count: n)
    var counts = [Int](repeating: 0, count: n)

    func hasPrunedWord(_ key: UnsafePointer<UInt32>, _ k: Int) -> Bool {
        guard !pruneWord.isEmpty else { return false }
        for i in 0..<k where pruneWord[Int(key[i])] { return true }
        return false
    }
    func addStat(_ k: Int, _ count: UInt64) {
        counts[k - 1] += 1
        if count < 5 { stats[k - 1][Int(count)] += 1 }
    }
    var record = [UInt32](repeating: 0, count: n + 3)
    func emit(_ key: UnsafePointer<UInt32>, _ k: Int, adjusted: UInt64, pruned: Bool) throws {
        addStat(k, adjusted)
        if k == 1 {
            unigramAdjusted[Int(key[0])] = adjusted
            unigramPruned[Int(key[0])] = pruned
            return
        }
        for i in 0..<k { record[i] = key[i] }
        (record[k], record[k + 1]) = split(adjusted)
        record[k + 2] = pruned ? 1 : 0
        try record.withUnsafeBufferPointer { try sorters[k - 2].append($0.baseAddress!) }
    }

    if n == 1 {
        // Unigram models keep raw counts (lmplz's order-1 path); <unk> and <s> are listed with count 0.
        while try full.next({ r in
            let c = joined(r[1], r[2])
            let w = Int(r[0])
            let pruned = w > 2 && (c <= thresholds[0] || hasPrunedWord(r, 1))
            unigramAdjusted[w] = c
            unigramPruned[w] = pruned
        }) {}
        for w in 0..<types { addStat(1, unigramAdjusted[w]) }
        return AdjustedCounts(order: 1, unigramAdjusted: unigramAdjusted, unigramPruned: unigramPruned, higher: [],
                              counts: counts, countOfCounts: stats)
    }

    // current[k] is the k-gram (k = 1 … n-1) being accumulated: the k-word suffix of the recent windows.
    var current = [[UInt32]](repeating: [], count: n)
    var valid = [Bool](repeating: false, count: n)
    var adjusted = [UInt64](repeating: 0, count: n)
    var raw = [UInt64](repeating: 0, count: n)      // its real occurrence count, for pruning
    var previous = [UInt32](repeating: 0, count: n)
    var first = true

    func flush(_ k: Int) throws {
        guard valid[k] else { return }
        let pruned = raw[k] <= thresholds[k - 1] || current[k].withUnsafeBufferPointer { hasPrunedWord($0.baseAddress!, k) }
        try current[k].withUnsafeBufferPointer { try emit($0.baseAddress!, k, adjusted: adjusted[k], pruned: pruned) }
        valid[k] = false
    }

    while try full.next({ g in
        let c = joined(g[n], g[n + 1])
        // The longest suffix this window shares with the previous one (windows are in suffix order).
        var same = 0
        if !first { while same < n && g[n - 1 - same] == previous[n - 1 - same] { same += 1 } }
        first = false
        for k in stride(from: n - 1, to: same, by: -1) { try flush(k) }
        for k in stride(from: 1, through: min(same, n - 1), by: 1) where valid[k] { raw[k] += c }
        // A new word to the left of the shared suffix: one more distinct left extension.
        if same >= 1 && same <= n - 1 && valid[same] { adjusted[same] += 1 }
        // The last <s> in the window: padding before it is not a real context.
        var bos = -1
        for j in stride(from: n - 1, through: 0, by: -1) where g[j] == kBOS { bos = j; break }
        if same < n - 1 {
            for k in (same + 1)...(n - 1) {
                let start = n - k
                guard start >= bos else { continue }
                current[k] = Array(UnsafeBufferPointer(start: g + start, count: k))
                valid[k] = true
                raw[k] = c
                adjusted[k] = start == bos ? c : 1     // an n-gram starting with <s> keeps its raw count
            }
        }
        if bos <= 0 {
            let pruned = c <= thresholds[n - 1] || hasPrunedWord(g, n)
            try emit(g, n, adjusted: c, pruned: pruned)
        }
        for i in 0..<n { previous[i] = g[i] }
    }) {}
    for k in stride(from: n - 1, through: 1, by: -1) { try flush(k) }
    // <unk> and <s> are unigrams with adjusted count 0 (<s> is never predicted).
    addStat(1, 0)
    addStat(1, 0)
    var spilled = 0
    var streams: [RecordStream] = []
    for s in sorters {
        spilled += s.spilledRuns
        streams.append(try s.finish())
    }
    return AdjustedCounts(order: n, unigramAdjusted: unigramAdjusted, unigramPruned: unigramPruned, higher: streams,
                          counts: counts, countOfCounts: stats, spilled: spilled)
}

/// Chen & Goodman's closed-form discounts (their eq. 26), in lmplz's float arithmetic and with its range checks.
func discountsFor(order k: Int, _ n: [UInt64], fallback: [Float]?) throws -> Discounts {
    func fail(_ why: String) throws -> Discounts {
        if let f = fallback { return Discounts(d1: f[0], d2: f[1], d3: f[2]) }
        throw KneserNeyError(.badDiscount, "cannot estimate the Kneser–Ney discounts of the \(k)-grams: \(why). "
                             + "The text is too small or too repetitive for order \(k); use more text, a lower order, or --discount-fallback")
    }
    for j in 1...3 where n[j] == 0 {
        return try fail("no \(k)-gram has adjusted count \(j)")
    }
    let y = Float(n[1]) / Float(Double(n[1]) + 2.0 * Double(n[2]))
    var d: [Float] = [0, 0, 0, 0]
    for j in 1...3 {
        d[j] = Float(j) - Float(j + 1) * y * Float(n[j + 1]) / Float(n[j])
        if d[j] < 0 || d[j] > Float(j) {
            return try fail("discount D\(j) = \(d[j]) falls outside 0…\(j)")
        }
    }
    return Discounts(d1: d[1], d2: d[2], d3: d[3])
}

// MARK: - Stage 3: initial (uninterpolated) probabilities

/// Per order k ≥ 2: the kept n-grams [w0 … wk-1, u bits, γ(context) bits] in suffix order, and the back-off
/// weights of the (k-1)-gram contexts [w0 … wk-2, γ bits] in suffix order.
struct InitialProbabilities {
    var unigramProb: [Float]            // u(w) (1 for <s>); NaN for a pruned word
    var unigramGamma: Float
    var higher: [RecordStream]          // higher[k-2]: the kept k-grams
    var contexts: [RecordStream]        // contexts[k-2]: γ of the (k-1)-gram contexts of the k-grams
    var counts: [Int]                   // n-grams kept per order
    var spilled = 0
}

private func initialProbabilities(_ a: AdjustedCounts, discounts: [Discounts], budget: SortBudget,
                                  folder: RunFolder) throws -> InitialProbabilities {
    let n = a.order
    var kept = [Int](repeating: 0, count: n)
    // Unigrams: one group, the empty context.
    var denominator: UInt64 = 0, normalizer: UInt64 = 0
    var nOf: [UInt64] = [0, 0, 0, 0]
    for w in 0..<a.unigramAdjusted.count {
        let c = a.unigramAdjusted[w]
        denominator += c
        if a.unigramPruned[w] { normalizer += c } else if c > 0 { nOf[Int(min(c, 3))] += 1 }
    }
    let uniGamma = gamma(discounts[0], nOf, normalizer: normalizer, denominator: denominator)
    var unigramProb = [Float](repeating: .nan, count: a.unigramAdjusted.count)
    for w in 0..<unigramProb.count where !a.unigramPruned[w] {
        let c = a.unigramAdjusted[w]
        unigramProb[w] = w == Int(kBOS) ? 1 : (Float(c) - discounts[0].of(c)) / Float(denominator)
        kept[0] += 1
    }
    var higher: [RecordStream] = []
    var contexts: [RecordStream] = []
    var spilled = 0
    guard n >= 2 else {
        return InitialProbabilities(unigramProb: unigramProb, unigramGamma: uniGamma, higher: [], contexts: [], counts: kept)
    }
    for k in 2...n {
        let probs = RecordSorter(width: k + 2, keyWidth: k, order: .suffix(k), budget: budget, folder: folder)
        let gammas = RecordSorter(width: k, keyWidth: k - 1, order: .suffix(k - 1), budget: budget, folder: folder)
        var group: [UInt32] = []            // the records of the current context
        let w = k + 3
        func closeGroup() throws {
            guard !group.isEmpty else { return }
            var denominator: UInt64 = 0, normalizer: UInt64 = 0
            var nOf: [UInt64] = [0, 0, 0, 0]
            let m = group.count / w
            for r in 0..<m {
                let c = joined(group[r * w + k], group[r * w + k + 1])
                denominator += c
                if group[r * w + k + 2] != 0 { normalizer += c } else if c > 0 { nOf[Int(min(c, 3))] += 1 }
            }
            let g = gamma(discounts[k - 1], nOf, normalizer: normalizer, denominator: denominator)
            var out = [UInt32](repeating: 0, count: k + 2)
            for r in 0..<m where group[r * w + k + 2] == 0 {
                let c = joined(group[r * w + k], group[r * w + k + 1])
                let u = (Float(c) - discounts[k - 1].of(c)) / Float(denominator)
                for i in 0..<k { out[i] = group[r * w + i] }
                out[k] = u.bitPattern
                out[k + 1] = g.bitPattern
                try probs.append(out)
                kept[k - 1] += 1
            }
            var context = Array(group[0..<(k - 1)])
            context.append(g.bitPattern)
            try gammas.append(context)
            group.removeAll(keepingCapacity: true)
        }
        while try a.higher[k - 2].next({ r in
            if !group.isEmpty {
                var same = true
                for i in 0..<(k - 1) where group[i] != r[i] { same = false; break }
                if !same { try closeGroup() }
            }
            group.append(contentsOf: UnsafeBufferPointer(start: r, count: w))
        }) {}
        try closeGroup()
        spilled += probs.spilledRuns + gammas.spilledRuns
        higher.append(try probs.finish())
        contexts.append(try gammas.finish())
    }
    return InitialProbabilities(unigramProb: unigramProb, unigramGamma: uniGamma, higher: higher, contexts: contexts,
                                counts: kept, spilled: spilled)
}

/// γ(h) = (D1·n1 + D2·n2 + D3·n3+ + pruned mass) / Σ a(h•), accumulated in float as lmplz does.
private func gamma(_ d: Discounts, _ nOf: [UInt64], normalizer: UInt64, denominator: UInt64) -> Float {
    var g: Float = 0
    g += d.d1 * Float(nOf[1])
    g += d.d2 * Float(nOf[2])
    g += d.d3 * Float(nOf[3])
    g += Float(normalizer)
    return g / Float(denominator)
}
