// AllreduceBenchmark: `bench allreduce` — the float-sum allreduce a data-parallel step ends with, timed over a
// range of buffer sizes and checked as it goes (rank r sends r + 1 + (i mod 3), so element i must come back as
// N(N+1)/2 + N·(i mod 3), exact in Float for these sizes). The fit t = α + β·bytes (least squares over the sizes)
// gives the latency and bandwidth that docs/scaling.md's model of larger jobs uses.
import Foundation

public struct AllreduceTiming: Sendable, Encodable {
    public var floats: Int
    public var bytes: Int
    public var bestMs: Double
    public var medianMs: Double
    /// bytes / median time.
    public var algorithmGBPerS: Double
    /// What each link carries in a ring allreduce, 2(N−1)/N · bytes, per median time (NCCL's "bus bandwidth").
    public var busGBPerS: Double
}

public struct AllreduceReport: Sendable, Encodable {
    public var ranks: Int
    public var reps: Int
    public var timings: [AllreduceTiming]
    /// Fit of the median times: t = latency + bytes / bandwidth.
    public var latencyUs: Double
    public var gbPerS: Double
    /// Every rank received the exact sums at every size and repetition.
    public var correct: Bool
}

public enum AllreduceBenchmark {
    public static func run(group: any ProcessGroup, sizes: [Int], repetitions: Int) throws -> AllreduceReport {
        let n = group.size
        var timings: [AllreduceTiming] = []
        var wrong = 0
        for size in sizes {
            var buffer = [Float](repeating: 0, count: size)
            var times: [Double] = []
            for _ in 0..<repetitions {
                for i in 0..<size { buffer[i] = Float(group.rank + 1) + Float(i % 3) }
                try group.barrier()
                let start = DispatchTime.now().uptimeNanoseconds
                try group.allreduceSum(&buffer)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
                for i in 0..<size where buffer[i] != Float(n * (n + 1) / 2 + n * (i % 3)) { wrong += 1; break }
            }
            times.sort()
            let median = times[times.count / 2], bytes = size * MemoryLayout<Float>.stride
            timings.append(AllreduceTiming(floats: size, bytes: bytes, bestMs: times[0] * 1e3, medianMs: median * 1e3,
                                           algorithmGBPerS: Double(bytes) / median / 1e9,
                                           busGBPerS: Double(bytes) * 2 * Double(n - 1) / Double(n) / median / 1e9))
        }
        var bad = [wrong]
        try group.allreduceMax(&bad)
        let (alpha, beta) = fit(timings.map { (Double($0.bytes), $0.medianMs * 1e-3) })
        return AllreduceReport(ranks: n, reps: repetitions, timings: timings, latencyUs: alpha * 1e6,
                               gbPerS: beta > 0 ? 1 / beta / 1e9 : .infinity, correct: bad[0] == 0)
    }

    /// Least squares of y = α + β·x.
    static func fit(_ points: [(x: Double, y: Double)]) -> (alpha: Double, beta: Double) {
        let m = Double(points.count)
        guard m >= 2 else { return (points.first?.y ?? 0, 0) }
        let sx = points.map(\.x).reduce(0, +), sy = points.map(\.y).reduce(0, +)
        let sxx = points.map { $0.x * $0.x }.reduce(0, +), sxy = points.map { $0.x * $0.y }.reduce(0, +)
        let d = m * sxx - sx * sx
        guard d != 0 else { return (sy / m, 0) }
        let beta = (m * sxy - sx * sy) / d
        return ((sy - beta * sx) / m, beta)
    }
}
