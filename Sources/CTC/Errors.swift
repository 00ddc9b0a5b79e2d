// The typed errors of the CTC module, worded for a student reading them in the shell.

/// Bad input to a CTC computation (never raised for merely impossible alignments: those give −∞ and a
/// `CTCFeasibility` explanation instead).
public enum CTCError: Error, Equatable, CustomStringConvertible, Sendable {
    case shapeMismatch(String)
    case invalidValue(String)
    case invalidLabel(String)
    case invalidArgument(String)
    /// The caller's `shouldStop` asked to stop (Ctrl-C in the shell); nothing was computed to the end.
    case stopped

    public var description: String {
        switch self {
        case .shapeMismatch(let m): return "shape mismatch: \(m)"
        case .invalidValue(let m): return "invalid value: \(m)"
        case .invalidLabel(let m): return "invalid label: \(m)"
        case .invalidArgument(let m): return "invalid argument: \(m)"
        case .stopped: return "stopped before the end (interrupted)"
        }
    }
}
