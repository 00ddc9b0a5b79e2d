// Errors a student can act on: which file, which panel, what was wrong.
public enum FigureError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The output path's extension is not one of png, svg, pdf.
    case unsupportedFormat(path: String)
    /// cairo could not create or write the file (missing folder, no permission, disk full...).
    case cannotWrite(path: String, reason: String)
    /// The data handed to a panel does not fit its declared shape.
    case invalidData(String)
    /// A PNG could not be read back.
    case cannotRead(path: String, reason: String)

    public var description: String {
        switch self {
        case .unsupportedFormat(let path):
            return "cannot tell the figure format of '\(path)': use a .png, .svg or .pdf file name"
        case .cannotWrite(let path, let reason):
            return "cannot write the figure to '\(path)': \(reason)"
        case .invalidData(let message):
            return "invalid figure data: \(message)"
        case .cannotRead(let path, let reason):
            return "cannot read the image '\(path)': \(reason)"
        }
    }
}
