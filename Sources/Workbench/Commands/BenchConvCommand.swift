// `bench conv`: the residual CNN block's 3×3 convolution alone (the notebook models spend ~89 % of a training
// step's FLOPs in it), forward and backward, so engine work on it can be measured without a whole step.
import ArgumentParser
import Base
import Foundation
import NN

struct BenchConv: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "conv",
        abstract: "Time the residual block's 3×3 Conv2d forward and backward: (16, 32, 64, 400), 32 → 32 channels.",
        discussion: "Best of --reps; GFLOP/s counts 2 per multiply-add (backward = input + weight gradient)."
    )

    @Option(help: "Batch size.")
    var batch: Int = 16

    @Option(help: "Frames (width after the first strided convolution).")
    var frames: Int = 400

    @Option(help: "Timed repetitions.")
    var reps: Int = 3

    @Option(help: "Threads (OpenBLAS and Trellis's own workers).")
    var threads: Int = 2

    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        var forwardMs: Double
        var forwardGflopsPerS: Double
        var backwardMs: Double
        var backwardGflopsPerS: Double
    }

    mutating func run(session: inout Session) throws {
        guard batch >= 1, frames >= 3, reps >= 1 else { throw WorkbenchError("--batch and --reps must be ≥ 1 and --frames ≥ 3") }
        NNRuntime.configure(threads: threads)
        let (f, b) = NNBenchmarks.conv2d(batch: batch, width: frames, repetitions: reps, workers: Workers(threads))
        if json {
            try printJSON(Reply(forwardMs: f.seconds * 1000, forwardGflopsPerS: f.gflops,
                                backwardMs: b.seconds * 1000, backwardGflopsPerS: b.gflops))
        } else {
            for t in [f, b] {
                Console.out(String(format: "%@: %.1f ms, %.1f GFLOP/s (%.1f GFLOP/s per busy core)",
                             t.name as NSString, t.seconds * 1000, t.gflops, t.gflopsPerCPUSecond))
            }
        }
    }
}
