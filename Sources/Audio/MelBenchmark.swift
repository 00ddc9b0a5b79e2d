// The `bench mel` workload of tools/anchors/README.md: torchaudio-default MelSpectrogram of 60 s of Gaussian noise at
// 16 kHz, best of `reps` runs (the anchor reports PyTorch's best of its repetitions the same way).
import Base
import Foundation

public struct MelBenchmarkResult: Sendable {
    public var seconds: Double
    public var bestMilliseconds: Double
    public var medianMilliseconds: Double
    public var realtimeFactor: Double { seconds / (bestMilliseconds / 1000) }
}

public enum MelBenchmark {
    public static func run(seconds: Double = 60, reps: Int = 20, config: MelConfig = MelConfig()) throws -> MelBenchmarkResult {
        try run(seconds: seconds, reps: reps, configs: [config])[0]
    }

    /// Times each configuration on the same signal, one after the other (all the reps of the first, then the
    /// second, ...), each after its own warm-up run.
    public static func run(seconds: Double = 60, reps: Int = 20, configs: [MelConfig]) throws -> [MelBenchmarkResult] {
        var rng = Xoshiro256StarStar(seed: 0)
        let n = Int(seconds * Double(configs.first?.sampleRate ?? 16000))
        let samples = (0..<n).map { _ in Float(rng.nextGaussian()) }
        return try configs.map { config in
            let mel = try MelSpectrogram(config)
            _ = try mel.compute(samples)                   // warm-up: first-touch pages, threads
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
}
