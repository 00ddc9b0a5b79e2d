// The side-by-side table of `bench all`: the workloads of tools/anchors/README.md, Trellis's figure for each, the
// PyTorch anchor's figure (read from bench_torch.py's JSON, or the committed constants) and their ratio. Plain values
// and functions only — running either side is elsewhere (`BenchAllCommand.swift`, `AnchorPython.swift`) — so the
// table can be tested from a canned JSON without Python.
import Foundation

/// One workload of the anchors' README, under the name bench_torch.py uses for it.
struct AnchorWorkload: Sendable, Equatable {
    var name: String
    /// What is timed, for a person.
    var what: String

    /// Every workload the anchors' README lists, in its order. Trellis has a bench for each; a workload the anchor
    /// reports and this list lacks is shown as missing in Trellis, never dropped.
    static let all: [AnchorWorkload] = [
        .init(name: "mel", what: "mel spectrogram of 60 s (torchaudio defaults)"),
        .init(name: "ctc", what: "log-softmax + CTC loss and gradient, T=400 B=32 K=29 L=100"),
        .init(name: "step_dnn", what: "training step, notebook DNN, batch 16 × 800 frames"),
        .init(name: "step_lstm", what: "training step, notebook LSTM, batch 16 × 800 frames"),
        .init(name: "step_bilstm", what: "training step, notebook BiLSTM, batch 16 × 800 frames"),
        .init(name: "beam", what: "prefix beam search, beam 5, prune 1e-3, T=400 (notebook Python)"),
    ]

    static var names: [String] { all.map(\.name) }

    /// The training-step workloads, which bench_torch.py runs with the (small) step repetitions.
    var isStep: Bool { name.hasPrefix("step_") }
}

/// A workload's best and median time, in milliseconds.
struct Timing: Sendable, Equatable {
    var bestMs: Double
    var medianMs: Double?
}

/// What bench_torch.py printed, read into figures.
struct AnchorFigures: Sendable, Equatable {
    var torchVersion: String?
    var threads: Int?
    /// Every workload in the reply, by bench_torch.py's name, in the reply's order.
    var timings: [(name: String, timing: Timing)]

    static func == (a: AnchorFigures, b: AnchorFigures) -> Bool {
        a.torchVersion == b.torchVersion && a.threads == b.threads
            && a.timings.map(\.name) == b.timings.map(\.name) && a.timings.map(\.timing) == b.timings.map(\.timing)
    }

    func timing(_ name: String) -> Timing? { timings.first { $0.name == name }?.timing }

    /// Reads bench_torch.py's JSON. Keys other than `torch`, `torchaudio` and `threads` are workloads; a workload's
    /// best time is its one field named `ms_per_…` (milliseconds) or `s_per_…` (seconds) — `ms_per_60s`,
    /// `ms_per_call`, `ms_per_step`, `s_per_utterance_T400` — and its median `median_ms` or `median_s`.
    static func parse(_ data: Data) throws -> AnchorFigures {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw AnchorError.unreadableReply("it is not JSON (\(error.localizedDescription))")
        }
        guard let top = object as? [String: Any] else { throw AnchorError.unreadableReply("it is not a JSON object") }
        // JSONSerialization forgets the order of keys; the README's order first, then the rest by name.
        let known = AnchorWorkload.names
        let workloadKeys = top.keys.filter { !["torch", "torchaudio", "threads"].contains($0) }
            .sorted { (known.firstIndex(of: $0) ?? known.count, $0) < (known.firstIndex(of: $1) ?? known.count, $1) }
        var timings: [(name: String, timing: Timing)] = []
        for key in workloadKeys {
            guard let fields = top[key] as? [String: Any] else {
                throw AnchorError.unreadableReply("\"\(key)\" is not an object of figures")
            }
            timings.append((key, try timing(of: key, fields)))
        }
        return AnchorFigures(torchVersion: top["torch"] as? String, threads: top["threads"] as? Int, timings: timings)
    }

    private static func timing(of workload: String, _ fields: [String: Any]) throws -> Timing {
        var best: [Double] = []
        for (key, value) in fields {
            let scale = key.hasPrefix("ms_per_") ? 1.0 : key.hasPrefix("s_per_") ? 1000.0 : nil
            guard let scale else { continue }
            guard let number = value as? Double, number.isFinite, number > 0 else {
                throw AnchorError.unreadableReply("\"\(workload).\(key)\" is not a positive number")
            }
            best.append(number * scale)
        }
        guard best.count == 1 else {
            throw AnchorError.unreadableReply("\"\(workload)\" has \(best.count) time fields (ms_per_… or s_per_…), not one")
        }
        let median = (fields["median_ms"] as? Double) ?? (fields["median_s"] as? Double).map { $0 * 1000 }
        return Timing(bestMs: best[0], medianMs: median)
    }

    /// The replies of several bench_torch.py runs, each asked for some workloads (`--only`): a workload is taken from
    /// the run that was asked for it, else from the first reply that has it.
    static func merge(_ runs: [(asked: [String], figures: AnchorFigures)]) -> AnchorFigures {
        var merged = AnchorFigures(torchVersion: runs.first?.figures.torchVersion, threads: runs.first?.figures.threads, timings: [])
        var names: [String] = []
        for run in runs { for (name, _) in run.figures.timings where !names.contains(name) { names.append(name) } }
        for name in names {
            let asked = runs.first { $0.asked.contains(name) && $0.figures.timing(name) != nil }
            if let t = (asked ?? runs.first { $0.figures.timing(name) != nil })?.figures.timing(name) { merged.timings.append((name, t)) }
        }
        return merged
    }
}

/// A failure of the anchor side, in words a student can act on.
enum AnchorError: Error, Equatable, CustomStringConvertible {
    case noPython(String)
    case noTorch(python: String, detail: String)
    case noScript([String])
    case scriptFailed(status: Int32, detail: String)
    case unreadableReply(String)

    var description: String {
        switch self {
        case .noPython(let path):
            return "\(path) is not a program this user can run: give --anchor-python the python of an environment with torch"
        case .noTorch(let python, let detail):
            return "\(python) cannot import torch, torchaudio and numpy (\(detail)); the PyTorch anchor needs them: "
                + "see tools/anchors/README.md, \"Reproduce\""
        case .noScript(let looked):
            return "cannot find tools/anchors/bench_torch.py (looked in \(looked.joined(separator: ", "))): "
                + "run trellis from the repository or give --anchor-script"
        case .scriptFailed(let status, let detail):
            return "bench_torch.py exited with status \(status)" + (detail.isEmpty ? "" : ": \(detail)")
        case .unreadableReply(let why):
            return "cannot read bench_torch.py's reply: \(why)"
        }
    }
}

/// One line of the table.
struct ComparisonRow: Sendable, Equatable {
    enum Status: String, Sendable {
        /// Both figures: the ratio is the reference's best / Trellis's best.
        case compared
        /// Trellis timed it; the reference has no figure for it (not asked, or not in its reply).
        case noReference = "no reference figure"
        /// The reference timed a workload Trellis has no bench for.
        case missingInTrellis = "missing in Trellis"
    }
    var name: String
    var what: String
    var trellis: Timing?
    var reference: Timing?
    var status: Status
    /// reference best / Trellis best: above 1, Trellis is faster (as every `bench` command reports it).
    var ratio: Double? {
        guard let t = trellis, let r = reference, t.bestMs > 0 else { return nil }
        return r.bestMs / t.bestMs
    }

    /// Trellis's workloads in the README's order, each beside its reference figure, then the reference's workloads
    /// Trellis lacks.
    static func table(trellis: [(name: String, timing: Timing)], reference: AnchorFigures) -> [ComparisonRow] {
        var rows: [ComparisonRow] = []
        for (name, timing) in trellis {
            let what = AnchorWorkload.all.first { $0.name == name }?.what ?? name
            let r = reference.timing(name)
            rows.append(.init(name: name, what: what, trellis: timing, reference: r, status: r == nil ? .noReference : .compared))
        }
        for (name, timing) in reference.timings where !AnchorWorkload.names.contains(name) {
            rows.append(.init(name: name, what: "(no Trellis bench)", trellis: nil, reference: timing, status: .missingInTrellis))
        }
        return rows
    }

    /// The table for a person: one line per workload, `×` the ratio.
    static func lines(_ rows: [ComparisonRow], referenceName: String) -> [String] {
        func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : s + String(repeating: " ", count: width - s.count) }
        func number(_ x: Double) -> String { String(format: x >= 100 ? "%.0f" : x >= 10 ? "%.1f" : "%.2f", x) }
        func ms(_ t: Timing?) -> String {
            guard let t else { return pad("—", 22) }
            return pad(number(t.bestMs) + (t.medianMs.map { " (\(number($0)))" } ?? ""), 22)
        }
        var out = [pad("workload", 12) + " " + pad("Trellis ms (median)", 22) + " " + pad("\(referenceName) ms (median)", 22) + " ratio"]
        for row in rows {
            let ratio = row.ratio.map { String(format: "×%.2f", $0) } ?? row.status.rawValue
            out.append(pad(row.name, 12) + " " + ms(row.trellis) + " " + ms(row.reference) + " " + ratio)
        }
        return out
    }
}
