// CTC figures: `plot probs|alpha|beta|align|viterbi` draw the session's matrix and trellis as heatmaps (frames
// along x; the 29 classes, or the extended label sequence `_ c _ a _ t _`, along y; a labelled colorbar), and
// `plot grid` composes several such panels, from the session or from np.savetxt files, into one figure — the
// notebook's Cell 42 (each model's soft alignment, linear and log) is `plot grid --cols 2 align=... align:log=...`.
// The numbers come from the CTC module and the drawing from Figures; this file only chooses what goes where.
import ArgumentParser
import CTC
import Figures
import Foundation

/// What one CTC panel shows.
enum CTCPanelKind: String, CaseIterable, ExpressibleByArgument {
    case probs, alpha, beta, align, viterbi
}

/// A matrix (and possibly a transcript) that panels are drawn from: the session's, or one read from files.
struct CTCPanelSource {
    var matrix: LogProbabilities
    var labels: [Int]?
    /// Prefix of the panel titles ("DNN" → "DNN Alignment"); empty for the session.
    var name: String
    /// Where the labels came from, for messages.
    var origin: String

    static func session(_ state: CTCState) throws -> CTCPanelSource {
        CTCPanelSource(matrix: try state.requireMatrix(), labels: state.labels, name: "", origin: "the session")
    }

    func requireLabels(for kind: CTCPanelKind) throws -> [Int] {
        guard let labels else {
            if origin == "the session" { throw WorkbenchError("plot \(kind.rawValue) needs a transcript: run 'text \"...\"' first") }
            throw WorkbenchError("a '\(kind.rawValue)' panel needs labels: write KIND=MATRIX:LABELS (a labels file or a transcript)")
        }
        return labels
    }

    func trellis(for kind: CTCPanelKind) throws -> CTCTrellis {
        let labels = try requireLabels(for: kind)
        do {
            return try CTCTrellis(matrix, labels: labels)
        } catch {
            throw WorkbenchError("cannot build the trellis of \(origin): \(error) (the matrix has \(matrix.classes) classes, blank = \(CTC.Tokenizer.blank))")
        }
    }

    /// The transcript for titles, shortened to fit.
    var transcript: String? {
        guard let labels, let text = try? CTC.Tokenizer().text(labels) else { return nil }
        return text.count > 40 ? String(text.prefix(39)) + "…" : text
    }
}

/// Builds the heatmap of one panel.
enum CTCPanels {
    static func heatmap(_ kind: CTCPanelKind, log: Bool, source: CTCPanelSource, title: String? = nil,
                        floor: Double? = nil) throws -> Heatmap {
        var h: Heatmap
        do {
            switch kind {
            case .probs:
                h = try probabilities(source.matrix, log: log, floor: floor)
            case .alpha, .beta:
                let t = try source.trellis(for: kind)
                h = try logTable(kind == .alpha ? t.alpha : t.beta, trellis: t, name: kind == .alpha ? "α" : "β", log: log, floor: floor)
            case .align, .viterbi:
                let t = try source.trellis(for: kind)
                guard t.logLikelihood > -.infinity else { throw WorkbenchError("no alignment to plot: \(t.explanation)") }
                h = try Heatmap.trellis(states: t.stateCount, frames: t.frames, values: transposed(t.softAlignment().posteriors, rows: t.frames),
                                        rowLabels: rowLabels(t), log: log)
                h.colorbarLabel = log ? "log posterior" : "posterior"
                if kind == .viterbi {
                    guard let path = t.viterbi() else { throw WorkbenchError("no Viterbi path: \(t.explanation)") }
                    h.overlays = [HeatmapOverlay("Viterbi path", x: path.statePath.indices.map(Double.init), y: path.statePath.map(Double.init))]
                }
            }
        } catch let e as FigureError {
            throw WorkbenchError("\(e)")
        }
        h.title = title ?? defaultTitle(kind, log: log, source: source)
        return h
    }

    static func defaultTitle(_ kind: CTCPanelKind, log: Bool, source: CTCPanelSource) -> String {
        let base: String
        switch kind {
        case .probs: base = log ? "Log-probabilities" : "Probabilities"
        case .alpha: base = log ? "Forward log α" : "Forward α"
        case .beta: base = log ? "Backward log β" : "Backward β"
        case .align: base = log ? "Alignment in log scale" : "Alignment"
        case .viterbi: base = log ? "Viterbi path over the log alignment" : "Viterbi path over the alignment"
        }
        if !source.name.isEmpty { return "\(source.name) \(base)" }
        if kind != .probs, let text = source.transcript { return "\(base) of \"\(text)\"" }
        return base
    }

    /// The classes along y (`'`, `␣`, a … z, `_`), frames along x.
    static func probabilities(_ m: LogProbabilities, log: Bool, floor: Double?) throws(FigureError) -> Heatmap {
        let values = transposed(log ? m.values : m.probabilities, rows: m.frames)
        var h = try Heatmap(rows: m.classes, columns: m.frames, values: log ? clipped(values, floor: floor) : values)
        h.rowLabels = (0..<m.classes).map(symbolName)
        h.yLabel = "Class"
        h.xLabel = "Frame"
        h.colorbarLabel = log ? "log probability" : "probability"
        return h
    }

    /// alpha or beta (natural logs, T×S): linear shows exp, log shows the logs with −∞ raised to a floor.
    static func logTable(_ table: [Double], trellis t: CTCTrellis, name: String, log: Bool, floor: Double?) throws(FigureError) -> Heatmap {
        let values = transposed(table, rows: t.frames)
        var h = try Heatmap.trellis(states: t.stateCount, frames: t.frames, values: log ? clipped(values, floor: floor) : values.map { Foundation.exp($0) },
                                    rowLabels: rowLabels(t), log: false, values: .probability)
        h.colorbarLabel = log ? "log \(name)" : name
        h.impossibleLabel = "−∞ (impossible)"
        return h
    }

    /// −∞ (and anything below the floor) raised to `floor`, by default the smallest finite value, so the log
    /// colours run continuously to the impossible states; with no finite value the table is left as it is.
    static func clipped(_ values: [Double], floor: Double?) -> [Double] {
        guard let lo = floor ?? values.filter(\.isFinite).min() else { return values }
        return values.map { $0.isNaN ? $0 : Swift.max($0, lo) }
    }

    /// The extended label sequence with blanks as `_` and the space as `␣`.
    static func rowLabels(_ t: CTCTrellis) -> [String] {
        t.states.map { $0 == t.blank ? "_" : symbolName($0) }
    }

    /// (rows × columns) row-major → (columns × rows).
    static func transposed(_ v: [Double], rows: Int) -> [Double] {
        guard rows > 0 else { return v }
        let cols = v.count / rows
        var out = [Double](repeating: 0, count: v.count)
        for r in 0..<rows { for c in 0..<cols { out[c * rows + r] = v[r * cols + c] } }
        return out
    }

    /// Writes the figure; the format check comes first so a bad name fails before any work.
    static func write(_ figure: Figure, to path: String) throws {
        do { try figure.write(to: path) } catch { throw WorkbenchError("\(error)") }
        Console.out("wrote \(path)")
    }

    static func checkFormat(_ path: String) throws {
        do { _ = try FigureFormat(path: path) } catch { throw WorkbenchError("\(error)") }
    }
}

/// Options every CTC figure takes.
struct CTCPlotOptions: ParsableArguments {
    @Option(help: "Output file: .png, .svg or .pdf.", completion: .file())
    var out: String
    @Option(help: "Title (default: what is shown and the transcript).")
    var title: String?
    @Option(help: "Width in pixels (PNG) or points (SVG, PDF).")
    var width: Int = 1000
    @Option(help: "Height in pixels (PNG) or points (SVG, PDF); default 500 (600 for probs).")
    var height: Int?
    @Flag(help: "Log scale: log-probabilities, log α/β, log posteriors.")
    var log = false
    @Option(help: "With --log, the lowest value shown for probs/alpha/beta; −∞ is drawn there (default: the smallest finite value).")
    var floor: Double?
}

/// `plot probs|alpha|beta|align|viterbi`: one panel from the session.
protocol CTCPlotCommand: WorkbenchCommand {
    static var kind: CTCPanelKind { get }
    var plot: CTCPlotOptions { get }
}

extension CTCPlotCommand {
    mutating func run(session: inout Session) throws {
        try CTCPanels.checkFormat(plot.out)
        let h = try CTCPanels.heatmap(Self.kind, log: plot.log, source: try .session(session.ctc), title: plot.title, floor: plot.floor)
        try CTCPanels.write(CTCPanels.figure(h, kind: Self.kind, width: plot.width, height: plot.height), to: plot.out)
    }
}

extension CTCPanels {
    /// One panel as a figure: 500 high (600 for probs) unless given.
    static func figure(_ h: Heatmap, kind: CTCPanelKind, width: Int = 1000, height: Int? = nil) -> Figure {
        let height = height ?? (kind == .probs ? 600 : 500)
        var figure = Figure(width: width, height: height, .heatmap(h))
        if kind == .probs {
            // Text small enough that every one of the 29 class labels gets its own row (Figures thins them otherwise):
            // the automatic size (√(w·h)/40, 8…24), capped at about height/40.
            let automatic = min(24, max(8, (Double(width) * Double(height)).squareRoot() / 40))
            figure.fontSize = max(8, min(automatic, Double(height) / 40))
        }
        return figure
    }
}

struct PlotProbs: CTCPlotCommand {
    static let configuration = CommandConfiguration(
        commandName: "probs",
        abstract: "Heatmap of the matrix: the 29 classes against frames (--log: log-probabilities).")
    static let kind = CTCPanelKind.probs
    @OptionGroup var plot: CTCPlotOptions
}

struct PlotAlpha: CTCPlotCommand {
    static let configuration = CommandConfiguration(
        commandName: "alpha",
        abstract: "Heatmap of the forward table: extended labels (_ c _ a _ t _) against frames (exp α, or log α with --log).")
    static let kind = CTCPanelKind.alpha
    @OptionGroup var plot: CTCPlotOptions
}

struct PlotBeta: CTCPlotCommand {
    static let configuration = CommandConfiguration(
        commandName: "beta",
        abstract: "Heatmap of the backward table (excluding frame t's emission; exp β, or log β with --log).")
    static let kind = CTCPanelKind.beta
    @OptionGroup var plot: CTCPlotOptions
}

struct PlotAlign: CTCPlotCommand {
    static let configuration = CommandConfiguration(
        commandName: "align",
        abstract: "Heatmap of the soft alignment: each state's posterior at each frame (--log: like np.log(align)).")
    static let kind = CTCPanelKind.align
    @OptionGroup var plot: CTCPlotOptions
}

struct PlotViterbi: CTCPlotCommand {
    static let configuration = CommandConfiguration(
        commandName: "viterbi",
        abstract: "The soft alignment with the Viterbi (best single) path drawn over it.")
    static let kind = CTCPanelKind.viterbi
    @OptionGroup var plot: CTCPlotOptions
}

// MARK: - plot grid

/// One `plot grid` panel: KIND[:log][=MATRIX[:LABELS]][@NAME], or `-` for a blank cell.
struct GridPanelSpec: Equatable {
    var kind: CTCPanelKind?
    var log = false
    var matrix: String?
    var labels: String?
    var name: String?

    static func parse(_ text: String) throws -> GridPanelSpec {
        if text == "-" { return GridPanelSpec(kind: nil) }
        var rest = Substring(text)
        var spec = GridPanelSpec(kind: nil)
        if let at = rest.lastIndex(of: "@") {
            spec.name = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
        }
        var head = rest
        if let eq = rest.firstIndex(of: "=") {
            head = rest[..<eq]
            let source = rest[rest.index(after: eq)...]
            if let colon = source.firstIndex(of: ":") {
                spec.matrix = String(source[..<colon])
                spec.labels = String(source[source.index(after: colon)...])
            } else {
                spec.matrix = String(source)
            }
            guard !(spec.matrix ?? "").isEmpty else { throw WorkbenchError("panel '\(text)': no matrix file after '='") }
        }
        let parts = head.split(separator: ":", omittingEmptySubsequences: false)
        let kinds = CTCPanelKind.allCases.map(\.rawValue).joined(separator: ", ")
        guard let k = CTCPanelKind(rawValue: String(parts[0])) else {
            throw WorkbenchError("panel '\(text)': unknown kind '\(parts[0])' (one of \(kinds); syntax KIND[:log][=MATRIX[:LABELS]][@NAME])")
        }
        spec.kind = k
        for m in parts.dropFirst() {
            switch m {
            case "log": spec.log = true
            case "lin", "linear": spec.log = false
            default: throw WorkbenchError("panel '\(text)': unknown modifier ':\(m)' (only ':log' or ':lin' may follow the kind)")
            }
        }
        return spec
    }

    /// The matrix and labels this panel reads (the session's when no file is named).
    func source(session: CTCState) throws -> CTCPanelSource {
        guard let matrix else { return try .session(session) }
        let m = try Self.loadMatrix(matrix)
        var labels: [Int]? = nil
        if let l = self.labels, !l.isEmpty { labels = try Self.loadLabels(l, classes: m.classes) }
        return CTCPanelSource(matrix: m, labels: labels, name: name ?? Self.defaultName(matrix), origin: matrix)
    }

    /// A T×K np.savetxt matrix (rows = frames): probabilities, or natural logs when any value is negative.
    static func loadMatrix(_ path: String) throws -> LogProbabilities {
        let t = try MatrixText.read(path)
        let isLog = t.values.contains { $0 < 0 }
        do {
            return isLog ? try LogProbabilities(frames: t.rows, classes: t.columns, logValues: t.values)
                         : try LogProbabilities(frames: t.rows, classes: t.columns, probabilities: t.values)
        } catch {
            throw WorkbenchError("\(path): \(error)")
        }
    }

    /// A labels file (class indices, whitespace separated, as np.savetxt writes them — trailing 0s are the batch
    /// padding and are dropped), or else a transcript ("the cat").
    static func loadLabels(_ spec: String, classes: Int) throws -> [Int] {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: spec, isDirectory: &isDirectory), !isDirectory.boolValue {
            let t = try MatrixText.read(spec)
            var labels: [Int] = []
            for v in t.values {
                guard v.isFinite, v == v.rounded(), v >= 0, v < Double(classes) else {
                    throw WorkbenchError("\(spec): \(v) is not a class index in 0..<\(classes)")
                }
                labels.append(Int(v))
            }
            while labels.last == 0 { labels.removeLast() }
            guard !labels.contains(CTC.Tokenizer.blank) else {
                throw WorkbenchError("\(spec): contains the blank (\(CTC.Tokenizer.blank)), which cannot be a label")
            }
            return labels
        }
        var text = spec
        if text.count >= 2, let f = text.first, f == text.last, f == "\"" || f == "'" { text = String(text.dropFirst().dropLast()) }
        do {
            return try CTC.Tokenizer().indices(text)
        } catch {
            throw WorkbenchError("'\(spec)' is neither a labels file nor a transcript (\(error))")
        }
    }

    /// runs/dnn/alignments/epoch-003-utt0_matrix.txt → "dnn epoch-003-utt0"; other files → their stem.
    static func defaultName(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        var stem = url.deletingPathExtension().lastPathComponent
        if stem.hasSuffix("_matrix") { stem.removeLast("_matrix".count) }
        let folder = url.deletingLastPathComponent()
        if folder.lastPathComponent == "alignments" {
            return folder.deletingLastPathComponent().lastPathComponent + " " + stem
        }
        return stem
    }
}

struct PlotGrid: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "grid",
        abstract: "Several CTC panels in one figure, row by row (the notebook's Cell 42: each model's alignment, linear and log).",
        discussion: """
            PANEL is KIND[:log][=MATRIX[:LABELS]][@NAME], KIND one of probs, alpha, beta, align, viterbi:
              align, align:log        the session's matrix and transcript
              align=M.txt:L.txt@DNN   M.txt: np.savetxt probabilities, rows = frames, columns = classes (log-probabilities \
            if any value is negative); L.txt: the label indices (np.savetxt of the padded labels: trailing 0s are \
            dropped); or a transcript instead of L.txt: align=M.txt:"the cat"
              -                       a blank cell
            @NAME starts the panel titles ("DNN Alignment", "DNN Alignment in log scale"); by default it is the run \
            and file name (runs/dnn/alignments/epoch-003-utt0_matrix.txt → "dnn epoch-003-utt0").
            Example: plot grid --out cell42.png --cols 2 'align=runs/dnn/alignments/epoch-003-utt0_matrix.txt:runs/dnn/alignments/epoch-003-utt0_labels.txt@DNN' \
            'align:log=runs/dnn/alignments/epoch-003-utt0_matrix.txt:runs/dnn/alignments/epoch-003-utt0_labels.txt@DNN' ...
            """
    )

    @Option(help: "Output file: .png, .svg or .pdf.", completion: .file())
    var out: String
    @Option(help: "Panels per row.")
    var cols: Int = 2
    @Option(help: "Overall title above the grid.")
    var title: String?
    @Option(help: "Width in pixels (PNG) or points (default 700 per column).")
    var width: Int?
    @Option(help: "Height in pixels (PNG) or points (default 420 per row).")
    var height: Int?
    @Option(help: "Lowest value shown on log probs/alpha/beta panels (default: each panel's smallest finite value).")
    var floor: Double?
    @Argument(help: "The panels: KIND[:log][=MATRIX[:LABELS]][@NAME] (see above).")
    var panels: [String] = []

    mutating func run(session: inout Session) throws {
        guard !panels.isEmpty else { throw WorkbenchError("plot grid needs at least one PANEL, e.g. 'plot grid --out f.png align align:log'") }
        guard cols >= 1 else { throw WorkbenchError("--cols must be at least 1 (got \(cols))") }
        try CTCPanels.checkFormat(out)
        let specs = try panels.map(GridPanelSpec.parse)
        var drawn: [Panel] = []
        for (spec, text) in zip(specs, panels) {
            guard let kind = spec.kind else { drawn.append(.empty); continue }
            do {
                let source = try spec.source(session: session.ctc)
                drawn.append(.heatmap(try CTCPanels.heatmap(kind, log: spec.log, source: source, floor: floor)))
            } catch let e as WorkbenchError {
                throw WorkbenchError("panel '\(text)': \(e.description)")
            }
        }
        let columns = min(cols, drawn.count)
        let rows = (drawn.count + columns - 1) / columns
        let figure = Figure(width: width ?? min(20_000, 700 * columns), height: height ?? min(20_000, 420 * rows),
                            rows: rows, columns: columns, panels: drawn, title: title ?? "")
        try CTCPanels.write(figure, to: out)
    }
}
