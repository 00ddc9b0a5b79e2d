// FeatureSpec: the one description of the features a model was trained with — sample rate, STFT size and hop,
// mel bins, log compression and per-utterance normalisation. Training options, run.json and every checkpoint's
// metadata store it; the feature pipeline (Corpus), the trainer, `eval`, `transcribe` and `probs from` derive
// their `MelConfig` from it, so a model is always fed exactly what it learned from (a model trained on
// normalised log-mel gives nonsense on raw power mel, silently), and durations in seconds come from its hop and
// rate instead of constants. `stack` K (frame stacking, FrameStacking.swift) is part of the spec because it sets
// the model's input: K × nMels values per frame, one frame per K × hop samples. It is written only when K > 1, so
// the spec of every run and checkpoint without stacking stays byte for byte what it was.
import Foundation

public struct FeatureSpec: Codable, Equatable, Sendable {
    public var sampleRate: Int     // Hz the audio is resampled to
    public var nFFT: Int
    public var hop: Int            // samples between frames
    public var nMels: Int
    public var logMel: Bool        // natural log of the mel power, floor 1e-10
    public var normalize: Bool     // each mel bin to zero mean and unit variance per utterance
    public var stack: Int = 1      // consecutive frames stacked into one input frame (and the frame rate divided by it)

    enum CodingKeys: String, CodingKey {
        case nMels = "n_mels", logMel = "log_mel", normalize, sampleRate = "sample_rate", nFFT = "n_fft", hop, stack
    }

    /// Defaults are torchaudio.transforms.MelSpectrogram()'s (16 kHz, n_fft 400, hop 200, 128 mels).
    public init(nMels: Int = 128, logMel: Bool, normalize: Bool, sampleRate: Int = 16000, nFFT: Int = 400, hop: Int = 200,
                stack: Int = 1) {
        self.nMels = nMels; self.logMel = logMel; self.normalize = normalize
        self.sampleRate = sampleRate; self.nFFT = nFFT; self.hop = hop; self.stack = stack
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(nMels, forKey: .nMels)
        try c.encode(logMel, forKey: .logMel)
        try c.encode(normalize, forKey: .normalize)
        try c.encode(sampleRate, forKey: .sampleRate)
        try c.encode(nFFT, forKey: .nFFT)
        try c.encode(hop, forKey: .hop)
        if stack != 1 { try c.encode(stack, forKey: .stack) }
    }

    /// Values per input frame of the model: the mel bins of `stack` frames.
    public var inputWidth: Int { nMels * stack }

    /// Checkpoints written before the rate, n_fft and hop were recorded used torchaudio's defaults for them.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        nMels = try c.decode(Int.self, forKey: .nMels)
        logMel = try c.decode(Bool.self, forKey: .logMel)
        normalize = try c.decode(Bool.self, forKey: .normalize)
        sampleRate = try c.decodeIfPresent(Int.self, forKey: .sampleRate) ?? 16000
        nFFT = try c.decodeIfPresent(Int.self, forKey: .nFFT) ?? 400
        hop = try c.decodeIfPresent(Int.self, forKey: .hop) ?? 200
        stack = try c.decodeIfPresent(Int.self, forKey: .stack) ?? 1
    }

    /// The notebook's input: raw power mel, nothing else.
    public static func notebook(nMels: Int = 128) -> FeatureSpec { FeatureSpec(nMels: nMels, logMel: false, normalize: false) }

    public static let metadataKey = "trellis.features"

    /// How to compute these features.
    public var melConfig: MelConfig {
        var c = MelConfig()
        c.sampleRate = sampleRate
        c.stft.nFFT = nFFT
        c.stft.hopLength = hop
        c.nMels = nMels
        if logMel { c.log = .log(floor: 1e-10) }
        if normalize { c.normalization = .perBin }
        return c
    }

    /// Seconds of audio between two of the model's input frames (stacked frames when `stack` > 1).
    public var secondsPerFrame: Double { Double(hop * stack) / Double(sampleRate) }

    /// One line for people: "128 mels, log, normalised per utterance (16000 Hz, n_fft 400, hop 200)".
    public var summary: String {
        "\(nMels) mels, \(logMel ? "log" : "power")\(normalize ? ", normalised per utterance" : "") (\(sampleRate) Hz, n_fft \(nFFT), hop \(hop))"
            + (stack > 1 ? ", \(stack) frames stacked" : "")
    }

    public func validationError() -> String? {
        if sampleRate < 1 { return "the feature sample rate must be positive (got \(sampleRate))" }
        if nFFT < 2 { return "n_fft must be at least 2 (got \(nFFT))" }
        if hop < 1 { return "the hop must be at least 1 sample (got \(hop))" }
        if nMels < 1 { return "n_mels must be at least 1 (got \(nMels))" }
        if !(1...16).contains(stack) { return "the frame stacking must be between 1 and 16 frames (got \(stack))" }
        return nil
    }

    public func json() -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return String(decoding: (try? enc.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// The spec in a checkpoint's metadata; a state dict saved by the notebook has none, and the notebook fed
    /// raw power mel, so that is the fallback.
    public static func from(metadata: [String: String], nMels: Int) -> FeatureSpec {
        if let s = metadata[metadataKey], let f = try? JSONDecoder().decode(FeatureSpec.self, from: Data(s.utf8)) { return f }
        return .notebook(nMels: nMels)
    }
}
