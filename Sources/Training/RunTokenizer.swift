// A run's label set: the character default, or the subword tokenizer `train --tokenizer FILE` named. run.json
// records where it came from (`TokenizerRecord`); the run folder keeps a copy (RUN_DIR/tokenizer.bpe) that
// `--resume` reads, and every checkpoint carries the model text in its metadata (`trellis.tokenizer`), so a
// checkpoint file alone is enough for `eval`, `transcribe`, `probs from` and the analyses.
import Base
import CTC
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
