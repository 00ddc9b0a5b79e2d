// One row of `compare runs`: what a run folder's run.json and metrics.jsonl say about its model, its cost and its
// stability. Pure: the command reads the files (and the test audio's duration for the real-time factor).
import Foundation
import Models
import Training

public struct RunSummary: Encodable, Sendable, Equatable {
    public var run: String
    public var model: String
    public var parameters: Int
    public var epochs: Int
    /// Σ of the epochs' training-step seconds (evaluation excluded).
    public var trainSeconds: Double
    public var secondsPerEpoch: Double
    /// Training + evaluation wall clock since the run began (the last epoch's wall_seconds), if recorded.
    public var wallSeconds: Double?
    /// Seconds of training audio processed per second of training (over all epochs).
    public var audioSecondsPerSecond: Double
    public var decoder: String?
    public var finalCER: Double?
    public var bestCER: Double?
    public var bestCEREpoch: Int?
    public var finalWER: Double?
    public var bestWER: Double?
    public var finalTrainLoss: Double?
    public var finalTestLoss: Double?
    /// The last evaluation's seconds divided by the test audio's seconds (loss and decoding included); nil when
    /// the test audio's duration is not known.
    public var inferenceRealTimeFactor: Double?
    /// The first epoch whose CER is below `RunSummary.plateauCER` (nil: the run never left the all-blank plateau).
    public var plateauExitEpoch: Int?
    /// Minutes of wall clock (training and evaluation) up to the end of that epoch.
    public var plateauExitMinutes: Double?
    /// Σ of the train loss's rises between consecutive epochs, divided by its mean: 0 for a curve that only falls.
    public var lossRoughness: Double?
    /// Epochs whose mean gradient norm exceeds `RunSummary.spikeFactor` × the run's median.
    public var gradNormSpikes: Int
    public var skippedBatches: Int

    /// Below this CER a run has left the plateau (on it every transcript is empty: CER 100 %).
    public static let plateauCER = 0.9
    public static let spikeFactor = 2.0

    enum CodingKeys: String, CodingKey {
        case run, model, parameters, epochs, trainSeconds, secondsPerEpoch, wallSeconds, audioSecondsPerSecond, decoder
        case finalCER = "finalCer", bestCER = "bestCer", bestCEREpoch = "bestCerEpoch", finalWER = "finalWer", bestWER = "bestWer"
        case finalTrainLoss, finalTestLoss, inferenceRealTimeFactor, plateauExitEpoch, plateauExitMinutes, lossRoughness
        case gradNormSpikes, skippedBatches
    }

    public init(run: String, model: ModelConfig, metrics: [EpochMetrics], testAudioSeconds: Double? = nil) {
        self.run = run
        self.model = model.kind.rawValue
        parameters = model.parameterCount
        let m = metrics.sorted { $0.epoch < $1.epoch }
        epochs = m.last?.epoch ?? 0
        trainSeconds = m.reduce(0) { $0 + $1.seconds }
        secondsPerEpoch = m.isEmpty ? 0 : trainSeconds / Double(m.count)
        wallSeconds = m.last?.wallSeconds
        let audio = m.reduce(0) { $0 + $1.audioSecondsPerSecond * $1.seconds }
        audioSecondsPerSecond = trainSeconds > 0 ? audio / trainSeconds : 0
        decoder = m.last?.decoder
        finalCER = m.last?.cer
        finalWER = m.last?.wer
        finalTrainLoss = m.last?.trainLoss
        finalTestLoss = m.last?.testLoss
        if let best = m.filter({ $0.cer?.isFinite == true }).min(by: { $0.cer! < $1.cer! }) {
            bestCER = best.cer
            bestCEREpoch = best.epoch
        }
        bestWER = m.compactMap(\.wer).filter(\.isFinite).min()
        if let seconds = m.last?.evalSeconds, let testAudioSeconds, testAudioSeconds > 0 {
            inferenceRealTimeFactor = seconds / testAudioSeconds
        }
        // Wall clock to the end of each epoch: recorded, or else the sum of training and evaluation seconds.
        var elapsed = 0.0
        for e in m {
            elapsed += e.seconds + (e.evalSeconds ?? 0)
            if let cer = e.cer, cer < Self.plateauCER {
                plateauExitEpoch = e.epoch
                plateauExitMinutes = (e.wallSeconds ?? elapsed) / 60
                break
            }
        }
        lossRoughness = Self.roughness(m.map(\.trainLoss))
        gradNormSpikes = Self.spikes(m.map(\.gradNorm))
        skippedBatches = m.reduce(0) { $0 + $1.skippedBatches }
    }

    /// Σ max(0, loss[i] − loss[i−1]) / mean(loss); nil with fewer than two finite values or a mean ≤ 0.
    public static func roughness(_ losses: [Double]) -> Double? {
        let l = losses.filter(\.isFinite)
        guard l.count >= 2 else { return nil }
        let mean = l.reduce(0, +) / Double(l.count)
        guard mean > 0 else { return nil }
        return zip(l, l.dropFirst()).reduce(0) { $0 + max(0, $1.1 - $1.0) } / mean
    }

    /// Values above `spikeFactor` × their median (the mean of the middle two for an even count).
    public static func spikes(_ norms: [Double]) -> Int {
        let v = norms.filter(\.isFinite).sorted()
        guard !v.isEmpty else { return 0 }
        let median = v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
        return v.filter { $0 > spikeFactor * median }.count
    }
}

extension RunSummary {
    /// The comparison as a Markdown table (rates in %, times in minutes).
    public static func markdown(_ rows: [RunSummary]) -> String {
        func pct(_ v: Double?) -> String { v.map { String(format: "%.1f", $0 * 100) } ?? "—" }
        func num(_ v: Double?, _ f: String = "%.2f") -> String { v.map { String(format: f, $0) } ?? "—" }
        var lines = [
            "| run | model | parameters | epochs | train min | s/epoch | audio s/s | CER % final (best @epoch) | WER % final (best) | RTF | left plateau: epoch (min) | roughness | grad spikes | skipped batches |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | --- | ---: | ---: | ---: |",
        ]
        for r in rows {
            let best = r.bestCER.map { "\(pct($0)) @\(r.bestCEREpoch ?? 0)" } ?? "—"
            let exit = r.plateauExitEpoch.map { "\($0) (\(num(r.plateauExitMinutes, "%.1f")))" } ?? "never"
            lines.append("| \(r.run) | \(r.model) | \(r.parameters) | \(r.epochs) | \(num(r.trainSeconds / 60, "%.1f")) | "
                + "\(num(r.secondsPerEpoch, "%.1f")) | \(num(r.audioSecondsPerSecond, "%.1f")) | \(pct(r.finalCER)) (\(best)) | "
                + "\(pct(r.finalWER)) (\(pct(r.bestWER))) | \(num(r.inferenceRealTimeFactor, "%.3f")) | \(exit) | "
                + "\(num(r.lossRoughness, "%.3f")) | \(r.gradNormSpikes) | \(r.skippedBatches) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

public enum RunFiles {
    /// run.json of a run folder, or an error a student can act on.
    public static func record(_ run: RunFolder) throws -> RunRecord {
        guard let bytes = FileManager.default.contents(atPath: run.runFile.path) else {
            throw RunFolderError("\(run.url.path) is not a training run (no readable run.json)")
        }
        do { return try JSONDecoder().decode(RunRecord.self, from: bytes) } catch {
            throw RunFolderError("\(run.runFile.path) is unreadable: \(error)")
        }
    }

    /// The run folder a checkpoint file sits in (RUN/checkpoints/epoch-003.safetensors → RUN), if it is one.
    public static func run(containing modelFile: URL) -> RunFolder? {
        let run = RunFolder(modelFile.deletingLastPathComponent().deletingLastPathComponent().path)
        return FileManager.default.fileExists(atPath: run.runFile.path) ? run : nil
    }
}
