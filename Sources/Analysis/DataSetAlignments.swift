// A checkpoint over a data set: each utterance's matrix from the one model-output path (`CTCModel.outputs(over:)`,
// the path `eval` and the trainer's evaluation take, and whose batch of one `probs from` takes), then its frame
// statistics, its CTC loss and its Viterbi path. What `blanks`, `compare alignment` and `compare checkpoints` read.
import CTC
import Corpus
import Foundation
import Training

public struct UtteranceAlignment: Sendable {
    public var id: String
    public var transcript: String
    public var labels: [Int]
    public var statistics: FrameStatistics
    /// −ln p(transcript) / number of labels (the loss `eval` averages); nil when no alignment is possible.
    public var loss: Double?
    /// nil when the transcript cannot be aligned to the frames (too short an output, or probability 0).
    public var viterbi: ForcedAlignment?
    /// Frames per character along the Viterbi path (empty without one).
    public var emissionWidths: [Int]
    /// The matrix itself, when asked for (figures of a single utterance).
    public var matrix: LogProbabilities?

    /// The statistics of one matrix against its transcript's labels.
    public init(id: String, transcript: String, labels: [Int], matrix m: LogProbabilities, blank: Int = Tokenizer.blank,
                keepMatrix: Bool = false) throws {
        self.id = id
        self.transcript = transcript
        self.labels = labels
        statistics = FrameStatistics(m, blank: blank)
        let trellis = try CTCTrellis(m, labels: labels, blank: blank)
        loss = trellis.logLikelihood > -.infinity ? -trellis.logLikelihood / Double(max(labels.count, 1)) : nil
        viterbi = trellis.viterbi()
        emissionWidths = viterbi.map(EmissionWidths.of) ?? []
        matrix = keepMatrix ? m : nil
    }
}

public struct DataSetAlignments: Sendable {
    public var checkpoint: String
    /// Seconds of audio per output frame.
    public var secondsPerFrame: Double
    /// In the order the model saw them (length-sorted batches).
    public var utterances: [UtteranceAlignment]
    /// Utterances whose audio could not be decoded (left out, named).
    public var skipped: [SkippedItem]

    public var pooled: FrameStatistics { utterances.reduce(FrameStatistics()) { $0 + $1.statistics } }
    public var emissionWidths: [Int] { utterances.flatMap(\.emissionWidths) }

    /// Runs `loaded` over `utterances` in evaluation mode.
    public static func compute(_ loaded: inout LoadedModel, over utterances: [Utterance], batchSize: Int = 16,
                               keepMatrices: Bool = false, onBatch: (Int, Int) -> Void = { _, _ in },
                               shouldStop: () -> Bool = { false }) throws -> DataSetAlignments {
        var out: [UtteranceAlignment] = []
        let features = loaded.features
        let labels = loaded.labels
        let skipped = try loaded.model.outputs(over: utterances, features: features, labels: labels, batchSize: batchSize,
                                               shouldStop: shouldStop) { batch, output, done, total in
            for i in 0..<batch.size {
                out.append(try UtteranceAlignment(id: batch.ids[i], transcript: batch.transcripts[i], labels: batch.labels[i],
                                                  matrix: try output.logProbabilities(i), blank: labels.blank,
                                                  keepMatrix: keepMatrices))
            }
            onBatch(done, total)
        }
        return DataSetAlignments(checkpoint: loaded.path, secondsPerFrame: loaded.secondsPerOutputFrame,
                                 utterances: out, skipped: skipped)
    }

    /// The utterance with this id, if it was computed.
    public subscript(id: String) -> UtteranceAlignment? { utterances.first { $0.id == id } }
}
