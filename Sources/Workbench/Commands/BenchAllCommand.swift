// `bench all`: every workload of tools/anchors/README.md through Trellis, one after the other, then — given a Python
// with torch — the committed tools/anchors/bench_torch.py right after on the same machine, and the table of both
// figures and their ratios, so the comparison of docs/benchmarks.md is one command. Without a Python the reference
// is the committed anchor figures (measured on another day, so only a rough guide).
import ArgumentParser
import Audio
import Foundation
import Models
import Training

struct BenchAll: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Time every anchor workload (mel, ctc, step_dnn|lstm|bilstm, beam) and, with --anchor-python, PyTorch's right after.",
        discussion: """
            Runs Trellis's side of each workload of tools/anchors/README.md, as `bench mel` (FFT path), `bench ctc` and \
            `bench step` do; then, with --anchor-python PATH, checks that PATH imports torch and runs the repository's \
            tools/anchors/bench_torch.py with it (same threads; --fast-reps for mel, ctc and beam, --reps for the steps). \
            Prints best and median ms per workload, the reference's, and the ratio reference best / Trellis best (above 1: \
            Trellis is faster). A workload the reference reports and Trellis has no bench for is listed as missing. \
            Without --anchor-python the reference is the committed anchor figures. Takes a few minutes; run it on an \
            otherwise idle machine (the load average is printed).
            """
    )

    @Option(name: .customLong("anchor-python"), help: "A Python with torch, torchaudio and numpy: run bench_torch.py with it right after (default: none; the committed anchor figures are the reference).",
            completion: .file())
    var anchorPython: String?

    @Option(name: .customLong("anchor-script"), help: "bench_torch.py (default: tools/anchors/bench_torch.py of the repository).",
            completion: .file())
    var anchorScript: String?

    @Option(help: "Workloads to run, comma-separated (default: all of mel,ctc,step_dnn,step_lstm,step_bilstm,beam).")
    var only: String?

    @Option(help: "Timed training steps per model, after one warm-up (both sides).")
    var reps: Int = 3

    @Option(name: .customLong("fast-reps"), help: "Timed runs of mel, ctc and beam, after one warm-up (both sides).")
    var fastReps: Int = 20

    @Option(help: "Threads for Trellis's steps and mel, and for PyTorch.")
    var threads: Int = 2

    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        struct Row: Encodable {
            var name: String
            var what: String
            var trellisBestMs: Double?
            var trellisMedianMs: Double?
            var referenceBestMs: Double?
            var referenceMedianMs: Double?
            /// reference best / Trellis best (above 1: Trellis is faster); null unless both were timed.
            var ratio: Double?
            /// compared, no reference figure, or missing in Trellis.
            var status: String
        }
        /// "bench_torch.py" (run here, right after) or "committed anchor figures".
        var reference: String
        var python: String?
        var torch: String?
        var threads: Int
        var reps: Int
        var fastReps: Int
        /// The 1-minute load average before Trellis, after Trellis and after PyTorch (null without it).
        var loadBefore: Double?
        var loadAfterTrellis: Double?
        var loadAfterReference: Double?
        var workloads: [Row]
    }

    func validate() throws {
        guard reps >= 1, fastReps >= 1 else { throw ValidationError("--reps and --fast-reps must be at least 1") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        _ = try selected()
    }

    /// The workloads --only names, in the README's order.
    func selected() throws -> [AnchorWorkload] {
        guard let only else { return AnchorWorkload.all }
        let names = only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for name in names where !AnchorWorkload.names.contains(name) {
            throw ValidationError("--only: no workload \"\(name)\"; the workloads are \(AnchorWorkload.names.joined(separator: ", "))")
        }
        guard !names.isEmpty else { throw ValidationError("--only names no workload") }
        return AnchorWorkload.all.filter { names.contains($0.name) }
    }

    mutating func run(session: inout Session) throws {
        let workloads = try selected()
        let say = narration(json: json)
        // Check the Python and find the script first: a missing torch should not cost minutes of timing.
        var script: String?
        var torchVersion: String?
        if let python = anchorPython {
            do {
                torchVersion = try AnchorPython.checkTorch(python: python)
                script = try AnchorPython.locateScript(explicit: anchorScript)
            } catch let e as AnchorError { throw WorkbenchError(e.description) }
        }
        let loadBefore = Self.loadAverage()
        var trellis: [(name: String, timing: Timing)] = []
        for w in workloads {
            say("Trellis \(w.name): \(w.what) …")
            let t = try Self.time(w, reps: reps, fastReps: fastReps, threads: threads)
            // Said at once, so that a long run stopped later (PyTorch's steps on a busy machine) keeps Trellis's figures.
            say(String(format: "  %.2f ms best, %.2f median", t.bestMs, t.medianMs ?? .nan))
            trellis.append((w.name, t))
        }
        let loadAfterTrellis = Self.loadAverage()
        var reference = Self.committed
        var loadAfterReference: Double?
        if let python = anchorPython, let script {
            // Two runs, so each kind of workload gets its own repetitions, as Trellis's did.
            let fast = workloads.filter { !$0.isStep }.map(\.name), steps = workloads.filter(\.isStep).map(\.name)
            var runs: [(asked: [String], figures: AnchorFigures)] = []
            do {
                for (names, n) in [(fast, fastReps), (steps, reps)] where !names.isEmpty {
                    say("PyTorch (\(script) --only \(names.joined(separator: ",")) --reps \(n)) …")
                    runs.append((names, try AnchorPython.bench(python: python, script: script, threads: threads, reps: n, only: names)))
                }
            } catch let e as AnchorError { throw WorkbenchError(e.description) }
            reference = AnchorFigures.merge(runs)
            loadAfterReference = Self.loadAverage()
        }
        let rows = ComparisonRow.table(trellis: trellis, reference: reference)
        let referenceName = anchorPython == nil ? "committed anchor figures" : "bench_torch.py"
        if json {
            try printJSON(Reply(
                reference: referenceName, python: anchorPython, torch: torchVersion ?? reference.torchVersion, threads: threads,
                reps: reps, fastReps: fastReps, loadBefore: loadBefore, loadAfterTrellis: loadAfterTrellis,
                loadAfterReference: loadAfterReference,
                workloads: rows.map {
                    Reply.Row(name: $0.name, what: $0.what, trellisBestMs: $0.trellis?.bestMs, trellisMedianMs: $0.trellis?.medianMs,
                              referenceBestMs: $0.reference?.bestMs, referenceMedianMs: $0.reference?.medianMs, ratio: $0.ratio,
                              status: $0.status.rawValue)
                }))
            return
        }
        Console.out(ComparisonRow.lines(rows, referenceName: anchorPython == nil ? "anchor" : "PyTorch").joined(separator: "\n"))
        let loads = [loadBefore, loadAfterTrellis, loadAfterReference].map { $0.map { String(format: "%.2f", $0) } ?? "—" }
        Console.out("best (median) of \(fastReps) runs for mel, ctc and beam, of \(reps) steps, after one warm-up each; "
                    + "\(threads) threads; ratio = reference best / Trellis best (above 1: Trellis is faster)")
        Console.out("reference: " + (anchorPython.map { "bench_torch.py with \($0) (torch \(torchVersion ?? "?")), right after Trellis" }
                                     ?? "the committed anchor figures (tools/anchors/README.md), not measured here: give --anchor-python"))
        Console.out("load average (1 min): \(loads[0]) before, \(loads[1]) after Trellis"
                    + (anchorPython == nil ? "" : ", \(loads[2]) after PyTorch"))
    }

    /// Trellis's side of one workload, as its own `bench` command times it.
    static func time(_ w: AnchorWorkload, reps: Int, fastReps: Int, threads: Int) throws -> Timing {
        func timing(_ seconds: [Double]) -> Timing { Timing(bestMs: seconds.min()! * 1000, medianMs: median(seconds) * 1000) }
        switch w.name {
        case "mel":
            var config = MelConfig()
            config.stft.workers = threads
            let r = try MelBenchmark.run(seconds: 60, reps: fastReps, config: config)
            return Timing(bestMs: r.bestMilliseconds, medianMs: r.medianMilliseconds)
        case "ctc": return timing(try CTCWorkloads.ctc(reps: fastReps).times)
        case "beam": return timing(try CTCWorkloads.beam(reps: fastReps).times)
        default:
            guard w.isStep, let kind = ModelKind(rawValue: String(w.name.dropFirst("step_".count))) else {
                throw WorkbenchError("Trellis has no bench for the workload \(w.name)")
            }
            let r = try StepBenchmark.run(ModelConfig.seed(kind), name: kind.rawValue, reps: reps, threads: threads)
            return Timing(bestMs: r.msPerStep, medianMs: r.medianMs)
        }
    }

    /// The committed anchor figures (tools/anchors/README.md, copied into the `bench` commands' constants).
    static var committed: AnchorFigures {
        var timings: [(name: String, timing: Timing)] = [("mel", Timing(bestMs: BenchMel.pytorchMilliseconds)),
                                                         ("ctc", Timing(bestMs: Anchors.ctcSeconds * 1000))]
        for kind in [ModelKind.dnn, .lstm, .bilstm] {
            if let ms = StepAnchors.msPerStep[kind] { timings.append(("step_" + kind.rawValue, Timing(bestMs: ms))) }
        }
        timings.append(("beam", Timing(bestMs: Anchors.beamSeconds * 1000)))
        return AnchorFigures(torchVersion: "2.11.0", threads: 2, timings: timings)
    }

    /// The 1-minute load average (/proc/loadavg), nil where there is none.
    static func loadAverage() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return nil }
        return text.split(separator: " ").first.flatMap { Double($0) }
    }
}
