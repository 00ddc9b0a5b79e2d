// The most memory one table of a command may take, so a command refuses up front instead of swapping the machine
// for minutes: `forward` at T = 30,000 frames with a 10,000-character text asked for 9.4 GB and `align` for 14 GB.
// The limit is a setting: the environment variable TRELLIS_MEMORY_LIMIT (bytes, or with K, M, G, T: "8G"),
// 2 GiB when unset. Commands estimate their tables before allocating them and refuse with the numbers and the way
// to raise the limit.
import Foundation

struct MemoryLimit: Equatable {
    static let variable = "TRELLIS_MEMORY_LIMIT"
    static let defaultBytes = 2.0 * 1024 * 1024 * 1024

    var bytes: Double

    /// The limit the environment sets, or the default; a value that does not parse is an error, not ignored.
    static func current(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> MemoryLimit {
        guard let text = environment[variable] else { return MemoryLimit(bytes: defaultBytes) }
        guard let bytes = parse(text) else {
            throw WorkbenchError("\(variable)=\(text) is not a size: write bytes or a number with K, M, G or T (e.g. 8G)")
        }
        return MemoryLimit(bytes: bytes)
    }

    /// "4096", "512M", "1.5G", "2 GB" → bytes (binary multiples); nil when it is not a positive finite size.
    static func parse(_ text: String) -> Double? {
        var t = text.trimmingCharacters(in: .whitespaces).uppercased()
        if t.hasSuffix("IB") { t.removeLast(2) } else if t.hasSuffix("B") { t.removeLast() }
        var scale = 1.0
        if let unit = t.last, let power = ["K": 1, "M": 2, "G": 3, "T": 4][String(unit)] {
            scale = pow(1024, Double(power))
            t.removeLast()
        }
        guard let v = Double(t.trimmingCharacters(in: .whitespaces)), v.isFinite, v > 0 else { return nil }
        return v * scale
    }

    /// Refuses when `bytes` (what the command is about to allocate for `what`) exceeds the limit.
    func check(_ bytes: Double, for what: String, advice: String = "use a shorter matrix or text") throws {
        guard bytes > self.bytes else { return }
        throw WorkbenchError("\(what) would need \(Self.describe(bytes)), above the memory limit of \(Self.describe(self.bytes)): "
            + "\(advice), or raise the limit (e.g. \(Self.variable)=\(Self.suggestion(bytes)) trellis ...)")
    }

    static func describe(_ bytes: Double) -> String {
        bytes >= Double(1 << 30) ? String(format: "%.1f GB", bytes / Double(1 << 30)) : String(format: "%.0f MB", bytes / Double(1 << 20))
    }

    static func suggestion(_ bytes: Double) -> String { "\(Int((bytes / Double(1 << 30)).rounded(.up)) + 1)G" }
}
