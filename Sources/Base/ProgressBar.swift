// ProgressBar: one self-rewriting line on standard error for work that can take more than a few seconds (training,
// evaluation, transcription, opening and synthesising corpora) — label, bar, done/total, elapsed time, ETA and a
// detail the caller chooses (a running loss, a throughput). It draws only when standard error is a terminal, so
// logs, pipes and tests stay clean, never touches standard output (a `--json` reply stays the only thing there),
// and redraws at most ten times a second so it never costs the work time.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct ProgressBar {
    /// Units of work; may be set once the work knows its size (a data loader's batch count).
    public var total: Int { didSet { total = max(total, 1) } }
    public let label: String
    public let enabled: Bool
    private let start = ContinuousClock.now
    private var lastDraw: ContinuousClock.Instant?
    private var shown = false
    private let width = 24

    public static var standardErrorIsTerminal: Bool { isatty(2) != 0 }

    public init(total: Int, label: String, enabled: Bool = ProgressBar.standardErrorIsTerminal) {
        self.total = max(total, 1)
        self.label = label
        self.enabled = enabled
    }

    /// Seconds left at the pace so far: elapsed / done × (total − done); NaN before the first unit is done.
    public static func eta(done: Int, total: Int, elapsed: Double) -> Double {
        guard done > 0 else { return .nan }
        return elapsed / Double(done) * Double(max(total - done, 0))
    }

    /// The line for `done` of `total` units after `elapsed` seconds, e.g.
    /// `train ██████··· 120/480 01:05 ETA 03:15 epoch 3/12 loss 1.234`.
    public static func line(label: String, done: Int, total: Int, elapsed: Double, detail: String = "", width: Int = 24) -> String {
        let fraction = min(1, max(0, Double(done) / Double(max(total, 1))))
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let eta = eta(done: done, total: total, elapsed: elapsed)
        return "\(label) \(bar) \(done)/\(total) \(format(seconds: elapsed)) ETA \(format(seconds: eta))" + (detail.isEmpty ? "" : " " + detail)
    }

    /// mm:ss, or h:mm:ss from an hour; `--:--` when unknown.
    public static func format(seconds s: Double) -> String {
        guard s.isFinite, s >= 0, s < 1e9 else { return "--:--" }
        let t = Int(s.rounded())
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return t >= 3600 ? "\(t / 3600):\(two(t / 60 % 60)):\(two(t % 60))" : "\(two(t / 60)):\(two(t % 60))"
    }

    /// Redraws the line (throttled; the last unit always draws). `elapsed` overrides the time since the bar was
    /// made, e.g. a resumed run counts the seconds of its earlier sessions.
    public mutating func update(done: Int, detail: String = "", elapsed: Double? = nil) {
        guard enabled else { return }
        let now = ContinuousClock.now
        if let lastDraw, now - lastDraw < .milliseconds(100), done < total { return }
        lastDraw = now
        let seconds = elapsed ?? ProgressBar.seconds(now - start)
        ProgressBar.writeStandardError("\r\u{1B}[K" + ProgressBar.line(label: label, done: done, total: total, elapsed: seconds,
                                                                         detail: detail, width: width))
        shown = true
    }

    /// Erases the line (before printing something else on the terminal); the next `update` draws it again.
    public mutating func clear() {
        guard enabled, shown else { return }
        ProgressBar.writeStandardError("\r\u{1B}[K")
        shown = false
        lastDraw = nil
    }

    /// Erases the line for good so the next output starts on a clean one.
    public mutating func finish() { clear() }

    private static func seconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }

    private static func writeStandardError(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { return }
            offset += n
        }
    }
}
