// MetricsLog: RUN_DIR/metrics.jsonl, one JSON object per finished epoch, so runs can be plotted and compared
// with `jq` or pandas. The file is rewritten whole and atomically after each epoch's checkpoint (a kill, a full
// disk or a file-size limit leaves the previous file intact), and each checkpoint carries the lines up to its
// epoch, so a kill between the checkpoint and the file loses nothing: resume rewrites the file from the
// checkpoint it continues from. Readers skip lines they cannot parse.
import Base
import Foundation
import Models

public struct EpochMetrics: Codable, Equatable, Sendable {
    public var epoch: Int
    public var steps: Int               // optimiser steps applied this epoch
    public var trainLoss: Double        // mean over applied steps
    public var testLoss: Double?
    public var cer: Double?             // corpus rates on the test subset
    public var wer: Double?
    public var decoder: String?         // how cer/wer were decoded: greedy, beam or beam+lm
    public var learningRate: Double     // at the end of the epoch
    public var gradNorm: Double         // mean pre-clipping global gradient norm
    public var seconds: Double          // wall-clock seconds of the epoch's training steps
    public var evalSeconds: Double?
    public var audioSecondsPerSecond: Double
    public var skippedBatches: Int      // batches whose loss was infinite or NaN (never applied)
    public var utterances: Int
    public var wallSeconds: Double?     // training + evaluation wall clock since the run began (across resumes)
    public var skippedAudio: [String]?  // utterances (training and test) whose audio could not be decoded: "ID: FILE: reason"

    enum CodingKeys: String, CodingKey {
        case epoch, steps, cer, wer, decoder, seconds, utterances, wallSeconds = "wall_seconds"
        case trainLoss = "loss", testLoss = "test_loss", learningRate = "lr", gradNorm = "grad_norm"
        case evalSeconds = "eval_seconds", audioSecondsPerSecond = "audio_seconds_per_s", skippedBatches = "skipped_batches"
        case skippedAudio = "skipped_audio"
    }

    public init(epoch: Int, steps: Int, trainLoss: Double, testLoss: Double? = nil, cer: Double? = nil, wer: Double? = nil,
                decoder: String? = nil, learningRate: Double, gradNorm: Double, seconds: Double, evalSeconds: Double? = nil,
                audioSecondsPerSecond: Double, skippedBatches: Int, utterances: Int, wallSeconds: Double? = nil,
                skippedAudio: [String]? = nil) {
        self.epoch = epoch; self.steps = steps; self.trainLoss = trainLoss; self.testLoss = testLoss
        self.cer = cer; self.wer = wer; self.decoder = decoder; self.learningRate = learningRate; self.gradNorm = gradNorm
        self.seconds = seconds; self.evalSeconds = evalSeconds; self.audioSecondsPerSecond = audioSecondsPerSecond
        self.skippedBatches = skippedBatches; self.utterances = utterances; self.wallSeconds = wallSeconds
        self.skippedAudio = skippedAudio
    }
}

public enum MetricsLog {
    /// Replaces the file with exactly these lines (temporary file, fsync, rename).
    public static func write(_ all: [EpochMetrics], to url: URL) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var text = [UInt8]()
        for m in all {
            text += try enc.encode(m)
            text.append(0x0A)
        }
        try AtomicFile.write(text, to: url)   // its errors name the file and say the previous one is unchanged
    }

    /// All complete lines, in order.
    public static func read(_ url: URL) -> [EpochMetrics] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        let dec = JSONDecoder()
        dec.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return text.split(separator: "\n").compactMap { try? dec.decode(EpochMetrics.self, from: Data($0.utf8)) }
    }

    /// Keeps only the lines of epochs ≤ `epoch`: resuming from a checkpoint written before checkpoints carried
    /// their metrics (a resumed run rewrites the epochs after its checkpoint).
    public static func truncate(_ url: URL, afterEpoch epoch: Int) throws {
        try write(read(url).filter { $0.epoch <= epoch }, to: url)
    }
}
