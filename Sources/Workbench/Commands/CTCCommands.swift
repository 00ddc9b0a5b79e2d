// The CTC commands: `probs` (load, random, save, info), `text`, `forward`, `backward`, `align`,
// `viterbi`, `greedy` and `beam`. They read and write the session's `CTCState` and call the CTC
// module; everything numeric lives there.
import Analysis
import ArgumentParser
import Base
import CTC
import Foundation
import LanguageModel

// MARK: - probs

struct Probs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probs",
        abstract: "Set the T×K probability matrix the CTC commands work on.",
        subcommands: [ProbsLoad.self, ProbsRandom.self, ProbsSave.self, ProbsInfo.self, ProbsFrom.self]
    )
}

enum MatrixLayout: String, ExpressibleByArgument, CaseIterable {
    case tk, kt
}

struct ProbsLoad: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load a matrix written by np.savetxt (rows = frames, columns = classes).",
        discussion: """
            Probabilities or natural-log probabilities: any negative value means log-probabilities, unless \
            --log or --linear says so. Rows that do not sum to 1 within 1e-3 are reported (not changed).
            """
    )

    @Argument(help: "The text file.", completion: .file())
    var file: String

    @Option(help: "tk: rows are frames (default); kt: rows are classes (transposed).")
    var layout: MatrixLayout = .tk

    @Option(help: "The columns are this subword tokenizer's pieces and the blank (default: the 29 characters).", completion: .file())
    var tokenizer: String?

    @Flag(help: "The values are natural-log probabilities.")
    var log = false

    @Flag(help: "The values are probabilities.")
    var linear = false

    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        var file: String
        var frames: Int
        var classes: Int
        /// The values were read as natural-log probabilities.
        var logProbabilities: Bool
        var warnings: [String]
    }

    mutating func run(session: inout Session) throws {
        let (m, isLog) = try ProbabilityFile.load(file, layout: layout, log: log, linear: linear)
        let labelSet = try tokenizer.map { LabelSet.subwords(try loadTokenizer($0)) } ?? .characters
        if labelSet.kind != .characters && m.classes != labelSet.classCount {
            throw WorkbenchError("\(file) has \(m.classes) columns, but the tokenizer's label set has \(labelSet.classCount) classes (\(labelSet.summary))")
        }
        session.ctc.setMatrix(m, source: file, labelSet: labelSet)
        var warnings: [String] = []
        if labelSet.kind == .characters && m.classes != CTC.Tokenizer.classCount {
            warnings.append("note: the notebook's tokenizer has \(CTC.Tokenizer.classCount) classes (blank = \(CTC.Tokenizer.blank)); this matrix has \(m.classes)")
        }
        if let rows = rowSumWarning(m) { warnings.append(rows) }
        if json {
            try printJSON(Reply(file: file, frames: m.frames, classes: m.classes, logProbabilities: isLog, warnings: warnings))
            return
        }
        Console.out("loaded \(file): T=\(m.frames) frames × K=\(m.classes) classes, \(isLog ? "log-probabilities" : "probabilities")")
        for w in warnings { Console.out(w) }
    }
}

/// A T×K probability matrix from an np.savetxt file, read the same way by `probs load` and `plot grid`.
enum ProbabilityFile {
    /// `layout` .kt reads a file whose rows are classes. Without `log` or `linear`, any negative value means
    /// natural-log probabilities.
    static func load(_ path: String, layout: MatrixLayout, log: Bool = false, linear: Bool = false) throws -> (matrix: LogProbabilities, isLog: Bool) {
        guard !(log && linear) else { throw WorkbenchError("--log and --linear contradict each other") }
        var table = try SaveText.read(path)
        if layout == .kt { table = table.transposed() }
        let isLog = log || (!linear && table.values.contains { $0 < 0 })
        do {
            let m = isLog ? try LogProbabilities(frames: table.rows, classes: table.columns, logValues: table.values)
                          : try LogProbabilities(frames: table.rows, classes: table.columns, probabilities: table.values)
            return (m, isLog)
        } catch {
            throw WorkbenchError("\(path): \(error)")
        }
    }
}

/// The frames whose probabilities do not sum to 1 within 1e-3, as one warning (nil when every row does);
/// `source` names the matrix when several are read at once.
func rowSumWarning(_ m: LogProbabilities, source: String? = nil) -> String? {
    var bad: [(Int, Double)] = []
    for t in 0..<m.frames {
        var row = [Double](repeating: 0, count: m.classes)
        for k in 0..<m.classes { row[k] = m[t, k] }
        let sum = exp(logSumExp(row))
        if abs(sum - 1) > 1e-3 { bad.append((t, sum)) }
    }
    guard !bad.isEmpty else { return nil }
    let shown = bad.prefix(8).map { "frame \($0.0) sums to \(String(format: "%.6f", $0.1))" }.joined(separator: ", ")
    return "warning: \(source.map { $0 + ": " } ?? "")\(bad.count) of \(m.frames) rows do not sum to 1 within 1e-3: \(shown)\(bad.count > 8 ? ", ..." : "")"
}

struct ProbsRandom: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "random",
        abstract: "A reproducible random T×29 matrix (softmax of peaky-scaled Gaussian logits, SplitMix64).",
        discussion: "The same matrix as tools/golden_ctc.py's random_probabilities(T, 29, seed, peaky)."
    )

    @Argument(help: "Number of frames T.")
    var frames: Int

    @Option(help: "Random seed.")
    var seed: UInt64 = 0

    @Option(help: "Scale of the logits: larger values give spikier frames. (default: 1.0)", transform: finite)
    var peaky: Double = 1

    @Option(help: "One column per piece of this subword tokenizer, plus the blank (default: the 29 characters).", completion: .file())
    var tokenizer: String?

    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        var frames: Int
        var classes: Int
        var seed: UInt64
        var peaky: Double
        var source: String
    }

    mutating func run(session: inout Session) throws {
        guard frames >= 1, frames <= 1_000_000 else { throw WorkbenchError("T must be between 1 and 1000000, got \(frames)") }
        guard peaky.isFinite, peaky >= 0 else { throw WorkbenchError("--peaky must be a finite number ≥ 0, got \(peaky)") }
        let labelSet = try tokenizer.map { LabelSet.subwords(try loadTokenizer($0)) } ?? .characters
        let K = labelSet.classCount
        session.ctc.setMatrix(RandomProbabilities.logProbabilities(frames: frames, classes: K, seed: seed, peaky: peaky),
                              source: "random T=\(frames) seed \(seed) peaky \(peaky)", labelSet: labelSet)
        if json {
            try printJSON(Reply(frames: frames, classes: K, seed: seed, peaky: peaky, source: session.ctc.matrixSource))
            return
        }
        Console.out("random matrix: T=\(frames) frames × K=\(K) classes (seed \(seed), peaky \(peaky))")
    }
}

struct ProbsSave: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "save",
        abstract: "Write the matrix as np.savetxt does (%.18e), probabilities unless --log."
    )

    @Argument(help: "The text file to write.", completion: .file())
    var file: String

    @Option(help: "tk: rows are frames (default); kt: rows are classes.")
    var layout: MatrixLayout = .tk

    @Flag(help: "Write natural-log probabilities instead of probabilities.")
    var log = false

    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        var saved: String
        var frames: Int
        var classes: Int
        var layout: String
        var logProbabilities: Bool
    }

    mutating func run(session: inout Session) throws {
        let m = try session.ctc.requireAnyMatrix()
        let table = NumericTable(rows: m.frames, columns: m.classes, values: log ? m.values : m.probabilities)
        try SaveText.write(file, layout == .tk ? table : table.transposed())
        if json {
            try printJSON(Reply(saved: file, frames: m.frames, classes: m.classes, layout: layout.rawValue, logProbabilities: log))
            return
        }
        Console.out("wrote \(file): \(m.frames)×\(m.classes) \(log ? "log-probabilities" : "probabilities") (\(layout.rawValue))")
    }
}

struct ProbsInfo: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe the current matrix, transcript and language model."
    )

    @Flag(help: "Print one JSON object.")
    var json = false

    /// Null where the session has none yet.
    struct Reply: Encodable {
        var frames: Int?
        var classes: Int?
        var source: String?
        var text: String?
        var labels: [Int]?
        var languageModel: String?
        /// The frame `step` computes next.
        var nextFrame: Int
        /// The matrix's frame statistics as `blanks` computes them (null without a 29-class matrix): the fraction of
        /// frames whose arg-max is the blank, the mean blank probability, the mean of each frame's largest
        /// probability, the mean per-frame entropy in nats.
        var blankArgmaxRatio: Double?
        var meanBlankPosterior: Double?
        var peakiness: Double?
        var entropy: Double?
    }

    mutating func run(session: inout Session) throws {
        let c = session.ctc
        let m = c.matrix
        let stats = m.flatMap { $0.classes == CTC.Tokenizer.classCount && $0.frames > 0 ? FrameStatistics($0) : nil }
        if json {
            try printJSON(Reply(frames: m?.frames, classes: m?.classes, source: m == nil ? nil : c.matrixSource, text: c.text,
                                labels: c.labels, languageModel: c.languageModel?.path, nextFrame: c.stepper?.frame ?? 0,
                                blankArgmaxRatio: stats?.blankArgmaxRatio, meanBlankPosterior: stats?.meanBlankPosterior,
                                peakiness: stats?.peakiness, entropy: stats?.meanEntropy))
            return
        }
        Console.out(m.map { "matrix: T=\($0.frames) × K=\($0.classes) (\(c.matrixSource))" } ?? "matrix: none")
        if let stats {
            Console.out(String(format: "frames: blank arg-max %.1f %%, mean blank probability %.3f, peakiness %.3f, entropy %.3f nats",
                               100 * stats.blankArgmaxRatio, stats.meanBlankPosterior, stats.peakiness, stats.meanEntropy))
        }
        Console.out(c.text.map { "text: \"\($0)\" (\(c.labels?.count ?? 0) labels)" } ?? "text: none")
        Console.out(c.languageModel.map { "language model: \($0.path) (order \($0.order))" } ?? "language model: none")
        if let s = c.stepper { Console.out("step: next frame \(s.frame)") }
    }
}

// MARK: - text

struct TextCommand: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "text",
        abstract: "Set the transcript (' space a-z) whose trellis forward/backward/align/viterbi/step use."
    )

    @Argument(help: "The transcript, e.g. \"the cat\".")
    var text: String

    @Flag(help: "Lower-case and drop characters outside the alphabet first (reporting them).")
    var normalize = false

    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        struct Dropped: Encodable { var character: String; var position: Int }
        var text: String
        /// The transcript's class indices.
        var labels: [Int]
        var states: Int
        /// The fewest frames that can carry the transcript: one per label and one blank between equal neighbours.
        var requiredFrames: Int
        /// Whether the session's matrix has enough frames for the transcript; null without a matrix.
        var feasible: Bool?
        var explanation: String?
        /// Characters --normalize dropped.
        var dropped: [Dropped]
    }

    mutating func run(session: inout Session) throws {
        var t = text
        let tokenizer = CTC.Tokenizer()
        var dropped: [Reply.Dropped] = []
        if normalize {
            let n = tokenizer.normalize(text)
            dropped = n.dropped.map { Reply.Dropped(character: String($0.character), position: $0.position) }
            if !n.dropped.isEmpty && !json {
                Console.out("dropped: " + n.dropped.map { "'\($0.character)' at \($0.position)" }.joined(separator: ", "))
            }
            t = n.text
        }
        let labels: [Int]
        do {
            labels = try session.ctc.labelSet.encode(t)
        } catch {
            throw WorkbenchError("\(error)\(normalize ? "" : " (or pass --normalize)")")
        }
        guard !labels.contains(session.ctc.labelSet.blank) else {
            throw WorkbenchError("the text contains '_', the CTC blank, which cannot be a label")
        }
        session.ctc.labels = labels
        session.ctc.text = t
        session.ctc.stepper = nil
        let states = 2 * labels.count + 1
        let feasibility = session.ctc.matrix.map { CTCFeasibility(labels: labels, frames: $0.frames) }
        if json {
            try printJSON(Reply(text: t, labels: labels, states: states,
                                requiredFrames: CTCFeasibility(labels: labels, frames: 0).requiredFrames, feasible: feasibility?.isFeasible,
                                explanation: feasibility?.description, dropped: dropped))
            return
        }
        var line = "text \"\(t)\": \(labels.count) labels, \(states) trellis states"
        if let feasibility { line += "; " + feasibility.description }
        Console.out(line)
    }
}

// MARK: - forward / backward / align / viterbi

struct Forward: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "The forward (alpha) table and log p(text | matrix)."
    )

    @Flag(help: "Print one JSON object.")
    var json = false

    @Option(help: "Write the T×S alpha table (natural logs) as np.savetxt does.", completion: .file())
    var save: String?

    mutating func run(session: inout Session) throws {
        let trellis = try session.ctc.trellis(for: "forward", tables: 2)
        if let save {
            try SaveText.write(save, rows: trellis.frames, columns: trellis.stateCount, values: trellis.alpha)
        }
        try printLikelihood(trellis, table: "alpha", value: trellis.logLikelihood, json: json, saved: save)
    }
}

struct Backward: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "backward",
        abstract: "The backward (beta) table (excluding frame t's emission) and log p(text | matrix)."
    )

    @Flag(help: "Print one JSON object.")
    var json = false

    @Option(help: "Write the T×S beta table (natural logs) as np.savetxt does.", completion: .file())
    var save: String?

    mutating func run(session: inout Session) throws {
        let trellis = try session.ctc.trellis(for: "backward", tables: 2)
        if let save {
            try SaveText.write(save, rows: trellis.frames, columns: trellis.stateCount, values: trellis.beta)
        }
        try printLikelihood(trellis, table: "beta", value: trellis.backwardLogLikelihood, json: json, saved: save)
    }
}

/// `forward --json` and `backward --json`.
struct LikelihoodReply: Encodable {
    /// ln p(text | matrix); null when it is −∞ (see `feasible` and `explanation`).
    var logLikelihood: Double
    var negLogLikelihood: Double
    var frames: Int
    var states: Int
    var feasible: Bool
    var explanation: String
    var saved: String?
}

private func printLikelihood(_ trellis: CTCTrellis, table: String, value: Double, json: Bool, saved: String?) throws {
    if json {
        try printJSON(LikelihoodReply(logLikelihood: value, negLogLikelihood: -value, frames: trellis.frames, states: trellis.stateCount,
                                      feasible: trellis.feasibility.isFeasible && value > -.infinity,
                                      explanation: trellis.explanation, saved: saved))
        return
    }
    Console.out("log p(text | matrix) = \(fmt(value))   (-log p = \(fmt(-value)); \(table) table \(trellis.frames)×\(trellis.stateCount))")
    Console.out(trellis.explanation)
    if let saved { Console.out("wrote \(saved)") }
}

struct Align: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "align",
        abstract: "Soft alignment: the posterior of each trellis state at each frame.",
        discussion: "Shown as one row per state, one character per frame: ' ' < 0.05 ≤ '.' < 0.2 ≤ ':' < 0.4 ≤ '+' < 0.6 ≤ '*' < 0.8 ≤ '#'."
    )

    @Flag(help: "Print one JSON object (with the T×S posteriors).")
    var json = false

    struct Reply: Encodable {
        var logLikelihood: Double
        var frames: Int
        var states: Int
        /// The symbol of each state: `_`, `c`, `_`, `a`, ... (`␣` for the space).
        var stateSymbols: [String]
        /// T rows of S posteriors.
        var posteriors: [[Double]]
        var saved: String?
    }

    @Option(help: "Write the T×S posterior table as np.savetxt does.", completion: .file())
    var save: String?

    @Option(help: ArgumentHelp("Width of the chart in characters: consecutive frames share a column (showing their largest posterior) to fit; 0 shows every frame (through $PAGER on a terminal). Default: the terminal's width, or every frame when the output is not a terminal."))
    var columns: Int?

    func validate() throws {
        if let columns, columns != 0 && columns <= AlignmentChart.margin {
            throw ValidationError("--columns must be 0 (every frame) or more than \(AlignmentChart.margin) (got \(columns))")
        }
    }

    mutating func run(session: inout Session) throws {
        let trellis = try session.ctc.trellis(for: "align", tables: 3)
        let soft = trellis.softAlignment(shouldStop: { Interrupt.isRequested })
        try Interrupt.check()
        let S = soft.states.count, T = soft.frames
        if let save { try SaveText.write(save, rows: T, columns: S, values: soft.posteriors) }
        if json {
            try printJSON(Reply(logLikelihood: trellis.logLikelihood, frames: T, states: S, stateSymbols: soft.states.map { symbolName($0, in: session.ctc.labelSet) },
                                posteriors: (0..<T).map { t in Array(soft.posteriors[(t * S)..<((t + 1) * S)]) }, saved: save))
            return
        }
        guard trellis.logLikelihood > -.infinity else {
            Console.out("no alignment: \(trellis.explanation)")
            return
        }
        let width = columns.map { $0 == 0 ? nil : $0 } ?? Terminal.columns()
        let k = AlignmentChart.framesPerColumn(frames: T, width: width)
        let perColumn = k > 1 ? "; one column = \(k) frames, their largest posterior (--columns 0 shows every frame)" : ""
        Console.out("soft alignment, \(S) states × \(T) frames (log p = \(fmt(trellis.logLikelihood))\(perColumn))")
        Console.outWide(AlignmentChart.rows(posteriors: soft.posteriors, frames: T, states: soft.states.map { symbolName($0, in: session.ctc.labelSet) }, width: width))
        if let save { Console.out("wrote \(save)") }
    }
}

struct ViterbiCommand: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "viterbi",
        abstract: "The single best alignment: each character's start and end frame and confidence."
    )

    @Flag(help: "Print one JSON object.")
    var json = false

    @Option(help: "Write the path as a T×3 table (frame, state, class) as np.savetxt does.", completion: .file())
    var save: String?

    struct Reply: Encodable {
        struct Segment: Encodable {
            /// The character (a space is " ").
            var symbol: String
            /// Its position in the transcript.
            var labelIndex: Int
            var startFrame: Int
            var endFrame: Int
            var confidence: Double
        }
        var logLikelihood: Double
        /// ln of the best single path; null when no path fits.
        var pathLogProbability: Double?
        var segments: [Segment]
        /// The class of each frame on the best path.
        var framePath: [Int]
        var explanation: String
        var saved: String?
    }

    mutating func run(session: inout Session) throws {
        let trellis = try session.ctc.trellis(for: "viterbi", tables: 3.5)
        guard let path = trellis.viterbi(shouldStop: { Interrupt.isRequested }) else {
            try Interrupt.check()
            if json {
                try printJSON(Reply(logLikelihood: trellis.logLikelihood, pathLogProbability: nil, segments: [], framePath: [],
                                    explanation: trellis.explanation, saved: nil))
                return
            }
            throw WorkbenchError("no alignment: \(trellis.explanation)")
        }
        if let save {
            var table: [Double] = []
            for t in 0..<trellis.frames { table += [Double(t), Double(path.statePath[t]), Double(path.framePath[t])] }
            try SaveText.write(save, rows: trellis.frames, columns: 3, values: table)
        }
        if json {
            try printJSON(Reply(logLikelihood: trellis.logLikelihood, pathLogProbability: path.logProbability,
                                segments: path.symbols.map { s in
                                    Reply.Segment(symbol: session.ctc.labelSet.symbol(s.symbol), labelIndex: s.labelIndex,
                                                  startFrame: s.startFrame, endFrame: s.endFrame, confidence: s.confidence)
                                },
                                framePath: path.framePath, explanation: trellis.explanation, saved: save))
            return
        }
        Console.out("best path: log p = \(fmt(path.logProbability)) (all paths: \(fmt(trellis.logLikelihood)))")
        Console.out(pad("char", 6) + pad("start", 7) + pad("end", 7) + "confidence")
        for s in path.symbols {
            Console.out(pad("'\(symbolName(s.symbol, in: session.ctc.labelSet))'", 6) + pad(String(s.startFrame), 7) + pad(String(s.endFrame), 7)
                        + String(format: "%.4f", s.confidence))
        }
        Console.outWide(["frames: " + path.framePath.map { symbolName($0, in: session.ctc.labelSet) }.joined(separator: session.ctc.labelSet.kind == .characters ? "" : " ")])
        if let save { Console.out("wrote \(save)") }
    }
}

// MARK: - greedy / beam

struct Greedy: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "greedy",
        abstract: "Best-path decoding: argmax per frame, collapse repeats, drop blanks."
    )

    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        var text: String
        /// ln p of the best path (the argmax of every frame).
        var pathLogProbability: Double
        /// The class of each frame on it.
        var bestPath: [Int]
    }

    mutating func run(session: inout Session) throws {
        let m = try session.ctc.requireMatrix()
        let best = GreedyDecoder.bestPath(m)
        let labelSet = session.ctc.labelSet
        let collapsed = GreedyDecoder.collapse(best, blank: labelSet.blank)
        let text: String
        do { text = try labelSet.decode(collapsed) } catch { throw WorkbenchError("\(error)") }
        var score = 0.0
        for (t, k) in best.enumerated() { score += m[t, k] }
        if json {
            try printJSON(Reply(text: text, pathLogProbability: score, bestPath: best))
            return
        }
        Console.out("\"\(text)\"   (best path log p = \(fmt(score)))")
    }
}

struct Beam: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "beam",
        abstract: "The notebook's prefix beam search, optionally with an ARPA word language model.",
        discussion: """
            Uses the model of --lm, else the one 'lm load' loaded (unless --no-lm). The score is \
            ln(P_blank + P_non-blank) of the best prefix plus the LM terms: with --fusion shallow (the default) \
            α·ln P(word | history) + β for each word, the OOV penalty per unknown word and α·ln P(</s>) \
            (lm_score in --json is their sum); with --fusion notebook α·ln P(word) + β·ln(length) at each space \
            (the notebook's decode returns its negative). docs/decoding.md.
            """
    )

    @Option(name: [.customLong("size"), .customLong("beam")], help: ArgumentHelp(beamSizeHelp))
    var size: Int?

    @Option(help: "Skip symbols whose probability in a frame is below this (0 = no pruning). (default: 0.001)", transform: finite)
    var prune: Double = 1e-3

    @Option(help: "An ARPA model (.arpa or .arpa.gz) to load and use.", completion: .file())
    var lm: String?

    @OptionGroup var fusion: FusionOptions

    @Flag(help: "Ignore the session's language model.")
    var noLm = false

    @Flag(help: "Notebook fusion: score the first word after <s> (the notebook scores it without context; shallow fusion always does).")
    var sentenceBegin = false

    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        struct Beam: Encodable { var text: String; var score: Double; var lmScore: Double? }
        var text: String
        /// ln(P_blank + P_non-blank) of the best prefix with the LM terms.
        var score: Double
        /// Shallow fusion's LM terms in `score` (null without an LM or with notebook fusion).
        var lmScore: Double?
        var beams: [Beam]
        var languageModel: String?
        /// shallow or notebook (null without an LM); the α, β, OOV penalty and beam size used.
        var fusion: String?
        var alpha: Double
        var beta: Double
        var unkScore: Double?
        var beamSize: Int
        var elapsedSeconds: Double
    }

    mutating func run(session: inout Session) throws {
        let m = try session.ctc.requireMatrix()
        var model: ARPAModel? = nil
        if let lm {
            model = try loadLanguageModel(lm, session: &session, quiet: json)
        } else if !noLm {
            model = session.ctc.languageModel
        }
        // With subwords the word LM scores a word when the next ▁-piece (or the end) completes it.
        let labelSet = session.ctc.labelSet
        var options = fusion.options(beamSize: size, prune: prune, hasLM: model != nil)
        options.lmStartsWithSentenceBegin = sentenceBegin
        let size = options.beamSize
        if size <= BeamSearchOptions.maxBeamSize {    // a size beyond the bound gets decode's own message
            try MemoryLimit.current().check(PrefixBeamSearch.worstCaseBytes(frames: m.frames, classes: m.classes, beamSize: size),
                                            for: "a beam of \(size) over T = \(m.frames) frames (at worst)",
                                            advice: "use a smaller --size or a shorter matrix")
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let result: BeamSearchResult
        do {
            result = try PrefixBeamSearch.decode(m, options: options, languageModel: model, labels: labelSet, shouldStop: { Interrupt.isRequested })
        } catch CTCError.stopped {
            throw Interrupted()
        } catch {
            throw WorkbenchError("\(error)")
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        func text(_ h: BeamHypothesis) throws -> String {
            do { return try labelSet.decode(h.indices) } catch { throw WorkbenchError("\(error)") }
        }
        let best = try text(result.best)
        if json {
            try printJSON(Reply(text: best, score: result.best.logProbability, lmScore: result.best.lmScore,
                                beams: try result.beams.map { Reply.Beam(text: try text($0), score: $0.logProbability, lmScore: $0.lmScore) },
                                languageModel: model?.path, fusion: model == nil ? nil : options.fusion.rawValue,
                                alpha: options.alpha, beta: options.beta,
                                unkScore: model != nil && options.fusion == .shallow ? options.unkScore : nil,
                                beamSize: size, elapsedSeconds: seconds))
            return
        }
        Console.out("\"\(best)\"   (score \(fmt(result.best.logProbability)); beam \(size), prune \(prune)"
                    + (model.map { ", LM \(($0.path as NSString).lastPathComponent), \(fusion.describe(options))" } ?? ", no LM")
                    + String(format: "; %.1f ms)", seconds * 1000))
    }
}
