// Errors from reading an ARPA file: each names the file, the 1-based line number and what was wrong,
// in the spirit of KenLM's strict reader, so a student can open the file at that line.

public struct ARPAError: Error, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable {
        case cannotOpen          // the file is missing or unreadable
        case missingData         // no `\data\` line before the end of the file
        case badCountHeader      // an `ngram N=count` line that does not parse, or counts out of order
        case badSectionHeader    // a `\N-grams:` line for an order the header did not announce, or out of order
        case wrongFieldCount     // an n-gram line with too few or too many fields
        case badNumber           // a probability or back-off weight that is not a number
        case unknownWord         // a word in a higher-order n-gram that is not among the 1-grams
        case duplicateNGram      // the same n-gram twice (words are case-insensitive)
        case missingContext      // an n-gram whose first n-1 words are not listed as an (n-1)-gram
        case countMismatch       // a section's line count differs from the `\data\` header
        case missingEnd          // the file ends without `\end\`
        case unsupportedOrder    // an order above what `LMState` can carry
        case stopped             // the caller's `shouldStop` ended the read (Ctrl-C in the shell)
    }

    public let kind: Kind
    public let file: String
    public let line: Int
    public let detail: String

    public init(_ kind: Kind, file: String, line: Int, _ detail: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.detail = detail
    }

    public var description: String {
        line > 0 ? "\(file):\(line): \(detail)" : "\(file): \(detail)"
    }
}
