// KneserNeyOutput: the last stage of `buildKneserNey` — interpolation with the lower orders, order by order in
// suffix order, and the ARPA text it prints (as lmplz prints it: log10 probabilities capped at 0, `<s>` with
// probability 0, back-off 0 for an n-gram that is no context, shortest float32 digits). The file is written
// through zlib (compressed for `.gz`, plain otherwise) at a temporary path that replaces the target at the end.
import Base
import CZlib
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A sorted stream read with one record of look-ahead, for merge joins.
private final class Cursor {
    let stream: RecordStream
    private(set) var record: [UInt32]
    private(set) var atEnd = false

    init(_ stream: RecordStream) throws {
        self.stream = stream
        record = [UInt32](repeating: 0, count: stream.width)
        try advance()
    }

    func advance() throws {
        let got = try stream.next { r in
            record.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: r, count: stream.width) }
        }
        atEnd = !got
    }
}

/// Suffix-order comparison of two keys of `k` words.
@inline(__always)
private func suffixCompare(_ a: UnsafePointer<UInt32>, _ b: UnsafePointer<UInt32>, _ k: Int) -> Int {
    var i = k - 1
    while i >= 0 {
        if a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        i -= 1
    }
    return 0
}

/// Appends lines to a zlib file in blocks.
private struct ARPAText: ~Copyable {
    let file: gzFile
    let path: String
    var bytes: [UInt8] = []

    init(path: String, compressed: Bool) throws {
        guard let f = gzopen(path, compressed ? "wb6" : "wbT") else {
            throw KneserNeyError(.cannotWrite, file: path, "cannot write the model: \(String(cString: strerror(errno)))")
        }
        file = f
        self.path = path
        bytes.reserveCapacity(1 << 16)
    }

    mutating func append(_ s: String) {
        bytes.append(contentsOf: s.utf8)
        if bytes.count >= 1 << 16 { try? flushSoft() }
    }

    mutating func append(number x: Float) { append(arpaNumber(x)) }

    mutating func append(word: String) { append(word) }

    private var failed = false

    private mutating func flushSoft() throws {
        guard !bytes.isEmpty else { return }
        let wrote = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
        if Int(wrote) != bytes.count { failed = true }
        bytes.removeAll(keepingCapacity: true)
    }

    consuming func close() throws {
        try flushSoft()
        let closed = gzclose(file)
        if failed || closed != Z_OK {
            throw KneserNeyError(.cannotWrite, file: path, "cannot write the model (is the disk full?)")
        }
    }
}

/// A float as lmplz prints it: the shortest digits that read back to the same float, without a trailing ".0".
func arpaNumber(_ x: Float) -> String {
    var s = x.description
    if s.hasSuffix(".0") { s.removeLast(2) }
    if s == "-0" { s = "0" }
    return s
}

struct WrittenModel { var counts: [Int]; var spilled: Int }

func writeInterpolated(_ initial: InitialProbabilities, adjusted: AdjustedCounts, vocabulary: Vocabulary,
                       output: String, budget: SortBudget, folder: RunFolder) throws -> WrittenModel {
    let n = adjusted.order
    var spilled = 0
    do {
        try AtomicFile.write(to: output) { temporary in
            var text = try ARPAText(path: temporary, compressed: output.hasSuffix(".gz"))
            text.append("\\data\\\n")
            for k in 1...n { text.append("ngram \(k)=\(initial.counts[k - 1])\n") }
            text.append("\n")

            // Unigrams: interpolated with the uniform distribution over the kept vocabulary without <s>
            // (lmplz passes the pruned counts here, so a vocabulary limit raises the uniform share).
            let uniform = Float(1.0 / Double(Float(initial.counts[0] - 1)))
            var prob1 = [Float](repeating: .nan, count: initial.unigramProb.count)
            for w in 0..<prob1.count where !initial.unigramProb[w].isNaN {
                let gammaHere: Float = w == Int(kBOS) ? 0 : initial.unigramGamma
                prob1[w] = initial.unigramProb[w] + gammaHere * uniform
            }
            var backoff1 = [Float](repeating: 1, count: prob1.count)
            if n >= 2 {
                while try initial.contexts[0].next({ r in backoff1[Int(r[0])] = Float(bitPattern: r[1]) }) {}
            }
            text.append("\\1-grams:\n")
            for w in 0..<prob1.count where !prob1[w].isNaN {
                text.append(number: min(0, log10f(prob1[w])))
                text.append("\t")
                text.append(word: vocabulary.word(Int32(w)))
                if n > 1 {
                    let b: Float = (w == Int(kUNK) || w == Int(kEOS)) ? 1 : backoff1[w]
                    text.append("\t")
                    text.append(number: log10f(b))
                }
                text.append("\n")
            }
            text.append("\n")

            // Higher orders: p(w|h) = u(w|h) + γ(h)·p(w|h'), joined in suffix order with the lower order's
            // interpolated probabilities (the suffix h'w of every k-gram is a kept (k-1)-gram) and with the
            // back-off weights of the contexts this order forms.
            var lower: Cursor? = nil
            if n >= 2 {
                for k in 2...n {
                    let next = k < n ? RecordSorter(width: k + 1, keyWidth: k, order: .suffix(k), budget: budget, folder: folder) : nil
                    let backoffs = k < n ? try Cursor(initial.contexts[k - 1]) : nil
                    text.append("\\\(k)-grams:\n")
                    var out = [UInt32](repeating: 0, count: k + 1)
                    var failure: Error? = nil
                    while try initial.higher[k - 2].next({ r in
                        let lowerProb: Float
                        if k == 2 {
                            lowerProb = prob1[Int(r[1])]
                        } else {
                            let cursor = lower!
                            while !cursor.atEnd, cursor.record.withUnsafeBufferPointer({ suffixCompare($0.baseAddress!, r + 1, k - 1) }) < 0 {
                                try cursor.advance()
                            }
                            guard !cursor.atEnd, cursor.record.withUnsafeBufferPointer({ suffixCompare($0.baseAddress!, r + 1, k - 1) }) == 0 else {
                                failure = KneserNeyError(.diskSort, "internal error: a \(k)-gram's suffix is missing from the \(k - 1)-grams")
                                return
                            }
                            lowerProb = Float(bitPattern: cursor.record[k - 1])
                        }
                        let u = Float(bitPattern: r[k]), g = Float(bitPattern: r[k + 1])
                        let p = u + g * lowerProb
                        text.append(number: min(0, log10f(p)))
                        text.append("\t")
                        for i in 0..<k {
                            if i > 0 { text.append(" ") }
                            text.append(word: vocabulary.word(Int32(bitPattern: r[i])))
                        }
                        if let backoffs {
                            var b: Float = 1
                            while !backoffs.atEnd, backoffs.record.withUnsafeBufferPointer({ suffixCompare($0.baseAddress!, r, k) }) < 0 {
                                try backoffs.advance()
                            }
                            if !backoffs.atEnd, r[k - 1] != kEOS,
                               backoffs.record.withUnsafeBufferPointer({ suffixCompare($0.baseAddress!, r, k) }) == 0 {
                                b = Float(bitPattern: backoffs.record[k])
                            }
                            text.append("\t")
                            text.append(number: log10f(b))
                        }
                        text.append("\n")
                        if let next {
                            for i in 0..<k { out[i] = r[i] }
                            out[k] = p.bitPattern
                            try next.append(out)
                        }
                    }) {}
                    if let failure { throw failure }
                    text.append("\n")
                    if let next {
                        spilled += next.spilledRuns
                        lower = try Cursor(next.finish())
                    }
                }
            }
            text.append("\\end\\\n")
            try text.close()
        }
    } catch let e as FileWriteError {
        throw KneserNeyError(.cannotWrite, file: output, e.reason)
    }
    return WrittenModel(counts: initial.counts, spilled: spilled)
}
