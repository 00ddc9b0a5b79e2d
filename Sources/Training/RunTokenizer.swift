// A run's label set: the character default, or the subword tokenizer `train --tokenizer FILE` named. run.json
// records where it came from (`TokenizerRecord`); the run folder keeps a copy (RUN_DIR/tokenizer.bpe) that
// `--resume` reads, and every checkpoint carries the model text in its metadata (`trellis.tokenizer`), so a
// checkpoint file alone is enough for `eval`, `transcribe`, `probs from` and the analyses. In a data-parallel job
// rank 0 sends the model text to the other ranks, which have no run folder.
import Base
import CTC
import Distributed
import Foundation
import Models

/// run.json's record of a subword tokenizer.
public struct TokenizerRecord: Codable, Equatable, Sendable {
    /// The path given to `train --tokenizer` (for people; the run reads its own copy).
    public var source: String
    /// The copy's file name inside the run folder.
    public var file: String
    /// Pieces of the vocabulary (the model's output is pieces + 1 classes, the blank last).
    public var pieces: Int

    public init(source: String, file: String = RunFolder.tokenizerFileName, pieces: Int) {
        self.source = source; self.file = file; self.pieces = pieces
    }
}

extension RunFolder {
    public static let tokenizerFileName = "tokenizer.bpe"

    /// The label set a run trains with: characters, or the tokenizer copy its run.json names.
    public func labelSet(_ options: TrainingOptions) throws -> LabelSet {
        guard let record = options.tokenizer else { return .characters }
        let path = url.appendingPathComponent(record.file).path
        let model: SubwordTokenizer
        do { model = try SubwordTokenizer.load(path: path) } catch { throw RunFolderError("\(error)") }
        guard model.vocabularySize == record.pieces else {
            throw RunFolderError("\(path) has \(model.vocabularySize) pieces, run.json records \(record.pieces): the copy was changed")
        }
        return .subwords(model)
    }

    /// The run's label set on every rank of a data-parallel job. Only rank 0 has the run folder (the others are
    /// given `RunFolder("")` and must never read it): rank 0 reads the copy as `labelSet(_:)` does and broadcasts
    /// the model file's text, which the other ranks parse. One broadcast, on every rank, only for subword runs.
    public func labelSet(_ options: TrainingOptions, group: any ProcessGroup) throws -> LabelSet {
        guard let record = options.tokenizer, group.size > 1 else { return try labelSet(options) }
        var bytes: [UInt8] = []
        var rootLabels: LabelSet? = nil
        if group.isRoot {
            let labels = try labelSet(options)
            bytes = Array((labels.subwordModel?.fileText() ?? "").utf8)
            rootLabels = labels
        }
        try group.broadcast(&bytes, root: 0)
        if let rootLabels { return rootLabels }
        let model: SubwordTokenizer
        do { model = try SubwordTokenizer.parse(String(decoding: bytes, as: UTF8.self), source: "the tokenizer rank 0 sent") } catch {
            throw RunFolderError("rank \(group.rank): \(error)")
        }
        guard model.vocabularySize == record.pieces else {
            throw RunFolderError("rank \(group.rank): rank 0's tokenizer has \(model.vocabularySize) pieces, run.json records \(record.pieces)")
        }
        return .subwords(model)
    }
}

extension Checkpoint {
    /// The checkpoint metadata key holding a subword tokenizer's model file text.
    public static let tokenizerKey = "trellis.tokenizer"

    /// The label set stored in a checkpoint's metadata (characters when there is none), checked against the
    /// model's class count.
    static func labelSet(metadata: [String: String], classes: Int, path: String) throws -> LabelSet {
        guard let text = metadata[tokenizerKey] else {
            return .characters
        }
        let model: SubwordTokenizer
        do { model = try SubwordTokenizer.parse(text, source: "\(path) [\(tokenizerKey)]") } catch { throw RunFolderError("\(error)") }
        let labels = LabelSet.subwords(model)
        guard labels.classCount == classes else {
            throw RunFolderError("\(path): its tokenizer has \(model.vocabularySize) pieces + blank = \(labels.classCount) classes, the model outputs \(classes)")
        }
        return labels
    }
}
