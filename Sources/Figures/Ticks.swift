// Tick placement and tick labels: "nice" 1-2-5 steps for numeric axes, decades for log axes, and
// every k-th label for categorical axes (row labels of a trellis) so labels never overlap.
import Foundation

/// A tick label: plain text, or a power of ten drawn with a raised exponent (log axes).
public enum TickLabel: Sendable, Equatable {
    case text(String)
    case powerOfTen(Int)

    /// The same label as plain text (JSON, tests, SVG titles).
    public var plain: String {
        switch self {
        case .text(let s): return s
        case .powerOfTen(let e): return "1e\(e)"
        }
    }
}

public struct Tick: Sendable, Equatable {
    /// Position in data coordinates.
    public var value: Double
    public var label: TickLabel
    public init(_ value: Double, _ label: TickLabel) {
        self.value = value
        self.label = label
    }
}

public enum Ticks {
    /// The smallest step of the form {1, 2, 5} × 10^k with at most `maxTicks` intervals over `span`.
    /// niceStep(span: 1, maxTicks: 5) = 0.2, niceStep(span: 399, maxTicks: 8) = 50.
    public static func niceStep(span: Double, maxTicks: Int) -> Double {
        guard span > 0, span.isFinite else { return 1 }
        let raw = span / Double(max(1, maxTicks))
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for m in [1.0, 2.0, 5.0, 10.0] where m * magnitude >= raw * (1 - 1e-9) {
            return m * magnitude
        }
        return 10 * magnitude
    }

    /// The next larger 1-2-5 step after `step` (1 → 2 → 5 → 10).
    public static func nextStep(after step: Double) -> Double {
        let magnitude = pow(10, log10(step).rounded(.down))
        let m = (step / magnitude).rounded()
        if m < 2 { return 2 * magnitude }
        if m < 5 { return 5 * magnitude }
        return 10 * magnitude
    }

    /// Multiples of `step` inside [lo, hi] (with a little tolerance so 0.30000000000000004 counts as 0.3).
    public static func values(from lo: Double, to hi: Double, step: Double) -> [Double] {
        guard lo.isFinite, hi.isFinite, step > 0, hi >= lo else { return [] }
        let eps = step * 1e-6
        let first = ((lo - eps) / step).rounded(.up)
        let last = ((hi + eps) / step).rounded(.down)
        guard last >= first, last - first < 10_000 else { return [] }
        let decimals = self.decimals(for: step)
        return stride(from: first, through: last, by: 1).map { k in
            let v = k * step
            let scale = pow(10, Double(decimals))
            let r = (v * scale).rounded() / scale
            return r == 0 ? 0 : r  // no −0
        }
    }

    /// Numeric ticks over [lo, hi] with at most `maxTicks` intervals; `integerOnly` keeps steps ≥ 1.
    public static func linear(from lo: Double, to hi: Double, maxTicks: Int, integerOnly: Bool = false) -> [Tick] {
        var step = niceStep(span: hi - lo, maxTicks: maxTicks)
        if integerOnly { step = max(1, step) }
        return linear(from: lo, to: hi, step: step)
    }

    static func linear(from lo: Double, to hi: Double, step: Double) -> [Tick] {
        let vs = values(from: lo, to: hi, step: step)
        let biggest = vs.map(abs).max() ?? 0
        // Very large or very small ticks share one exponent: 0.5e5, 1.0e5, 1.5e5.
        let exponent = biggest >= 1e5 || (step < 1e-3 && step > 0) ? Int(log10(biggest).rounded(.down)) : nil
        return vs.map { Tick($0, .text(format($0, step: step, exponent: exponent))) }
    }

    /// Decade ticks 10^k over [lo, hi] (both > 0); when the range spans less than a decade,
    /// 1-2-5 multiples inside it instead, so a log axis always shows at least two labels.
    public static func logarithmic(from lo: Double, to hi: Double, maxTicks: Int) -> [Tick] {
        guard lo > 0, hi > lo, lo.isFinite, hi.isFinite else { return [] }
        let firstExp = Int((log10(lo) - 1e-9).rounded(.up))
        let lastExp = Int((log10(hi) + 1e-9).rounded(.down))
        if lastExp - firstExp >= 1 {
            let every = max(1, Int((Double(lastExp - firstExp) / Double(max(1, maxTicks))).rounded(.up)))
            return stride(from: firstExp, through: lastExp, by: 1)
                .filter { ($0 - firstExp) % every == 0 }
                .map { Tick(pow(10, Double($0)), .powerOfTen($0)) }
        }
        // Within about a decade: mantissas 1, 2, 5 of the neighbouring decades.
        var ticks: [Tick] = []
        for e in (firstExp - 1)...(lastExp + 1) {
            for m in [1.0, 2.0, 5.0] {
                let v = m * pow(10, Double(e))
                if v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) {
                    ticks.append(Tick(v, .text(format(v, step: pow(10, Double(e)), exponent: abs(e) >= 4 ? e : nil))))
                }
            }
        }
        if ticks.count < 2 { return linear(from: lo, to: hi, maxTicks: maxTicks) }
        return ticks
    }

    /// Every k-th of `labels` at positions 0, 1, 2, … so that labels `pixelsPerItem` apart with a
    /// label extent of `labelExtent` pixels do not overlap (k = 1 when they fit). k is odd when it can be:
    /// a CTC trellis's rows alternate blank / symbol, and an even k would label only the blanks.
    ///
    /// With `minor` items (a trellis's blank rows, which all read `_`): when not every label fits, the minor
    /// labels are left out first, and the others are thinned to every m-th with m in 1, 2, 5, 10, 20, …
    /// counted from the first, so a reader sees `0 t`, `5 u`, `10 b`, … rather than a run of underscores.
    public static func categorical(_ labels: [String], pixelsPerItem: Double, labelExtent: Double,
                                   minor: Set<Int> = []) -> [Tick] {
        var k = thinningFactor(items: labels.count, pixelsPerItem: pixelsPerItem, labelExtent: labelExtent)
        let major = labels.indices.filter { !minor.contains($0) }
        if k > 1, !minor.isEmpty, !major.isEmpty {
            // The mean distance between neighbouring major items, in items (2 in a trellis).
            let spacing = major.count > 1 ? Double(major.last! - major.first!) / Double(major.count - 1) : Double(labels.count)
            var m = 1
            while Double(m) * spacing * pixelsPerItem < labelExtent && m < major.count { m = Int(nextStep(after: Double(m))) }
            return major.enumerated().filter { $0.offset % m == 0 }.map { Tick(Double($0.element), .text(labels[$0.element])) }
        }
        if k % 2 == 0 { k += 1 }
        return labels.indices.filter { $0 % k == 0 }.map { Tick(Double($0), .text(labels[$0])) }
    }

    /// The smallest k ≥ 1 such that labels k items apart are at least `labelExtent` pixels apart.
    public static func thinningFactor(items: Int, pixelsPerItem: Double, labelExtent: Double) -> Int {
        guard items > 1, pixelsPerItem > 0 else { return 1 }
        return max(1, Int((labelExtent / pixelsPerItem).rounded(.up)))
    }

    /// Number of decimals that shows a multiple of `step` exactly (step 0.2 → 1, step 50 → 0).
    static func decimals(for step: Double) -> Int {
        guard step > 0, step.isFinite else { return 0 }
        return max(0, Int((-log10(step) - 1e-9).rounded(.up)))
    }

    /// Like matplotlib's ScalarFormatter: the fewest decimals that tell the ticks apart, a true minus sign;
    /// with `exponent`, the value is written as mantissa × 10^exponent ("1.5e5").
    public static func format(_ v: Double, step: Double, exponent: Int? = nil) -> String {
        var s: String
        if exponent != nil && v == 0 {
            s = "0"
        } else if let e = exponent {
            let scale = pow(10, Double(e))
            s = String(format: "%.\(decimals(for: step / scale))fe%d", v / scale, e)
        } else {
            s = String(format: "%.\(decimals(for: step))f", v)
        }
        if s.hasPrefix("-") {
            // Avoid "−0" after rounding.
            if let d = Double(s), d == 0 { s.removeFirst() } else { s = "\u{2212}" + s.dropFirst() }
        }
        return s.replacingOccurrences(of: "e-", with: "e\u{2212}")
    }
}
