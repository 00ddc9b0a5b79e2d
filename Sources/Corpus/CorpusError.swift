// Corpus errors: name the directory or file and say what is wrong with the layout.
public enum CorpusError: Error, CustomStringConvertible, Equatable {
    case notADirectory(String)
    case noLibriSpeechLayout(String)
    case unreadable(path: String, reason: String)
    case unknownSubset(name: String, available: [String])
    case invalidParameter(String)

    public var description: String {
        switch self {
        case let .notADirectory(p): return "\(p): not a directory"
        case let .noLibriSpeechLayout(p):
            return "\(p): no LibriSpeech layout found (expected SUBSET/SPEAKER/CHAPTER/SPEAKER-CHAPTER.trans.txt with SPEAKER-CHAPTER-UTT.flac beside it)"
        case let .unreadable(p, r): return "\(p): \(r)"
        case let .unknownSubset(n, a): return "no subset '\(n)' (available: \(a.joined(separator: ", ")))"
        case let .invalidParameter(m): return m
        }
    }
}
