// `blanks` reads each utterance's matrix from the one model-output path: over a data set (length-sorted, padded
// batches) it must equal what `probs from` computes for the same recording (`LoadedModel.output(forRecording:)`).
import Audio
import CTC
import Corpus
import Foundation
import Models
import NN
import XCTest
@testable import Analysis
@testable import Training

final class DataSetAlignmentsTests: XCTestCase {
    /// Tones of three pitches for a, b and c, with silences between them (as TrainingTests' toy corpus).
    func corpus() throws -> (root: String, utterances: [Utterance]) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-analysis-\(UUID().uuidString)").path
        let dir = root + "/test/200/1"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let pitch: [Character: Double] = ["a": 300, "b": 900, "c": 2200]
        var lines: [String] = []
        for (i, text) in ["ab", "cab", "bca", "abcab", "c"].enumerated() {
            var s = [Float](repeating: 0, count: 800)
            for c in text {
                s += (0..<1280).map { Float(0.3 * sin(2 * Double.pi * pitch[c]! * Double($0) / 16000)) }
                s += [Float](repeating: 0, count: 800)
            }
            let id = String(format: "200-1-%04d", i)
            try AudioFile.write(Waveform(samples: s, sampleRate: 16000), to: "\(dir)/\(id).flac")
            lines.append("\(id) \(text.uppercased())")
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: "\(dir)/200-1.trans.txt", atomically: true, encoding: .utf8)
        return (root, try SpeechCorpus.open(root).subset("test").utterances)
    }

    func testStatisticsOverADataSetEqualThoseOfEachRecordingAlone() throws {
        let (root, utts) = try corpus()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // No residual blocks: no output frame sees the padding, so batch and recording must agree.
        let config = ModelConfig(kind: .bilstm, nCNNLayers: 0, nRNNLayers: 1, rnnDim: 16, nFeats: 32, dropout: 0.1, channels: 4)
        var loaded = LoadedModel(model: try CTCModel(config, seed: 7), features: FeatureSpec(nMels: 32, logMel: true, normalize: true),
                                 path: "random")
        let r = try DataSetAlignments.compute(&loaded, over: utts, batchSize: 4)
        XCTAssertEqual(Set(r.utterances.map(\.id)), Set(utts.map(\.id)))
        var pooled = FrameStatistics()
        for u in utts {
            let alone = FrameStatistics(try loaded.output(forRecording: u.audioPath))
            let s = try XCTUnwrap(r[u.id]).statistics
            XCTAssertEqual(s.frames, alone.frames, u.id)
            XCTAssertEqual(s.blankArgmaxFrames, alone.blankArgmaxFrames, u.id)
            XCTAssertEqual(s.meanBlankPosterior, alone.meanBlankPosterior, accuracy: 1e-4, u.id)
            XCTAssertEqual(s.meanEntropy, alone.meanEntropy, accuracy: 1e-4, u.id)
            pooled = pooled + alone
        }
        XCTAssertEqual(r.pooled.frames, pooled.frames)
        XCTAssertEqual(r.pooled.blankArgmaxRatio, pooled.blankArgmaxRatio, accuracy: 1e-12)
        XCTAssertEqual(r.secondsPerFrame, loaded.secondsPerOutputFrame)
        // Every transcript fits its frames, so each has a loss and one emission width per character.
        for u in r.utterances {
            XCTAssertNotNil(u.loss, u.id)
            XCTAssertEqual(u.emissionWidths.count, u.labels.count, u.id)
            XCTAssertEqual(u.emissionWidths.reduce(0, +) + u.viterbi!.framePath.filter { $0 == Tokenizer.blank }.count, u.statistics.frames,
                           "\(u.id): the characters' widths and the blank frames make up the path")
        }
    }
}
