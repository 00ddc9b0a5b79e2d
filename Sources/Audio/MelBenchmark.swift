// The `bench mel` workload of /work/shared/anchors: torchaudio-default MelSpectrogram of 60 s of Gaussian noise at
// 16 kHz, best of `reps` runs (the anchor reports PyTorch's best of its repetitions the same way).
import Foundation

public struct MelBenchmarkResult: Sendable {
    public var seconds: Double
    public var bestMilliseconds: Double
    public var medianMilliseconds: Double
    public var realtimeFactor: Double { seconds / (bestMilliseconds / 1000) }
}

public enum MelBenchmark {
    public static func run(seconds: Double = 60, reps: Int = 20, config: MelConfig = MelConfig()) throws -> MelBenchmarkResult {
        var rng = SeededGenerator(seed: 0)
        let n = Int(seconds * Double(config.sampleRate))
        let samples = (0..<n).map { _ in Float(rng.gaussian()) }
        let mel = try MelSpectrogram(config)
        _ = try mel.compute(samples)                       // warm-up: first-touch pages, OpenBLAS threads
        var times = [Double]()
        for _ in 0..<max(reps, 1) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = try mel.compute(samples)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        times.sort()
        return MelBenchmarkResult(seconds: seconds, bestMilliseconds: times[0], medianMilliseconds: times[times.count / 2])
    }
}
