// Voice configurations for the synthetic corpus. One configuration = one speaker: an engine voice plus fixed
// speed and pitch settings (espeak-ng: accent + variant, words per minute, pitch, word gap; flite: voice, duration
// stretch, and a resampling "warp" that shifts pitch and formants like a different vocal tract). Test speakers come
// from voices held out of training: espeak-ng variants m4 and f4, and flite's awb voice (and awb_time, its
// limited-domain twin, which is the same speaker). Two ways to draw training speakers: `speakers(...)`, today's
// draw from a dozen variants and four flite voices (the default corpus, kept byte for byte), and `trainingPool`,
// every installed English accent and variant and every flite voice, from which `corpus synth --voices N` takes N.
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
    /// espeak-ng pause added between words, in units of 10 ms at the default speed (`-g`; 0 = espeak-ng's own
    /// spacing and no `-g` argument at all; ignored by flite).
    public var wordGap: Int = 0

    /// A readable name for SPEAKERS.txt, e.g. "espeak-ng en-gb+f2 165wpm p55" (" g2" follows when there is a word
    /// gap) or "flite slt stretch1.05 warp0.94".
    public var name: String {
        switch engine {
        case .espeak: return "espeak-ng \(voice) \(wordsPerMinute)wpm p\(pitch)" + (wordGap > 0 ? " g\(wordGap)" : "")
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

    // The wide pool of `corpus synth --voices`, as installed by Debian 12's espeak-ng 1.51 and flite 2.2
    // (SynthTests compares these lists with `espeak-ng --voices=en`, `espeak-ng --voices=variant` and `flite -lv`).
    /// Every English accent that speaks without MBROLA (the `mb-*` voices need the mbrola program, not installed).
    public static let espeakAllAccents = espeakAccents + ["en-us-nyc"]
    /// Every variant file of espeak-ng (`voices/!v/`) except the held-out m4 and f4 and those in `espeakSameAs`.
    public static let espeakAllTrainVariants = [
        "Alex", "Alicia", "Andrea", "Andy", "Annie", "AnxiousAndy", "Demonic", "Denis", "Diogo", "Gene", "Gene2",
        "Henrique", "Hugo", "Jacky", "Lee", "Marco", "Mario", "Michael", "Mike", "Mr serious", "Nguyen", "RicishayMax",
        "RicishayMax2", "RicishayMax3", "Storm", "Tweaky", "UniRobot", "adam", "anika", "anikaRobot", "announcer",
        "antonio", "aunty", "belinda", "benjamin", "boris", "caleb", "croak", "david", "ed", "edward", "edward2", "f1",
        "f2", "f3", "f5", "fast", "grandma", "grandpa", "gustave", "iven", "iven2", "iven3", "iven4", "john",
        "kaukovalta", "klatt2", "klatt3", "klatt4", "klatt5", "linda", "m1", "m2", "m3", "m5", "m6", "m7", "m8",
        "marcelo", "max", "michel", "miguel", "norbert", "pablo", "paul", "pedro", "quincy", "rob", "robert",
        "robosoft", "robosoft2", "robosoft3", "robosoft4", "robosoft5", "robosoft6", "robosoft7", "robosoft8",
        "sandro", "shelby", "steph", "steph2", "steph3", "travis", "victor", "whisper", "whisperf", "zac",
    ]
    /// Variants whose audio is byte for byte another variant's (same settings under another name): one speaker,
    /// so only the other one is in the pool.
    public static let espeakSameAs = ["klatt": "caleb", "klatt6": "caleb"]
    /// The female variants (espeak-ng --voices=variant, gender F); the others are male.
    public static let espeakFemaleVariants: Set<String> = [
        "Alicia", "Andrea", "Annie", "aunty", "belinda", "linda", "steph", "steph2", "steph3", "anika", "anikaRobot",
        "f1", "f2", "f3", "f4", "f5", "whisperf", "grandma",
    ]
    /// flite voices that are a held-out speaker under another name: awb_time is awb's talking clock.
    public static let fliteSameSpeakerAsTest = ["awb_time"]

    /// The wide training pool, one speaker per espeak-ng variant and per flite voice (97 + 4 = 101 with both engines), in a
    /// seeded order with the engines interleaved (espeak-ng, flite, espeak-ng, ...) while both last, so that the
    /// first N of the list mix both engines and the speakers for N are among those for 2N. Each espeak-ng
    /// speaker gets an accent (the accents taken in turn, so every one is used), words per minute, pitch and a word
    /// gap; each flite speaker a warp and a stretch, as `speakers(...)` draws them. Only the engines in `engines`.
    public static func trainingPool(engines: Set<SynthEngine>, seed: UInt64) -> [VoiceConfig] {
        // A stream of its own: the pool does not depend on what else the synthesiser draws.
        var rng = Xoshiro256StarStar(seed: seed, stream: 1 << 43)
        var espeak: [VoiceConfig] = [], flite: [VoiceConfig] = []
        let variants = espeakAllTrainVariants.shuffled(using: &rng)
        let accents = espeakAllAccents.shuffled(using: &rng)
        for (k, variant) in variants.enumerated() {
            espeak.append(VoiceConfig(engine: .espeak, voice: "\(accents[k % accents.count])+\(variant)",
                                      wordsPerMinute: 135 + Int(rng.next() % 46), pitch: 30 + Int(rng.next() % 41),
                                      stretch: 1, warp: 1, sex: espeakFemaleVariants.contains(variant) ? "F" : "M",
                                      wordGap: Int(rng.next() % 4)))
        }
        for voice in fliteTrainVoices.shuffled(using: &rng) {
            let warp = (rng.uniform(0.88, 1.14) * 100).rounded() / 100
            let stretch = (warp * rng.uniform(0.92, 1.12) * 100).rounded() / 100
            flite.append(VoiceConfig(engine: .flite, voice: voice, wordsPerMinute: 0, pitch: 0, stretch: stretch, warp: warp,
                                     sex: voice == "slt" ? "F" : "M"))
        }
        if !engines.contains(.espeak) { espeak = [] }
        if !engines.contains(.flite) { flite = [] }
        var out: [VoiceConfig] = []
        for k in 0..<max(espeak.count, flite.count) {
            if k < espeak.count { out.append(espeak[k]) }
            if k < flite.count { out.append(flite[k]) }
        }
        return out
    }

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
