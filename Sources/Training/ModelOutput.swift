// ModelOutput: the one path from a batch to a model's log-probabilities — output lengths (the one formula,
// `ModelConfig.outputLengths`), forward, log-softmax (`CTCObjective.logSoftmax`, the one log-softmax) — and the
// paths built on it: a recording (`transcribe`, `probs from`) and a whole data set (`eval`, the trainer's
// evaluation, and analyses such as blank statistics or alignments per checkpoint). TrainStep, Evaluator, the
// trainer's alignment dumps and Inference all call these, so what the loss saw is what the decoders see.
import Audio
import CTC
import Corpus
import Foundation
import Models
import NN

/// A model's output went non-finite (a NaN or infinite weight, or an input that overflows): said in words instead
/// of a trap, so `eval`, `transcribe` and `probs from` can report it.
public struct ModelOutputError: Error, CustomStringConvertible {
    public let description: String
}

public struct ModelOutput: Sendable {
    /// (B, T', W): log_softmax over the model's W output columns (W = 58 for the notebook's BiLSTM).
    public var logProbs: Tensor
    /// Valid frames of each utterance (frames past it are padding).
    public var lengths: [Int]
    /// The tokenizer's classes: the first `classes` columns. The notebook's 58-column BiLSTM trains with
    /// log_softmax over all of them; its classes are the first 29, so those are kept (renormalised rows would change
    /// nothing for greedy decoding; the beam search sees the same relative scores the loss saw).
    public var classes: Int

    public var size: Int { lengths.count }

    /// Utterance `b`'s lengths[b] × classes matrix; a clear error when the model produced NaN or ±∞.
    public func logProbabilities(_ b: Int) throws -> LogProbabilities {
        let (t, w) = (logProbs.shape[1], logProbs.shape[2])
        let n = lengths[b]
        var values = [Double](repeating: 0, count: n * classes)
        for f in 0..<n {
            for k in 0..<classes {
                let v = logProbs.data[(b * t + f) * w + k]
                // log_softmax of finite scores is finite; NaN or +∞ comes from non-finite scores (−∞ is p = 0, fine).
                guard !v.isNaN && v != .infinity else {
                    throw ModelOutputError(description: "the model's output is not a number (\(v)) at frame \(f), class \(k): "
                        + "its weights hold NaN or infinite values, or the input overflows them; check the checkpoint")
                }
                values[f * classes + k] = Double(v)
            }
        }
        return try LogProbabilities(frames: n, classes: classes, logValues: values)
    }

    /// Every utterance's matrix, in batch order.
    public func logProbabilities() throws -> [LogProbabilities] {
        try (0..<size).map { try logProbabilities($0) }
    }
}

extension CTCModel {
    /// The model's output for a batch, in the model's current mode (training or evaluation). `pack` lets the
    /// LSTMs skip padded frames (pack_padded_sequence); without it every frame runs, as in the notebook.
    public mutating func output(for batch: Batch, pack: Bool = true) -> ModelOutput {
        let x = Tensor(shape: [batch.size, 1, batch.nMels, batch.maxFrames], data: batch.features)
        let lengths = config.outputLengths(featureLengths: batch.featureLengths, paddedFrames: batch.maxFrames)
        let scores = forward(x, lengths: pack ? lengths : nil)
        return ModelOutput(logProbs: CTCObjective.logSoftmax(scores, workers: workers), lengths: lengths, classes: config.nClass)
    }

    /// The model's output over a data set in evaluation mode, batch after batch, length-sorted (the order of
    /// `BatchPlan`): what `eval`, the trainer's per-epoch evaluation and analyses over a data set read.
    /// Returns the utterances whose audio could not be decoded (left out, named).
    /// `labels` turns the transcripts into the batches' label ids (the model's own label set).
    public mutating func outputs(over utterances: [Utterance], features: FeatureSpec, labels: LabelSet = .characters,
                                 batchSize: Int = 16, pack: Bool = true, shouldStop: () -> Bool = { false },
                                 body: (_ batch: Batch, _ output: ModelOutput, _ done: Int, _ total: Int) throws -> Void) throws -> [SkippedItem] {
        let extractor = try Corpus.FeatureExtractor(FeaturePipeline(features: features, specAugment: nil), cache: false, labels: labels)
        let loader = try BatchLoader(utterances: utterances, batchSize: batchSize, extractor: extractor, shuffle: false,
                                     augment: false, seed: 0)
        let previous = mode
        setMode(.evaluation)
        defer { setMode(previous) }
        var skipped: [SkippedItem] = [], done = 0
        while let b = try loader.next() {
            if shouldStop() { break }
            skipped += b.skipped
            done += 1
            if b.size > 0 { try body(b, output(for: b, pack: pack), done, loader.count) }
        }
        return skipped
    }
}

extension LoadedModel {
    /// The model's log-probabilities for one recording, with the features it was trained with: a batch of one
    /// through `CTCModel.output(for:)`, so a recording and the same utterance in a batch give the same matrix.
    public mutating func output(forRecording path: String) throws -> LogProbabilities {
        let extractor = try Corpus.FeatureExtractor(FeaturePipeline(features: features, specAugment: nil), cache: false)
        let batch = try extractor.batch(recording: path)
        let previous = model.mode
        model.setMode(.evaluation)
        defer { model.setMode(previous) }
        return try model.output(for: batch).logProbabilities(0)
    }

    /// Seconds of audio per output frame (the feature hop times the model's time stride).
    public var secondsPerOutputFrame: Double { features.secondsPerFrame * Double(model.config.stride) }
}
