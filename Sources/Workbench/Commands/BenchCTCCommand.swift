// `bench ctc` and `bench lm`: the anchor workloads of tools/anchors/README.md (PyTorch CPU,
// 2 threads) run through Trellis, printed next to the PyTorch figures measured on this kind of machine.
// The figures are copied into `Anchors` below so the repository never needs that folder at run time.
import ArgumentParser
import Base
import CTC
import Foundation
import LanguageModel
import Models
import NN

/// PyTorch CPU reference figures (torch 2.11.0, 2 threads), from the anchor figures in tools/anchors/README.md.
enum Anchors {
    /// log-softmax + CTC loss forward and backward, T=400, batch 32, 29 classes, 100 labels, blank 28, mean.
    static let ctcSeconds = 0.048
    /// The notebook's pure-Python prefix beam search, beam 5, prune 1e-3, no LM, T=400, 29 classes.
    static let beamSeconds = 0.146
}

/// Wall-clock seconds of `body`, repeated: every run's time.
func timeRuns(_ reps: Int, warmup: Int = 1, _ body: () throws -> Void) rethrows -> [Double] {
    for _ in 0..<warmup { try body() }
    var times: [Double] = []
    for _ in 0..<reps {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
    }
    return times
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// The anchors' T=400 decoding matrix. bench_torch.py decodes softmax(3 · N(0, 1) logits) (numpy's generator,
/// seed 0); Trellis's documented random matrix with peaky 3 is the same distribution (SplitMix64, seed 0), so about
/// as many symbols survive the 1e-3 pruning per frame as in the Python run.
func benchDecodeMatrix() -> LogProbabilities {
    RandomProbabilities.logProbabilities(frames: 400, seed: 0, peaky: 3)
}

/// The two workloads of `bench ctc` (and `bench all`): each returns every timed run's seconds.
enum CTCWorkloads {
    /// log-softmax + CTC loss and gradient of 32 seeded utterances: exactly the two calls TrainStep makes after the
    /// model's forward pass. Also returns the last loss.
    static func ctc(reps: Int) throws -> (times: [Double], loss: Double) {
        let (B, T, K, L) = (32, 400, 29, 100)
        // Seeded logits and labels (classes 0…27, never the blank 28).
        var rng = SplitMix64(seed: 2024)
        let logits = Tensor(shape: [B, T, K], data: (0..<(B * T * K)).map { _ in Float(rng.nextGaussian()) })
        let targets = (0..<B).map { _ in (0..<L).map { _ in Int(rng.next() % 28) } }
        var lastLoss = 0.0
        let times = try timeRuns(reps) {
            let lp = CTCObjective.logSoftmax(logits)
            let r = try CTCObjective.lossAndGradient(logProbs: lp, lengths: Array(repeating: T, count: B), labels: targets, blank: 28)
            lastLoss = r.loss
        }
        return (times, lastLoss)
    }

    /// Prefix beam search without LM over the anchors' T=400 matrix. Also returns the best text.
    static func beam(reps: Int) throws -> (times: [Double], text: String) {
        let m = benchDecodeMatrix()
        var text = ""
        let options = BeamSearchOptions(beamSize: 5, prune: 1e-3, alpha: 0.1, beta: 0.1)
        let times = try timeRuns(reps) {
            let r = try PrefixBeamSearch.decode(m, options: options)
            text = (try? r.best.text()) ?? ""
        }
        return (times, text)
    }
}

struct BenchCTC: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctc",
        abstract: "Time CTC loss+gradient (T=400, B=32, K=29, L=100) and beam search (T=400, beam 5, prune 1e-3) against PyTorch.",
        discussion: """
            (a) log-softmax forward + CTC loss forward and backward (gradient with respect to the logits) for 32 \
            utterances, over 2 threads as PyTorch uses: the training step's own code (Models.CTCObjective); (b) prefix beam search without LM on one T=400 matrix \
            (softmax of 3 × Gaussian logits, as bench_torch.py decodes). Prints the best and the median of --reps \
            runs; × is the reference's best / Trellis's best (the anchors are best-of figures; higher = Trellis faster).
            """
    )

    @Option(help: "Timed repetitions of each workload (after one warm-up run).")
    var reps: Int = 10

    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        /// One workload: Trellis's best and median time, the reference's, and reference best / Trellis best.
        struct Timing: Encodable {
            var bestMs: Double
            var medianMs: Double
            var pytorchMs: Double
            var speedup: Double
            /// The CTC workload's loss (null for the beam search).
            var loss: Double?
            /// Characters of the beam search's best text (null for the CTC workload).
            var textLength: Int?
        }
        var reps: Int
        var ctc: Timing
        var beam: Timing
    }

    mutating func run(session: inout Session) throws {
        guard reps >= 1 else { throw WorkbenchError("--reps must be at least 1") }
        let (ctcTimes, lastLoss) = try CTCWorkloads.ctc(reps: reps)
        let (beamTimes, text) = try CTCWorkloads.beam(reps: reps)
        // The anchors are best-of figures, so the ratio compares best with best.
        let ctc = ctcTimes.min()!, beam = beamTimes.min()!
        if json {
            try printJSON(Reply(reps: reps,
                                ctc: .init(bestMs: ctc * 1000, medianMs: median(ctcTimes) * 1000, pytorchMs: Anchors.ctcSeconds * 1000,
                                           speedup: Anchors.ctcSeconds / ctc, loss: lastLoss, textLength: nil),
                                beam: .init(bestMs: beam * 1000, medianMs: median(beamTimes) * 1000, pytorchMs: Anchors.beamSeconds * 1000,
                                            speedup: Anchors.beamSeconds / beam, loss: nil, textLength: text.count)))
            return
        }
        Console.out(String(format: "ctc  loss+grad B=32 T=400 K=29 L=100: %8.2f ms best (median %.2f)   PyTorch %5.0f ms   ×%.1f",
                           ctc * 1000, median(ctcTimes) * 1000, Anchors.ctcSeconds * 1000, Anchors.ctcSeconds / ctc))
        Console.out(String(format: "beam T=400 beam 5 prune 1e-3, no LM:  %8.2f ms best (median %.2f)   Python  %5.0f ms   ×%.1f",
                           beam * 1000, median(beamTimes) * 1000, Anchors.beamSeconds * 1000, Anchors.beamSeconds / beam))
        Console.out("best and median of \(reps) runs after one warm-up; × = reference best / Trellis best")
    }
}

struct BenchLM: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "lm",
        abstract: "Time loading an ARPA model and a beam search with it (T=400, beam 5, prune 1e-3, α 0.1, β 0.1 by default)."
    )

    @Argument(help: "The ARPA file (.arpa or .arpa.gz).", completion: .file())
    var file: String

    @Option(help: "Timed beam-search repetitions.")
    var reps: Int = 5

    @Option(help: "LM weight α of the timed beam search. (default: 0.1)", transform: finite)
    var alpha: Double = 0.1

    @Option(help: "Length bonus β of the timed beam search. (default: 0.1)", transform: finite)
    var beta: Double = 0.1

    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        var file: String
        var order: Int
        var counts: [Int]
        var loadSeconds: Double
        /// Peak resident memory of the process (null where /proc is not available).
        var peakRssMb: Double?
        var alpha: Double
        var beta: Double
        var beamLmMedianMs: Double
        var beamLmBestMs: Double
        var beamNoLmMedianMs: Double
        var queryNs: Double
        var text: String
    }

    mutating func run(session: inout Session) throws {
        guard reps >= 1 else { throw WorkbenchError("--reps must be at least 1") }
        let start = DispatchTime.now().uptimeNanoseconds
        let model: ARPAModel
        do { model = try ARPAModel(contentsOf: file) } catch { throw WorkbenchError("\(error)") }
        let load = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        session.ctc.languageModel = model
        let m = benchDecodeMatrix()
        let options = BeamSearchOptions(beamSize: 5, prune: 1e-3, alpha: alpha, beta: beta)
        var text = ""
        let withLM = timeRuns(reps) {
            text = (try? PrefixBeamSearch.decode(m, options: options, languageModel: model).best.text()) ?? ""
        }
        let without = try timeRuns(reps) { _ = try PrefixBeamSearch.decode(m, options: options) }
        // Query speed: every word of a fixed sentence, repeated.
        let words = "the cat sat on the mat and then it went to new york city".split(separator: " ").map { model.wordID(String($0)) }
        let queries = 200_000
        let q = timeRuns(1) {
            var state = model.beginSentence()
            var total = 0.0
            for i in 0..<queries {
                let r = model.score(word: words[i % words.count], after: state)
                total += r.logProb
                state = i % words.count == words.count - 1 ? model.beginSentence() : r.next
            }
            precondition(total.isFinite || total == -.infinity)
        }[0]
        let rss = peakResidentMegabytes()
        if json {
            try printJSON(Reply(file: file, order: model.order, counts: model.counts, loadSeconds: load, peakRssMb: rss,
                                alpha: alpha, beta: beta, beamLmMedianMs: median(withLM) * 1000, beamLmBestMs: withLM.min()! * 1000,
                                beamNoLmMedianMs: median(without) * 1000, queryNs: q / Double(queries) * 1e9, text: text))
            return
        }
        Console.out(String(format: "load %@: %.2f s (order %d, %@ n-grams)%@", file, load, model.order,
                           model.counts.map(String.init).joined(separator: "/"),
                           rss.map { String(format: ", peak RSS %.0f MB", $0) } ?? ""))
        Console.out(String(format: "beam T=400 beam 5 prune 1e-3 with LM (α %g β %g): %.2f ms median of %d (best %.2f); without LM %.2f ms",
                           alpha, beta, median(withLM) * 1000, reps, withLM.min()! * 1000, median(without) * 1000))
        Console.out(String(format: "LM queries: %.0f ns per word", q / Double(queries) * 1e9))
    }
}

/// Peak resident set size of this process (VmHWM from /proc/self/status), in MB.
func peakResidentMegabytes() -> Double? {
    guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in s.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first
        return kb.map { $0 / 1024 }
    }
    return nil
}
