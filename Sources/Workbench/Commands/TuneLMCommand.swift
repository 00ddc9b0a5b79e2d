// `tune-lm`: grid search of the beam decoder's LM weight α and word bonus β on a development subset. The checkpoint
// runs once over the utterances (the one model-output path) and its matrices are kept; every grid cell decodes them
// in parallel (Training's LMTuning). Prints the WER surface as a table (α rows, β columns) beside greedy and
// LM-free beam baselines, and draws it as a heatmap with a colorbar.
import ArgumentParser
import Base
import CTC
import Corpus
import Figures
import Foundation
import LanguageModel
import Training

/// "0,0.5,1" → [0, 0.5, 1]; every value finite, at least one.
func numberList(_ text: String) throws -> [Double] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    guard !parts.isEmpty, !parts.contains("") else { throw ValidationError("'\(text)' is not a comma-separated list of numbers, e.g. 0,0.5,1") }
    return try parts.map { try finite($0) }
}

struct TuneLM: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune-lm",
        abstract: "Grid-search the beam decoder's LM weight α and word bonus β on a development subset (WER table and heatmap).",
        discussion: """
            Runs --checkpoint once over --data's --subset (the first --limit utterances by id), keeps the \
            log-probabilities, then beam-decodes them with --lm for every α of --alphas and β of --betas, the \
            utterances split over --threads. Prints the corpus WER of each (α, β) as a table, the best cell, and \
            greedy and LM-free beam WER on the same utterances; --out draws the WER surface as a heatmap (PNG, SVG \
            or PDF). Tune on a subset you do not report on (docs/decoding.md).
            """
    )

    @Option(help: ArgumentHelp(checkpointHelp), completion: .file())
    var checkpoint: String
    @OptionGroup var dataSet: DataSetOptions
    @Option(help: "ARPA language model (.arpa or .arpa.gz).", completion: .file())
    var lm: String
    @Option(help: "LM weights α to try, comma-separated. (default: 0,0.25,0.5,0.75,1,1.5,2)", transform: numberList)
    var alphas: [Double] = [0, 0.25, 0.5, 0.75, 1, 1.5, 2]
    @Option(help: "Word bonuses β to try (nats per word with shallow fusion), comma-separated. (default: -1,0,1,2,3,4)", transform: numberList)
    var betas: [Double] = [-1, 0, 1, 2, 3, 4]
    @Option(help: fusionHelp)
    var fusion: Fusion = .shallow
    @Option(name: .customLong("unk-score"), help: "Shallow fusion's OOV penalty in nats (-inf: vocabulary words only). (default: \(ShallowFusionDefaults.unkScore))", transform: unkPenalty)
    var unkScore: Double = ShallowFusionDefaults.unkScore
    @Option(help: ArgumentHelp(beamSizeHelp))
    var beam: Int?
    @Option(help: "Prune threshold. (default: 0.001)", transform: finite)
    var prune: Double = 1e-3
    @Option(help: "Decoding threads (default: the processors available).")
    var threads: Int?
    @Option(help: "Heatmap of the WER surface: .png, .svg or .pdf.", completion: .file())
    var out: String?
    @OptionGroup var png: PNGResolutionOption
    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads))") }
        if alphas.count * betas.count > 400 { throw ValidationError("a grid of \(alphas.count) × \(betas.count) cells is too large (at most 400)") }
    }

    struct CellReply: Encodable {
        var alpha: Double
        var beta: Double
        var wer: ErrorRateSummary
        var cer: ErrorRateSummary
        var seconds: Double
    }
    struct Baseline: Encodable {
        var decoder: String
        var wer: ErrorRateSummary
        var cer: ErrorRateSummary
    }
    struct Reply: Encodable {
        var checkpoint: String
        var data: String
        var subset: String
        var utterances: Int
        var languageModel: String
        var fusion: String
        var unkScore: Double?
        var beamSize: Int
        var prune: Double
        var alphas: [Double]
        var betas: [Double]
        /// α-major: cells[i * betas.count + j] is (alphas[i], betas[j]).
        var cells: [CellReply]
        var best: CellReply
        var greedy: Baseline
        var beamWithoutLM: Baseline
        var figure: String?
        var elapsedSeconds: Double
    }

    mutating func run(session: inout Session) throws {
        try AnalysisInput.checkFigure(out)
        let start = Date()
        let utts = try dataSet.utterances()
        let model = try loadLanguageModel(lm, session: &session, quiet: json)
        let decoderLM = fusion == .shallow ? DecoderLanguageModel(model) : DecoderLanguageModel(model, vocabulary: [])
        let (cases, labels) = try modelOutputs(over: utts)
        let workers = threads.map(Workers.init) ?? .available
        var base = BeamSearchOptions(beamSize: beam ?? (fusion == .shallow ? ShallowFusionDefaults.beamSize : 5), prune: prune,
                                     fusion: fusion, unkScore: unkScore)
        base.alpha = 0; base.beta = 0
        let stop: @Sendable () -> Bool = { Interrupt.isRequested }

        guard let greedyHyps = try LMTuning.decodeAll(cases, with: .greedy, labels: labels, workers: workers, shouldStop: stop),
              let plainHyps = try LMTuning.decodeAll(cases, with: .beam(base, nil), labels: labels, workers: workers, shouldStop: stop) else { throw Interrupted() }
        let greedy = try LMTuning.rates(cases, greedyHyps), plain = try LMTuning.rates(cases, plainHyps)

        var bar = ProgressBar(total: alphas.count * betas.count, label: "tune-lm", enabled: !json && ProgressBar.standardErrorIsTerminal)
        var done = 0
        let cells: [TuningCell]
        do {
            guard let grid = try LMTuning.grid(cases, alphas: alphas, betas: betas, base: base, lm: decoderLM, labels: labels, workers: workers,
                                               shouldStop: stop, onCell: { cell in
                done += 1
                bar.update(done: done, detail: String(format: "cells (α %.2f β %.2f: WER %.1f %%)", cell.alpha, cell.beta, 100 * cell.wer))
            }) else { throw Interrupted() }
            cells = grid
        } catch let e as Interrupted { throw e } catch { throw WorkbenchError("\(error)") }
        bar.finish()
        // The best cell: lowest WER, then lowest CER, then the first in α-major order.
        let best = cells.indices.min { a, b in
            (cells[a].wer, cells[a].cer, a) < (cells[b].wer, cells[b].cer, b)
        }!
        if let out { try drawSurface(cells, best: best, to: out) }

        func rate(_ r: ErrorRateReport) -> ErrorRateSummary { ErrorRateSummary(r) }
        func reply(_ c: TuningCell) -> CellReply {
            CellReply(alpha: c.alpha, beta: c.beta, wer: rate(c.words), cer: rate(c.characters), seconds: c.seconds)
        }
        if json {
            try printJSON(Reply(checkpoint: checkpoint, data: dataSet.data, subset: dataSet.subset, utterances: cases.count,
                                languageModel: lm, fusion: fusion.rawValue, unkScore: fusion == .shallow ? unkScore : nil,
                                beamSize: base.beamSize, prune: prune, alphas: alphas, betas: betas, cells: cells.map(reply),
                                best: reply(cells[best]),
                                greedy: Baseline(decoder: "greedy", wer: rate(greedy.words), cer: rate(greedy.characters)),
                                beamWithoutLM: Baseline(decoder: "beam", wer: rate(plain.words), cer: rate(plain.characters)),
                                figure: out, elapsedSeconds: Date().timeIntervalSince(start)))
            return
        }
        Console.out("\(cases.count) utterances of \(dataSet.data)/\(dataSet.subset); \(fusion.rawValue) fusion, beam \(base.beamSize), prune \(prune)"
                    + (fusion == .shallow ? ", unk \(unkScore)" : ""))
        Console.out("WER % (rows: α, columns: β)")
        let width = 8
        Console.out(pad("α \\ β", width) + betas.map { pad(String(format: "%g", $0), width) }.joined())
        for (i, alpha) in alphas.enumerated() {
            let row = betas.indices.map { j -> String in
                let k = i * betas.count + j
                return pad(String(format: "%.1f", 100 * cells[k].wer) + (k == best ? "*" : ""), width)
            }
            Console.out(pad(String(format: "%g", alpha), width) + row.joined())
        }
        let b = cells[best]
        Console.out(String(format: "best: α = %g, β = %g: WER %.1f %%, CER %.1f %%", b.alpha, b.beta, 100 * b.wer, 100 * b.cer))
        Console.out(String(format: "greedy: WER %.1f %%, CER %.1f %%; beam %d without LM: WER %.1f %%, CER %.1f %%",
                           100 * (greedy.words.corpusRate ?? .nan), 100 * (greedy.characters.corpusRate ?? .nan), base.beamSize,
                           100 * (plain.words.corpusRate ?? .nan), 100 * (plain.characters.corpusRate ?? .nan)))
        if let out { Console.out("wrote \(out)") }
    }

    /// The checkpoint's matrices over `utts`, once, with a progress bar, and what its classes are (characters or
    /// the subword pieces its metadata carries).
    func modelOutputs(over utts: [Utterance]) throws -> (cases: [DecodingCase], labels: LabelSet) {
        var loaded = try loadCheckpoint(checkpoint)
        if let threads { loaded.model.setWorkers(Workers(threads)) }
        var cases: [DecodingCase] = []
        var bar = ProgressBar(total: 1, label: "model", enabled: !json && ProgressBar.standardErrorIsTerminal)
        let skipped: [SkippedItem]
        do {
            skipped = try loaded.model.outputs(over: utts, features: loaded.features, labels: loaded.labels, batchSize: dataSet.batch,
                                               shouldStop: { Interrupt.isRequested }) { batch, out, done, total in
                for (i, m) in try out.logProbabilities().enumerated() {
                    cases.append(DecodingCase(id: batch.ids[i], matrix: m, reference: batch.transcripts[i]))
                }
                bar.total = total
                bar.update(done: done, detail: "batches")
            }
        } catch { throw WorkbenchError("\(checkpoint): \(error)") }
        bar.finish()
        try Interrupt.check()
        for item in skipped { Console.error("skipped \(item.detail) (\(item.reason.rawValue))") }
        guard !cases.isEmpty else { throw WorkbenchError("\(checkpoint): no utterance could be read") }
        return (cases.sorted { $0.id < $1.id }, loaded.labels)
    }

    /// WER % over the grid: α down the rows, β across, the best cell marked.
    func drawSurface(_ cells: [TuningCell], best: Int, to path: String) throws {
        do {
            var h = try Heatmap(rows: alphas.count, columns: betas.count, values: cells.map { 100 * $0.wer })
            h.title = "WER over the (α, β) grid (\(fusion.rawValue) fusion)"
            h.xLabel = "β (word bonus)"
            h.yLabel = "α (LM weight)"
            h.rowLabels = alphas.map { String(format: "%g", $0) }
            h.columnLabels = betas.map { String(format: "%g", $0) }
            // Cells far off (β too large inserts words: WER of 200 % and more) would take the whole colour scale;
            // above 100 % they share its top colour, so the region worth reading keeps its contrast.
            let wers = cells.map { 100 * $0.wer }.filter(\.isFinite)
            if let lo = wers.min(), let hi = wers.max(), hi > 100, lo < 100 {
                h.valueRange = lo...100
                h.colorbarLabel = "WER % (100 % and above: top colour)"
            } else {
                h.colorbarLabel = "WER %"
            }
            h.colormap = .viridis
            h.overlays = [HeatmapOverlay(String(format: "best: %.1f %%", 100 * cells[best].wer),
                                         x: [Double(best % betas.count)], y: [Double(best / betas.count)],
                                         color: RGB(hex: 0xD62728), markers: true)]
            var figure = Figure(width: 720, height: 520, .heatmap(h))
            figure.dpi = Double(png.dpi)
            try figure.write(to: path)
        } catch { throw WorkbenchError("\(error)") }
    }
}
