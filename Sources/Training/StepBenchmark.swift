// `bench step`: one training step (forward, log-softmax, CTC loss, backward, Adam) of a model on the fixed
// workload of tools/anchors/README.md — batch 16 × 1 × 128 mels × 800 frames (10 s each), input lengths
// 400, random labels of 150 — so the figure sits beside PyTorch's bench_torch.py step_* on the same machine.
// FLOPs are counted the way PyTorch's FlopCounterMode counts them (convolutions and matrix products, 2 per
// multiply-add; backward = input gradient + weight gradient, none for the first convolution's data input).
import Base
import Audio
import Corpus
import Foundation
import Models
import NN

public struct StepBenchmarkResult: Codable, Sendable {
    public var model: String
    public var params: Int
    public var outputWidth: Int
    public var msPerStep: Double
    public var medianMs: Double
    public var audioSecondsPerS: Double
    public var flopsPerStep: Double
    public var gflopsPerS: Double
    public var peakRSSMB: Double
    public var reps: Int
    public var threads: Int
    public var loss: Double

    enum CodingKeys: String, CodingKey {
        case model, params, reps, threads, loss
        case outputWidth = "output_width", msPerStep = "ms_per_step", medianMs = "median_ms"
        case audioSecondsPerS = "audio_seconds_per_s", flopsPerStep = "flops_per_step", gflopsPerS = "gflops_per_s"
        case peakRSSMB = "peak_rss_mb"
    }
}

public enum StepBenchmark {
    public static let batch = 16, frames = 800, labelLength = 150

    /// Multiply-add FLOPs of one training step for `c` on `frames` input frames and batch `b`.
    public static func flops(_ c: ModelConfig, batch b: Int = batch, frames t: Int = frames) -> Double {
        let tp = c.outputFrames(t), f = c.reducedFeats, ch = c.channels
        let pixels = Double(b * f * tp)
        var fwd = 0.0, bwd = 0.0
        // First conv: forward + weight gradient only.
        let first = 2 * pixels * Double(ch * 9)
        fwd += first; bwd += first
        let res = 2 * pixels * Double(ch * ch * 9) * Double(2 * c.nCNNLayers)
        fwd += res; bwd += 2 * res
        let rows = Double(b * tp)
        func linear(_ i: Int, _ o: Int) { let x = 2 * rows * Double(i * o); fwd += x; bwd += 2 * x }
        linear(ch * f, 4 * f); linear(4 * f, c.rnnDim); linear(c.rnnDim, c.rnnDim)
        switch c.kind {
        case .dnn:
            linear(c.rnnDim, c.dnnHidden); linear(c.dnnHidden, c.dnnHidden); linear(c.dnnHidden, c.rnnDim)
            linear(c.rnnDim, c.nClass)
        case .lstm, .bilstm, .gru, .bigru:
            let h = c.rnnDim, r = c.projSize > 0 ? c.projSize : h, g = (c.kind.cell ?? .lstm).gates * h
            for layer in 0..<c.nRNNLayers {
                let input = layer == 0 ? c.rnnDim : r * c.directions
                for _ in 0..<c.directions {
                    linear(input, g); linear(r, g)
                    if c.projSize > 0 { linear(h, c.projSize) }
                }
            }
            if c.linearClassifier { linear(c.lstmOutputWidth, c.nClass) }
        }
        return fwd + bwd
    }

    /// The fixed random workload (deterministic): 800 frames of torchaudio's default features (hop 200 at
    /// 16 kHz) are 10 s; every utterance is full length, so the output lengths are the anchor's 400.
    public static func workload(_ c: ModelConfig, batch: Int = StepBenchmark.batch, seed: UInt64 = 0) -> Batch {
        var rng = Xoshiro256StarStar(seed: seed)
        var x = [Float](repeating: 0, count: batch * c.nFeats * frames)
        // Roughly standard normal (sum of uniforms), like torch.randn.
        for i in x.indices { x[i] = (rng.nextUnitFloat() + rng.nextUnitFloat() + rng.nextUnitFloat() - 1.5) * 2 }
        let labels = (0..<batch).map { _ in (0..<labelLength).map { _ in Int(rng.next() % UInt64(max(c.nClass - 1, 1))) } }
        let features = FeatureSpec(nMels: c.nFeats, logMel: false, normalize: false)
        return Batch(nMels: c.nFeats, maxFrames: frames, features: x, featureLengths: [Int](repeating: frames, count: batch),
                     labels: labels, transcripts: [String](repeating: "", count: batch),
                     ids: (0..<batch).map { "bench-\($0)" }, audioSeconds: Double(batch * frames) * features.secondsPerFrame)
    }

    /// Runs `warmup` + `reps` steps; the figure is the best of `reps` (as bench_torch.py). A smaller `batch` than the
    /// anchor's 16 is for profiling under an instruction-counting tool (callgrind), where a full step takes many minutes.
    public static func run(_ c: ModelConfig, name: String, reps: Int = 3, warmup: Int = 1, threads: Int = 2,
                           batch size: Int = StepBenchmark.batch) throws -> StepBenchmarkResult {
        NNRuntime.configure(threads: threads)
        var model = try CTCModel(c, seed: 0)
        model.setWorkers(Workers(threads))
        var adam = Adam(learningRate: 1e-3)
        var none: OneCycleLR? = nil
        let batch = workload(c, batch: size)
        var times: [Double] = []
        var loss = 0.0
        for i in 0..<(warmup + reps) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let r = try TrainStep.run(model: &model, adam: &adam, scheduler: &none, batch: batch, clipNorm: nil,
                                      pack: false, stepSeed: UInt64(i))
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
            loss = r.loss
            if i >= warmup { times.append(dt) }
        }
        let best = times.min() ?? .nan
        let median = times.sorted()[times.count / 2]
        let fl = flops(c, batch: size)
        return StepBenchmarkResult(model: name, params: c.parameterCount, outputWidth: c.outputWidth, msPerStep: best,
                                   medianMs: median, audioSecondsPerS: batch.audioSeconds / (best / 1000), flopsPerStep: fl,
                                   gflopsPerS: fl / (best / 1000) / 1e9, peakRSSMB: peakRSSMB(), reps: reps,
                                   threads: threads, loss: loss)
    }

    /// Peak resident set size of this process (VmHWM), in MB.
    public static func peakRSSMB() -> Double {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return .nan }
        for line in s.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? .nan
            return kb / 1024
        }
        return .nan
    }
}
