// RecordSort: the external merge sort the n-gram estimator streams its records through.
// A record is `width` UInt32 words whose first `keyWidth` words are the key (word ids); the rest is payload
// (a count split into two words, or Float bit patterns). Records collect in memory until they fill the
// budget, then that chunk is sorted and written to a run file in a temporary folder; reading merges the
// runs with a heap, so memory stays bounded by the budget however many n-grams the text holds.
// Equal keys can be combined (the counting stage adds their counts), in memory and while merging.
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The order in which records come out: key positions compared in this sequence, each ascending by id.
/// KenLM's suffix order (last word first) is `[n-1, ..., 0]`; its context order is `[n-2, ..., 0, n-1]`.
struct KeyOrder: Sendable {
    let positions: [Int]

    static func suffix(_ n: Int) -> KeyOrder { KeyOrder(positions: Array((0..<n).reversed())) }
    static func context(_ n: Int) -> KeyOrder { KeyOrder(positions: Array((0..<(n - 1)).reversed()) + [n - 1]) }

    @inline(__always)
    func less(_ a: UnsafePointer<UInt32>, _ b: UnsafePointer<UInt32>) -> Bool {
        for p in positions where a[p] != b[p] { return a[p] < b[p] }
        return false
    }
}

/// Where spilled runs go and how much memory a sorter may hold before it spills.
struct SortBudget: Sendable {
    /// Bytes of records a sorter keeps in memory before writing a sorted run to disk.
    var bytes: Int
    /// The folder for run files (created fresh inside it, removed afterwards).
    var temporaryFolder: String
    /// The most runs merged at once; more are merged in passes.
    var fanIn = 64
}

/// An error writing or reading a run file: the disk is full or the temporary folder is not writable.
struct RunFileError: Error, CustomStringConvertible {
    let path: String
    let reason: String
    var description: String { "\(path): \(reason)" }
}

/// Collects records, sorts them (in memory or through run files) and hands them back in order.
final class RecordSorter {
    let width: Int
    let keyWidth: Int
    let order: KeyOrder
    /// Folds `from`'s payload into `into` when their keys are equal; nil keeps duplicates apart.
    let combine: ((UnsafeMutablePointer<UInt32>, UnsafePointer<UInt32>) -> Void)?
    private let budget: SortBudget
    private let folder: RunFolder
    private var buffer: [UInt32] = []
    private var runs: [String] = []
    /// How many runs went to disk (the tests check that a tiny budget really takes the disk path).
    private(set) var spilledRuns = 0

    init(width: Int, keyWidth: Int, order: KeyOrder, budget: SortBudget, folder: RunFolder,
         combine: ((UnsafeMutablePointer<UInt32>, UnsafePointer<UInt32>) -> Void)? = nil) {
        self.width = width
        self.keyWidth = keyWidth
        self.order = order
        self.budget = budget
        self.folder = folder
        self.combine = combine
    }

    deinit { for run in runs { unlink(run) } }

    private var capacityRecords: Int { max(1, budget.bytes / (width * 4 + 8)) }

    func append(_ record: UnsafePointer<UInt32>) throws {
        buffer.append(contentsOf: UnsafeBufferPointer(start: record, count: width))
        if buffer.count / width >= capacityRecords { try spill() }
    }

    func append(_ record: [UInt32]) throws {
        try record.withUnsafeBufferPointer { try append($0.baseAddress!) }
    }

    /// The buffered records sorted (and combined), as a flat array.
    private func sortedBuffer() -> [UInt32] {
        let n = buffer.count / width
        var index = Array(0..<n)
        let w = width, order = self.order
        buffer.withUnsafeBufferPointer { b in
            let base = b.baseAddress!
            index.sort { order.less(base + $0 * w, base + $1 * w) }
        }
        var out: [UInt32] = []
        out.reserveCapacity(buffer.count)
        buffer.withUnsafeBufferPointer { b in
            for i in index {
                let r = b.baseAddress! + i * w
                if let combine, out.count >= w {
                    let last = out.count - w
                    let same = out.withUnsafeBufferPointer { o in sameKey(o.baseAddress! + last, r) }
                    if same {
                        out.withUnsafeMutableBufferPointer { o in combine(o.baseAddress! + last, r) }
                        continue
                    }
                }
                out.append(contentsOf: UnsafeBufferPointer(start: r, count: w))
            }
        }
        return out
    }

    @inline(__always)
    func sameKey(_ a: UnsafePointer<UInt32>, _ b: UnsafePointer<UInt32>) -> Bool {
        for k in 0..<keyWidth where a[k] != b[k] { return false }
        return true
    }

    private func spill() throws {
        let sorted = sortedBuffer()
        buffer.removeAll(keepingCapacity: true)
        let path = folder.newFile()
        try writeRun(sorted, to: path)
        runs.append(path)
        spilledRuns += 1
    }

    /// Hands the records back in order; the sorter is empty afterwards.
    func finish() throws -> RecordStream {
        if runs.isEmpty {
            let sorted = sortedBuffer()
            buffer = []
            return RecordStream(width: width, memory: sorted)
        }
        if !buffer.isEmpty { try spill() }
        buffer = []
        // Merge in passes until one merge can take every run.
        while runs.count > budget.fanIn {
            let group = Array(runs.prefix(budget.fanIn))
            runs.removeFirst(group.count)
            let path = folder.newFile()
            let merged = try RecordStream(width: width, keyWidth: keyWidth, order: order, runs: group, combine: combine)
            try merged.writeAll(to: path)
            for run in group { unlink(run) }
            runs.append(path)
        }
        let stream = try RecordStream(width: width, keyWidth: keyWidth, order: order, runs: runs, combine: combine)
        runs = []   // the stream owns (and removes) them now
        return stream
    }
}

/// Sorted records, read one at a time: from memory, or merged from run files.
final class RecordStream {
    let width: Int
    private var memory: [UInt32] = []
    private var position = 0
    private var readers: [RunReader] = []
    private var heap: [Int] = []            // reader indices, smallest current record on top
    private var order = KeyOrder(positions: [])
    private var keyWidth = 0
    private var combine: ((UnsafeMutablePointer<UInt32>, UnsafePointer<UInt32>) -> Void)?
    private var current: [UInt32]
    private var merging = false

    init(width: Int, memory: [UInt32]) {
        self.width = width
        self.memory = memory
        current = [UInt32](repeating: 0, count: width)
    }

    init(width: Int, keyWidth: Int, order: KeyOrder, runs: [String],
         combine: ((UnsafeMutablePointer<UInt32>, UnsafePointer<UInt32>) -> Void)?) throws {
        self.width = width
        self.keyWidth = keyWidth
        self.order = order
        self.combine = combine
        current = [UInt32](repeating: 0, count: width)
        merging = true
        for run in runs {
            let reader = try RunReader(path: run, width: width)
            if reader.hasRecord { readers.append(reader) } else { reader.close() }
        }
        heap = Array(readers.indices)
        for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
    }

    deinit { for r in readers { r.close() } }

    private func less(_ a: Int, _ b: Int) -> Bool { order.less(readers[a].record, readers[b].record) }

    private func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count && less(heap[l], heap[m]) { m = l }
            if r < heap.count && less(heap[r], heap[m]) { m = r }
            if m == i { return }
            heap.swapAt(i, m)
            i = m
        }
    }

    /// Calls `body` with the next record (valid only during the call); false at the end.
    func next(_ body: (UnsafePointer<UInt32>) throws -> Void) throws -> Bool {
        if !merging {
            guard position < memory.count else { return false }
            try memory.withUnsafeBufferPointer { try body($0.baseAddress! + position) }
            position += width
            return true
        }
        guard let top = heap.first else { return false }
        current.withUnsafeMutableBufferPointer { c in
            c.baseAddress!.update(from: readers[top].record, count: width)
        }
        try advance(top)
        if let combine {
            // Fold every following record with the same key into this one.
            while let t = heap.first {
                let same = current.withUnsafeBufferPointer { c in
                    (0..<keyWidth).allSatisfy { c[$0] == readers[t].record[$0] }
                }
                if !same { break }
                current.withUnsafeMutableBufferPointer { c in combine(c.baseAddress!, readers[t].record) }
                try advance(t)
            }
        }
        try current.withUnsafeBufferPointer { try body($0.baseAddress!) }
        return true
    }

    private func advance(_ reader: Int) throws {
        try readers[reader].advance()
        if readers[reader].hasRecord {
            siftDown(0)
        } else {
            readers[reader].close()
            heap[0] = heap[heap.count - 1]
            heap.removeLast()
            if !heap.isEmpty { siftDown(0) }
        }
    }

    func writeAll(to path: String) throws {
        let writer = try RunWriter(path: path)
        defer { writer.close() }
        while try next({ try writer.write($0, count: width) }) {}
        try writer.finish()
    }
}

/// A fresh folder for one estimation's run files, removed (with whatever is left in it) when released.
final class RunFolder {
    let path: String
    private var serial = 0

    init(inside parent: String) throws {
        var template = Array((parent + "/trellis-lm-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else {
            throw RunFileError(path: parent, reason: "cannot create a temporary folder here (\(String(cString: strerror(errno))))")
        }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    func newFile() -> String {
        serial += 1
        return path + "/run-\(serial).bin"
    }

    deinit {
        if let dir = opendir(path) {
            while let entry = readdir(dir) {
                let name = withUnsafePointer(to: entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                }
                if name != "." && name != ".." { unlink(path + "/" + name) }
            }
            closedir(dir)
        }
        rmdir(path)
    }
}

private func writeRun(_ records: [UInt32], to path: String) throws {
    let writer = try RunWriter(path: path)
    defer { writer.close() }
    try records.withUnsafeBufferPointer { try writer.write($0.baseAddress!, count: $0.count) }
    try writer.finish()
}

/// Buffered binary writes of UInt32 words through stdio.
private final class RunWriter {
    let path: String
    private var file: UnsafeMutablePointer<FILE>?

    init(path: String) throws {
        self.path = path
        file = fopen(path, "wb")
        guard file != nil else { throw RunFileError(path: path, reason: "cannot create a sort run file: \(String(cString: strerror(errno)))") }
    }

    func write(_ words: UnsafePointer<UInt32>, count: Int) throws {
        guard count > 0 else { return }
        if fwrite(words, 4, count, file) != count {
            throw RunFileError(path: path, reason: "cannot write a sort run file: \(String(cString: strerror(errno))) (is the disk full?)")
        }
    }

    func finish() throws {
        if fflush(file) != 0 {
            throw RunFileError(path: path, reason: "cannot write a sort run file: \(String(cString: strerror(errno))) (is the disk full?)")
        }
    }

    func close() {
        if let f = file { fclose(f) }
        file = nil
    }
}

/// Reads a run file record by record, a block at a time.
private final class RunReader {
    let path: String
    let width: Int
    private var file: UnsafeMutablePointer<FILE>?
    private var block: UnsafeMutableBufferPointer<UInt32>
    private var filled = 0      // records in the block
    private var index = 0       // the current record
    private(set) var hasRecord = false

    init(path: String, width: Int) throws {
        self.path = path
        self.width = width
        file = fopen(path, "rb")
        guard file != nil else { throw RunFileError(path: path, reason: "cannot reopen a sort run file: \(String(cString: strerror(errno)))") }
        block = .allocate(capacity: width * 4096)
        try refill()
    }

    deinit { block.deallocate() }

    var record: UnsafePointer<UInt32> { UnsafePointer(block.baseAddress! + index * width) }

    private func refill() throws {
        let got = fread(block.baseAddress!, 4 * width, 4096, file)
        if got == 0 && ferror(file) != 0 {
            throw RunFileError(path: path, reason: "cannot read a sort run file: \(String(cString: strerror(errno)))")
        }
        filled = got
        index = 0
        hasRecord = got > 0
    }

    func advance() throws {
        index += 1
        if index >= filled { try refill() }
    }

    func close() {
        if let f = file { fclose(f); unlink(path) }
        file = nil
    }
}
