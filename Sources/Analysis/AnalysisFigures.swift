// The figures of the analysis commands, from their results: every run or checkpoint on shared axes with a legend,
// distributions drawn whole (empirical cumulative distributions, one line per checkpoint, so that "which model
// uses the most blanks" reads off at a glance: the line furthest right), rates in percent, time in minutes.
import Figures
import Foundation
import Training

public enum AnalysisFigures {
    /// Empirical cumulative distribution: the sorted values against the fraction of values ≤ each (a step per value).
    public static func ecdf(_ values: [Double]) -> (x: [Double], y: [Double]) {
        let v = values.filter(\.isFinite).sorted()
        let n = Double(v.count)
        var x: [Double] = [], y: [Double] = []
        for (i, value) in v.enumerated() {
            x += [value, value]
            y += [Double(i) / n, Double(i + 1) / n]
        }
        return (x, y)
    }

    /// `blanks`: per-utterance blank arg-max ratio and mean blank posterior (distributions), emission widths, and the
    /// pooled blank ratio per checkpoint.
    public static func blanks(_ sets: [(name: String, result: DataSetAlignments)]) throws -> Figure {
        func distribution(_ title: String, xLabel: String, _ value: (FrameStatistics) -> Double) -> LinePlot {
            var p = LinePlot(series: sets.map { s in
                let (x, y) = ecdf(s.result.utterances.map { value($0.statistics) * 100 })
                return Series(s.name, x: x, y: y, markers: false)
            }, title: title, xLabel: xLabel, yLabel: "Fraction of utterances ≤ x")
            p.yRange = 0...1
            p.legend = .lowerRight
            return p
        }
        let ratio = distribution("Blank arg-max ratio per utterance (right = more blanks)", xLabel: "Frames whose arg-max is blank (%)") { $0.blankArgmaxRatio }
        let posterior = distribution("Mean blank posterior per utterance", xLabel: "Mean p(blank) over frames (%)") { $0.meanBlankPosterior }
        let maxWidth = max(1, sets.map { $0.result.emissionWidths.max() ?? 1 }.max() ?? 1)
        var widths = LinePlot(series: sets.map { s in
            let h = EmissionWidths.histogram(s.result.emissionWidths)
            let total = Double(max(1, s.result.emissionWidths.count))
            let x = (1...maxWidth).map(Double.init)
            return Series(s.name, x: x, y: x.map { Int($0) < h.count ? Double(h[Int($0)]) / total * 100 : 0 })
        }, title: "Emission widths along the Viterbi path", xLabel: "Frames per emitted character", yLabel: "Characters (%)")
        widths.legend = .upperRight
        var bars = try BarChart(values: sets.map { $0.result.pooled.blankArgmaxRatio * 100 }, labels: sets.map(\.name),
                                title: "Pooled over all frames", xLabel: "Checkpoint", yLabel: "Blank arg-max ratio (%)")
        bars.color = RGB.cycle(0)
        return Figure(width: 1400, height: 1000, rows: 2, columns: 2,
                      panels: [.line(ratio), .line(posterior), .line(widths), .bars(bars)],
                      title: "Blank statistics over \(sets.first?.result.utterances.count ?? 0) utterances")
    }

    /// `compare runs`: train (solid) and test (dashed) loss and CER against epoch and against wall-clock minutes.
    public static func runs(_ runs: [(name: String, metrics: [EpochMetrics])]) -> Figure {
        func minutes(_ m: [EpochMetrics]) -> [Double] {
            var elapsed = 0.0
            return m.map { e in
                elapsed += e.seconds + (e.evalSeconds ?? 0)
                return (e.wallSeconds ?? elapsed) / 60
            }
        }
        func loss(_ x: ([EpochMetrics]) -> [Double], _ xLabel: String) -> LinePlot {
            var series: [Series] = []
            for (i, r) in runs.enumerated() {
                let xs = x(r.metrics)
                series.append(Series("\(r.name) train", x: xs, y: r.metrics.map(\.trainLoss), color: RGB.cycle(i)))
                let test = zip(xs, r.metrics).filter { $0.1.testLoss != nil }
                if !test.isEmpty {
                    series.append(Series("\(r.name) test", x: test.map(\.0), y: test.map { $0.1.testLoss! }, color: RGB.cycle(i), dashed: true))
                }
            }
            return LinePlot(series: series, title: "CTC loss (solid: train, dashed: test)", xLabel: xLabel, yLabel: "Loss per label (nats)")
        }
        func cer(_ x: ([EpochMetrics]) -> [Double], _ xLabel: String) -> LinePlot {
            var p = LinePlot(series: runs.enumerated().map { i, r in
                let xs = x(r.metrics)
                let pts = zip(xs, r.metrics).filter { $0.1.cer?.isFinite == true }
                return Series(r.name, x: pts.map(\.0), y: pts.map { $0.1.cer! * 100 }, color: RGB.cycle(i))
            }, title: "Test CER", xLabel: xLabel, yLabel: "CER (%)")
            p.yRange = 0...105
            return p
        }
        let epochs: ([EpochMetrics]) -> [Double] = { $0.map { Double($0.epoch) } }
        return Figure(width: 1400, height: 1000, rows: 2, columns: 2,
                      panels: [.line(loss(epochs, "Epoch")), .line(cer(epochs, "Epoch")),
                               .line(loss(minutes, "Wall clock (minutes)")), .line(cer(minutes, "Wall clock (minutes)"))],
                      title: "Runs compared: \(runs.map(\.name).joined(separator: ", "))")
    }

    /// `compare alignment`: per-utterance loss against blank ratio and against entropy (one colour per checkpoint),
    /// and, for two checkpoints, the distribution of their Viterbi start-frame differences.
    public static func alignmentAndLoss(_ sets: [(name: String, result: DataSetAlignments)],
                                        boundaries: [BoundaryDifference]?, boundaryNames: (String, String)? = nil) throws -> Figure {
        func scatter(_ x: (FrameStatistics) -> Double, title: String, xLabel: String) -> LinePlot {
            LinePlot(series: sets.map { s in
                let u = s.result.utterances.filter { $0.loss != nil }
                return Series.scatter(s.name, x: u.map { x($0.statistics) }, y: u.map { $0.loss! })
            }, title: title, xLabel: xLabel, yLabel: "CTC loss per label (nats)")
        }
        var panels: [Panel] = [
            .line(scatter({ $0.blankArgmaxRatio * 100 }, title: "Loss against blank ratio", xLabel: "Blank arg-max ratio (%)")),
            .line(scatter({ $0.meanEntropy }, title: "Loss against alignment entropy", xLabel: "Mean per-frame entropy (nats)")),
        ]
        if let boundaries {
            let ms = boundaries.flatMap(\.seconds).map { $0 * 1000 }
            let (a, b) = boundaryNames ?? ("A", "B")
            panels.append(.bars(try BarChart.histogram(ms, bins: 30, title: "Character start: \(b) − \(a) (\(ms.count) characters)",
                                                       xLabel: "Start-time difference (ms)", yLabel: "Characters")))
        }
        return Figure(width: 700 * panels.count, height: 520, rows: 1, columns: panels.count, panels: panels,
                      title: "Alignment and loss per utterance")
    }

    /// `compare checkpoints`: the utterance's blank ratio and loss, and the run's test CER, per epoch.
    public static func overEpochs(epochs: [Int], blankRatio: [Double], loss: [Double?], cer: [Double?], utterance: String) -> Figure {
        let x = epochs.map(Double.init)
        var rates = LinePlot(series: [
            Series("blank arg-max ratio of \(utterance)", x: x, y: blankRatio.map { $0 * 100 }),
            Series("test CER (metrics.jsonl)", x: zip(x, cer).filter { $0.1 != nil }.map(\.0), y: cer.compactMap { $0.map { $0 * 100 } }),
        ], title: "Blank ratio and CER per epoch", xLabel: "Epoch", yLabel: "%")
        rates.yRange = 0...105
        let l = LinePlot(series: [Series("loss of \(utterance)", x: zip(x, loss).filter { $0.1 != nil }.map(\.0), y: loss.compactMap { $0 },
                                         color: RGB.cycle(2))],
                         title: "CTC loss per epoch", xLabel: "Epoch", yLabel: "Loss per label (nats)")
        return Figure(width: 1400, height: 520, rows: 1, columns: 2, panels: [.line(rates), .line(l)],
                      title: "Over training: \(utterance)")
    }
}
