// Synthetic data for the figure tests: a soft-alignment-like band matrix with impossible corners, loss
// curves, a chirp waveform. Deterministic, no files needed.
import Foundation
@testable import Figures

enum Samples {
    /// A (2L+1 states × frames) posterior: a Gaussian ridge along the diagonal, exactly 0 outside the
    /// feasible band (like the corners of a CTC trellis), columns summing to 1.
    static func softAlignment(labels: Int, frames: Int) -> (states: Int, values: [Double]) {
        let states = 2 * labels + 1
        var v = [Double](repeating: 0, count: states * frames)
        for t in 0..<frames {
            let centre = Double(t) / Double(max(1, frames - 1)) * Double(states - 1)
            var sum = 0.0
            for s in 0..<states {
                // Feasible band: state s is reachable by frame t and can still finish.
                let earliest = max(0, s - 1) / 2, latest = frames - 1 - max(0, states - 2 - s) / 2
                guard t >= earliest - 1 && t <= latest + 1 else { continue }
                let d = (Double(s) - centre) / 2.5
                let p = exp(-d * d) + (s % 2 == 0 ? 0.02 : 0) + 1e-9
                v[s * frames + t] = p
                sum += p
            }
            for s in 0..<states where sum > 0 { v[s * frames + t] /= sum }
        }
        return (states, v)
    }

    static func catLabels() -> [String] { Heatmap.extendedLabels(["c", "a", "t"]) }

    static func lossCurves() -> [Series] {
        let epochs = Array(1...20).map(Double.init)
        let train = epochs.map { 3.0 * exp(-$0 / 6) + 0.4 }
        let valid = epochs.map { 3.1 * exp(-$0 / 7) + 0.55 + 0.02 * sin($0) }
        return [Series("train", x: epochs, y: train), Series("validation", x: epochs, y: valid, dashed: true)]
    }

    static func chirp(seconds: Double = 1.5, rate: Int = 16000) -> [Float] {
        let n = Int(seconds * Double(rate))
        return (0..<n).map { i in
            let t = Double(i) / Double(rate)
            let env = sin(Double.pi * t / seconds)
            return Float(0.6 * env * sin(2 * Double.pi * (200 + 600 * t) * t))
        }
    }

    /// A (bins × frames) power spectrogram with a rising harmonic line.
    static func spectrogram(bins: Int = 201, frames: Int = 120) -> [Float] {
        var v = [Float](repeating: 1e-6, count: bins * frames)
        for t in 0..<frames {
            let f0 = 10 + Double(t) * 0.4
            for h in 1...4 {
                let c = f0 * Double(h)
                for b in 0..<bins {
                    let d = (Double(b) - c) / 1.5
                    v[b * frames + t] += Float(exp(-d * d) / Double(h * h))
                }
            }
        }
        return v
    }
}
