// WaveformPlot: amplitude against time in seconds. Long signals are drawn as a per-pixel min/max
// envelope (what a waveform view shows anyway), so a minute of 16 kHz audio draws as fast as a second.
import Foundation

public struct WaveformPlot: Sendable {
    public var samples: [Float]
    public var sampleRate: Int
    public var title: String
    public var xLabel = "Time (s)"
    public var yLabel = "Amplitude"
    public var color: RGB = RGB.cycle(0)
    /// Time of the first sample (when plotting an excerpt).
    public var startTime: Double = 0
    /// nil → symmetric ±(peak + 10 %), at least ±0.01.
    public var amplitudeRange: ClosedRange<Double>?

    public init(samples: [Float], sampleRate: Int, title: String = "") throws(FigureError) {
        guard sampleRate > 0 else { throw .invalidData("the sample rate must be positive (got \(sampleRate))") }
        self.samples = samples
        self.sampleRate = sampleRate
        self.title = title
    }

    public var duration: Double { Double(samples.count) / Double(sampleRate) }

    func draw(in cell: Rect, canvas: Canvas, style: Style) {
        let peak = Double(samples.reduce(Float(0)) { Swift.max($0, $1.isFinite ? abs($1) : 0) })
        let a = Swift.max(0.01, peak * 1.1)
        let yr = amplitudeRange ?? (-a)...a
        let end = startTime + Swift.max(duration, 1 / Double(sampleRate))
        let xa = AxisModel(lo: startTime, hi: end, title: xLabel, rule: .numeric(integerOnly: false))
        let ya = AxisModel(lo: yr.lowerBound, hi: yr.upperBound, title: yLabel, rule: .numeric(integerOnly: false))
        let axes = Axes(title: title, x: xa, y: ya, style: style)
        let layout = axes.layout(in: cell, canvas: canvas)
        axes.drawGrid(layout, canvas: canvas)
        canvas.save()
        canvas.clip(layout.plot)
        let columns = Int(layout.plot.width.rounded(.up))
        let perColumn = Double(samples.count) / Double(Swift.max(1, columns))
        if perColumn <= 2 {
            let points = samples.indices.map { (layout.px(startTime + Double($0) / Double(sampleRate)), layout.py(Double(samples[$0]))) }
            canvas.polyline(points, color, width: style.lineWidth * 0.7)
        } else {
            // Envelope polygon: maxima left to right, then minima right to left.
            var upper: [(Double, Double)] = [], lower: [(Double, Double)] = []
            upper.reserveCapacity(columns)
            lower.reserveCapacity(columns)
            for c in 0..<columns {
                let i0 = Int(Double(c) * perColumn), i1 = Swift.min(samples.count, Swift.max(i0 + 1, Int(Double(c + 1) * perColumn)))
                guard i0 < i1 else { continue }
                var lo = Float.infinity, hi = -Float.infinity
                for i in i0..<i1 where samples[i].isFinite {
                    lo = Swift.min(lo, samples[i])
                    hi = Swift.max(hi, samples[i])
                }
                guard lo <= hi else { continue }
                let x = layout.plot.x + Double(c) + 0.5
                // At least a hairline, so silence still shows as a line.
                let yHi = layout.py(Double(hi)), yLo = layout.py(Double(lo))
                let mid = (yHi + yLo) / 2, halfMin = style.lineWidth * 0.35
                upper.append((x, Swift.min(yHi, mid - halfMin)))
                lower.append((x, Swift.max(yLo, mid + halfMin)))
            }
            canvas.polygon(upper + lower.reversed(), color)
        }
        canvas.restore()
        axes.drawFrame(layout, canvas: canvas)
    }
}
