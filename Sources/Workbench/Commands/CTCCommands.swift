// The CTC commands: `probs` (load, random, save, info), `text`, `forward`, `backward`, `align`,
// `viterbi`, `greedy` and `beam`. They read and write the session's `CTCState` and call the CTC
// module; everything numeric lives there.
import ArgumentParser
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

    @Flag(help: "The values are natural-log probabilities.")
    var log = false

    @Flag(help: "The values are probabilities.")
    var linear = false

    mutating func run(session: inout Session) throws {
        guard !(log && linear) else { throw WorkbenchError("--log and --linear contradict each other") }
        let table = try MatrixText.read(file)
        var (T, K, values) = (table.rows, table.columns, table.values)
        if layout == .kt {
            var transposed = [Double](repeating: 0, count: values.count)
            for k in 0..<table.rows { for t in 0..<table.columns { transposed[t * table.rows + k] = values[k * table.columns + t] } }
            (T, K, values) = (table.columns, table.rows, transposed)
        }
        let isLog = log || (!linear && values.contains { $0 < 0 })
        let m: LogProbabilities
        do {
            m = isLog ? try LogProbabilities(frames: T, classes: K, logValues: values)
                      : try LogProbabilities(frames: T, classes: K, probabilities: values)
        } catch {
            throw WorkbenchError("\(file): \(error)")
        }
        session.ctc.matrix = m
        session.ctc.matrixSource = file
        session.ctc.stepper = nil
        Console.out("loaded \(file): T=\(T) frames × K=\(K) classes, \(isLog ? "log-probabilities" : "probabilities")")
        if K != CTC.Tokenizer.classCount {
            Console.out("note: the notebook's tokenizer has \(CTC.Tokenizer.classCount) classes (blank = \(CTC.Tokenizer.blank)); this matrix has \(K)")
        }
        reportRowSums(m)
    }
}

/// Prints the frames whose probabilities do not sum to 1 within 1e-3.
func reportRowSums(_ m: LogProbabilities) {
    var bad: [(Int, Double)] = []
    for t in 0..<m.frames {
        var row = [Double](repeating: 0, count: m.classes)
        for k in 0..<m.classes { row[k] = m[t, k] }
        let sum = exp(logSumExp(row))
        if abs(sum - 1) > 1e-3 { bad.append((t, sum)) }
    }
    guard !bad.isEmpty else { return }
    let shown = bad.prefix(8).map { "frame \($0.0) sums to \(String(format: "%.6f", $0.1))" }.joined(separator: ", ")
    Console.out("warning: \(bad.count) of \(m.frames) rows do not sum to 1 within 1e-3: \(shown)\(bad.count > 8 ? ", ..." : "")")
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

    mutating func run(session: inout Session) throws {
        guard frames >= 1, frames <= 1_000_000 else { throw WorkbenchError("T must be between 1 and 1000000, got \(frames)") }
        guard peaky.isFinite, peaky >= 0 else { throw WorkbenchError("--peaky must be a finite number ≥ 0, got \(peaky)") }
        session.ctc.matrix = RandomProbabilities.logProbabilities(frames: frames, seed: seed, peaky: peaky)
        session.ctc.matrixSource = "random T=\(frames) seed \(seed) peaky \(peaky)"
        session.ctc.stepper = nil
        Console.out("random matrix: T=\(frames) frames × K=\(CTC.Tokenizer.classCount) classes (seed \(seed), peaky \(peaky))")
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

    mutating func run(session: inout Session) throws {
        let m = try session.ctc.requireAnyMatrix()
        let values = log ? m.values : m.probabilities
        if layout == .tk {
            try MatrixText.write(file, rows: m.frames, columns: m.classes, values: values)
        } else {
            var t = [Double](repeating: 0, count: values.count)
            for f in 0..<m.frames { for k in 0..<m.classes { t[k * m.frames + f] = values[f * m.classes + k] } }
            try MatrixText.write(file, rows: m.classes, columns: m.frames, values: t)
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

    mutating func run(session: inout Session) throws {
        let c = session.ctc
        let m = c.matrix
        if json {
            Console.out(JSON.object([
                ("frames", m.map { .int($0.frames) } ?? .null), ("classes", m.map { .int($0.classes) } ?? .null),
                ("source", .string(c.matrixSource)), ("text", c.text.map { .string($0) } ?? .null),
                ("language_model", c.languageModel.map { .string($0.path) } ?? .null),
                ("step_frame", .int(c.stepper?.frame ?? 0)),
            ]).text)
            return
        }
        Console.out(m.map { "matrix: T=\($0.frames) × K=\($0.classes) (\(c.matrixSource))" } ?? "matrix: none")
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

    mutating func run(session: inout Session) throws {
        var t = text
        let tokenizer = CTC.Tokenizer()
        if normalize {
            let n = tokenizer.normalize(text)
            if !n.dropped.isEmpty {
                Console.out("dropped: " + n.dropped.map { "'\($0.character)' at \($0.position)" }.joined(separator: ", "))
            }
            t = n.text
        }
        let labels: [Int]
        do {
            labels = try tokenizer.indices(t)
        } catch {
            throw WorkbenchError("\(error)\(normalize ? "" : " (or pass --normalize)")")
        }
        guard !labels.contains(CTC.Tokenizer.blank) else {
            throw WorkbenchError("the text contains '_', the CTC blank, which cannot be a label")
        }
        session.ctc.labels = labels
        session.ctc.text = t
        session.ctc.stepper = nil
        let states = 2 * labels.count + 1
        var line = "text \"\(t)\": \(labels.count) labels, \(states) trellis states"
        if let m = session.ctc.matrix {
            line += "; " + CTCFeasibility(labels: labels, frames: m.frames).description
        }
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
            try MatrixText.write(save, rows: trellis.frames, columns: trellis.stateCount, values: trellis.alpha)
        }
        printLikelihood(trellis, table: "alpha", value: trellis.logLikelihood, json: json, saved: save)
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
            try MatrixText.write(save, rows: trellis.frames, columns: trellis.stateCount, values: trellis.beta)
        }
        printLikelihood(trellis, table: "beta", value: trellis.backwardLogLikelihood, json: json, saved: save)
    }
}

private func printLikelihood(_ trellis: CTCTrellis, table: String, value: Double, json: Bool, saved: String?) {
    if json {
        Console.out(JSON.object([
            ("log_likelihood", .number(value)),
            ("neg_log_likelihood", .number(-value)),
            ("frames", .int(trellis.frames)),
            ("states", .int(trellis.stateCount)),
            ("feasible", .bool(trellis.feasibility.isFeasible && value > -.infinity)),
            ("explanation", .string(trellis.explanation)),
            ("saved", saved.map { .string($0) } ?? .null),
        ]).text)
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

    @Option(help: "Write the T×S posterior table as np.savetxt does.", completion: .file())
    var save: String?

    mutating func run(session: inout Session) throws {
        let trellis = try session.ctc.trellis(for: "align", tables: 3)
        let soft = trellis.softAlignment(shouldStop: { Interrupt.isRequested })
        try Interrupt.check()
        let S = soft.states.count, T = soft.frames
        if let save { try MatrixText.write(save, rows: T, columns: S, values: soft.posteriors) }
        if json {
            let rows: [JSON] = (0..<T).map { t in JSON.numbers(Array(soft.posteriors[(t * S)..<((t + 1) * S)])) }
            Console.out(JSON.object([
                ("log_likelihood", .number(trellis.logLikelihood)),
                ("frames", .int(T)),
                ("states", .array(soft.states.map { .string(symbolName($0)) })),
                ("posteriors", .array(rows)),
                ("saved", save.map { .string($0) } ?? .null),
            ]).text)
            return
        }
        guard trellis.logLikelihood > -.infinity else {
            Console.out("no alignment: \(trellis.explanation)")
            return
        }
        Console.out("soft alignment, \(S) states × \(T) frames (log p = \(fmt(trellis.logLikelihood)))")
        let shades: [(Double, Character)] = [(0.8, "#"), (0.6, "*"), (0.4, "+"), (0.2, ":"), (0.05, ".")]
        for s in 0..<S {
            var row = ""
            for t in 0..<T {
                let p = soft.posterior(frame: t, state: s)
                row.append(shades.first { p >= $0.0 }?.1 ?? " ")
            }
            Console.out(pad(String(s), 4) + pad(symbolName(soft.states[s]), 3) + "|" + row + "|")
        }
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

    mutating func run(session: inout Session) throws {
        let trellis = try session.ctc.trellis(for: "viterbi", tables: 3.5)
        guard let path = trellis.viterbi(shouldStop: { Interrupt.isRequested }) else {
            try Interrupt.check()
            if json {
                Console.out(JSON.object([("log_likelihood", .number(trellis.logLikelihood)), ("path_log_probability", .null),
                                         ("segments", .array([])), ("explanation", .string(trellis.explanation))]).text)
                return
            }
            throw WorkbenchError("no alignment: \(trellis.explanation)")
        }
        if let save {
            var table: [Double] = []
            for t in 0..<trellis.frames { table += [Double(t), Double(path.statePath[t]), Double(path.framePath[t])] }
            try MatrixText.write(save, rows: trellis.frames, columns: 3, values: table)
        }
        if json {
            Console.out(JSON.object([
                ("log_likelihood", .number(trellis.logLikelihood)),
                ("path_log_probability", .number(path.logProbability)),
                ("segments", .array(path.symbols.map { s in
                    .object([("char", .string(String(CTC.Tokenizer.symbols[s.symbol]))), ("label_index", .int(s.labelIndex)),
                             ("start", .int(s.startFrame)), ("end", .int(s.endFrame)), ("confidence", .number(s.confidence))])
                })),
                ("frame_path", .array(path.framePath.map { .int($0) })),
                ("saved", save.map { .string($0) } ?? .null),
            ]).text)
            return
        }
        Console.out("best path: log p = \(fmt(path.logProbability)) (all paths: \(fmt(trellis.logLikelihood)))")
        Console.out(pad("char", 6) + pad("start", 7) + pad("end", 7) + "confidence")
        for s in path.symbols {
            Console.out(pad("'\(symbolName(s.symbol))'", 6) + pad(String(s.startFrame), 7) + pad(String(s.endFrame), 7)
                        + String(format: "%.4f", s.confidence))
        }
        Console.out("frames: " + path.framePath.map(symbolName).joined())
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

    mutating func run(session: inout Session) throws {
        let m = try session.ctc.requireMatrix()
        let best = GreedyDecoder.bestPath(m)
        let collapsed = GreedyDecoder.collapse(best)
        let text: String
        do { text = try CTC.Tokenizer().text(collapsed) } catch { throw WorkbenchError("\(error)") }
        var score = 0.0
        for (t, k) in best.enumerated() { score += m[t, k] }
        if json {
            Console.out(JSON.object([("text", .string(text)), ("score", .number(score)),
                                     ("best_path", .array(best.map { .int($0) }))]).text)
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
            ln(P_blank + P_non-blank) of the best prefix including the LM terms α·ln P(word) + β·ln(length) \
            (the notebook's decode returns its negative).
            """
    )

    @Option(help: "Beam size (1 to \(BeamSearchOptions.maxBeamSize)).")
    var size: Int = 5

    @Option(help: "Skip symbols whose probability in a frame is below this (0 = no pruning). (default: 0.001)", transform: finite)
    var prune: Double = 1e-3

    @Option(help: "An ARPA model (.arpa or .arpa.gz) to load and use.", completion: .file())
    var lm: String?

    @Option(help: "LM weight α. (default: 0.1)", transform: finite)
    var alpha: Double = 0.1

    @Option(help: "Length bonus β. (default: 0.1)", transform: finite)
    var beta: Double = 0.1

    @Flag(help: "Ignore the session's language model.")
    var noLm = false

    @Flag(help: "Score the first word after <s> (the notebook scores it without context).")
    var sentenceBegin = false

    @Flag(help: "Print one JSON object.")
    var json = false

    mutating func run(session: inout Session) throws {
        let m = try session.ctc.requireMatrix()
        var model: ARPAModel? = nil
        if let lm {
            model = try loadLanguageModel(lm, session: &session, quiet: json)
        } else if !noLm {
            model = session.ctc.languageModel
        }
        if size <= BeamSearchOptions.maxBeamSize {    // a size beyond the bound gets decode's own message
            try MemoryLimit.current().check(PrefixBeamSearch.worstCaseBytes(frames: m.frames, classes: m.classes, beamSize: size),
                                            for: "a beam of \(size) over T = \(m.frames) frames (at worst)",
                                            advice: "use a smaller --size or a shorter matrix")
        }
        var options = BeamSearchOptions(beamSize: size, prune: prune, alpha: alpha, beta: beta)
        options.lmStartsWithSentenceBegin = sentenceBegin
        let start = DispatchTime.now().uptimeNanoseconds
        let result: BeamSearchResult
        do {
            result = try PrefixBeamSearch.decode(m, options: options, languageModel: model, shouldStop: { Interrupt.isRequested })
        } catch CTCError.stopped {
            throw Interrupted()
        } catch {
            throw WorkbenchError("\(error)")
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        func text(_ h: BeamHypothesis) throws -> String {
            do { return try h.text() } catch { throw WorkbenchError("\(error)") }
        }
        let best = try text(result.best)
        if json {
            Console.out(JSON.object([
                ("text", .string(best)),
                ("score", .number(result.best.logProbability)),
                ("beams", .array(try result.beams.map { .object([("text", .string(try text($0))), ("score", .number($0.logProbability))]) })),
                ("language_model", model.map { .string($0.path) } ?? .null),
                ("seconds", .number(seconds)),
            ]).text)
            return
        }
        Console.out("\"\(best)\"   (score \(fmt(result.best.logProbability)); beam \(size), prune \(prune)"
                    + (model.map { ", LM \(($0.path as NSString).lastPathComponent) α=\(alpha) β=\(beta)" } ?? ", no LM")
                    + String(format: "; %.1f ms)", seconds * 1000))
    }
}
