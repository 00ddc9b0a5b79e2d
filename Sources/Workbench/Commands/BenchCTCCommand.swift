// `bench ctc` and `bench lm`: the anchor workloads of /work/shared/anchors/README.md (PyTorch CPU,
// 2 threads) run through Trellis, printed next to the PyTorch figures measured on this kind of machine.
// The figures are copied into `Anchors` below so the repository never needs that folder at run time.
import ArgumentParser
import Base
import CTC
import Foundation
import LanguageModel
import NN

/// PyTorch CPU reference figures (torch 2.11.0, 2 threads), from /work/shared/anchors/README.md.
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

struct BenchCTC: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctc",
        abstract: "Time CTC loss+gradient (T=400, B=32, K=29, L=100) and beam search (T=400, beam 5, prune 1e-3) against PyTorch.",
        discussion: """
            (a) log-softmax forward + CTC loss forward and backward (gradient with respect to the logits) for 32 \
            utterances, over 2 threads as PyTorch uses; (b) prefix beam search without LM on one T=400 matrix \
            (softmax of 3 × Gaussian logits, as bench_torch.py decodes). Prints the best and the median of --reps \
            runs; × is the reference's best / Trellis's best (the anchors are best-of figures; higher = Trellis faster).
            """
    )

    @Option(help: "Timed repetitions of each workload (after one warm-up run).")
    var reps: Int = 10

    @Flag(help: "Print one JSON object.")
    var json = false

    mutating func run(session: inout Session) throws {
        guard reps >= 1 else { throw WorkbenchError("--reps must be at least 1") }
        let (B, T, K, L) = (32, 400, 29, 100)
        // Seeded logits and labels (classes 0…27, never the blank 28).
        var rng = SplitMix64(seed: 2024)
        let logits = Tensor(shape: [B, T, K], data: (0..<(B * T * K)).map { _ in Float(rng.nextGaussian()) })
        let targets = (0..<B).map { _ in (0..<L).map { _ in Int(rng.next() % 28) } }
        var softmax = LogSoftmax()
        var loss = BatchedCTCLoss(blank: 28)
        var lastLoss = 0.0
        let ctcTimes = timeRuns(reps) {
            let lp = softmax.forward(logits)
            let r = loss.compute(logProbs: lp, inputLengths: Array(repeating: T, count: B), targets: targets)
            lastLoss = r.loss
        }
        let m = benchDecodeMatrix()
        var text = ""
        let options = BeamSearchOptions(beamSize: 5, prune: 1e-3, alpha: 0.1, beta: 0.1)
        let beamTimes = try timeRuns(reps) {
            let r = try PrefixBeamSearch.decode(m, options: options)
            text = (try? r.best.text()) ?? ""
        }
        // The anchors are best-of figures, so the ratio compares best with best.
        let ctc = ctcTimes.min()!, beam = beamTimes.min()!
        if json {
            Console.out(JSON.object([
                ("reps", .int(reps)),
                ("ctc", .object([("min_ms", .number(ctc * 1000)), ("median_ms", .number(median(ctcTimes) * 1000)),
                                 ("pytorch_ms", .number(Anchors.ctcSeconds * 1000)), ("speedup", .number(Anchors.ctcSeconds / ctc)),
                                 ("loss", .number(lastLoss))])),
                ("beam", .object([("min_ms", .number(beam * 1000)), ("median_ms", .number(median(beamTimes) * 1000)),
                                  ("pytorch_ms", .number(Anchors.beamSeconds * 1000)), ("speedup", .number(Anchors.beamSeconds / beam)),
                                  ("text_length", .int(text.count))])),
            ]).text)
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
            Console.out(JSON.object([
                ("file", .string(file)), ("order", .int(model.order)), ("counts", .array(model.counts.map { .int($0) })),
                ("load_seconds", .number(load)), ("peak_rss_mb", rss.map { .number($0) } ?? .null),
                ("alpha", .number(alpha)), ("beta", .number(beta)),
                ("beam_lm_median_ms", .number(median(withLM) * 1000)), ("beam_lm_min_ms", .number(withLM.min()! * 1000)),
                ("beam_no_lm_median_ms", .number(median(without) * 1000)),
                ("query_ns", .number(q / Double(queries) * 1e9)), ("text", .string(text)),
            ]).text)
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
