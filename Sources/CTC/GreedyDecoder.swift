// Best-path (greedy) decoding, the notebook's `greedy_decoder` (Cell 17): argmax per frame (first index on
// ties, as torch.argmax), collapse repeats, then drop blanks.

public enum GreedyDecoder {
    /// Argmax class per frame of a T×K matrix (probabilities or log-probabilities: argmax is the same).
    public static func bestPath(_ m: LogProbabilities) -> [Int] {
        m.values.withUnsafeBufferPointer { bestPath($0.baseAddress, frames: m.frames, classes: m.classes, frameStride: m.classes) }
    }

    /// Argmax per frame over a strided Float or Double buffer (row t at `base + t * frameStride`).
    public static func bestPath<F: BinaryFloatingPoint>(_ base: UnsafePointer<F>?, frames: Int, classes: Int, frameStride: Int) -> [Int] {
        guard let base, frames > 0, classes > 0 else { return [] }
        var out = [Int](repeating: 0, count: frames)
        for t in 0..<frames {
            let row = base + t * frameStride
            var best = 0
            var v = row[0]
            for k in 1..<classes where row[k] > v || (v.isNaN && !row[k].isNaN) { v = row[k]; best = k }
            out[t] = best
        }
        return out
    }

    /// Collapse repeated classes (if `collapseRepeated`), then remove blanks.
    public static func collapse(_ path: [Int], blank: Int = Tokenizer.blank, collapseRepeated: Bool = true) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(path.count)
        for (j, k) in path.enumerated() {
            if collapseRepeated && j > 0 && path[j - 1] == k { continue }
            if k != blank { out.append(k) }
        }
        return out
    }

    /// Greedy decode to class indices.
    public static func decode(_ m: LogProbabilities, blank: Int = Tokenizer.blank, collapseRepeated: Bool = true) -> [Int] {
        collapse(bestPath(m), blank: blank, collapseRepeated: collapseRepeated)
    }

    /// Greedy decode to text with the notebook's tokenizer (classes ≥ 29 are an error, as the notebook's KeyError).
    public static func decodeText(_ m: LogProbabilities, collapseRepeated: Bool = true) throws(TokenizerError) -> String {
        try Tokenizer().text(decode(m, collapseRepeated: collapseRepeated))
    }
}
