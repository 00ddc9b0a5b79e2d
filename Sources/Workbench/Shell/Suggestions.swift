// "Did you mean ...?" for mistyped command names: the closest known name by edit distance.

enum Suggestions {
    /// Longer words get no suggestion (command names are at most a dozen characters).
    static let maxWordLength = 64
    /// Levenshtein distance (insertions, deletions, substitutions), over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// The closest candidate worth suggesting, or nil when nothing is reasonably close.
    /// A candidate that starts with `word` wins (the user typed a prefix).
    static func closest(to word: String, among candidates: [String]) -> String? {
        // Nothing is close to a word far longer than every name, and the edit distance costs length × length:
        // a 10 MB word took 12.7 s to reject before this bound.
        guard word.utf8.count <= maxWordLength else { return nil }
        let lowered = word.lowercased()
        if let prefixed = candidates.filter({ $0.hasPrefix(lowered) }).min(by: { $0.count < $1.count }), !lowered.isEmpty {
            return prefixed
        }
        let limit = max(2, word.count / 3)
        let scored = candidates.map { (name: $0, distance: editDistance(lowered, $0.lowercased())) }
        guard let best = scored.min(by: { $0.distance < $1.distance || ($0.distance == $1.distance && $0.name < $1.name) }),
              best.distance <= limit else { return nil }
        return best.name
    }
}
