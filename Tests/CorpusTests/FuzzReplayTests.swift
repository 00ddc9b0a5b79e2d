// Replays the inputs of the `fuzz-corpus` target (fixtures/fuzz/corpus/seeds and regressions/, see
// docs/reliability.md): each input is a chapter's `19-198.trans.txt` and the corpus index separated by a "~~~~"
// line, placed in the same one-chapter tree the target builds (two WAVs with a fixed size and mtime); the corpus
// is opened, summarised and planned into batches, which must succeed or throw, never end the process.
import Foundation
import FuzzReplay
import XCTest
import Corpus

final class CorpusFuzzReplayTests: XCTestCase {
    func testEveryFuzzInputOpensOrThrows() throws {
        let inputs = try FuzzInputs.files("corpus")
        XCTAssertGreaterThan(inputs.count, 0, "no seeds under fixtures/fuzz/corpus")
        var hits: [String: Int] = [:]
        for input in inputs {
            let parts = FuzzInputs.split([UInt8](try Data(contentsOf: input)), parts: 2)
            let root = try FuzzCorpusTree.make(in: try FuzzInputs.folder())
            try Data(parts[0]).write(to: URL(fileURLWithPath: root + "/" + FuzzCorpusTree.transcriptPath))
            try Data(parts[1]).write(to: URL(fileURLWithPath: root + "/.trellis-index.tsv"))
            guard let corpus = try? SpeechCorpus.open(root) else { continue }
            for subset in corpus.subsets { _ = SubsetStats(subset) }
            _ = BatchPlan.make(corpus.utterances, batchSize: 2, shuffle: true, seed: 1, epoch: 1)
            hits[input.lastPathComponent] = corpus.indexHits
        }
        // The tree matches the seed's index lines, so the fuzzer can reach the trusted-index path at all.
        XCTAssertEqual(hits["matching_index.txt"], 2, "index hits per input: \(hits)")
    }
}

/// The tree of fuzz/Sources/fuzz-corpus (keep the two in step): ROOT/train-fuzz/19/198/ with 19-198-0001.wav and
/// 19-198-0002.wav, 16-bit mono 16 kHz, 1,600 samples each (3,244 bytes), modified at 1,000,000,000 s.
enum FuzzCorpusTree {
    static let chapter = "train-fuzz/19/198"
    static let transcriptPath = chapter + "/19-198.trans.txt"

    static func make(in scratch: String) throws -> String {
        let root = scratch + "/corpus"
        try FileManager.default.createDirectory(atPath: root + "/" + chapter, withIntermediateDirectories: true)
        for (n, utt) in ["0001", "0002"].enumerated() {
            let path = root + "/" + chapter + "/19-198-" + utt + ".wav"
            try Data(wav(samples: 1600, seed: n)).write(to: URL(fileURLWithPath: path))
            var times = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000_000, tv_nsec: 0)]
            guard utimensat(AT_FDCWD, path, &times, 0) == 0 else { throw CocoaError(.fileWriteUnknown) }
        }
        return root
    }

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
