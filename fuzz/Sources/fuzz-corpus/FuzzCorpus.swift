// Fuzz target: a LibriSpeech chapter's `*.trans.txt` and the corpus index `.trellis-index.tsv` (the input's two
// parts, see `Fuzz.split`) in a one-chapter tree whose two WAV files have a fixed size and mtime, so an index
// line can match them; the corpus is opened, summarised as `corpus stats` does and planned into batches.
import Audio
import Corpus
import Foundation
import FuzzSupport

@main enum FuzzCorpus {
    static func main() {
        let root = CorpusTree.make(in: Fuzz.scratch)
        Fuzz.run { bytes in
            let parts = Fuzz.split(bytes, parts: 2)
            Fuzz.write(parts[0], to: root + "/" + CorpusTree.transcriptPath)
            Fuzz.write(parts[1], to: root + "/.trellis-index.tsv")
            guard let corpus = try? SpeechCorpus.open(root) else { return }
            for subset in corpus.subsets { _ = SubsetStats(subset) }
            _ = BatchPlan.make(corpus.utterances, batchSize: 2, shuffle: true, seed: 1, epoch: 1)
        }
    }
}

/// ROOT/train-fuzz/19/198/ with 19-198-0001.wav and 19-198-0002.wav: 16-bit mono 16 kHz, 1,600 samples each
/// (3,244 bytes), modified at 1,000,000,000 s (index mtime 1000000000000000000 ns).
enum CorpusTree {
    static let chapter = "train-fuzz/19/198"
    static let transcriptPath = chapter + "/19-198.trans.txt"

    static func make(in scratch: String) -> String {
        let root = scratch + "/corpus"
        try? FileManager.default.createDirectory(atPath: root + "/" + chapter, withIntermediateDirectories: true)
        for (n, utt) in ["0001", "0002"].enumerated() {
            let path = root + "/" + chapter + "/19-198-" + utt + ".wav"
            Fuzz.write(wav(samples: 1600, seed: n), to: path)
            var times = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000_000, tv_nsec: 0)]
            precondition(utimensat(AT_FDCWD, path, &times, 0) == 0, "cannot set the mtime of \(path)")
        }
        return root
    }

    /// A canonical 44-byte-header PCM WAV holding a quiet sawtooth.
    static func wav(samples: Int, seed: Int) -> [UInt8] {
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xff) } }
        func le16(_ v: Int) -> [UInt8] { (0..<2).map { UInt8((v >> (8 * $0)) & 0xff) } }
        var b = Array("RIFF".utf8) + le32(36 + 2 * samples) + Array("WAVEfmt ".utf8)
        b += le32(16) + le16(1) + le16(1) + le32(16000) + le32(32000) + le16(2) + le16(16)
        b += Array("data".utf8) + le32(2 * samples)
        for i in 0..<samples { b += le16((((i * (7 + seed)) % 200) - 100) * 50 & 0xffff) }
        return b
    }
}
