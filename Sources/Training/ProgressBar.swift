// ProgressBar: one self-rewriting terminal line per epoch — bar, step count, ETA, running loss and throughput.
// Draws only when stderr is a terminal (logs and pipes get the per-epoch summary line instead), and at most
// ten times a second so it never costs training time.
import Foundation

public struct ProgressBar {
    public let total: Int
    public let label: String
    private let start: Date
    private var lastDraw = Date.distantPast
    private let enabled: Bool
    private let width = 24
    /// Without a terminal (a log file, CI) a plain line every this many seconds instead of the live bar.
    private let plainInterval: Double

    public init(total: Int, label: String, enabled: Bool = isatty(2) != 0, plainInterval: Double = 60) {
        self.total = max(total, 1)
        self.label = label
        self.start = Date()
        self.enabled = enabled
        self.plainInterval = plainInterval
        self.lastDraw = Date()
    }

    /// The line for `done` of `total` steps (public for tests).
    public static func line(label: String, done: Int, total: Int, elapsed: Double, loss: Double, audioPerSecond: Double, width: Int = 24) -> String {
        let frac = min(1, Double(done) / Double(max(total, 1)))
        let filled = Int(frac * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : .nan
        return "\(label) \(bar) \(done)/\(total) \(format(seconds: elapsed)) ETA \(format(seconds: eta)) loss \(String(format: "%.3f", loss)) \(String(format: "%.0f", audioPerSecond)) audio-s/s"
    }

    public static func format(seconds s: Double) -> String {
        guard s.isFinite, s >= 0 else { return "--:--" }
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60) : String(format: "%02d:%02d", t / 60, t % 60)
    }

    /// `elapsed` overrides the time since the bar was created (a resumed epoch counts its earlier steps).
    public mutating func update(done: Int, loss: Double, audioSeconds: Double, elapsed: Double? = nil) {
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > (enabled ? 0.1 : plainInterval) || (enabled && done == total) else { return }
        lastDraw = now
        let elapsed = elapsed ?? now.timeIntervalSince(start)
        let l = ProgressBar.line(label: label, done: done, total: total, elapsed: elapsed, loss: loss,
                                 audioPerSecond: elapsed > 0 ? audioSeconds / elapsed : 0, width: width)
        FileHandle.standardError.write(Data(((enabled ? "\r\u{1B}[K" : "") + l + (enabled ? "" : "\n")).utf8))
    }

    /// Ends the bar's line so the next output starts on a fresh one.
    public func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
