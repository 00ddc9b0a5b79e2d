// FeatureSpec: the feature settings a model was trained with, stored in every checkpoint's metadata so that
// `eval`, `transcribe` and `probs from` feed a model exactly what it learned from (a model trained on
// normalised log-mel gives nonsense on raw power mel, silently).
import Audio
import Corpus
import Foundation
import Models

public struct FeatureSpec: Codable, Equatable, Sendable {
    public var nMels: Int
    public var logMel: Bool        // natural log of the mel power, floor 1e-10
    public var normalize: Bool     // each mel bin to zero mean and unit variance per utterance

    enum CodingKeys: String, CodingKey { case nMels = "n_mels", logMel = "log_mel", normalize }

    public init(nMels: Int, logMel: Bool, normalize: Bool) {
        self.nMels = nMels; self.logMel = logMel; self.normalize = normalize
    }

    public static let metadataKey = "trellis.features"

    public var melConfig: MelConfig {
        var c = MelConfig()
        c.nMels = nMels
        if logMel { c.log = .log(floor: 1e-10) }
        if normalize { c.normalization = .perBin }
        return c
    }

    /// The pipeline for training (`augment`: SpecAugment with the notebook's 15/20) or evaluation (none).
    public func pipeline(specAugment: Bool, stride: Int) -> FeaturePipeline {
        FeaturePipeline(mel: melConfig, specAugment: specAugment ? SpecAugment() : nil, inputLengthDivisor: stride)
    }

    public func json() -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return String(decoding: (try? enc.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// The spec in a checkpoint's metadata; a state dict saved by the notebook has none, and the notebook fed
    /// raw power mel, so that is the fallback.
    public static func from(_ file: TensorFile, nMels: Int) -> FeatureSpec {
        if let s = file.metadata[metadataKey], let f = try? JSONDecoder().decode(FeatureSpec.self, from: Data(s.utf8)) { return f }
        return FeatureSpec(nMels: nMels, logMel: false, normalize: false)
    }
}
