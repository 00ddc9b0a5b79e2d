// CTC figures: `plot probs|alpha|beta|align|viterbi` draw the session's matrix and trellis as heatmaps (frames
// along x; the 29 classes, or the extended label sequence `_ c _ a _ t _`, along y; a labelled colorbar), and
// `plot grid` composes several such panels, from the session, from np.savetxt files or from checkpoints and an
// utterance id (`align=runs/dnn@3:ID`, the matrix computed through the one model-output path), into one figure —
// the notebook's Cell 42 (each model's soft alignment, linear and log) is `plot grid --cols 2 align=... align:log=...`.
// Real utterances have hundreds of frames and labels: the figure grows until every row label has a line
// (`Figure.growingToFitRowLabels`), symbols are numbered by their position in the transcript (`12 c`), and
// `--frames A:B` / `--labels A:B` zoom in while the axes keep the original numbers; `--x-unit seconds` puts time
// along x. The numbers come from the CTC module and the drawing from Figures; this file only chooses what goes where.
import Base
import ArgumentParser
import CTC
import Figures
import Foundation
import Training
import Analysis

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
    /// What the matrix's classes mean (row labels, the blank, the transcript in titles).
    var labelSet: LabelSet = .characters

    static func session(_ state: CTCState) throws -> CTCPanelSource {
        CTCPanelSource(matrix: try state.requireMatrix(), labels: state.labels, name: "", origin: "the session", labelSet: state.labelSet)
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
        return try CTCState.buildTrellis(matrix, labels: labels, blank: labelSet.blank, for: "plot \(kind.rawValue)", tables: 3, origin: " of \(origin)")
    }

    /// The transcript (or the part `window` selects) for titles; titles wrap, so it is never cut.
    func transcript(_ window: Range<Int>? = nil) -> String? {
        guard let labels, let text = try? labelSet.decode(Array(labels[window ?? labels.indices])) else { return nil }
        return text
    }
}

/// A slice `A:B` of frames or labels, read as Python reads it: A included, B not, either end may be left out.
struct IndexWindow: Equatable {
    var lower: Int?
    var upper: Int?

    static func parse(_ text: String) throws -> IndexWindow {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        func bound(_ p: Substring) throws -> Int? {
            let t = p.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { return nil }
            guard let v = Int(t) else { throw ValidationError("'\(t)' is not a whole number; expected A:B, e.g. 100:200, 100: or :50") }
            guard v >= 0 else { throw ValidationError("\(v): frames and labels count from 0 (negative indices are not supported)") }
            return v
        }
        guard parts.count == 2 else { throw ValidationError("expected A:B (A included, B not, as in Python), e.g. 100:200, 100: or :50") }
        let w = IndexWindow(lower: try bound(parts[0]), upper: try bound(parts[1]))
        if let a = w.lower, let b = w.upper, a >= b { throw ValidationError("\(a):\(b) is empty: A must be smaller than B") }
        return w
    }

    /// The slice inside 0..<count, or a sentence saying why it is not one.
    func range(in count: Int, option: String, of what: String) throws -> Range<Int> {
        let a = lower ?? 0, b = upper ?? count
        guard b <= count, a < b else {
            throw WorkbenchError("\(option) \(lower.map(String.init) ?? ""):\(upper.map(String.init) ?? ""): \(what) has \(count), so A:B must lie within 0:\(count)")
        }
        return a..<b
    }
}

/// What runs along the x axis of a CTC figure.
enum XUnit: String, CaseIterable, ExpressibleByArgument {
    case frames, seconds
}

/// Which part of the matrix or trellis a figure shows, and in what unit (options shared by the plots and `plot grid`).
struct CTCViewOptions: ParsableArguments {
    @Option(help: "Only frames A:B (A included, B not, as in Python: 100:200, 100:, :50); the axis keeps the frame numbers.",
            transform: IndexWindow.parse)
    var frames: IndexWindow?
    @Option(help: "Only transcript labels A:B of trellis plots (their states 2A…2B: the labels and the blanks around them).",
            transform: IndexWindow.parse)
    var labels: IndexWindow?
    @Option(name: .customLong("x-unit"), help: "What runs along x: frames, or seconds (needs the time between frames).")
    var xUnit: XUnit = .frames
    @Option(help: "Samples per matrix frame, for --x-unit seconds (default: known after 'probs from': the model's feature hop × its time stride).")
    var hop: Int?
    @Option(help: "Sample rate in Hz that --hop counts in (default 16000).")
    var rate: Int?

    func validate() throws {
        if let hop, hop < 1 { throw ValidationError("--hop must be at least 1 sample (got \(hop))") }
        if let rate, rate < 1 { throw ValidationError("--rate must be at least 1 Hz (got \(rate))") }
        if xUnit == .frames, hop != nil || rate != nil {
            throw ValidationError("--hop and --rate time the x axis: use them with --x-unit seconds")
        }
    }

    /// Seconds per frame of a matrix from `origin` when x is in seconds (nil in frames): --hop/--rate, else what
    /// the session knows (`known`), else an error saying how to give it.
    func secondsPerFrame(known: Double?, origin: String) throws -> Double? {
        guard xUnit == .seconds else { return nil }
        if let hop { return Double(hop) / Double(rate ?? 16000) }
        if let known { return known }
        let what = origin == "the session" ? "the session's matrix" : origin
        throw WorkbenchError("--x-unit seconds needs the time between the frames of \(what): give --hop SAMPLES (and --rate HZ, "
                             + "default 16000), or make the matrix with 'probs from FILE' after 'model load', which knows it")
    }
}

/// A resolved view: the windows and the time scale one panel is drawn with.
struct CTCView {
    var frames: IndexWindow?
    var labels: IndexWindow?
    var secondsPerFrame: Double?
    /// `plot probs --labels` is a mistake; in `plot grid` the labels window only concerns the trellis panels.
    var labelsOnProbsIsError = true

    init() {}

    init(_ options: CTCViewOptions, source: CTCPanelSource, known: Double?, labelsOnProbsIsError: Bool) throws {
        frames = options.frames
        labels = options.labels
        secondsPerFrame = try options.secondsPerFrame(known: known, origin: source.origin)
        self.labelsOnProbsIsError = labelsOnProbsIsError
    }
}

/// Builds the heatmap of one panel.
enum CTCPanels {
    static func heatmap(_ kind: CTCPanelKind, log: Bool, source: CTCPanelSource, title: String? = nil,
                        floor: Double? = nil, view: CTCView = CTCView()) throws -> Heatmap {
        var h: Heatmap
        var labelWindow: Range<Int>?
        do {
            switch kind {
            case .probs:
                h = try probabilities(source.matrix, log: log, floor: floor, labelSet: source.labelSet)
            case .alpha, .beta:
                let t = try source.trellis(for: kind)
                h = try logTable(kind == .alpha ? t.alpha : t.beta, trellis: t, name: kind == .alpha ? "α" : "β", log: log, floor: floor,
                                 labelSet: source.labelSet)
            case .align, .viterbi:
                let t = try source.trellis(for: kind)
                guard t.logLikelihood > -.infinity else { throw WorkbenchError("no alignment to plot: \(t.explanation)") }
                h = try Heatmap.trellis(states: t.stateCount, frames: t.frames, values: transposed(t.softAlignment().posteriors, rows: t.frames),
                                        rowLabels: rowLabels(t, source.labelSet), log: log)
                h.colorbarLabel = log ? "log posterior" : "posterior"
                if kind == .viterbi {
                    guard let path = t.viterbi() else { throw WorkbenchError("no Viterbi path: \(t.explanation)") }
                    h.overlays = [HeatmapOverlay("Viterbi path", x: path.statePath.indices.map(Double.init), y: path.statePath.map(Double.init))]
                }
            }
            labelWindow = try window(&h, kind: kind, view: view)
        } catch let e as FigureError {
            throw WorkbenchError("\(e)")
        }
        let frameWindow = view.frames == nil ? nil : h.firstColumn..<(h.firstColumn + h.columns)
        h.title = title ?? defaultTitle(kind, log: log, source: source, labels: labelWindow, frames: frameWindow)
        return h
    }

    /// Cuts `h` to the view's frames and labels and puts x in seconds when asked; returns the labels shown when
    /// a labels window was applied.
    static func window(_ h: inout Heatmap, kind: CTCPanelKind, view: CTCView) throws -> Range<Int>? {
        let columns = try view.frames.map { try $0.range(in: h.columns, option: "--frames", of: "the matrix") }
        var rows: Range<Int>?, labels: Range<Int>?
        if let w = view.labels {
            if kind != .probs {
                let r = try w.range(in: (h.rows - 1) / 2, option: "--labels", of: "the transcript")
                (rows, labels) = (2 * r.lowerBound..<(2 * r.upperBound + 1), r)
            } else if view.labelsOnProbsIsError {
                throw WorkbenchError("--labels picks transcript labels of a trellis plot; 'plot probs' shows the \(h.rows) classes (use --frames to zoom)")
            }
        }
        if rows != nil || columns != nil { h = try h.window(rows: rows, columns: columns) }
        if let dt = view.secondsPerFrame {
            // Frame t covers [t·dt, (t+1)·dt), as in the spectrogram figures; overlays go through cell centres.
            h.xExtent = (Double(h.firstColumn) * dt)...(Double(h.firstColumn + h.columns) * dt)
            h.xLabel = "Time (s)"
            for i in h.overlays.indices { h.overlays[i].x = h.overlays[i].x.map { ($0 + 0.5) * dt } }
        }
        return labels
    }

    static func defaultTitle(_ kind: CTCPanelKind, log: Bool, source: CTCPanelSource, labels: Range<Int>? = nil,
                             frames: Range<Int>? = nil) -> String {
        let base: String
        switch kind {
        case .probs: base = log ? "Log-probabilities" : "Probabilities"
        case .alpha: base = log ? "Forward log α" : "Forward α"
        case .beta: base = log ? "Backward log β" : "Backward β"
        case .align: base = log ? "Alignment in log scale" : "Alignment"
        case .viterbi: base = log ? "Viterbi path over the log alignment" : "Viterbi path over the alignment"
        }
        var zoom: [String] = []
        if let labels { zoom.append("labels \(labels.lowerBound)–\(labels.upperBound - 1)") }
        if let frames { zoom.append("frames \(frames.lowerBound)–\(frames.upperBound - 1)") }
        let note = zoom.isEmpty ? "" : " (" + zoom.joined(separator: ", ") + ")"
        if !source.name.isEmpty { return "\(source.name) \(base)\(note)" }
        if kind != .probs, let text = source.transcript(labels) { return "\(base) of \"\(text)\"\(note)" }
        return base + note
    }

    /// The classes along y (`'`, `␣`, a … z, `_`), frames along x.
    static func probabilities(_ m: LogProbabilities, log: Bool, floor: Double?, labelSet: LabelSet = .characters) throws(FigureError) -> Heatmap {
        let values = transposed(log ? m.values : m.probabilities, rows: m.frames)
        var h = try Heatmap(rows: m.classes, columns: m.frames, values: log ? clipped(values, floor: floor) : values)
        h.rowLabels = (0..<m.classes).map { symbolName($0, in: labelSet) }
        h.yLabel = "Class"
        h.xLabel = "Frame"
        h.colorbarLabel = log ? "log probability" : "probability"
        return h
    }

    /// alpha or beta (natural logs, T×S): linear shows exp, log shows the logs with −∞ raised to a floor.
    static func logTable(_ table: [Double], trellis t: CTCTrellis, name: String, log: Bool, floor: Double?,
                         labelSet: LabelSet = .characters) throws(FigureError) -> Heatmap {
        let values = transposed(table, rows: t.frames)
        var h = try Heatmap.trellis(states: t.stateCount, frames: t.frames, values: log ? clipped(values, floor: floor) : values.map { Foundation.exp($0) },
                                    rowLabels: rowLabels(t, labelSet), log: false, values: .probability)
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

    /// The extended label sequence with blanks as `_`, the space as `␣`, and each symbol numbered by its
    /// position in the transcript (`_`, `0 t`, `_`, `1 h`, …).
    static func rowLabels(_ t: CTCTrellis, _ labelSet: LabelSet = .characters) -> [String] {
        Heatmap.extendedLabels(t.labels.map { symbolName($0, in: labelSet) }, numbered: true)
    }

    /// (rows × columns) row-major → (columns × rows).
    static func transposed(_ v: [Double], rows: Int) -> [Double] {
        guard rows > 0 else { return v }
        let cols = v.count / rows
        var out = [Double](repeating: 0, count: v.count)
        for r in 0..<rows { for c in 0..<cols { out[c * rows + r] = v[r * cols + c] } }
        return out
    }


    static func checkFormat(_ path: String) throws {
        do { _ = try FigureFormat(path: path) } catch { throw WorkbenchError("\(error)") }
    }
}

/// Options every CTC figure takes.
struct CTCPlotOptions: ParsableArguments {
    @Option(help: "Output file: .png, .svg or .pdf.", completion: .file())
    var out: String
    @Option(help: "Title (default: what is shown and the transcript; long titles wrap).")
    var title: String?
    @Option(help: "Width in pixels (PNG) or points (SVG, PDF); text grows with the figure.")
    var width: Int = 1000
    @Option(help: "Height in pixels (PNG) or points (SVG, PDF); default 500, or taller so that every row label fits.")
    var height: Int?
    @Flag(help: "Log scale: log-probabilities, log α/β, log posteriors.")
    var log = false
    @Option(help: "With --log, the lowest value shown for probs/alpha/beta; −∞ is drawn there (default: the smallest finite value).", transform: finite)
    var floor: Double?
    @OptionGroup var view: CTCViewOptions
    @OptionGroup var png: PNGResolutionOption
    @Flag(help: "Print one JSON object.")
    var json = false
}

/// `plot probs|alpha|beta|align|viterbi`: one panel from the session.
protocol CTCPlotCommand: WorkbenchCommand {
    static var kind: CTCPanelKind { get }
    var plot: CTCPlotOptions { get }
}

extension CTCPlotCommand {
    mutating func run(session: inout Session) throws {
        try CTCPanels.checkFormat(plot.out)
        let source = try CTCPanelSource.session(session.ctc)
        let view = try CTCView(plot.view, source: source, known: session.ctc.secondsPerFrame, labelsOnProbsIsError: true)
        let h = try CTCPanels.heatmap(Self.kind, log: plot.log, source: source, title: plot.title, floor: plot.floor, view: view)
        try writeFigure(CTCPanels.figure(h, width: plot.width, height: plot.height, dpi: Double(plot.png.dpi)), to: plot.out, json: plot.json)
    }
}

extension CTCPanels {
    /// One panel as a figure: `height` if given, else 500 or as tall as its row labels need (text sized for 500).
    static func figure(_ h: Heatmap, width: Int = 1000, height: Int? = nil, dpi: Double = 100) -> Figure {
        var figure = Figure(width: width, height: height ?? 500, .heatmap(h))
        figure.dpi = dpi
        return height == nil ? figure.growingToFitRowLabels() : figure
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
        // A trailing @NAME names the panel, but RUN@3, RUN@latest and RUN@3:ID name a checkpoint.
        if let at = rest.lastIndex(of: "@"), !Self.isEpochSuffix(rest[rest.index(after: at)...]) {
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

    /// "3", "latest", "3:ID": what follows the '@' of a checkpoint reference (RUN@N), not a panel name.
    static func isEpochSuffix(_ text: Substring) -> Bool {
        let epoch = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0]
        return epoch == "latest" || (!epoch.isEmpty && epoch.allSatisfy(\.isASCII) && epoch.allSatisfy(\.isNumber))
    }

    /// Whether the panel's source names a checkpoint (a run folder, RUN@N, RUN@latest, a .safetensors file)
    /// rather than an np.savetxt matrix; its LABELS part is then an utterance id.
    var namesCheckpoint: Bool {
        guard let matrix else { return false }
        var isDirectory: ObjCBool = false
        if matrix.hasSuffix(".safetensors") { return true }
        if FileManager.default.fileExists(atPath: matrix, isDirectory: &isDirectory) { return isDirectory.boolValue }
        guard let at = matrix.lastIndex(of: "@") else { return false }
        return FileManager.default.fileExists(atPath: String(matrix[..<at]), isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// The matrix and labels this panel reads (the session's when no file is named).
    func source(session: CTCState, layout: MatrixLayout) throws -> CTCPanelSource {
        guard let matrix else { return try .session(session) }
        let m = try Self.loadMatrix(matrix, layout: layout)
        var labels: [Int]? = nil
        if let l = self.labels, !l.isEmpty { labels = try Self.loadLabels(l, classes: m.classes) }
        return CTCPanelSource(matrix: m, labels: labels, name: name ?? Self.defaultName(matrix), origin: matrix)
    }

    /// A T×K np.savetxt matrix read as `probs load` reads it (`layout`, log detection, the row-sum check).
    static func loadMatrix(_ path: String, layout: MatrixLayout) throws -> LogProbabilities {
        let m = try ProbabilityFile.load(path, layout: layout).matrix
        if let warning = rowSumWarning(m, source: path) { Console.out(warning) }
        return m
    }

    /// A labels file (class indices, whitespace separated, as np.savetxt writes them — trailing 0s are the batch
    /// padding and are dropped), or else a transcript ("the cat").
    static func loadLabels(_ spec: String, classes: Int) throws -> [Int] {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: spec, isDirectory: &isDirectory), !isDirectory.boolValue {
            let t = try SaveText.read(spec)
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
              align=runs/dnn@3:ID@DNN  a checkpoint (a run folder, RUN@N, RUN@latest or a .safetensors file) and an \
            utterance id: the model's matrix for that utterance, computed as 'probs from' does; the utterance comes \
            from --data (default: the run's data folder) and without :ID it is --utterance or the test subset's first
            @NAME starts the panel titles ("DNN Alignment", "DNN Alignment in log scale"); by default it is the run \
            and file name (runs/dnn/alignments/epoch-003-utt0_matrix.txt → "dnn epoch-003-utt0"), or the checkpoint.
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
    @Option(help: "Height in pixels (PNG) or points (default 420 per row, or taller so that every row label fits).")
    var height: Int?
    @Option(help: "Lowest value shown on log probs/alpha/beta panels (default: each panel's smallest finite value).", transform: finite)
    var floor: Double?
    @Option(help: "Matrix files: tk, rows are frames (default); kt, rows are classes (as probs load).")
    var layout: MatrixLayout = .tk
    @OptionGroup var view: CTCViewOptions
    @OptionGroup var png: PNGResolutionOption
    @Flag(help: "Print one JSON object.")
    var json = false
    @Option(help: "Data folder in which checkpoint panels find their utterance (default: the run's, from run.json).", completion: .directory)
    var data: String?
    @Option(help: "Utterance id of checkpoint panels that name none (default: the test subset's first).")
    var utterance: String?
    @Argument(help: "The panels: KIND[:log][=MATRIX[:LABELS]][@NAME] or KIND[:log]=CHECKPOINT[:ID][@NAME] (see above).")
    var panels: [String] = []

    /// A checkpoint panel's matrix: the model's output for the utterance, through the one model-output path.
    /// Matrices are kept per (checkpoint file, utterance), so linear and log panels of one model load it once.
    func checkpointSource(_ spec: GridPanelSpec, cache: inout [String: (CTCPanelSource, Double)]) throws -> (CTCPanelSource, Double) {
        let reference = spec.matrix!
        let url: URL
        do { url = try CheckpointReference.resolve(reference) } catch { throw WorkbenchError("\(error)") }
        let dataDir = try CheckpointUtterance.dataFolder(forCheckpoint: url, given: data)
        let id = (spec.labels?.isEmpty == false ? spec.labels : nil) ?? utterance
        let utt = try CheckpointUtterance.find(id, in: dataDir)
        let key = url.path + "|" + utt.id
        if let hit = cache[key] {
            var source = hit.0
            source.name = spec.name ?? reference
            return (source, hit.1)
        }
        var loaded = try loadCheckpoint(url.path)
        let r: DataSetAlignments
        do { r = try DataSetAlignments.compute(&loaded, over: [utt], batchSize: 1, keepMatrices: true) } catch {
            throw WorkbenchError("\(reference): \(error)")
        }
        guard let u = r.utterances.first, let m = u.matrix else { throw WorkbenchError("\(utt.audioPath) could not be read") }
        let source = CTCPanelSource(matrix: m, labels: u.labels, name: spec.name ?? reference, origin: "\(reference) on \(utt.id)",
                                    labelSet: loaded.labels)
        cache[key] = (source, r.secondsPerFrame)
        return (source, r.secondsPerFrame)
    }

    mutating func run(session: inout Session) throws {
        guard !panels.isEmpty else { throw WorkbenchError("plot grid needs at least one PANEL, e.g. 'plot grid --out f.png align align:log'") }
        guard cols >= 1 else { throw WorkbenchError("--cols must be at least 1 (got \(cols))") }
        try CTCPanels.checkFormat(out)
        let specs = try panels.map(GridPanelSpec.parse)
        var drawn: [Panel] = []
        var cache: [String: (CTCPanelSource, Double)] = [:]
        for (spec, text) in zip(specs, panels) {
            guard let kind = spec.kind else { drawn.append(.empty); continue }
            try Interrupt.check()
            do {
                let source: CTCPanelSource, known: Double?
                if spec.namesCheckpoint {
                    (source, known) = try checkpointSource(spec, cache: &cache)
                } else {
                    source = try spec.source(session: session.ctc, layout: layout)
                    known = spec.matrix == nil ? session.ctc.secondsPerFrame : nil
                }
                let view = try CTCView(self.view, source: source, known: known, labelsOnProbsIsError: false)
                drawn.append(.heatmap(try CTCPanels.heatmap(kind, log: spec.log, source: source, floor: floor, view: view)))
            } catch let e as WorkbenchError {
                throw WorkbenchError("panel '\(text)': \(e.description)")
            }
        }
        let columns = min(cols, drawn.count)
        let rows = (drawn.count + columns - 1) / columns
        var figure = Figure(width: width ?? min(20_000, 700 * columns), height: height ?? min(20_000, 420 * rows),
                            rows: rows, columns: columns, panels: drawn, title: title ?? "")
        figure.dpi = Double(png.dpi)
        try writeFigure(height == nil ? figure.growingToFitRowLabels() : figure, to: out, json: json)
    }
}
