// Voice configurations for the synthetic corpus. One configuration = one speaker: an engine voice plus fixed
// speed and pitch settings (espeak-ng: accent + variant, words per minute, pitch; flite: voice, duration stretch,
// and a resampling "warp" that shifts pitch and formants like a different vocal tract). Test speakers come from
// voices held out of training: espeak-ng variants m4 and f4, and flite's awb voice.
public enum SynthEngine: String, Sendable, CaseIterable, Codable {
    case espeak, flite

    public var executable: String { self == .espeak ? "espeak-ng" : "flite" }
}

public struct VoiceConfig: Sendable, Equatable, Codable {
    public var engine: SynthEngine
    /// espeak-ng: "en-gb+f2"; flite: "slt".
    public var voice: String
    /// espeak-ng words per minute (ignored by flite).
    public var wordsPerMinute: Int
    /// espeak-ng pitch 0–99 (ignored by flite).
    public var pitch: Int
    /// flite duration_stretch (> 1 slower; ignored by espeak-ng).
    public var stretch: Double
    /// Speed/pitch warp applied after synthesis (1 = none): the audio plays `warp` times faster and higher.
    public var warp: Double
    public var sex: String

    /// A readable name for SPEAKERS.txt, e.g. "espeak-ng en-gb+f2 165wpm p55" or "flite slt stretch1.05 warp0.94".
    public var name: String {
        switch engine {
        case .espeak: return "espeak-ng \(voice) \(wordsPerMinute)wpm p\(pitch)"
        case .flite: return "flite \(voice) stretch\(String(format: "%.2f", stretch)) warp\(String(format: "%.2f", warp))"
        }
    }
}

public enum VoicePool {
    public static let espeakAccents = ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-gb-x-gbclan", "en-gb-x-gbcwmd"]
    public static let espeakTrainVariants = ["m1", "m2", "m3", "m5", "m6", "m7", "f1", "f2", "f3", "f5"]
    public static let espeakTestVariants = ["m4", "f4"]
    public static let fliteTrainVoices = ["slt", "rms", "kal16", "kal"]
    public static let fliteTestVoices = ["awb"]

    /// `count` distinct speaker configurations of `engine` for training (`heldOut` false) or test (true).
    public static func speakers(_ engine: SynthEngine, count: Int, heldOut: Bool, rng: inout Xoshiro256StarStar) -> [VoiceConfig] {
        var out: [VoiceConfig] = [], names = Set<String>()
        var attempts = 0
        while out.count < count && attempts < count * 50 {
            attempts += 1
            let v: VoiceConfig
            switch engine {
            case .espeak:
                let variants = heldOut ? espeakTestVariants : espeakTrainVariants
                let variant = variants[out.count % variants.count]
                let accent = espeakAccents[Int(rng.next() % UInt64(espeakAccents.count))]
                v = VoiceConfig(engine: .espeak, voice: "\(accent)+\(variant)", wordsPerMinute: 135 + Int(rng.next() % 46),
                                pitch: 30 + Int(rng.next() % 41), stretch: 1, warp: 1, sex: variant.hasPrefix("f") ? "F" : "M")
            case .flite:
                let voices = heldOut ? fliteTestVoices : fliteTrainVoices
                let voice = voices[out.count % voices.count]
                let warp = (rng.uniform(0.88, 1.14) * 100).rounded() / 100
                // Stretch roughly cancels the warp's tempo change, plus some speaker-specific pace.
                let stretch = (warp * rng.uniform(0.92, 1.12) * 100).rounded() / 100
                v = VoiceConfig(engine: .flite, voice: voice, wordsPerMinute: 0, pitch: 0, stretch: stretch, warp: warp,
                                sex: voice == "slt" ? "F" : "M")
            }
            if names.insert(v.name).inserted { out.append(v) }
        }
        return out
    }
}

import Base
import Audio
