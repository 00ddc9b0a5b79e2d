// `lm build` (estimate a modified Kneser–Ney ARPA model from text, as KenLM's lmplz) and `lm perplexity`
// (score a text with an ARPA model, as KenLM's query summarises it). The estimation lives in LanguageModel's
// `buildKneserNey`; these commands parse options, time it and report.
import ArgumentParser
import Foundation
import LanguageModel

struct LMBuild: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Estimate an interpolated modified Kneser–Ney n-gram model from text and write it as ARPA (as KenLM's lmplz).",
        discussion: """
        One sentence per line; words are split on whitespace and lower-cased (the ARPA reader is case-insensitive). \
        Three discounts per order from the count-of-counts, <s>/</s>/<unk> as lmplz writes them. Counts that do not fit \
        in --memory are sorted on disk in a temporary folder under --temp-dir.
        """
    )

    @Argument(help: "Text files (plain or .gz), one sentence per line.", completion: .file())
    var texts: [String]

    @Option(help: "The n-gram order, 1 to 8.")
    var order: Int = 3

    @Option(help: "The ARPA file to write (.arpa, or .arpa.gz to compress).", completion: .file())
    var out: String

    @Option(parsing: .upToNextOption,
            help: "Count thresholds per order, as lmplz's --prune: n-grams seen at most T times are dropped; the first (unigram) value must be 0, values must not decrease, the last applies to higher orders, e.g. --prune 0 0 1. (default: no pruning)")
    var prune: [UInt64] = []

    @Option(help: "Keep only the K most frequent words (ties by spelling); n-grams holding any other word are pruned, as lmplz's --limit_vocab_file with those words. (default: all words)")
    var vocabLimit: Int?

    @Option(help: "Memory for n-gram records before sorting moves to disk: bytes or K, M, G (e.g. 500M).")
    var memory: String = "1G"

    @Option(help: "Folder for the disk sort's temporary files. (default: $TMPDIR or /tmp)", completion: .directory)
    var tempDir: String?

    @Option(parsing: .upToNextOption,
            help: "Discounts D1 D2 D3+ for an order whose closed-form estimate fails (tiny or artificial text), as lmplz's --discount_fallback. (default: fail with an explanation)")
    var discountFallback: [Float] = []

    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        var out: String
        var order: Int
        var tokens: Int
        var sentences: Int
        var types: Int
        var counts: [Int]
        var countsWritten: [Int]
        var countOfCounts: [[Int]]
        var discounts: [Discounts]
        var spilledRuns: Int
        var elapsedSeconds: Double
    }

    mutating func run(session: inout Session) throws {
        guard let bytes = MemoryLimit.parse(memory), bytes >= 1024, bytes < 1e15 else {
            throw WorkbenchError("--memory \(memory) is not a size of at least 1K: write bytes or a number with K, M, G (e.g. 500M)")
        }
        var options = KneserNeyOptions(order: order)
        options.pruneThresholds = prune
        options.vocabularyLimit = vocabLimit
        options.memoryBytes = Int(bytes)
        options.discountFallback = discountFallback.isEmpty ? nil : discountFallback
        options.temporaryFolder = tempDir ?? ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        let start = DispatchTime.now().uptimeNanoseconds
        let report: KneserNeyReport
        do {
            report = try buildKneserNey(texts: texts, options: options, output: out, shouldStop: { Interrupt.isRequested })
        } catch let e as KneserNeyError where e.kind == .stopped {
            throw Interrupted()
        } catch let e as KneserNeyError {
            throw WorkbenchError(e.description)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        if json {
            try printJSON(Reply(out: out, order: report.order, tokens: report.tokens, sentences: report.sentences,
                                types: report.types, counts: report.counts, countsWritten: report.countsWritten,
                                countOfCounts: report.countOfCounts, discounts: report.discounts,
                                spilledRuns: report.spilledRuns, elapsedSeconds: seconds))
            return
        }
        Console.out("read \(report.tokens) tokens in \(report.sentences) sentences, \(report.types) types")
        for k in 0..<report.order {
            let d = report.discounts[k]
            Console.out("\(k + 1)-grams: \(report.counts[k]) counted, \(report.countsWritten[k]) written; "
                        + "n1..n4 \(report.countOfCounts[k].map(String.init).joined(separator: " ")); "
                        + "D1 \(d.d1) D2 \(d.d2) D3+ \(d.d3)")
        }
        let disk = report.spilledRuns > 0 ? ", \(report.spilledRuns) sorted runs on disk" : ""
        Console.out("wrote \(out) in \(String(format: "%.2f", seconds)) s\(disk)")
    }
}

struct LMPerplexity: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "perplexity",
        abstract: "Perplexity of an ARPA model on a text, as KenLM's query reports it (</s> counted as a word, OOVs counted apart).",
        discussion: "Each line is a sentence scored with <s> context and a final </s>. perplexity = 10^(-log10_prob / words), "
            + "words counting every token and each </s>; perplexity_excluding_oov leaves the OOV tokens and their scores out."
    )

    @Argument(help: "The ARPA file (.arpa or .arpa.gz).", completion: .file())
    var model: String

    @Argument(help: "The text (plain or .gz), one sentence per line.", completion: .file())
    var text: String

    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        var perplexity: Double
        var perplexityExcludingOov: Double
        var log10Prob: Double
        var words: Int
        var sentences: Int
        var oov: Int
    }

    mutating func run(session: inout Session) throws {
        let m = try loadLanguageModel(model, session: &session, quiet: true)
        let result: TextPerplexity
        do {
            result = try perplexity(of: m, onTextAt: text, shouldStop: { Interrupt.isRequested })
        } catch let e as KneserNeyError where e.kind == .stopped {
            throw Interrupted()
        } catch let e as KneserNeyError {
            throw WorkbenchError(e.description)
        }
        if json {
            try printJSON(Reply(perplexity: result.perplexity, perplexityExcludingOov: result.perplexityExcludingOOV,
                                log10Prob: result.log10Prob, words: result.words, sentences: result.sentences, oov: result.oov))
            return
        }
        Console.out("Perplexity including OOVs:\t\(result.perplexity)")
        Console.out("Perplexity excluding OOVs:\t\(result.perplexityExcludingOOV)")
        Console.out("OOVs:\t\(result.oov)")
        Console.out("Tokens:\t\(result.words)")
        Console.out("Sentences:\t\(result.sentences)")
        Console.out("log10 probability:\t\(result.log10Prob)")
    }
}
