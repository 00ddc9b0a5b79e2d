// Transcript checking for training: LibriSpeech text is lower-cased (as the notebook does) and must then use only
// the tokenizer's symbols. Unlike CTC's Tokenizer.normalize (which drops what it cannot map, for display and
// synthesis), this refuses: an utterance with a stray character is reported and skipped, never trained on.
import CTC

public enum TranscriptCheck {
    /// The lower-cased transcript, or the set of characters outside ' space a-z.
    public static func check(_ transcript: String) -> Result<String, OutsideAlphabet> {
        let lower = transcript.lowercased()
        var bad: [Character] = []
        for c in lower where Tokenizer.index(of: c) == nil || c == "_" {
            if !bad.contains(c) { bad.append(c) }
        }
        return bad.isEmpty ? .success(lower) : .failure(OutsideAlphabet(characters: bad))
    }

    public struct OutsideAlphabet: Error, Sendable {
        public var characters: [Character]
        public var shown: String {
            characters.map { c in
                c.unicodeScalars.map { $0.isASCII && $0.value >= 32 ? String($0) : "U+" + String($0.value, radix: 16, uppercase: true) }.joined()
            }.map { "'\($0)'" }.joined(separator: " ")
        }
    }
}
