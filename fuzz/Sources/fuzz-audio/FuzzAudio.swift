// Fuzz target: audio bytes (WAV, FLAC, anything libsndfile recognises) through the evaluation feature path —
// header probe, load as 16 kHz mono, log-mel with per-bin normalisation as a Trellis model is trained.
// AIFF files with a COMT (comments) chunk are skipped: libsndfile parses hundreds of claimed comments for about a
// second per file under the sanitizer, which filled the corpus and slowed the run 15-fold, and that parser is
// libsndfile's code, not Trellis's (Trellis never reads the comments). The kept input is
// fixtures/fuzz/audio/regressions/slow-aiff-comment-chunk.
import Audio
import FuzzSupport
import Training

@main enum FuzzAudio {
    static func main() {
        let spec = FeatureSpec(nMels: 128, logMel: true, normalize: true)
        guard let mel = try? MelSpectrogram(spec.melConfig) else { fatalError("the default mel settings are rejected") }
        Fuzz.run { bytes in
            if isAIFFWithComments(bytes) { return }
            let path = Fuzz.write(bytes, to: "audio.wav")
            _ = try? AudioFile.info(path)
            guard let wave = try? AudioFile.load(path, targetRate: spec.melConfig.sampleRate, quality: .medium) else { return }
            _ = try? mel(wave)
        }
    }
}

/// An AIFF or AIFF-C container ("FORM" … "AIFF"/"AIFC") that holds a "COMT" chunk id anywhere.
func isAIFFWithComments(_ bytes: [UInt8]) -> Bool {
    guard bytes.count >= 12, bytes[0..<4].elementsEqual("FORM".utf8),
          bytes[8..<12].elementsEqual("AIFF".utf8) || bytes[8..<12].elementsEqual("AIFC".utf8) else { return false }
    let comt = Array("COMT".utf8)
    return bytes.indices.dropLast(3).contains { bytes[$0..<($0 + 4)].elementsEqual(comt) }
}
