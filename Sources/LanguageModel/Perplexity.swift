// Perplexity: a text scored by an ARPA model line by line, summarised as KenLM's `query` summarises it
// (lm/ngram_query.hh): every line is a sentence with <s> context and a final </s>; </s> counts as a word;
// OOV tokens (scored as <unk>) are counted apart, and a second perplexity leaves them and their scores out.
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

public struct TextPerplexity: Sendable, Equatable {
    /// Σ log10 P over every token and every </s>.
    public var log10Prob: Double
    /// Tokens plus one </s> per sentence.
    public var words: Int
    public var sentences: Int
    public var oov: Int
    /// The log10 scores of the OOV tokens alone.
    public var oovLog10Prob: Double

    /// 10^(−log10Prob / words).
    public var perplexity: Double { pow(10, -log10Prob / Double(words)) }
    /// 10^(−(log10Prob − oovLog10Prob) / (words − oov)).
    public var perplexityExcludingOOV: Double { pow(10, -(log10Prob - oovLog10Prob) / Double(words - oov)) }
}

/// Scores every line of the text at `path` (plain or .gz).
public func perplexity(of model: ARPAModel, onTextAt path: String, shouldStop: () -> Bool = { false }) throws -> TextPerplexity {
    guard var reader = LineReader(path: path) else {
        throw KneserNeyError(.cannotOpen, file: path, "cannot open the text: \(String(cString: strerror(errno)))")
    }
    var result = TextPerplexity(log10Prob: 0, words: 0, sentences: 0, oov: 0, oovLog10Prob: 0)
    do {
        while try reader.next({ line, number in
            if shouldStop() { throw KneserNeyError(.stopped, file: path, line: number, "stopped") }
            let s = model.scoreSentence(String(decoding: line, as: UTF8.self))
            result.log10Prob += s.log10
            result.words += s.words.count
            result.sentences += 1
            result.oov += s.oov
            for w in s.words.dropLast() where w.id == model.unknownID { result.oovLog10Prob += w.log10 }
        }) {}
    } catch let e as LineReaderError {
        throw KneserNeyError(.readError, file: path, line: reader.lineNumber, e.message)
    }
    return result
}
