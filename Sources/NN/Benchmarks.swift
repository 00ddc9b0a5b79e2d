// Benchmarks: timed runs of the engine's hot layers on fixed workloads, for `trellis bench` and for reports.
import Base
import Foundation

public enum NNBenchmarks {
    public struct Timing: Sendable, Codable {
        public var name: String
        public var seconds: Double      // best of the repetitions (wall clock)
        public var cpuSeconds: Double   // process CPU time of that repetition (all threads): robust on a busy machine
        public var gflop: Double        // floating-point work of one repetition
        public var gflops: Double { gflop / seconds }
        /// Throughput per busy core: what 2 idle cores would give is about twice this.
        public var gflopsPerCPUSecond: Double { gflop / cpuSeconds }
    }

    /// Conv2d forward + backward (input gradient included) on x (B, C, H, W), 3×3, stride 1, padding 1.
    /// The default is the notebook's residual conv at batch 16 × 400 frames: (16, 32, 64, 400), 32 → 32.
    public static func conv2d(batch: Int = 16, channels: Int = 32, height: Int = 64, width: Int = 400,
                              tileColumns: Int? = nil, repetitions: Int = 3, workers: Workers = .available) -> (forward: Timing, backward: Timing) {
        var rng = Xoshiro256StarStar(seed: 1)
        var conv = Conv2d(inChannels: channels, outChannels: channels, kernel: 3, padding: 1, name: "bench", rng: &rng)
        if let tileColumns { conv.tileColumns = tileColumns }
        conv.workers = workers
        var x = Tensor(uninitialized: [batch, channels, height, width])
        for i in 0..<x.count { x.data[i] = rng.uniform(1) }
        let gflop = 2.0 * Double(batch * channels * height * width) * Double(channels * 9) / 1e9
        var bestF = (Double.infinity, 0.0), bestB = (Double.infinity, 0.0)
        for _ in 0..<repetitions {
            let (t0, c0) = (wallClock(), cpuClock())
            let y = conv.forward(x)
            let (t1, c1) = (wallClock(), cpuClock())
            _ = conv.backward(y)
            let (t2, c2) = (wallClock(), cpuClock())
            if t1 - t0 < bestF.0 { bestF = (t1 - t0, c1 - c0) }
            if t2 - t1 < bestB.0 { bestB = (t2 - t1, c2 - c1) }
        }
        return (Timing(name: "conv2d forward", seconds: bestF.0, cpuSeconds: bestF.1, gflop: gflop),
                Timing(name: "conv2d backward", seconds: bestB.0, cpuSeconds: bestB.1, gflop: 2 * gflop))
    }
}

func wallClock() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

func cpuClock() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
