// `bench step`: one training step of the notebook's models on the anchors' fixed workload, beside PyTorch's
// figure on this kind of machine (the anchor figures in tools/anchors/README.md, copied here so nothing reads a file).
import ArgumentParser
import Foundation
import Models
import Training

/// PyTorch CPU (torch 2.11, 2 threads) ms per step for the notebook's models on the same workload.
enum StepAnchors {
    static let msPerStep: [ModelKind: Double] = [.dnn: 4686.9, .lstm: 4669.6, .bilstm: 3520.0]
}

struct BenchStep: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "step",
        abstract: "Time one training step (forward, CTC, backward, Adam) of dnn|lstm|bilstm|gru|bigru: batch 16 × 128 mels × 800 frames, labels of 150.",
        discussion: """
            Uses the notebook's exact models (Cells 32/40, 803,485 / 822,016 / 918,080 parameters) unless --corrected; \
            the GRU and BiGRU are not in the notebook and have one configuration (no PyTorch figure beside them). \
            Prints the best of --reps steps after one warm-up: ms per step, audio seconds per second, achieved GFLOP/s \
            (convolutions and matrix products, as PyTorch's FlopCounterMode counts them) and PyTorch's figure.
            """
    )

    @Option(help: "Model.")
    var model: ModelKind = .dnn

    @Option(help: "Timed steps (after one warm-up step).")
    var reps: Int = 3

    @Option(help: "Threads (OpenBLAS and Trellis's own workers).")
    var threads: Int = 2

    @Option(help: "Utterances per step: 16 is the anchor's workload; fewer only to profile a step under callgrind (no PyTorch figure then).")
    var batch: Int = StepBenchmark.batch

    @Flag(help: "Time Trellis's corrected model (no LSTM projection, Linear classifier) instead of the notebook's.")
    var corrected = false

    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        var model: String
        var corrected: Bool
        var params: Int
        var outputWidth: Int
        /// The best step, and the median one.
        var bestMs: Double
        var medianMs: Double
        var audioSecondsPerS: Double
        var gflopsPerS: Double
        var flopsPerStep: Double
        var peakRssMb: Double
        var threads: Int
        var reps: Int
        var batch: Int
        /// PyTorch's ms per step on the anchors' machine, and its ratio to Trellis's best (null with --corrected or
        /// another --batch than 16).
        var pytorchMs: Double?
        var speedup: Double?
    }

    mutating func run(session: inout Session) throws {
        let kind = model
        guard reps >= 1, batch >= 1 else { throw WorkbenchError("--reps and --batch must be at least 1") }
        let config = corrected ? ModelConfig.standard(kind) : ModelConfig.seed(kind)
        let r = try StepBenchmark.run(config, name: kind.rawValue, reps: reps, threads: threads, batch: batch)
        let torch = corrected || batch != StepBenchmark.batch ? nil : StepAnchors.msPerStep[kind]
        if json {
            try printJSON(Reply(model: r.model, corrected: corrected, params: r.params, outputWidth: r.outputWidth,
                                bestMs: r.msPerStep, medianMs: r.medianMs, audioSecondsPerS: r.audioSecondsPerS,
                                gflopsPerS: r.gflopsPerS, flopsPerStep: r.flopsPerStep, peakRssMb: r.peakRSSMB,
                                threads: r.threads, reps: r.reps, batch: batch, pytorchMs: torch, speedup: torch.map { $0 / r.msPerStep }))
        } else {
            Console.out("step \(r.model)\(corrected ? " (corrected)" : ""): \(r.params) params, output width \(r.outputWidth)")
            Console.out(String(format: "  %.0f ms/step (median %.0f), %.1f audio-s/s, %.1f GFLOP/s (%.1f GFLOP/step), peak RSS %.0f MB",
                         r.msPerStep, r.medianMs, r.audioSecondsPerS, r.gflopsPerS, r.flopsPerStep / 1e9, r.peakRSSMB))
            if let t = torch {
                Console.out(String(format: "  PyTorch CPU (2 threads, anchors): %.0f ms/step → Trellis is %.2f× %@", t,
                             t / r.msPerStep, t >= r.msPerStep ? "faster" : "slower" as NSString))
            }
        }
    }
}
