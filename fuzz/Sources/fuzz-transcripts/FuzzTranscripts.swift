// Fuzz target: the transcript files `wer` reads (trn, LibriSpeech `*.trans.txt`, plain text), as a reference and
// a hypothesis file (the input's two parts, see `Fuzz.split`), paired and scored.
import CTC
import FuzzSupport

@main enum FuzzTranscripts {
    static func main() {
        Fuzz.run { bytes in
            let parts = Fuzz.split(bytes, parts: 2)
            for ext in ["trn", "trans.txt", "txt"] {
                let ref = Fuzz.write(parts[0], to: "ref." + ext)
                let hyp = Fuzz.write(parts[1], to: "hyp." + ext)
                guard let pairs = try? TranscriptPairs.read(reference: ref, hypothesis: hyp) else { continue }
                _ = try? ErrorRate.wordErrorRate(references: pairs.references, hypotheses: pairs.hypotheses)
                _ = try? ErrorRate.characterErrorRate(references: pairs.references, hypotheses: pairs.hypotheses)
            }
        }
    }
}
