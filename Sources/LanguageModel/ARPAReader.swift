// ARPAReader: the strict, allocation-light parser that turns an ARPA file (plain or `.gz`) into an
// `ARPAModel`. Text before `\data\` is ignored (Sphinx writes a banner there; KenLM would refuse it);
// everything after it is checked as strictly as KenLM does:
// the count header, each section's header, field counts, numbers, words, and counts per section.
// The header's counts are hints, not promises: memory is reserved for at most as many n-grams as the file's bytes
// can hold (a header may claim 10^12), tables grow with what is actually read, and each section's count is checked
// against its body when the section ends.

extension ARPAModel {
    /// Reads an ARPA file (gzip-compressed or plain).
    /// - Parameter unknownLog10: the log10 probability given to out-of-vocabulary words when the
    ///   file has no `<unk>` (KenLM substitutes -100).
    /// - Parameter shouldStop: polled every 2^16 lines (a 3.8 M-line model takes seconds); when it returns true the
    ///   read ends with an `ARPAError` of kind `.stopped`.
    public init(contentsOf path: String, unknownLog10: Float = -100, shouldStop: (() -> Bool)? = nil) throws {
        var reader = ARPAReader(path: path, unknownLog10: unknownLog10, shouldStop: shouldStop)
        self = try reader.read()
    }
}

private struct ARPAReader {
    let path: String
    let unknownLog10: Float
    let shouldStop: (() -> Bool)?

    init(path: String, unknownLog10: Float, shouldStop: (() -> Bool)?) {
        self.path = path
        self.unknownLog10 = unknownLog10
        self.shouldStop = shouldStop
    }

    private enum Phase { case preamble, counts, section(Int), done }

    private func fail(_ kind: ARPAError.Kind, _ line: Int, _ detail: String) -> ARPAError {
        ARPAError(kind, file: path, line: line, detail)
    }

    mutating func read() throws -> ARPAModel {
        guard var lines = LineReader(path: path) else {
            throw fail(.cannotOpen, 0, "cannot open the file (missing or unreadable)")
        }
        let bodyBytes = lines.bodyBytesBound
        var phase = Phase.preamble
        var counts: [Int] = []
        var order = 0
        var seen = 0                                   // n-grams read in the current section
        var vocabulary = Vocabulary(expected: 1024)
        var unigramProb: [Float] = []
        var unigramBackoff: [Float] = []
        var tables: [NGramTable] = []
        var fields = [Range<Int>](repeating: 0..<0, count: LMState.capacity + 3)
        var key = [Int32](repeating: 0, count: LMState.capacity + 1)

        func sectionName(_ n: Int) -> String { "\(n)-grams" }

        do {
            while try lines.next({ line, number in
                if number & 0xFFFF == 0, let shouldStop, shouldStop() {
                    throw fail(.stopped, number, "stopped while reading (interrupted)")
                }
                switch phase {
                case .preamble:
                    if trimmed(line).elementsEqual("\\data\\".utf8) { phase = .counts }

                case .counts:
                    let t = trimmed(line)
                    if t.isEmpty { return }
                    if t.starts(with: "ngram ".utf8) {
                        guard let (n, c) = parseCount(UnsafeBufferPointer(rebasing: t[t.startIndex.advanced(by: 6)...])) else {
                            throw fail(.badCountHeader, number,
                                       "bad count header \"\(text(t))\" (expected \"ngram N=count\")")
                        }
                        guard n == counts.count + 1 else {
                            throw fail(.badCountHeader, number,
                                       "count header for order \(n) where order \(counts.count + 1) was expected")
                        }
                        counts.append(c)
                        return
                    }
                    guard t.first == UInt8(ascii: "\\") else {
                        throw fail(.badCountHeader, number,
                                   "expected \"ngram N=count\" or \"\\1-grams:\" but found \"\(text(t))\"")
                    }
                    guard !counts.isEmpty else {
                        throw fail(.badCountHeader, number, "the \\data\\ section lists no \"ngram N=count\" lines")
                    }
                    guard sectionOrder(t) == 1 else {
                        throw fail(.badSectionHeader, number, "expected \"\\1-grams:\" but found \"\(text(t))\"")
                    }
                    order = counts.count
                    guard order <= LMState.capacity + 1 else {
                        throw fail(.unsupportedOrder, number,
                                   "order \(order) is above the supported maximum \(LMState.capacity + 1)")
                    }
                    let unigrams = reservable(counts[0], order: 1, bodyBytes: bodyBytes) + 3
                    vocabulary = Vocabulary(expected: unigrams)
                    unigramProb.reserveCapacity(unigrams)
                    unigramBackoff.reserveCapacity(unigrams)
                    for n in stride(from: 2, through: order, by: 1) {
                        tables.append(NGramTable(order: n, expected: reservable(counts[n - 1], order: n, bodyBytes: bodyBytes),
                                                 hasBackoff: n < order))
                    }
                    phase = .section(1)
                    seen = 0

                case .section(let n):
                    if line.isEmpty || trimmed(line).isEmpty { return }
                    if line[0] == UInt8(ascii: "\\") {
                        let t = trimmed(line)
                        guard seen == counts[n - 1] else {
                            throw fail(.countMismatch, number,
                                       "the \\data\\ header announced \(counts[n - 1]) \(sectionName(n)) but the section has \(seen)")
                        }
                        if t.elementsEqual("\\end\\".utf8) {
                            guard n == order else {
                                throw fail(.badSectionHeader, number,
                                           "\\end\\ after the \(sectionName(n)) but the header announced order \(order)")
                            }
                            phase = .done
                            return
                        }
                        guard let next = sectionOrder(t), next == n + 1, next <= order else {
                            throw fail(.badSectionHeader, number,
                                       "expected \(n == order ? "\"\\end\\\"" : "\"\\\(n + 1)-grams:\"") but found \"\(text(t))\"")
                        }
                        phase = .section(next)
                        seen = 0
                        return
                    }
                    guard seen < counts[n - 1] else {
                        throw fail(.countMismatch, number,
                                   "more \(sectionName(n)) than the \(counts[n - 1]) the \\data\\ header announced")
                    }
                    let found = splitFields(line, into: &fields)
                    let hasBackoff = found == n + 2
                    guard found == n + 1 || (hasBackoff && n < order) else {
                        let expected = n < order ? "\(n + 1) or \(n + 2)" : "\(n + 1)"
                        throw fail(.wrongFieldCount, number,
                                   "a \(n)-gram line needs \(expected) fields (log10 prob, \(n) word\(n == 1 ? "" : "s")\(n < order ? ", optional back-off" : "")) but has \(found)")
                    }
                    let probField = UnsafeBufferPointer(rebasing: line[fields[0]])
                    guard let prob = parseNumber(probField) else {
                        throw fail(.badNumber, number, "the probability \"\(text(probField))\" is not a number")
                    }
                    // A log10 probability is at most 0 (p ≤ 1); -inf (p = 0) is allowed, +inf and positive values are
                    // not (KenLM refuses positive ones too, the IRSTLM bug).
                    guard prob <= 0 else {
                        throw fail(.badNumber, number,
                                   "the log10 probability \(text(probField)) is above 0, so p > 1: a probability is at most 1 (log10 ≤ 0)")
                    }
                    var backoff = 0.0
                    if hasBackoff {
                        let b = UnsafeBufferPointer(rebasing: line[fields[n + 1]])
                        guard let value = parseNumber(b) else {
                            throw fail(.badNumber, number, "the back-off weight \"\(text(b))\" is not a number")
                        }
                        guard value.isFinite else {
                            throw fail(.badNumber, number, "the back-off weight \(text(b)) is not a finite number")
                        }
                        backoff = value
                    }
                    if n == 1 {
                        let word = UnsafeBufferPointer(rebasing: line[fields[1]])
                        guard vocabulary.insert(word).inserted else {
                            throw fail(.duplicateNGram, number,
                                       "the 1-gram \"\(text(word))\" appears twice (words are case-insensitive)")
                        }
                        unigramProb.append(Float(prob))
                        unigramBackoff.append(Float(backoff))
                    } else {
                        for k in 0..<n {
                            let word = UnsafeBufferPointer(rebasing: line[fields[1 + k]])
                            guard let id = vocabulary.find(word) else {
                                throw fail(.unknownWord, number,
                                           "the word \"\(text(word))\" of this \(n)-gram is not among the 1-grams")
                            }
                            key[k] = id
                        }
                        if n >= 3 {
                            let hasContext = key.withUnsafeBufferPointer { tables[n - 3].find($0.baseAddress!) >= 0 }
                            guard hasContext else {
                                throw fail(.missingContext, number,
                                           "the context of this \(n)-gram (its first \(n - 1) words) is not listed among the \(n - 1)-grams")
                            }
                        }
                        let inserted = key.withUnsafeBufferPointer {
                            tables[n - 2].insert($0.baseAddress!, prob: Float(prob), backoff: Float(backoff))
                        }
                        guard inserted else {
                            throw fail(.duplicateNGram, number,
                                       "this \(n)-gram appears twice (words are case-insensitive)")
                        }
                    }
                    seen += 1

                case .done:
                    return   // anything after \end\ is ignored
                }
            }) {}
        } catch let error as LineReaderError {
            throw fail(.cannotOpen, lines.lineNumber, error.message)
        }

        switch phase {
        case .done: break
        case .preamble:
            throw fail(.missingData, lines.lineNumber, "no \\data\\ line: this is not an ARPA file")
        case .counts:
            throw fail(.missingEnd, lines.lineNumber, "the file ends inside the \\data\\ header")
        case .section(let n):
            throw fail(.missingEnd, lines.lineNumber,
                       "the file ends without \\end\\ (in the \(sectionName(n)), after \(seen) of \(counts[n - 1]))")
        }

        insertMissingSuffixes(&tables)

        // Sentence markers and <unk> must exist for scoring; KenLM substitutes them the same way.
        var fileHasUnknown = true
        for (marker, log10) in [("<unk>", unknownLog10), ("<s>", Float(-99)), ("</s>", unknownLog10)] where vocabulary.find(marker) == nil {
            _ = vocabulary.insert(marker)
            unigramProb.append(log10)
            unigramBackoff.append(0)
            if marker == "<unk>" { fileHasUnknown = false }
        }
        return ARPAModel(path: path, order: order, counts: counts, fileHasUnknown: fileHasUnknown,
                         vocabulary: vocabulary, unigramProb: unigramProb, unigramBackoff: unigramBackoff,
                         tables: tables)
    }
}

/// Pruned models (SRILM, Sphinx) can list "on the mat" without "the mat". The scorer walks from the
/// word outwards (mat, the mat, on the mat), so like KenLM we insert each missing suffix as a blank
/// entry (probability NaN = "use the back-off path", back-off weight 0) to keep the longer n-gram reachable.
private func insertMissingSuffixes(_ tables: inout [NGramTable]) {
    guard tables.count >= 2 else { return }
    for k in stride(from: tables.count - 1, through: 1, by: -1) {
        let n = k + 2                      // tables[k] holds n-grams; their suffixes live in tables[k - 1]
        var e = 0
        while e < tables[k].count {
            let missing: [Int32]? = tables[k].ids.withUnsafeBufferPointer { ids in
                let suffix = ids.baseAddress! + e * n + 1
                return tables[k - 1].find(suffix) < 0 ? Array(UnsafeBufferPointer(start: suffix, count: n - 1)) : nil
            }
            if let missing {
                _ = missing.withUnsafeBufferPointer { tables[k - 1].insert($0.baseAddress!, prob: .nan, backoff: 0) }
            }
            e += 1
        }
    }
}

/// How many n-grams of order `n` to reserve room for: the header's `count`, but never more than the file's body can
/// hold (each n-gram line has n + 1 fields of at least one byte plus separators: 2(n + 1) bytes) nor 2^24, so a
/// hostile header reserves little and a real one is read without regrowing.
func reservable(_ count: Int, order n: Int, bodyBytes: Int) -> Int {
    min(count, bodyBytes / (2 * (n + 1)), 1 << 24)
}

private func trimmed(_ line: UnsafeBufferPointer<UInt8>) -> Slice<UnsafeBufferPointer<UInt8>> {
    var s = 0, e = line.count
    while s < e && (isBlank(line[s])) { s += 1 }
    while e > s && (isBlank(line[e - 1])) { e -= 1 }
    return line[s..<e]
}

private func text<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    let s = String(decoding: bytes.prefix(80), as: UTF8.self)
    return bytes.count > 80 ? s + "..." : s
}

/// "N=count" (after "ngram "), spaces allowed around "=".
private func parseCount(_ p: UnsafeBufferPointer<UInt8>) -> (Int, Int)? {
    guard let eq = p.firstIndex(of: UInt8(ascii: "=")) else { return nil }
    guard let n = parseInt(trimmed(UnsafeBufferPointer(rebasing: p[..<eq]))),
          let c = parseInt(trimmed(UnsafeBufferPointer(rebasing: p[(eq + 1)...]))), n >= 1 else { return nil }
    return (n, c)
}

private func parseInt(_ s: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
    guard !s.isEmpty, s.count < 19 else { return nil }
    var v = 0
    for b in s {
        guard b >= 48 && b <= 57 else { return nil }
        v = v * 10 + Int(b - 48)
    }
    return v
}

/// The N of a "\N-grams:" header, or nil.
private func sectionOrder(_ t: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
    let suffix = "-grams:".utf8
    guard t.count > 1 + suffix.count, t.first == UInt8(ascii: "\\"), t.reversed().starts(with: suffix.reversed()) else { return nil }
    return parseInt(t[(t.startIndex + 1)..<(t.endIndex - suffix.count)])
}
