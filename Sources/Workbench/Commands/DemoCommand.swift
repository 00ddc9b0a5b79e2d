// The guided demo (`trellis demo`, run by `make demo`): a narrated walk through a CTC trellis on
// built-in data, no download. The demo is a list of small steps (`DemoStep`) sharing a
// `DemoContext`; to extend it, write a step function and append it to `Demo.steps`. Ctrl-C
// stops the demo between steps (and long steps should poll `Interrupt.isRequested`).
import ArgumentParser
import Base
import CTC
import Foundation

struct Demo: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "A guided CTC demo on built-in data (no download): trellis, decoders, alignment, figures."
    )

    @Option(help: "Folder for the figures and reports.")
    var out: String = "out/demo"

    @Option(help: "Seed of the made-up network output.")
    var seed: UInt64 = 7

    @Option(help: "The transcript the made-up network output spells (letters, space, apostrophe).")
    var text: String = "hello world"

    @Flag(help: "Print one JSON object (the files written); the narration goes to standard error.")
    var json = false

    struct Reply: Encodable {
        var out: String
        /// Steps run (fewer than `steps_total` when Ctrl-C stopped the demo).
        var stepsRun: Int
        var stepsTotal: Int
        var files: [String]
    }

    /// The demo, in order. Append new steps here.
    static let steps: [DemoStep] = [
        DemoStep(title: "The alphabet", run: DemoSteps.alphabet),
        DemoStep(title: "A made-up network output", run: DemoSteps.peakyMatrix),
        DemoStep(title: "The trellis: forward and backward", run: DemoSteps.trellis),
        DemoStep(title: "Decoding without the transcript", run: DemoSteps.decoding),
        DemoStep(title: "Where each letter sits: Viterbi alignment", run: DemoSteps.alignment),
        DemoStep(title: "When the transcript cannot fit", run: DemoSteps.impossible),
        DemoStep(title: "Figures for a report", run: DemoSteps.figures),
    ]

    func validate() throws {
        let labels: [Int]
        do {
            labels = try CTC.Tokenizer().indices(text.lowercased())
        } catch {
            throw ValidationError("--text: \(error)")
        }
        if labels.isEmpty { throw ValidationError("--text: the transcript is empty") }
        if labels.contains(CTC.Tokenizer.blank) { throw ValidationError("--text: '_' is the blank and cannot be part of a transcript") }
    }

    mutating func run(session: inout Session) throws {
        let directory = URL(fileURLWithPath: out, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw WorkbenchError("demo: cannot create the output folder \(out): \(error.localizedDescription)")
        }
        var context = DemoContext(outputDirectory: directory, seed: seed, text: text.lowercased(), say: narration(json: json))
        var done = 0
        for (index, step) in Demo.steps.enumerated() {
            if Interrupt.isRequested {
                context.say("\nDemo stopped before step \(index + 1).")
                break
            }
            context.say("\n== Step \(index + 1)/\(Demo.steps.count): \(step.title) ==")
            try step.run(&context, &session)
            done += 1
        }
        if json {
            return try printJSON(Reply(out: out, stepsRun: done, stepsTotal: Demo.steps.count, files: context.writtenFiles))
        }
        guard done == Demo.steps.count else { return }
        context.say("\nDone. Files written:")
        if context.writtenFiles.isEmpty { context.say("  (none)") }
        for file in context.writtenFiles { context.say("  \(file)") }
    }
}

/// One narrated step of the demo.
struct DemoStep: Sendable {
    var title: String
    var run: @Sendable (inout DemoContext, inout Session) throws -> Void
}

/// What the steps hand to each other.
struct DemoContext {
    var outputDirectory: URL
    var seed: UInt64
    var text: String
    /// Where the narration goes (standard output, or standard error under --json).
    var say: @Sendable (String) -> Void
    var labels: [Int] = []
    var logProbs: LogProbabilities?
    var trellis: CTCTrellis?
    /// Paths (relative to the current folder when possible) of every file the demo wrote.
    var writtenFiles: [String] = []

    func file(_ name: String) -> URL { outputDirectory.appendingPathComponent(name) }

    mutating func recordFile(_ url: URL) {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        let path = url.path
        writtenFiles.append(path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path)
    }

    func requireMatrix() throws -> LogProbabilities {
        guard let m = logProbs else { throw WorkbenchError("demo: the network output step must run before this step") }
        return m
    }

    func requireTrellis() throws -> CTCTrellis {
        guard let t = trellis else { throw WorkbenchError("demo: the trellis step must run before this step") }
        return t
    }
}

/// The step functions. Each prints a few lines of narration and the numbers behind them.
enum DemoSteps {
    static let tokenizer = CTC.Tokenizer()

    static func symbol(_ index: Int) -> String {
        (try? tokenizer.text([index])) ?? "?"
    }

    /// One character per frame: the most probable class at each frame (blank shown as `_`).
    static func bestClassStrip(_ m: LogProbabilities) -> String {
        strip(GreedyDecoder.bestPath(m))
    }

    /// Classes as one line of characters, the space shown as `␣` so the line keeps its shape.
    static func strip(_ classes: [Int]) -> String {
        classes.map { $0 == CTC.Tokenizer.space ? "␣" : symbol($0) }.joined()
    }

    static func alphabet(_ context: inout DemoContext, _ session: inout Session) throws {
        let symbols = CTC.Tokenizer.symbols.map { $0 == " " ? "␣" : String($0) }.joined(separator: " ")
        context.say("""
            A CTC model outputs, at every frame, a probability for each of \(CTC.Tokenizer.classCount) classes:
              \(symbols)
            The last one, `_` (index \(CTC.Tokenizer.blank)), is the blank: "no new letter here".
            """)
        do {
            context.labels = try tokenizer.indices(context.text)
        } catch {
            throw WorkbenchError("demo --text: \(error)")
        }
        guard !context.labels.isEmpty else { throw WorkbenchError("demo --text: the transcript is empty") }
        context.say("The transcript \"\(context.text)\" becomes the labels \(context.labels).")
    }

    /// A peaky matrix that spells the transcript: each letter holds 1–3 frames, blanks between
    /// letters (always between a repeated letter), Gaussian noise on every logit.
    static func peakyMatrix(_ context: inout DemoContext, _ session: inout Session) throws {
        var rng = SplitMix64(seed: context.seed)
        func uniform(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(rng.next() % UInt64(range.count)) }
        var targets: [Int] = Array(repeating: CTC.Tokenizer.blank, count: 2)
        for (i, label) in context.labels.enumerated() {
            targets += Array(repeating: label, count: uniform(1...3))
            let repeated = i + 1 < context.labels.count && context.labels[i + 1] == label
            targets += Array(repeating: CTC.Tokenizer.blank, count: repeated ? uniform(1...2) : uniform(0...2))
        }
        targets += Array(repeating: CTC.Tokenizer.blank, count: 2)
        let K = CTC.Tokenizer.classCount
        var logits = [Double](repeating: 0, count: targets.count * K)
        for (t, target) in targets.enumerated() {
            for k in 0..<K { logits[t * K + k] = 0.8 * rng.nextGaussian() }
            logits[t * K + target] += 5
        }
        let m = try LogProbabilities(frames: targets.count, classes: K, logits: logits)
        context.logProbs = m
        context.say("""
            Instead of a trained network, a made-up output of \(m.frames) frames × \(K) classes (seed \(context.seed)):
            each letter of "\(context.text)" is likely for 1–3 frames, blanks in between, noise everywhere.
            The most probable class per frame:
              \(bestClassStrip(m))
            """)
    }

    static func trellis(_ context: inout DemoContext, _ session: inout Session) throws {
        let m = try context.requireMatrix()
        let trellis = try CTCTrellis(m, labels: context.labels)
        context.trellis = trellis
        context.say("""
            The trellis has \(trellis.stateCount) states per frame (blank, letter, blank, …: 2L+1 for L = \(context.labels.count)),
            and \(trellis.frames) frames. \(trellis.feasibility.description.prefix(1).uppercased() + trellis.feasibility.description.dropFirst()).
            Summing every path through it:
              forward  (alpha) log p(text | output) = \(format(trellis.logLikelihood))
              backward (beta)  log p(text | output) = \(format(trellis.backwardLogLikelihood))
            The two passes agree, as they must: the CTC loss of this pair is \(format(trellis.negativeLogLikelihood)) nats.
            """)
        // The same output scored against a near miss: one letter changed costs likelihood.
        var nearMiss = context.labels
        let letters = nearMiss.indices.filter { nearMiss[$0] != CTC.Tokenizer.space }
        let middle = letters[letters.count / 2]
        nearMiss[middle] = nearMiss[middle] == 2 ? 3 : 2  // swap in an 'a' (or a 'b' if it was an 'a')
        let other = try CTCTrellis(m, labels: nearMiss)
        let otherText = (try? tokenizer.text(nearMiss)) ?? "?"
        context.say("""
            The same output scored against the near miss "\(otherText)": log p = \(format(other.logLikelihood)),
            \(format(trellis.logLikelihood - other.logLikelihood)) nats less likely than the true transcript.
            """)
    }

    static func decoding(_ context: inout DemoContext, _ session: inout Session) throws {
        let m = try context.requireMatrix()
        let greedy = try GreedyDecoder.decodeText(m)
        let result = try PrefixBeamSearch.decode(m, options: BeamSearchOptions(beamSize: 5))
        context.say("""
            Greedy decoding takes the best class per frame, merges repeats and drops blanks:
              \(bestClassStrip(m))  →  "\(greedy)"
            Prefix beam search keeps the 5 best prefixes, summing the paths that collapse to each:
            """)
        for (rank, beam) in result.beams.prefix(5).enumerated() {
            let text = (try? beam.text()) ?? "?"
            context.say("  \(rank + 1). \"\(text)\"  log p = \(format(beam.logProbability))")
        }
        let best = (try? result.best.text()) ?? "?"
        context.say(best == context.text ? "Both recover the transcript." : "The best beam is \"\(best)\"; the transcript was \"\(context.text)\".")
    }

    static func alignment(_ context: inout DemoContext, _ session: inout Session) throws {
        let trellis = try context.requireTrellis()
        guard let path = trellis.viterbi() else {
            context.say("No alignment exists: \(trellis.explanation)")
            return
        }
        context.say("""
            The single best path through the trellis (log p = \(format(path.logProbability)); the sum over all
            paths was \(format(trellis.logLikelihood))) puts one class on every frame:
              \(strip(path.framePath))
            Each letter's frames, with the confidence (mean posterior of its state over those frames):
            """)
        for aligned in path.symbols {
            let letter = symbol(aligned.symbol) == " " ? "␣" : symbol(aligned.symbol)
            let frames = aligned.startFrame == aligned.endFrame ? "frame \(aligned.startFrame)" : "frames \(aligned.startFrame)–\(aligned.endFrame)"
            context.say("  \(letter)  \(frames.padding(toLength: 13, withPad: " ", startingAt: 0)) confidence \(String(format: "%.3f", aligned.confidence))")
        }
    }

    static func impossible(_ context: inout DemoContext, _ session: inout Session) throws {
        let m = try context.requireMatrix()
        let short = m.prefix(frames: max(1, context.labels.count / 2))
        let trellis = try CTCTrellis(short, labels: context.labels)
        context.say("""
            Cut the output to its first \(short.frames) frames and ask for the same transcript:
              log p = \(format(trellis.logLikelihood)), because it is \(trellis.explanation).
            """)
    }

    static func format(_ value: Double) -> String {
        value == -.infinity ? "-inf" : value == .infinity ? "+inf" : String(format: "%.4f", value)
    }
}

extension DemoSteps {
    /// The walk's tables as PNG figures (the same panels as `plot probs|alpha|align|viterbi`).
    static func figures(_ context: inout DemoContext, _ session: inout Session) throws {
        let source = CTCPanelSource(matrix: try context.requireMatrix(), labels: context.labels, name: "", origin: "the demo")
        let panels: [(CTCPanelKind, Bool, String, String)] = [
            (.probs, false, "probs.png", "the made-up output, class by frame"),
            (.alpha, true, "alpha-log.png", "the forward table, log α"),
            (.align, false, "alignment.png", "the soft alignment (state posteriors)"),
            (.align, true, "alignment-log.png", "the soft alignment on a log scale"),
            (.viterbi, false, "viterbi.png", "the Viterbi path over the soft alignment"),
        ]
        for (kind, log, name, what) in panels {
            let url = context.file(name)
            context.say("\(what.prefix(1).uppercased() + what.dropFirst()):")
            do { try CTCPanels.figure(try CTCPanels.heatmap(kind, log: log, source: source)).write(to: url.path) }
            catch let e as WorkbenchError { throw e } catch { throw WorkbenchError("\(error)") }
            context.say("wrote \(url.path)")
            context.recordFile(url)
        }
        context.say("The same figures come from the shell: `plot probs|alpha|beta|align|viterbi --out FILE` (.png, .svg, .pdf).")
    }
}
