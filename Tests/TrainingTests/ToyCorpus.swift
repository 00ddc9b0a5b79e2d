// A learnable toy corpus in the LibriSpeech layout: each letter of {a, b, c} is a 0.08 s tone of its own pitch,
// letters separated by short silences, so a tiny model can learn to read it in seconds.
import Audio
import Foundation
import Models
@testable import Training

enum ToyCorpus {
    static let pitch: [Character: Double] = ["a": 300, "b": 900, "c": 2200]

    static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-training-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func wave(_ text: String, seconds: Double = 0.08) -> Waveform {
        var s: [Float] = Array(repeating: 0, count: 800)
        for c in text {
            let f = pitch[c]!
            s += (0..<Int(seconds * 16000)).map { Float(0.3 * sin(2 * Double.pi * f * Double($0) / 16000)) }
            s += Array(repeating: 0, count: 800)
        }
        return Waveform(samples: s, sampleRate: 16000)
    }

    /// ROOT/train (`train` utterances) and ROOT/test (`test`), transcripts drawn from a fixed generator.
    static func make(train: Int, test: Int, extra: [(id: String, text: String, wave: Waveform)] = []) throws -> String {
        let root = try temporaryDirectory()
        var rng = UInt64(12345)
        func next() -> Int { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return Int(rng >> 33) }
        for (subset, count, speaker) in [("train", train, "100"), ("test", test, "200")] {
            let dir = "\(root)/\(subset)/\(speaker)/1"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            var lines: [String] = []
            for i in 0..<count {
                let text = String((0..<(2 + next() % 3)).map { _ in Array("abc")[next() % 3] })
                let id = String(format: "%@-1-%04d", speaker, i)
                try AudioFile.write(wave(text), to: "\(dir)/\(id).flac")
                lines.append("\(id) \(text.uppercased())")
            }
            if subset == "train" {
                for e in extra {
                    try AudioFile.write(e.wave, to: "\(dir)/\(e.id).flac")
                    lines.append("\(e.id) \(e.text.uppercased())")
                }
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: "\(dir)/\(speaker)-1.trans.txt", atomically: true, encoding: .utf8)
        }
        return root
    }

    /// A small, fast configuration of the BiLSTM recipe.
    static func options(epochs: Int) -> TrainingOptions {
        var o = TrainingOptions.corrected(.bilstm)
        o.model = ModelConfig(kind: .bilstm, nCNNLayers: 1, nRNNLayers: 1, rnnDim: 48, nFeats: 32, dropout: 0.1, channels: 4)
        o.features.nMels = 32
        o.epochs = epochs
        o.batchSize = 4
        o.learningRate = 3e-3
        o.specAugment = false
        o.threads = 1
        o.alignmentUtterances = 2
        return o
    }

    static func quiet(stopAfter calls: Int? = nil, log: @escaping (String) -> Void = { _ in }) -> TrainerEvents {
        final class Counter: @unchecked Sendable { var n = 0 }
        let c = Counter()
        return TrainerEvents(log: log, shouldStop: {
            c.n += 1
            return calls.map { c.n > $0 } ?? false
        }, progress: false)
    }

    /// Zeroes the second half of a FLAC file: its header (all the corpus index reads) stays valid, its audio
    /// frames stop decoding half-way.
    static func corruptBody(of path: String) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        for j in (bytes.count / 2)..<bytes.count { bytes[j] = 0 }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
