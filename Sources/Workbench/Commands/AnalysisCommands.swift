// The homework's analyses as commands: `blanks` (alignment statistics of checkpoints over a data set) and the
// `compare` group — `compare runs` (the model comparison table and curves), `compare checkpoints` (one utterance's
// alignment after each epoch) and `compare alignment` (loss against blank ratio and entropy, and how far two
// models' Viterbi boundaries disagree). The statistics and figures are the Analysis module's; these types only
// read run folders and checkpoints, print, and write files.
import ArgumentParser
import Analysis
import Base
import CTC
import Corpus
import Figures
import Foundation
import Models
import Training

/// `--data`, `--subset`, `--limit`, `--batch`: the data set `blanks` and `compare alignment` go over.
struct DataSetOptions: ParsableArguments {
    @Option(help: "LibriSpeech-layout folder.", completion: .directory)
    var data: String
    @Option(help: "Subset of --data.")
    var subset: String = "test"
    @Option(help: "Only the first N utterances (by id; default: every utterance of the subset).")
    var limit: Int?
    @Option(help: "Batch size.")
    var batch: Int = 16

    /// The utterances chosen, ordered by id.
    func utterances() throws -> [Utterance] {
        if batch < 1 { throw WorkbenchError("--batch must be at least 1 (got \(batch))") }
        return try AnalysisInput.utterances(data: data, subset: subset, limit: limit)
    }
}

/// What the analysis commands read: some utterances of a data set, and a checkpoint's output over them.
enum AnalysisInput {
    /// The utterances of `subset` in `data`, ordered by id, the first `limit` of them.
    static func utterances(data: String, subset: String, limit: Int?) throws -> [Utterance] {
        if let limit, limit < 1 { throw WorkbenchError("--limit must be at least 1 (got \(limit))") }
        let corpus: SpeechCorpus
        do { corpus = try SpeechCorpus.open(data) } catch { throw WorkbenchError("\(error)") }
        let utts: [Utterance]
        do { utts = try corpus.subset(subset).utterances.sorted { $0.id < $1.id } } catch { throw WorkbenchError("\(error)") }
        guard !utts.isEmpty else { throw WorkbenchError("\(data)/\(subset) holds no usable utterances") }
        return Array(utts.prefix(limit ?? utts.count))
    }

    /// `reference`'s output over `utterances`, with a progress bar; skipped audio is named on standard error.
    static func alignments(_ reference: String, over utterances: [Utterance], batch: Int, keepMatrices: Bool = false) throws -> DataSetAlignments {
        var loaded = try loadCheckpoint(reference)
        var bar = ProgressBar(total: 1, label: reference)
        let result: DataSetAlignments
        do {
            result = try DataSetAlignments.compute(&loaded, over: utterances, batchSize: batch, keepMatrices: keepMatrices, onBatch: { done, total in
                bar.total = total
                bar.update(done: done, detail: "batches")
            }, shouldStop: { Interrupt.isRequested })
        } catch { throw WorkbenchError("\(reference): \(error)") }
        bar.finish()
        // Ctrl-C stops the pass between batches: report the interruption, not statistics of a part of the data.
        try Interrupt.check()
        for item in result.skipped { Console.error("skipped \(item.detail) (\(item.reason.rawValue))") }
        guard !result.utterances.isEmpty else { throw WorkbenchError("\(reference): no utterance could be read") }
        return result
    }

    static func checkFigure(_ path: String?) throws {
        if let path { try CTCPanels.checkFormat(path) }
    }
}

private func pct(_ v: Double) -> String { v.isFinite ? String(format: "%.1f %%", v * 100) : "—" }
private func number(_ v: Double?, _ f: String = "%.3f") -> String { v.map { $0.isFinite ? String(format: f, $0) : "—" } ?? "—" }

// MARK: - blanks

struct Blanks: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "blanks",
        abstract: "Blank and alignment statistics of checkpoints over a data set (which model uses the most blanks).",
        discussion: """
            For each checkpoint (different models, or epochs of one run: RUN@1 RUN@3 ...), over the utterances of \
            --data's --subset: the fraction of frames whose arg-max class is the blank, the mean blank posterior, \
            peakiness (mean of each frame's largest probability), the mean per-frame entropy (nats), and the \
            distribution of emission widths (frames per character along the Viterbi path); pooled over all frames \
            and per utterance. The matrices are the model output `probs from` gives for each recording. --out draws \
            the per-utterance distributions side by side (PNG, SVG or PDF by extension).
            """
    )

    @Option(name: .customLong("checkpoint"), help: ArgumentHelp("A checkpoint (repeat for several). " + checkpointHelp), completion: .file())
    var checkpoints: [String] = []
    @OptionGroup var dataSet: DataSetOptions
    @Option(help: "Figure: .png, .svg or .pdf.", completion: .file())
    var out: String?
    @OptionGroup var png: PNGResolutionOption
    @Flag(help: "Print one JSON object.")
    var json = false

    struct UtteranceReply: Encodable {
        var id: String
        var frames: Int
        var blankArgmaxRatio: Double
        var meanBlankPosterior: Double
        var peakiness: Double
        var entropy: Double
        /// −ln p(transcript) per label; null when the transcript cannot be aligned.
        var loss: Double?
        var emissionWidths: [Int]
    }
    struct CheckpointReply: Encodable {
        /// The model file read; `reference` is the checkpoint as given (RUN@2, a run folder, a file).
        var checkpoint: String
        var reference: String
        var utterances: [UtteranceReply]
        var frames: Int
        /// Pooled over all frames of all utterances.
        var blankArgmaxRatio: Double
        var meanBlankPosterior: Double
        var peakiness: Double
        var entropy: Double
        var meanEmissionWidth: Double?
        /// emission_width_counts[w]: characters that spanned w frames.
        var emissionWidthCounts: [Int]
        /// Utterances whose audio could not be decoded (left out), and why.
        var skipped: Int
        var skippedReasons: [String]
    }
    struct Reply: Encodable {
        var data: String
        var subset: String
        var checkpoints: [CheckpointReply]
        var figure: String?
    }

    mutating func run(session: inout Session) throws {
        guard !checkpoints.isEmpty else { throw WorkbenchError("name at least one --checkpoint (a file, a run folder, RUN@N)") }
        try AnalysisInput.checkFigure(out)
        let utts = try dataSet.utterances()
        var results: [(name: String, result: DataSetAlignments)] = []
        for c in checkpoints {
            try Interrupt.check()
            results.append((c, try AnalysisInput.alignments(c, over: utts, batch: dataSet.batch)))
        }
        let replies = results.map { name, r -> CheckpointReply in
            let p = r.pooled, widths = r.emissionWidths
            return CheckpointReply(
                checkpoint: r.checkpoint, reference: name,
                utterances: r.utterances.sorted { $0.id < $1.id }.map { u in
                    UtteranceReply(id: u.id, frames: u.statistics.frames, blankArgmaxRatio: u.statistics.blankArgmaxRatio,
                                   meanBlankPosterior: u.statistics.meanBlankPosterior, peakiness: u.statistics.peakiness,
                                   entropy: u.statistics.meanEntropy, loss: u.loss, emissionWidths: u.emissionWidths)
                },
                frames: p.frames, blankArgmaxRatio: p.blankArgmaxRatio, meanBlankPosterior: p.meanBlankPosterior,
                peakiness: p.peakiness, entropy: p.meanEntropy,
                meanEmissionWidth: widths.isEmpty ? nil : Double(widths.reduce(0, +)) / Double(widths.count),
                emissionWidthCounts: EmissionWidths.histogram(widths), skipped: r.skipped.count,
                skippedReasons: r.skipped.map { "\($0.detail) (\($0.reason.rawValue))" })
        }
        if let out {
            var figure = try AnalysisFigures.blanks(results)
            figure.dpi = Double(png.dpi)
            do { try figure.write(to: out) } catch { throw WorkbenchError("\(error)") }
        }
        if json {
            try printJSON(Reply(data: dataSet.data, subset: dataSet.subset, checkpoints: replies, figure: out))
            return
        }
        Console.out("\(utts.count) utterances of \(dataSet.data)/\(dataSet.subset)")
        Console.out(pad("checkpoint", 28) + "  blank argmax  mean p(blank)  peakiness  entropy  width mean (median)")
        for r in replies {
            let widths = results.first { $0.name == r.reference }!.result.emissionWidths.sorted()
            let median = widths.isEmpty ? "—" : String(widths[widths.count / 2])
            Console.out(pad(r.reference, 28) + "  " + pad(pct(r.blankArgmaxRatio), 12) + "  " + pad(pct(r.meanBlankPosterior), 13)
                        + "  " + pad(number(r.peakiness), 9) + "  " + pad(number(r.entropy), 7) + "  " + number(r.meanEmissionWidth, "%.2f") + " (\(median))")
        }
        if let most = replies.max(by: { $0.blankArgmaxRatio < $1.blankArgmaxRatio }), replies.count > 1 {
            Console.out("most blanks: \(most.reference) (\(pct(most.blankArgmaxRatio)) of frames)")
        }
        if let out { Console.out("wrote \(out)") }
    }
}

// MARK: - compare

public struct Compare: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare training runs, a run's checkpoints, or two models' alignments (tables and figures).",
        subcommands: [CompareRuns.self, CompareCheckpoints.self, CompareAlignment.self]
    )
    public init() {}
}

/// The figure formats a command that writes several files into a folder can use.
enum FigureExtension: String, CaseIterable, ExpressibleByArgument { case png, svg, pdf }

struct CompareRuns: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "One table of training runs: model, size, time, CER/WER, plateau exit, stability; loss and CER curves.",
        discussion: """
            Reads RUN/run.json and RUN/metrics.jsonl of each run folder. Per run: model kind, parameters, epochs, \
            training time and time per epoch, audio seconds trained per second, final and best CER/WER (as the run \
            evaluated: greedy, or beam), inference real-time factor (the last evaluation's seconds over the test \
            audio's, when the run's data folder is there), the epoch and minutes until the CER first fell below \
            90 % (leaving the all-blank plateau), loss-curve roughness (the train loss's rises between epochs over \
            its mean: 0 when it only falls), epochs whose mean gradient norm exceeds twice the run's median, and \
            skipped batches. --out DIR writes runs.md, runs.json and runs-curves.FORMAT (train and test loss and CER \
            against epoch and against wall-clock minutes, every run on shared axes).
            """
    )

    @Argument(help: "Run folders.", completion: .directory)
    var runs: [String] = []
    @Option(help: "Folder for runs.md, runs.json and the curves figure.", completion: .directory)
    var out: String?
    @Option(help: "Figure format in --out.")
    var format: FigureExtension = .png
    @OptionGroup var png: PNGResolutionOption
    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        var runs: [RunSummary]
        var files: [String]
    }

    mutating func run(session: inout Session) throws {
        guard !runs.isEmpty else { throw WorkbenchError("name at least one run folder") }
        var rows: [RunSummary] = [], curves: [(name: String, metrics: [EpochMetrics])] = []
        for path in runs {
            let folder = RunFolder(path)
            let record: RunRecord
            do { record = try RunFiles.record(folder) } catch { throw WorkbenchError("\(error)") }
            let metrics = MetricsLog.read(folder.metricsFile).sorted { $0.epoch < $1.epoch }
            guard !metrics.isEmpty else { throw WorkbenchError("\(path) has no finished epoch yet (metrics.jsonl is missing or empty)") }
            // The test audio's duration, for the real-time factor; a run whose data has moved still compares.
            let testSeconds = (try? TrainingData.open(record.data))?.test.map { $0.utterances.reduce(0) { $0 + $1.duration } }
            rows.append(RunSummary(run: path, model: record.options.model, metrics: metrics, testAudioSeconds: testSeconds))
            curves.append((URL(fileURLWithPath: path).lastPathComponent, metrics))
        }
        let table = RunSummary.markdown(rows)
        var files: [String] = []
        if let out {
            do { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) } catch {
                throw WorkbenchError("cannot create \(out): \(error.localizedDescription)")
            }
            let md = out + "/runs.md", js = out + "/runs.json", fig = out + "/runs-curves." + format.rawValue
            do {
                try AtomicFile.write(table, to: URL(fileURLWithPath: md))
                try AtomicFile.write(try JSON.encode(Reply(runs: rows, files: [])) + "\n", to: URL(fileURLWithPath: js))
            } catch { throw WorkbenchError("\(error)") }
            var figure = AnalysisFigures.runs(curves)
            figure.dpi = Double(png.dpi)
            do { try figure.write(to: fig) } catch { throw WorkbenchError("\(error)") }
            files = [md, js, fig]
        }
        if json {
            try printJSON(Reply(runs: rows, files: files))
            return
        }
        Console.out(String(table.dropLast()))
        for f in files { Console.out("wrote \(f)") }
    }
}

/// One test utterance's output from a checkpoint: the utterance is looked up by id in `data` (default: the data
/// folder of the run the checkpoint belongs to), in its test subset first, then in any subset.
enum CheckpointUtterance {
    static func dataFolder(forCheckpoint url: URL, given: String?) throws -> String {
        if let given { return given }
        if let run = RunFiles.run(containing: url), let record = try? RunFiles.record(run) { return record.data }
        throw WorkbenchError("\(url.path) is not inside a run folder, so its data folder is unknown: give --data DIR")
    }

    /// The utterance `id` (or the test subset's first, by id) of `data`.
    static func find(_ id: String?, in data: String) throws -> Utterance {
        let corpus: TrainingData
        do { corpus = try TrainingData.open(data) } catch {
            // A folder with a test subset but no train subset still has utterances to look at.
            guard let c = try? SpeechCorpus.open(data) else { throw WorkbenchError("\(error)") }
            return try pick(id, from: c.subsets.sorted { $0.name < $1.name }, data: data)
        }
        let subsets = (corpus.test.map { [$0] } ?? []) + corpus.corpus.subsets.filter { $0.name != corpus.test?.name }
        return try pick(id, from: subsets, data: data)
    }

    private static func pick(_ id: String?, from subsets: [CorpusSubset], data: String) throws -> Utterance {
        if let id {
            for s in subsets { if let u = s.utterances.first(where: { $0.id == id }) { return u } }
            let some = subsets.first?.utterances.prefix(3).map(\.id).joined(separator: ", ") ?? ""
            throw WorkbenchError("no utterance '\(id)' in \(data)" + (some.isEmpty ? "" : " (its utterances look like \(some))"))
        }
        guard let first = subsets.first?.utterances.min(by: { $0.id < $1.id }) else {
            throw WorkbenchError("\(data) holds no usable utterances")
        }
        return first
    }
}

struct CompareCheckpoints: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoints",
        abstract: "One utterance's alignment after each epoch of a run, as a grid, with blank ratio, CER and loss per epoch.",
        discussion: """
            Loads every epoch checkpoint of RUN, computes the utterance's matrix with each (any utterance of the \
            run's data: --utterance ID, default the test subset's first) and draws its soft alignment with the \
            Viterbi path, linear and log, one row per epoch; an --out ending in .apng or .gif writes the epochs \
            as the frames of an animated PNG or GIF instead (one second each). A second file, OUT-curves.EXT (.png for an \
            animation), plots the utterance's blank arg-max ratio and loss and the run's test CER (metrics.jsonl) \
            against epoch.
            """
    )

    @Argument(help: "A run folder.", completion: .directory)
    var run: String
    @Option(help: "Utterance id (default: the first of the test subset).")
    var utterance: String?
    @Option(help: "Data folder to find the utterance in (default: the run's, from run.json).", completion: .directory)
    var data: String?
    @Option(help: "Figure: .png, .svg or .pdf, or .apng / .gif for an animation over the epochs.", completion: .file())
    var out: String?
    @Option(help: "Width in pixels (PNG) or points (default 1400).")
    var width: Int = 1400
    @OptionGroup var png: PNGResolutionOption
    @Flag(help: "Print one JSON object.")
    var json = false

    struct EpochReply: Encodable {
        var epoch: Int
        var checkpoint: String
        var blankArgmaxRatio: Double
        var meanBlankPosterior: Double
        var entropy: Double
        var loss: Double?
        var hypothesis: String
        /// The run's test CER after this epoch as a rate (metrics.jsonl's `cer`), null when not recorded. Named apart
        /// from `cer`, which in every reply is an error-rate object (docs/json.md).
        var testCERRate: Double?
    }
    struct Reply: Encodable {
        var run: String
        var utterance: String
        var transcript: String
        var epochs: [EpochReply]
        var figures: [String]
    }

    mutating func run(session: inout Session) throws {
        let animated = out.map { ["apng", "gif"].contains(($0 as NSString).pathExtension.lowercased()) } ?? false
        if !animated { try AnalysisInput.checkFigure(out) }
        let folder = RunFolder(run)
        let positions = folder.checkpointPositions().filter { $0.step == 0 }.sorted()
        guard !positions.isEmpty else {
            throw WorkbenchError("\(run) has no epoch checkpoint (RUN/checkpoints/epoch-NNN.safetensors): is it a run folder, and has an epoch finished?")
        }
        let dataDir = try CheckpointUtterance.dataFolder(forCheckpoint: folder.modelFile(positions[0]), given: data)
        let utt = try CheckpointUtterance.find(utterance, in: dataDir)
        let metrics = Dictionary(MetricsLog.read(folder.metricsFile).map { ($0.epoch, $0) }, uniquingKeysWith: { $1 })
        var epochs: [EpochReply] = [], panels: [Panel] = []
        var bar = ProgressBar(total: positions.count, label: "checkpoints")
        for (i, p) in positions.enumerated() {
            try Interrupt.check()
            bar.update(done: i, detail: "epochs")
            let file = folder.modelFile(p).path
            var loaded = try loadCheckpoint(file)
            let r: DataSetAlignments
            do { r = try DataSetAlignments.compute(&loaded, over: [utt], batchSize: 1, keepMatrices: true) } catch {
                throw WorkbenchError("\(file): \(error)")
            }
            guard let u = r.utterances.first, let m = u.matrix else { throw WorkbenchError("\(utt.audioPath) could not be read") }
            epochs.append(EpochReply(epoch: p.epoch, checkpoint: file, blankArgmaxRatio: u.statistics.blankArgmaxRatio,
                                     meanBlankPosterior: u.statistics.meanBlankPosterior, entropy: u.statistics.meanEntropy,
                                     loss: u.loss, hypothesis: (try? loaded.labels.decode(GreedyDecoder.decode(m, blank: loaded.labels.blank))) ?? "", testCERRate: metrics[p.epoch]?.cer))
            if out != nil {
                let source = CTCPanelSource(matrix: m, labels: u.labels, name: "Epoch \(p.epoch)", origin: file, labelSet: loaded.labels)
                for log in [false, true] {
                    do { panels.append(.heatmap(try CTCPanels.heatmap(.viterbi, log: log, source: source))) } catch {
                        panels.append(.heatmap(try CTCPanels.heatmap(.probs, log: log, source: source,
                                                                      title: "Epoch \(p.epoch): no alignment (\(error)); probabilities")))
                    }
                }
            }
        }
        bar.finish()
        var figures: [String] = []
        if let out, animated {
            // One frame per epoch, all as tall as the tallest (the same transcript gives the same rows).
            var frames = stride(from: 0, to: panels.count, by: 2).map { i in
                Figure(width: width, height: 480, rows: 1, columns: 2, panels: Array(panels[i..<min(i + 2, panels.count)]),
                       title: "\(utt.id) after epoch \(positions[i / 2].epoch)").growingToFitRowLabels(maxHeight: 8000)
            }
            let height = frames.map(\.height).max() ?? 480
            for i in frames.indices { frames[i].height = height; frames[i].dpi = Double(png.dpi) }
            var curves = AnalysisFigures.overEpochs(epochs: epochs.map(\.epoch), blankRatio: epochs.map(\.blankArgmaxRatio),
                                                    loss: epochs.map(\.loss), cer: epochs.map(\.testCERRate), utterance: utt.id)
            curves.dpi = Double(png.dpi)
            let curvesPath = (out as NSString).deletingPathExtension + "-curves.png"
            do {
                try Animation(frames: frames, secondsPerFrame: 1).write(to: out)
                try curves.write(to: curvesPath)
            } catch { throw WorkbenchError("\(error)") }
            figures = [out, curvesPath]
        } else if let out {
            var grid = Figure(width: width, height: min(20_000, 420 * positions.count), rows: positions.count, columns: 2, panels: panels,
                              title: "\(utt.id): \"\(utt.text)\" over training (\(URL(fileURLWithPath: run).lastPathComponent))")
            grid.dpi = Double(png.dpi)
            grid = grid.growingToFitRowLabels(maxHeight: 20_000)
            var curves = AnalysisFigures.overEpochs(epochs: epochs.map(\.epoch), blankRatio: epochs.map(\.blankArgmaxRatio),
                                                    loss: epochs.map(\.loss), cer: epochs.map(\.testCERRate), utterance: utt.id)
            curves.dpi = Double(png.dpi)
            let ext = (out as NSString).pathExtension
            let curvesPath = (out as NSString).deletingPathExtension + "-curves." + ext
            do {
                try grid.write(to: out)
                try curves.write(to: curvesPath)
            } catch { throw WorkbenchError("\(error)") }
            figures = [out, curvesPath]
        }
        if json {
            try printJSON(Reply(run: run, utterance: utt.id, transcript: utt.text, epochs: epochs, figures: figures))
            return
        }
        Console.out("\(utt.id): \"\(utt.text)\"")
        Console.out("epoch  blank argmax  entropy  loss    CER (run)  greedy hypothesis")
        for e in epochs {
            Console.out(pad(String(e.epoch), 5) + "  " + pad(pct(e.blankArgmaxRatio), 12) + "  " + pad(number(e.entropy), 7) + "  "
                        + pad(number(e.loss), 6) + "  " + pad(e.testCERRate.map(pct) ?? "—", 9) + "  \"\(e.hypothesis)\"")
        }
        for f in figures { Console.out("wrote \(f)") }
    }
}

struct CompareAlignment: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "alignment",
        abstract: "Alignment and loss: per-utterance loss against blank ratio and entropy (Pearson, Spearman); two models' Viterbi boundaries.",
        discussion: """
            For each --checkpoint, over the utterances of --data's --subset: the correlation of the per-utterance CTC \
            loss (per label) with the blank arg-max ratio and with the mean per-frame entropy. With two checkpoints, \
            how far their Viterbi alignments put each character's start apart (B − A, in A's frames and in ms; \
            models with different frame rates are compared in time). --out draws the scatters and the histogram.
            """
    )

    @Option(name: .customLong("checkpoint"), help: ArgumentHelp("A checkpoint (once or twice: A, then B). " + checkpointHelp), completion: .file())
    var checkpoints: [String] = []
    @OptionGroup var dataSet: DataSetOptions
    @Option(help: "Figure: .png, .svg or .pdf.", completion: .file())
    var out: String?
    @OptionGroup var png: PNGResolutionOption
    @Flag(help: "Print one JSON object.")
    var json = false

    struct CheckpointReply: Encodable {
        var checkpoint: String
        var reference: String
        /// Utterances with a finite loss (those the correlations use).
        var utterances: Int
        var pearsonLossBlankRatio: Double?
        var spearmanLossBlankRatio: Double?
        var pearsonLossEntropy: Double?
        var spearmanLossEntropy: Double?
    }
    struct BoundaryReply: Encodable {
        var utterances: Int
        var characters: Int
        var meanAbsFrames: Double
        var meanAbsMs: Double
        /// Signed mean (B − A): positive when B places characters later.
        var meanMs: Double
        var medianAbsMs: Double
        /// Fraction of characters whose starts differ by at most one of A's frames.
        var withinOneFrame: Double
        var differencesMs: [Double]
    }
    struct Reply: Encodable {
        var checkpoints: [CheckpointReply]
        var boundaries: BoundaryReply?
        var figure: String?
    }

    mutating func run(session: inout Session) throws {
        guard (1...2).contains(checkpoints.count) else {
            throw WorkbenchError("give one --checkpoint (loss against alignment) or two (also their boundaries), not \(checkpoints.count)")
        }
        try AnalysisInput.checkFigure(out)
        let utts = try dataSet.utterances()
        var results: [(name: String, result: DataSetAlignments)] = []
        for c in checkpoints {
            try Interrupt.check()
            results.append((c, try AnalysisInput.alignments(c, over: utts, batch: dataSet.batch)))
        }
        let replies = results.map { name, r -> CheckpointReply in
            let u = r.utterances.filter { $0.loss != nil }
            let loss = u.map { $0.loss! }, ratio = u.map(\.statistics.blankArgmaxRatio), entropy = u.map(\.statistics.meanEntropy)
            return CheckpointReply(checkpoint: r.checkpoint, reference: name, utterances: u.count,
                                   pearsonLossBlankRatio: Correlation.pearson(loss, ratio), spearmanLossBlankRatio: Correlation.spearman(loss, ratio),
                                   pearsonLossEntropy: Correlation.pearson(loss, entropy), spearmanLossEntropy: Correlation.spearman(loss, entropy))
        }
        var boundaries: [BoundaryDifference]?, boundaryReply: BoundaryReply?
        if results.count == 2 {
            let (a, b) = (results[0].result, results[1].result)
            var diffs: [BoundaryDifference] = []
            for ua in a.utterances {
                guard let va = ua.viterbi, let vb = b[ua.id]?.viterbi,
                      let d = BoundaryDifference(va, secondsPerFrameA: a.secondsPerFrame, vb, secondsPerFrameB: b.secondsPerFrame) else { continue }
                diffs.append(d)
            }
            boundaries = diffs
            if let mean = BoundaryDifference.meanAbsolute(diffs) {
                let ms = diffs.flatMap(\.seconds).map { $0 * 1000 }, frames = diffs.flatMap(\.frames)
                let absMs = ms.map(abs).sorted()
                boundaryReply = BoundaryReply(utterances: diffs.count, characters: ms.count, meanAbsFrames: mean.frames,
                                              meanAbsMs: mean.seconds * 1000, meanMs: ms.reduce(0, +) / Double(ms.count),
                                              medianAbsMs: absMs.count % 2 == 1 ? absMs[absMs.count / 2] : (absMs[absMs.count / 2 - 1] + absMs[absMs.count / 2]) / 2,
                                              withinOneFrame: Double(frames.filter { abs($0) <= 1 + 1e-9 }.count) / Double(frames.count),
                                              differencesMs: ms)
            }
        }
        if let out {
            var figure = try AnalysisFigures.alignmentAndLoss(results, boundaries: boundaries,
                                                              boundaryNames: results.count == 2 ? (results[0].name, results[1].name) : nil)
            figure.dpi = Double(png.dpi)
            do { try figure.write(to: out) } catch { throw WorkbenchError("\(error)") }
        }
        if json {
            try printJSON(Reply(checkpoints: replies, boundaries: boundaryReply, figure: out))
            return
        }
        for r in replies {
            Console.out("\(r.reference): \(r.utterances) utterances with a finite loss")
            Console.out("  loss ~ blank ratio: Pearson \(number(r.pearsonLossBlankRatio)), Spearman \(number(r.spearmanLossBlankRatio))")
            Console.out("  loss ~ entropy:     Pearson \(number(r.pearsonLossEntropy)), Spearman \(number(r.spearmanLossEntropy))")
        }
        if let b = boundaryReply {
            Console.out("Viterbi character starts, \(checkpoints[1]) − \(checkpoints[0]), over \(b.characters) characters of \(b.utterances) utterances:")
            Console.out(String(format: "  mean |Δ| %.2f frames (%.1f ms), median |Δ| %.1f ms, mean Δ %+.1f ms, %.1f %% within one frame",
                               b.meanAbsFrames, b.meanAbsMs, b.medianAbsMs, b.meanMs, b.withinOneFrame * 100))
        } else if results.count == 2 {
            Console.out("no utterance has a Viterbi path under both checkpoints: no boundaries to compare")
        }
        if let out { Console.out("wrote \(out)") }
    }
}
