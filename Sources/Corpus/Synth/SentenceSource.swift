// Sentences for the synthetic corpus: English text (the `fortunes` package by default, or a user's file) cut into
// sentences and kept only when a TTS engine will say exactly what the transcript says: no digits, symbols,
// acronyms or abbreviations (an engine reads "Dr." as "doctor" and "IBM" as "i b m"), 3–25 words. The transcript
// is the CTC tokenizer's normalisation (lower case, ' space a-z); the engine gets the sentence with its punctuation
// so its prosody stays natural.
import Base
import CTC
import Foundation

public struct Sentence: Sendable, Equatable {
    /// What the engine reads.
    public var spoken: String
    /// The transcript: tokenizer alphabet only.
    public var text: String
    public var words: Int { text.split(separator: " ").count }
}

public enum SentenceSource {
    public static let defaultFortunesDirectory = "/usr/share/games/fortunes"

    /// Sentences from every fortune file in `directory` (the top level only: Debian keeps offensive ones in off/).
    public static func fortunes(_ directory: String = defaultFortunesDirectory, minWords: Int = 3, maxWords: Int = 25) throws -> [Sentence] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw CorpusError.unreadable(path: directory, reason: "no fortunes directory (install the Debian package `fortunes`, or pass --text FILE)")
        }
        var texts: [String] = []
        for name in names.sorted() where !name.contains(".") {
            let path = directory + "/" + name
            guard !FS.isDirectory(path), let data = FileManager.default.contents(atPath: path) else { continue }
            let text = String(data: data, encoding: .utf8) ?? String(decoding: data, as: UTF8.self)
            // Fortunes are separated by lines holding only "%" (LF or CRLF files alike).
            var fortune: [Substring] = []
            for line in TextLines.split(text) {
                if line == "%" { texts.append(fortune.joined(separator: "\n")); fortune = [] } else { fortune.append(line) }
            }
            if !fortune.isEmpty { texts.append(fortune.joined(separator: "\n")) }
        }
        return sentences(fromParagraphs: texts, minWords: minWords, maxWords: maxWords)
    }

    /// Sentences from a plain text file (paragraphs separated by blank lines or one sentence per line).
    public static func textFile(_ path: String, minWords: Int = 3, maxWords: Int = 25) throws -> [Sentence] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CorpusError.unreadable(path: path, reason: "cannot read the text file")
        }
        let text = String(data: data, encoding: .utf8) ?? String(decoding: data, as: UTF8.self)
        let paragraphs = TextLines.split(text).map(String.init)
        let out = sentences(fromParagraphs: paragraphs, minWords: minWords, maxWords: maxWords)
        guard !out.isEmpty else {
            throw CorpusError.invalidParameter("\(path): no usable sentence (\(minWords)–\(maxWords) words, no digits, symbols or abbreviations)")
        }
        return out
    }

    /// Splits paragraphs into sentences, filters and normalises them; duplicates (by transcript) are dropped, the
    /// order of first appearance is kept.
    public static func sentences(fromParagraphs paragraphs: [String], minWords: Int, maxWords: Int) -> [Sentence] {
        var seen = Set<String>(), out: [Sentence] = []
        let tokenizer = Tokenizer()
        for para in paragraphs {
            // Attribution lines ("-- Mark Twain") and indented verse/code are not prose.
            let lines = para.split(separator: "\n", omittingEmptySubsequences: true).map(String.init).filter {
                let t = $0.trimmingCharacters(in: .whitespaces)
                return !t.hasPrefix("--") && !t.hasPrefix("—") && !$0.hasPrefix("\t") && !$0.hasPrefix("    ")
            }
            let joined = lines.joined(separator: " ")
            for raw in splitSentences(joined) {
                guard acceptable(raw) else { continue }
                let norm = tokenizer.normalize(raw)
                let text = norm.text.split(separator: " ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "'")) }
                    .filter { !$0.isEmpty }.joined(separator: " ")
                let words = text.split(separator: " ").count
                guard words >= minWords, words <= maxWords, !seen.contains(text) else { continue }
                seen.insert(text)
                out.append(Sentence(spoken: raw.replacingOccurrences(of: "\"", with: ""), text: text))
            }
        }
        return out
    }

    static func splitSentences(_ s: String) -> [String] {
        var out: [String] = [], cur = ""
        let chars = Array(s)
        for (i, c) in chars.enumerated() {
            cur.append(c)
            if ".!?".contains(c), i + 1 == chars.count || chars[i + 1] == " " || chars[i + 1] == "\"" {
                let t = cur.trimmingCharacters(in: .whitespaces)
                if !t.isEmpty { out.append(t) }
                cur = ""
            }
        }
        let t = cur.trimmingCharacters(in: .whitespaces)
        if !t.isEmpty { out.append(t) }
        return out
    }

    static let abbreviations: Set<String> = ["mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "etc", "prof", "co",
                                             "inc", "ltd", "gen", "gov", "sen", "rev", "col", "capt", "lt", "sgt",
                                             "no", "vol", "ed", "ch", "fig", "mt", "ft", "e", "i", "a", "p", "u", "s"]
    static let forbidden = CharacterSet(charactersIn: "0123456789@#$%^&*_=+<>/\\|{}[]~`()")

    /// True when an engine will read the sentence word for word.
    static func acceptable(_ s: String) -> Bool {
        if s.count > 220 || s.rangeOfCharacter(from: forbidden) != nil { return false }
        if s.unicodeScalars.contains(where: { !$0.isASCII && !"’‘“”—–éèêáàâóòôíìîúùûçñöüä".unicodeScalars.contains($0) }) { return false }
        let words = s.split(whereSeparator: { $0 == " " || $0 == "-" })
        for (i, w) in words.enumerated() {
            let letters = w.filter(\.isLetter)
            // Acronyms (two or more capitals, e.g. "IBM", "TV") are spelled out by engines.
            if letters.count >= 2 && letters.allSatisfy(\.isUppercase) { return false }
            // Abbreviations and initials: "Dr.", "J.", "e.g.".
            if w.hasSuffix(".") {
                let bare = w.dropLast().lowercased()
                if abbreviations.contains(bare) || bare.contains(".") || (bare.count == 1 && i < words.count - 1) { return false }
                if bare.count == 1 { return false }
            }
            // Mid-word capitals (McDonald, iPhone) and words with apostrophes in odd places read unpredictably.
            if letters.dropFirst().contains(where: \.isUppercase) { return false }
        }
        return true
    }
}
