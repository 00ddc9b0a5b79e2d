// Fuzz target: audio bytes (WAV, FLAC, anything libsndfile recognises) through the evaluation feature path —
// header probe, load as 16 kHz mono, log-mel with per-bin normalisation as a Trellis model is trained.
import Audio
import FuzzSupport
import Training

@main enum FuzzAudio {
    static func main() {
        let spec = FeatureSpec(nMels: 128, logMel: true, normalize: true)
        guard let mel = try? MelSpectrogram(spec.melConfig) else { fatalError("the default mel settings are rejected") }
        Fuzz.run { bytes in
            let path = Fuzz.write(bytes, to: "audio.wav")
            _ = try? AudioFile.info(path)
            guard let wave = try? AudioFile.load(path, targetRate: spec.melConfig.sampleRate, quality: .medium) else { return }
            _ = try? mel(wave)
        }
    }
}
