// Audio errors: every failure names the file (or the parameter) and the reason, in words a student understands.
public enum AudioError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case empty(path: String)
    case truncated(path: String, expectedFrames: Int, readFrames: Int)
    case sampleRateTooLow(path: String, rate: Int, minimum: Int)
    case readFailed(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case resampleFailed(reason: String)
    case invalidParameter(String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): return "\(path): cannot read audio: \(reason)"
        case let .empty(path): return "\(path): the file holds no audio samples"
        case let .truncated(path, expected, read):
            return "\(path): truncated or damaged: the header promises \(expected) frames but only \(read) could be read"
        case let .sampleRateTooLow(path, rate, minimum):
            return "\(path): the header declares \(rate) Hz, below the \(minimum) Hz Trellis resamples from (speech is recorded at 8 kHz or more); the file is probably damaged"
        case let .readFailed(path, reason): return "\(path): decoding failed: \(reason)"
        case let .cannotWrite(path, reason): return "\(path): cannot write audio: \(reason)"
        case let .resampleFailed(reason): return "resampling failed: \(reason)"
        case let .invalidParameter(message): return message
        }
    }
}
