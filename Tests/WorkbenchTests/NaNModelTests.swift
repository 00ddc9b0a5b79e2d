// Issue 8, defect 3: a checkpoint with one NaN weight made `probs from`, `eval` and `transcribe` die on a `try!`
// (status 132). Each now says what is wrong and exits with status 1.
import Audio
import Foundation
import Models
import NN
import XCTest

final class NaNModelTests: XCTestCase {
    func testNaNWeightIsAClearErrorInProbsFromEvalAndTranscribe() throws {
        let dir = try TrellisBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A small DNN on torchaudio's default features, one weight NaN, saved as Trellis saves checkpoints.
        let config = ModelConfig(kind: .dnn, nCNNLayers: 1, nRNNLayers: 1, rnnDim: 16, dropout: 0.1, channels: 4)
        var model = try CTCModel(config, seed: 1)
        var first = true
        model.visitParameters { p in if first { p.value[3] = .nan; first = false } }
        let checkpoint = dir.appendingPathComponent("nan.safetensors")
        try SafeTensors.write(TensorFile(tensors: StateDict.tensors(of: &model),
                                         metadata: [ModelConfig.metadataKey: config.jsonString(),
                                                    FeatureSpec.metadataKey: FeatureSpec(logMel: true, normalize: true).json()]),
                              to: checkpoint)
        // One utterance in the LibriSpeech layout.
        let chapter = dir.appendingPathComponent("data/test/1/2")
        try FileManager.default.createDirectory(at: chapter, withIntermediateDirectories: true)
        let audio = chapter.appendingPathComponent("1-2-0000.flac").path
        try AudioFile.write(Waveform(samples: (0..<8000).map { Float(0.3 * sin(Double($0) * 0.2)) }, sampleRate: 16000), to: audio)
        try "1-2-0000 HELLO\n".write(to: chapter.appendingPathComponent("1-2.trans.txt"), atomically: true, encoding: .utf8)

        for args in [["-c", "model load \(checkpoint.path); probs from \(audio)"],
                     ["eval", "--checkpoint", checkpoint.path, "--data", dir.appendingPathComponent("data").path],
                     ["transcribe", audio, "--checkpoint", checkpoint.path]] {
            let r = try TrellisBinary.run(args)
            XCTAssertEqual(r.status, 1, "\(args): status \(r.status), stderr \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("not a number"), "\(args): \(r.stderr)")
        }
    }
}
