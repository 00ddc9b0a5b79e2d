// The `lm` commands: load an ARPA n-gram model into the session and score sentences the way
// KenLM's `query` reports them (log10 total with <s> and </s>, OOV count).
import ArgumentParser
import Foundation
import LanguageModel

struct LM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lm",
        abstract: "Build, load and query ARPA word language models.",
        subcommands: [LMLoad.self, LMScore.self, LMBuild.self, LMPerplexity.self]
    )
}

/// Loads `path` into the session (reusing the loaded model if it is the same file) and returns it.
func loadLanguageModel(_ path: String, session: inout Session, quiet: Bool = false, unknownLog10: Float = -100) throws -> ARPAModel {
    if let current = session.ctc.languageModel, current.path == path { return current }
    let start = DispatchTime.now().uptimeNanoseconds
    let model: ARPAModel
    do {
        model = try ARPAModel(contentsOf: path, unknownLog10: unknownLog10, shouldStop: { Interrupt.isRequested })
    } catch let error as ARPAError where error.kind == .stopped {
        throw Interrupted()
    } catch let error as ARPAError {
        throw WorkbenchError(error.description)
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    session.ctc.languageModel = model
    if !quiet {
        Console.out(describe(model) + String(format: " in %.2f s", seconds))
    }
    return model
}

private func describe(_ m: ARPAModel) -> String {
    let counts = m.counts.enumerated().map { "\($0.offset + 1)-grams \($0.element)" }.joined(separator: ", ")
    let unk = m.fileHasUnknown ? "<unk> from the file" : "no <unk> in the file: OOV words score \(m.scoreLog10(word: m.unknownID, after: m.nullContext()).log10) (log10)"
    return "loaded \(m.path): order \(m.order), \(counts); \(unk)"
}

struct LMLoad: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Read an ARPA model (.arpa or .arpa.gz); words are case-insensitive."
    )

    @Argument(help: "The ARPA file.", completion: .file())
    var file: String

    @Option(help: "log10 probability of out-of-vocabulary words when the file has no <unk> (KenLM: -100). (default: -100.0)", transform: finite)
    var unkLog10: Float = -100

    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        var file: String
        var order: Int
        /// n-grams of each order, from unigrams up.
        var counts: [Int]
        var vocabulary: Int
        var fileHasUnk: Bool
        var elapsedSeconds: Double
    }

    mutating func run(session: inout Session) throws {
        session.ctc.languageModel = nil   // reload even if the same path: the file may have changed
        let start = DispatchTime.now().uptimeNanoseconds
        let m = try loadLanguageModel(file, session: &session, quiet: json, unknownLog10: unkLog10)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        if json {
            try printJSON(Reply(file: m.path, order: m.order, counts: m.counts, vocabulary: m.vocabularySize,
                                fileHasUnk: m.fileHasUnknown, elapsedSeconds: seconds))
        }
    }
}

struct LMScore: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score a sentence as KenLM's query does: log10 total with <s> and </s>, and the OOV count.",
        discussion: "Prints word=id n-gram-length log10 for each word, then 'Total: X OOV: N' (KenLM's query format)."
    )

    @Argument(help: "The words, e.g. \"the cat sat\".")
    var sentence: String

    @Option(help: "Use this ARPA file (loaded into the session) instead of the loaded model.", completion: .file())
    var lm: String?

    @Flag(help: "Score without <s> context and without </s>.")
    var noSentenceContext = false

    @Flag(help: "Print one JSON object.")
    var json = false

    /// Scores are float32, as the ARPA file stores them and KenLM adds them, so they print as the file wrote them
    /// (-0.4, not -0.4000000059604645).
    struct Reply: Encodable {
        struct Word: Encodable { var word: String; var id: Int; var ngramLength: Int; var log10: Float }
        var log10: Float
        var ln: Float
        var oov: Int
        var words: [Word]
    }

    mutating func run(session: inout Session) throws {
        let model = try lm.map { try loadLanguageModel($0, session: &session, quiet: json) } ?? session.ctc.requireLanguageModel()
        let s = model.scoreSentence(sentence, sentenceContext: !noSentenceContext)
        if json {
            try printJSON(Reply(log10: Float(s.log10), ln: Float(s.logProb), oov: s.oov, words: s.words.map { w in
                Reply.Word(word: w.word, id: Int(w.id), ngramLength: w.ngramLength, log10: Float(w.log10))
            }))
            return
        }
        Console.out(s.words.map { "\($0.word)=\($0.id) \($0.ngramLength) \(String(format: "%.6g", $0.log10))" }.joined(separator: "\t"))
        Console.out("Total: \(String(format: "%.6g", s.log10)) OOV: \(s.oov)")
    }
}
