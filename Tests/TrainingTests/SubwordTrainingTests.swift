// Training on subword targets: the output layer sized to the tokenizer, the targets its pieces, the tokenizer kept
// in the run folder and in every checkpoint (so eval and resume find it), and decoders that join pieces into words.
import Base
import CTC
import Corpus
import Distributed
import Foundation
import LanguageModel
import Models
import NN
import XCTest
@testable import Training

final class SubwordTrainingTests: XCTestCase {
    /// The toy corpus's words are strings of a, b, c; two merges give ▁a (28) and ▁b (29) or the like.
    func toyTokenizer() throws -> SubwordTokenizer {
        try SubwordTokenizer.train(texts: ["ab ab ab", "ba ca", "abc"], vocab: 31)
    }

    func subwordOptions(_ t: SubwordTokenizer, epochs: Int) -> TrainingOptions {
        var o = ToyCorpus.options(epochs: epochs)
        o.tokenizer = TokenizerRecord(source: "toy.bpe", pieces: t.vocabularySize)
        o.model.nClass = t.vocabularySize + 1
        return o
    }

    func testASubwordRunTrainsOnPiecesAndItsCheckpointsCarryTheTokenizer() throws {
        let t = try toyTokenizer()
        XCTAssertEqual(t.vocabularySize, 31)
        let data = try ToyCorpus.make(train: 24, test: 4)
        let run = RunFolder(try ToyCorpus.temporaryDirectory() + "/run")
        var o = subwordOptions(t, epochs: 6)
        o.learningRate = 6e-3
        let s = try Trainer.start(options: o, data: data, run: run, events: ToyCorpus.quiet(), tokenizer: t)
        XCTAssertEqual(s.ending, .finished)
        // The training steps ran on 32-class outputs and lowered the loss.
        XCTAssertLessThan(s.metrics.last!.trainLoss, s.metrics.first!.trainLoss, "\(s.metrics.map(\.trainLoss))")

        // run.json records it, the folder keeps the copy.
        let record = try JSONDecoder().decode(RunRecord.self, from: Data(contentsOf: run.runFile))
        XCTAssertEqual(record.options.tokenizer, TokenizerRecord(source: "toy.bpe", file: "tokenizer.bpe", pieces: 31))
        XCTAssertEqual(try String(contentsOf: run.url.appendingPathComponent("tokenizer.bpe"), encoding: .utf8), t.fileText())

        // A checkpoint alone says what its classes are.
        let loaded = try Checkpoint.loadModel(run.modelFile(TrainingPosition(epoch: 6, step: 0)).path)
        XCTAssertEqual(loaded.labels, .subwords(t))
        XCTAssertEqual(loaded.model.config.nClass, 32)

        // The dumped targets are the pieces of the utterance's transcript, and each matrix row has 32 classes.
        let files = run.alignmentFiles(epoch: 6, utterance: 0)
        let ids = try String(contentsOf: files.labels, encoding: .utf8).split(whereSeparator: \.isWhitespace).map { Int($0)! }
        let utt = try TrainingData.open(data).test!.utterances.sorted { $0.id < $1.id }[0]
        XCTAssertEqual(ids, try t.encode(utt.text))
        let row = try String(contentsOf: files.matrix, encoding: .utf8).split(separator: "\n")[0]
        XCTAssertEqual(row.split(separator: " ").count, 32)

        // Resuming reads the copy: one more epoch trains on.
        var more = record
        more.options.epochs = 7
        XCTAssertEqual(try run.labelSet(more.options), .subwords(t))
    }

    func testAnEditedTokenizerCopyOrAMismatchIsRefused() throws {
        let t = try toyTokenizer()
        let data = try ToyCorpus.make(train: 4, test: 0)
        let run = RunFolder(try ToyCorpus.temporaryDirectory() + "/run")
        // Options that name a tokenizer without one given (or the other way round).
        XCTAssertThrowsError(try Trainer.start(options: subwordOptions(t, epochs: 1), data: data, run: run, events: ToyCorpus.quiet()))
        var wrong = subwordOptions(t, epochs: 1)
        wrong.model.nClass = 29
        XCTAssertEqual(wrong.validationError(), "the model outputs 29 classes but the tokenizer has 31 pieces + blank")
        // A copy that no longer matches run.json.
        _ = try Trainer.start(options: subwordOptions(t, epochs: 1), data: data, run: run, events: ToyCorpus.quiet(), tokenizer: t)
        try SubwordTokenizer().fileText().write(to: run.url.appendingPathComponent("tokenizer.bpe"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try run.labelSet(subwordOptions(t, epochs: 1))) { e in
            XCTAssert("\(e)".contains("has 28 pieces, run.json records 31"), "\(e)")
        }
        // A checkpoint whose tokenizer does not match its output width.
        XCTAssertThrowsError(try Checkpoint.labelSet(metadata: [Checkpoint.tokenizerKey: t.fileText()], classes: 29, path: "c")) { e in
            XCTAssert("\(e)".contains("31 pieces + blank = 32 classes, the model outputs 29"), "\(e)")
        }
        XCTAssertEqual(try Checkpoint.labelSet(metadata: [:], classes: 29, path: "c"), .characters)
    }

    /// ab ×3, ba: (▁,a) and (a,b) both 3, ▁ has the smaller id → ▁a (28), then ▁ab (29); the blank is 30.
    /// A hand-made matrix whose best path is ▁ab ▁ab _ ▁ b a: greedy and beam (no LM) both read "ab ba".
    func testGreedyAndBeamDecodingJoinPiecesIntoWords() throws {
        let t = try SubwordTokenizer.train(texts: ["ab ab ab", "ba"], vocab: 30)
        let labels = LabelSet.subwords(t)
        XCTAssertEqual(t.pieces[28...], ["▁a", "▁ab"])
        let path = [29, 29, 30, 0, 3, 2]
        var logits = [Double](repeating: 0, count: path.count * labels.classCount)
        for (f, k) in path.enumerated() { logits[f * labels.classCount + k] = 6 }
        let m = try LogProbabilities(frames: path.count, classes: labels.classCount, logits: logits)
        XCTAssertEqual(try Inference.decode(m, with: .greedy, labels: labels), "ab ba")
        XCTAssertEqual(try Inference.decode(m, with: .beam(BeamSearchOptions(beamSize: 8, prune: 0, alpha: 0, beta: 0), nil), labels: labels), "ab ba")
        // The character default is untouched: the same call without labels reads a 29-class matrix as before.
        let chars = try LogProbabilities(frames: 3, classes: 29, logits: (0..<87).map { $0 == 2 || $0 == 29 + 28 || $0 == 58 + 3 ? 6.0 : 0 })
        XCTAssertEqual(try Inference.decode(chars, with: .greedy), "ab")
    }
    /// Inference.decode (what eval, transcribe and the trainer's evaluation call) with a word LM on subword outputs:
    /// the hand-made posterior of the CTC tests (frames {▁c .55, ▁b .45}, {a .55, ab .45}, {▁a 1} over ▁a ▁c ab ▁b)
    /// reads "ca a" acoustically and "cab a" with fusion-tiny.arpa, whose "<s> cab" and "cab a" beat "<unk> a"
    /// (SubwordFusionTests works the numbers out).
    func testBeamDecodingWithAWordLMOnSubwordOutputs() throws {
        let t = try SubwordTokenizer.parse("trellis-tokenizer 1 bpe\npieces 32\nmerge ▁ a\nmerge ▁ c\nmerge a b\nmerge ▁ b\n", source: "test")
        let labels = LabelSet.subwords(t)
        func row(_ p: [Int: Double]) -> [Double] { (0..<33).map { p[$0] ?? 0 } }
        let m = try LogProbabilities(frames: 3, classes: 33, probabilities: row([29: 0.55, 31: 0.45]) + row([2: 0.55, 30: 0.45]) + row([28: 1]))
        let arpa = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/lm/fusion-tiny.arpa").path
        let lm = DecoderLanguageModel(try ARPAModel(contentsOf: arpa))
        let options = BeamSearchOptions(beamSize: 4, prune: 0, alpha: 0.5, beta: 1, fusion: .shallow, unkScore: -10)
        XCTAssertEqual(try Inference.decode(m, with: .greedy, labels: labels), "ca a")
        XCTAssertEqual(try Inference.decode(m, with: .beam(options, nil), labels: labels), "ca a")
        XCTAssertEqual(try Inference.decode(m, with: .beam(options, lm), labels: labels), "cab a")
        // tune-lm's parallel decoding passes the label set through.
        let cases = [DecodingCase(id: "u", matrix: m, reference: "cab a")]
        XCTAssertEqual(try LMTuning.decodeAll(cases, with: .beam(options, lm), labels: labels, workers: Workers(1)), ["cab a"])
    }

    /// `mpirun -np 2 train --tokenizer`: the follower rank has no run folder (`RunFolder("")`), so it cannot read
    /// the tokenizer copy; rank 0 sends it. The two ranks' collectives are played by hand: rank 0's broadcast is
    /// recorded and given to rank 1.
    func testAFollowerRankGetsTheTokenizerFromRankZero() throws {
        let t = try toyTokenizer()
        let data = try ToyCorpus.make(train: 4, test: 0)
        let run = RunFolder(try ToyCorpus.temporaryDirectory() + "/run")
        let o = subwordOptions(t, epochs: 1)
        _ = try Trainer.start(options: o, data: data, run: run, events: ToyCorpus.quiet(), tokenizer: t)
        // What the follower did before: read "tokenizer.bpe" relative to wherever it was started.
        XCTAssertThrowsError(try RunFolder("").labelSet(o))
        let wire = Wire()
        XCTAssertEqual(try run.labelSet(o, group: HandPlayedRank(rank: 0, wire: wire)), .subwords(t))
        XCTAssertEqual(wire.broadcasts, 1)
        XCTAssertEqual(try RunFolder("").labelSet(o, group: HandPlayedRank(rank: 1, wire: wire)), .subwords(t))
        // A text that does not match run.json's record is an error on the follower, not a silently wrong model.
        var other = o
        other.tokenizer?.pieces = 30
        XCTAssertThrowsError(try RunFolder("").labelSet(other, group: HandPlayedRank(rank: 1, wire: wire))) { e in
            XCTAssert("\(e)".contains("rank 1: rank 0's tokenizer has 31 pieces, run.json records 30"), "\(e)")
        }
        // Characters: no broadcast at all (every rank calls the same collectives).
        let chars = Wire()
        XCTAssertEqual(try RunFolder("").labelSet(ToyCorpus.options(epochs: 1), group: HandPlayedRank(rank: 1, wire: chars)), .characters)
        XCTAssertEqual(chars.broadcasts, 0)
    }
}

/// The bytes rank 0 broadcast, for the hand-played follower.
final class Wire: @unchecked Sendable {
    var bytes: [UInt8]? = nil
    var broadcasts = 0
}

/// One rank of a two-rank job whose only collective used here is the byte broadcast from rank 0.
struct HandPlayedRank: ProcessGroup {
    let rank: Int
    let wire: Wire
    var size: Int { 2 }
    var host: String { "test" }
    func broadcast(_ bytes: inout [UInt8], root: Int) throws {
        XCTAssertEqual(root, 0)
        if rank == 0 { wire.bytes = bytes; wire.broadcasts += 1 } else { bytes = try XCTUnwrap(wire.bytes, "rank 0 broadcast nothing") }
    }
    func allreduceSum(_ values: UnsafeMutableBufferPointer<Float>) throws { XCTFail("unexpected collective") }
    func allreduceSum(_ values: inout [Double]) throws { XCTFail("unexpected collective") }
    func allreduceMax(_ values: inout [Int]) throws { XCTFail("unexpected collective") }
    func broadcast(_ values: UnsafeMutableBufferPointer<Float>, root: Int) throws { XCTFail("unexpected collective") }
    func barrier() throws { XCTFail("unexpected collective") }
    func abort(_ message: String, code: Int32) -> Never { fatalError(message) }
}
