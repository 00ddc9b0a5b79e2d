// Corpus commands: `corpus open DIR` (LibriSpeech layout, indexed), `corpus stats` (hours, speakers, lengths,
// skipped items with reasons), `corpus synth` (the offline espeak-ng + flite corpus generator) and `corpus text` (a
// subset's transcripts as plain text, for `lm build`).
import ArgumentParser
import Audio
import Base
import Corpus
import Foundation

struct CorpusGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Open, describe and synthesise LibriSpeech-layout speech corpora.",
        subcommands: [CorpusOpen.self, CorpusStats.self, CorpusSynth.self, CorpusText.self]
    )
}

/// Opens a corpus with a progress bar over its chapter folders (on a terminal; reading many audio headers the first
/// time takes a while).
private func openCorpus(_ dir: String, useIndex: Bool) throws -> SpeechCorpus {
    var bar = ProgressBar(total: 1, label: "corpus open")
    defer { bar.finish() }
    do {
        return try SpeechCorpus.open(dir, useIndex: useIndex, progress: { done, total in
            bar.total = total
            bar.update(done: done, detail: "chapters")
        })
    } catch let e as CorpusError { throw WorkbenchError(e.description) }
}

/// Items a corpus reader left out, for `--json`: the reason, how many, and a few examples. `skipped` itself is
/// always the number of items.
struct SkippedReasonReply: Encodable {
    struct Example: Encodable { var location: String; var detail: String }
    var reason: String
    var count: Int
    var examples: [Example]
}

struct CorpusOpen: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open a LibriSpeech-layout corpus (ROOT/SUBSET/SPEAKER/CHAPTER/*.flac + *.trans.txt).",
        discussion: "Audio headers are cached in ROOT/.trellis-index.tsv (or ~/.cache/trellis) and re-read only for files whose mtime or size changed."
    )

    @Argument(help: "The corpus root, its LibriSpeech/ folder, or one subset folder.", completion: .directory)
    var dir: String

    @Flag(name: .customLong("no-index"), help: "Read every audio header; do not use or write the index.")
    var noIndex = false

    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        struct Subset: Encodable { var name: String; var utterances: Int; var speakers: Int; var hours: Double; var skipped: Int }
        var root: String
        var subsets: [Subset]
        /// Audio headers taken from the index / read from the files.
        var indexHits: Int
        var indexMisses: Int
        var elapsedSeconds: Double
    }

    mutating func run(session: inout Session) throws {
        let start = Date()
        let c = try openCorpus(dir, useIndex: !noIndex)
        session.audio.corpus = c
        let ms = Date().timeIntervalSince(start) * 1000
        if json {
            try printJSON(Reply(root: c.root, subsets: c.subsets.map {
                Reply.Subset(name: $0.name, utterances: $0.utterances.count, speakers: $0.speakers.count, hours: $0.hours,
                             skipped: $0.skipped.count)
            }, indexHits: c.indexHits, indexMisses: c.indexMisses, elapsedSeconds: ms / 1000))
            return
        }
        Console.out("\(c.root): \(c.subsets.count) subset(s), opened in \(Int(ms)) ms (\(c.indexHits) headers from the index, \(c.indexMisses) read)")
        for s in c.subsets {
            let skipped = s.skipped.isEmpty ? "" : ", \(s.skipped.count) skipped (see corpus stats)"
            Console.out(String(format: "  %-12@ %6d utterances  %4d speakers  %7.2f h%@", s.name, s.utterances.count,
                               s.speakers.count, s.hours, skipped))
        }
    }
}

struct CorpusStats: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Hours, utterances, speakers, duration and label-length histograms, and skipped items with reasons.",
        discussion: """
            Skipped items include duplicate utterance ids and transcript lines that are not UTF-8. Utterances whose \
            transcript needs more model frames than their audio gives (16 kHz, hop 200, stride 2, as the notebook) \
            are listed as labels too long. --decode decodes every file to find corrupt audio the headers hide.
            """
    )

    @Argument(help: "A corpus to open first (default: the one opened with `corpus open`).", completion: .directory)
    var dir: String?

    @Option(help: "Only this subset.")
    var subset: String?

    @Flag(help: "Also decode every audio file (slow) and report those that fail: the index reads only headers.")
    var decode = false

    @Flag(help: "Print one JSON object (keys: root, utterances, speakers, hours, skipped, skipped_reasons, subsets).")
    var json = false

    mutating func run(session: inout Session) throws {
        if let dir { session.audio.corpus = try openCorpus(dir, useIndex: true) }
        let c = try session.audio.requireCorpus()
        var undecodable: [String: [(path: String, reason: String)]] = [:]     // subset → files
        if decode {
            for s in c.subsets where subset == nil || s.name == subset {
                for u in s.utterances {
                    try Interrupt.check()
                    do { _ = try AudioFile.load(u.audioPath) } catch { undecodable[s.name, default: []].append((u.audioPath, "\(error)")) }
                }
            }
        }
        var subsets = c.subsets
        if let subset {
            guard let s = subsets.first(where: { $0.name == subset }) else {
                throw WorkbenchError("no subset '\(subset)' (available: \(subsets.map(\.name).joined(separator: ", ")))")
            }
            subsets = [s]
        }
        let stats = subsets.map { SubsetStats($0) }
        let speakers = Set(subsets.flatMap { $0.utterances.map { "\($0.subset)/\($0.speaker)" } }).count
        let utterances = stats.reduce(0) { $0 + $1.utterances }, hours = stats.reduce(0) { $0 + $1.hours }
        let shown = Set(subsets.map(\.name))
        let shared = c.idsInSeveralSubsets.filter { $0.subsets.filter(shown.contains).count > 1 }
        if json {
            // The corpus's reasons: each subset's, merged, with the first examples found.
            var merged: [SkippedReasonReply] = []
            for r in stats.flatMap({ subsetReasons($0) }) {
                if let i = merged.firstIndex(where: { $0.reason == r.reason }) {
                    merged[i].count += r.count
                    merged[i].examples = Array((merged[i].examples + r.examples).prefix(3))
                } else {
                    merged.append(r)
                }
            }
            try printJSON(Reply(root: c.root, utterances: utterances, speakers: speakers, hours: hours,
                                skipped: merged.reduce(0) { $0 + $1.count }, skippedReasons: merged.sorted { $0.reason < $1.reason },
                                subsets: stats.map { subsetReply($0, undecodable: decode ? undecodable[$0.name] ?? [] : nil) },
                                idsInSeveralSubsets: shared.map { .init(id: $0.id, subsets: $0.subsets) }))
            return
        }
        Console.out(String(format: "%@: %d utterances, %d speakers, %.2f hours", c.root, utterances, speakers, hours))
        if let first = shared.first {
            Console.out("ids in more than one subset: \(shared.count), e.g. \(first.id) (\(first.subsets.joined(separator: ", ")))")
        }
        for s in stats {
            Console.out("")
            Console.out(String(format: "%@: %d utterances, %d speakers, %.2f h; duration mean %.2f s (%.2f … %.2f); transcript mean %.1f chars (max %d)",
                               s.name, s.utterances, s.speakers, s.hours, s.meanSeconds, s.minSeconds, s.maxSeconds,
                               s.meanLabelLength, s.maxLabelLength))
            Console.out("  duration (s)   " + histogramText(s.durationHistogram, unit: ""))
            Console.out("  label (chars)  " + histogramText(s.labelLengthHistogram, unit: ""))
            if !s.tooLong.isEmpty {
                let e = s.tooLong[0]
                Console.out("  labels longer than the frames allow (CTC cannot align them; \(budgetText)): \(s.tooLong.count), "
                            + "e.g. \(e.id) needs \(e.needed) frames, has \(e.available)")
            }
            if decode {
                let bad = undecodable[s.name] ?? []
                Console.out("  undecodable audio: " + (bad.first.map { "\(bad.count), e.g. \($0.reason)" } ?? "none (every file decoded)"))
            }
            if s.skipped.isEmpty {
                Console.out("  skipped: none")
            } else {
                Console.out("  skipped: \(s.skippedTotal)")
                for r in s.skipped {
                    Console.out("    \(r.count) × \(r.reason.rawValue), e.g. \(r.examples[0].location): \(r.examples[0].detail)")
                }
            }
        }
    }

    func histogramText(_ h: Histogram, unit: String) -> String {
        h.counts.enumerated().filter { $0.element > 0 }.map { i, n in
            let lo = Double(i) * h.width
            return "\(Int(lo))–\(Int(lo + h.width))\(unit):\(n)"
        }.joined(separator: " ")
    }

    struct Reply: Encodable {
        struct Range: Encodable { var mean: Double; var min: Double; var max: Double }
        struct LabelLength: Encodable { var mean: Double; var max: Int }
        struct DurationHistogram: Encodable { var binSeconds: Double; var counts: [Int] }
        struct LabelHistogram: Encodable { var binChars: Double; var counts: [Int] }
        struct Subset: Encodable {
            var name: String
            var utterances: Int
            var speakers: Int
            var hours: Double
            /// Utterance durations in seconds.
            var utteranceSeconds: Range
            var labelLength: LabelLength
            var durationHistogram: DurationHistogram
            var labelLengthHistogram: LabelHistogram
            var skipped: Int
            var skippedReasons: [SkippedReasonReply]
            /// Utterances whose transcript needs more model frames than their audio gives.
            var labelsTooLong: [TooLong]
            /// Files that failed to decode; null unless --decode was given.
            var undecodable: [Undecodable]?
        }
        struct TooLong: Encodable { var id: String; var neededFrames: Int; var availableFrames: Int }
        struct Undecodable: Encodable { var path: String; var reason: String }
        var root: String
        var utterances: Int
        var speakers: Int
        var hours: Double
        var skipped: Int
        var skippedReasons: [SkippedReasonReply]
        var subsets: [Subset]
        /// Utterance ids found in more than one subset (a test utterance also trained on).
        var idsInSeveralSubsets: [SharedID]
        struct SharedID: Encodable { var id: String; var subsets: [String] }
    }

    func subsetReasons(_ s: SubsetStats) -> [SkippedReasonReply] {
        s.skipped.map { r in
            SkippedReasonReply(reason: r.reason.rawValue, count: r.count,
                               examples: r.examples.map { SkippedReasonReply.Example(location: $0.location, detail: $0.detail) })
        }
    }

    func subsetReply(_ s: SubsetStats, undecodable: [(path: String, reason: String)]?) -> Reply.Subset {
        Reply.Subset(name: s.name, utterances: s.utterances, speakers: s.speakers, hours: s.hours,
                     utteranceSeconds: .init(mean: s.meanSeconds, min: s.minSeconds, max: s.maxSeconds),
                     labelLength: .init(mean: s.meanLabelLength, max: s.maxLabelLength),
                     durationHistogram: .init(binSeconds: s.durationHistogram.width, counts: s.durationHistogram.counts),
                     labelLengthHistogram: .init(binChars: s.labelLengthHistogram.width, counts: s.labelLengthHistogram.counts),
                     skipped: s.skippedTotal, skippedReasons: subsetReasons(s),
                     labelsTooLong: s.tooLong.map { .init(id: $0.id, neededFrames: $0.needed, availableFrames: $0.available) },
                     undecodable: undecodable?.map { .init(path: $0.path, reason: $0.reason) })
    }

    private var budgetText: String {
        let b = FrameBudget.notebook
        return "\(b.sampleRate / 1000) kHz, hop \(b.hop), stride \(b.stride)"
    }
}

struct CorpusSynth: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Synthesise a LibriSpeech-layout corpus offline with espeak-ng and flite voices.",
        discussion: """
            Sentences come from the `fortunes` package (or --text FILE), filtered to 3–20 words that an engine reads \
            word for word, normalised to ' space a-z. Each voice configuration is a speaker; the test subset is spoken \
            by held-out voices (espeak-ng variants m4/f4, flite awb) and uses sentences not in train. 16 kHz FLAC. \
            --voices N takes the training speakers from the wide pool instead: every espeak-ng English accent and \
            variant (with its own rate, pitch and word gap) and every flite voice but the held-out ones, in a seeded \
            order; each engine keeps its share of the utterances and the test subset stays what the seed gives \
            without --voices. Deterministic for a seed whatever --jobs is. Ctrl-C stops it between utterances.
            """
    )

    @Option(help: "Output folder (train/ and test/ are created in it).", completion: .directory)
    var out: String
    @Option(help: "Training utterances.")
    var train: Int
    @Option(help: "Test utterances (held-out voices).")
    var test: Int
    @Option(help: "Random seed.")
    var seed: UInt64 = 0
    @Option(help: "A text file to take sentences from instead of fortunes.", completion: .file())
    var text: String?
    @Option(name: .customLong("engine-weights"), help: "Utterance share per engine, e.g. espeak=1,flite=2 (0 leaves one out).")
    var engineWeights: String = "espeak=1,flite=1"
    @Option(name: .customLong("train-speakers"), help: "Training speakers (default: about 40 utterances each).")
    var trainSpeakers: Int?
    @Option(help: "Training speakers: the first N voices of the wide pool (every espeak-ng English variant and flite voice but the held-out ones), or 'all' (default: none; the default draw of --train-speakers speakers from the engines' few voices).")
    var voices: String?
    @Option(name: .customLong("test-speakers"), help: "Test speakers (default: about 20 utterances each).")
    var testSpeakers: Int?
    @Option(name: .customLong("min-words"), help: "Shortest sentence in words.")
    var minWords: Int = 3
    @Option(name: .customLong("max-words"), help: "Longest sentence in words.")
    var maxWords: Int = 20
    @Option(name: .customLong("max-seconds"), help: "Longest utterance in seconds (longer ones get another sentence). (default: 12.0)", transform: finite)
    var maxSeconds: Double = 12
    @Option(help: "Per-utterance tempo range LO:HI, e.g. 0.9:1.1 (default off).")
    var tempo: String?
    @Option(help: "Additive white noise SNR range in dB LO:HI, e.g. 15:35 (default off).")
    var noise: String?
    @Option(name: .customLong("noise-fraction"), help: "Fraction of utterances that get noise. (default: 0.5)", transform: finite)
    var noiseFraction: Double = 0.5
    @Option(help: "Parallel synthesis jobs.")
    var jobs: Int = 2
    @Flag(help: "Replace existing train/ and test/ folders in --out.")
    var overwrite = false
    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        var out: String
        var trainUtterances: Int
        var testUtterances: Int
        var trainSpeakers: Int
        var testSpeakers: Int
        /// With --voices: the training speakers taken from the wide pool, and the pool's size; else null.
        var trainVoices: Int?
        var voicePool: Int?
        var hours: Double
        var elapsedSeconds: Double
        /// Engine name → utterances it spoke (keys sorted).
        var utterancesPerEngine: [String: Int]
        var failures: [String]
    }

    static func range(_ s: String, _ name: String) throws -> ClosedRange<Double> {
        let p = s.split(separator: ":").compactMap { Double($0) }
        guard p.count == 2, p[0] <= p[1] else { throw WorkbenchError("--\(name) wants LO:HI with LO ≤ HI (got '\(s)')") }
        return p[0]...p[1]
    }

    static func voiceChoice(_ s: String) throws -> VoiceChoice {
        if s == "all" { return .all }
        guard let n = Int(s), n >= 1 else { throw WorkbenchError("--voices wants a number of voices (1 or more) or 'all' (got '\(s)')") }
        return .first(n)
    }

    static func weights(_ s: String) throws -> [SynthEngine: Double] {
        var w: [SynthEngine: Double] = [.espeak: 0, .flite: 0]
        for part in s.split(separator: ",") {
            let kv = part.split(separator: "=")
            let name = kv.first.map { $0 == "espeak-ng" ? "espeak" : String($0) } ?? ""
            guard kv.count == 2, let e = SynthEngine(rawValue: name), let v = Double(kv[1]), v >= 0 else {
                throw WorkbenchError("--engine-weights wants ENGINE=WEIGHT pairs for espeak and flite, e.g. espeak=1,flite=1 (got '\(s)')")
            }
            w[e] = v
        }
        return w
    }

    mutating func run(session: inout Session) throws {
        var o = SynthOptions(output: out, trainCount: train, testCount: test)
        o.seed = seed
        o.textFile = text
        o.engineWeights = try CorpusSynth.weights(engineWeights)
        o.trainSpeakers = trainSpeakers
        o.testSpeakers = testSpeakers
        o.trainVoices = try voices.map(CorpusSynth.voiceChoice)
        o.minWords = minWords
        o.maxWords = maxWords
        o.maxSeconds = maxSeconds
        if let tempo { o.tempo = try CorpusSynth.range(tempo, "tempo") }
        if let noise { o.noiseSNR = try CorpusSynth.range(noise, "noise") }
        o.noiseFraction = noiseFraction
        o.jobs = jobs
        o.overwrite = overwrite
        let bar = SharedProgressBar(ProgressBar(total: train + test, label: "corpus synth"))
        defer { bar.finish() }
        let report: SynthReport
        do {
            report = try Synthesizer.run(o, progress: { done, total in bar.update(done: done, of: total, detail: "utterances") },
                                         shouldStop: { Interrupt.isRequested })
        } catch let e as CorpusError { throw WorkbenchError(e.description) }
        catch let e as SynthInterrupted { Console.error(e.description); return }
        session.audio.corpus = try? SpeechCorpus.open(out)
        if json {
            try printJSON(Reply(out: out, trainUtterances: report.trainUtterances, testUtterances: report.testUtterances,
                                trainSpeakers: report.trainSpeakers, testSpeakers: report.testSpeakers,
                                trainVoices: report.trainVoices, voicePool: report.voicePool, hours: report.hours,
                                elapsedSeconds: report.seconds, utterancesPerEngine: report.utterancesPerEngine,
                                failures: report.failures))
            return
        }
        let engines = report.utterancesPerEngine.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        Console.out(String(format: "%@: %d train (%d speakers) + %d test (%d held-out speakers), %.2f h of audio (%@) in %.1f s",
                           out, report.trainUtterances, report.trainSpeakers, report.testUtterances, report.testSpeakers,
                           report.hours, engines, report.seconds))
        if let n = report.trainVoices, let p = report.voicePool {
            Console.out("  training speakers: the first \(n) of the wide pool's \(p) voices (SPEAKERS.txt names them)")
        }
        for f in report.failures.prefix(5) { Console.out("  failed: \(f)") }
        if report.failures.count > 5 { Console.out("  … \(report.failures.count - 5) more failures") }
    }
}

/// A progress bar that worker threads update (the synthesiser reports from its jobs).
final class SharedProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private var bar: ProgressBar
    init(_ bar: ProgressBar) { self.bar = bar }

    func update(done: Int, of total: Int, detail: String) {
        lock.lock(); defer { lock.unlock() }
        bar.total = total
        bar.update(done: done, detail: detail)
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        bar.finish()
    }
}

/// `corpus text`: a subset's transcripts as plain text, one sentence per line — what `lm build` and `lm perplexity`
/// read, so a language model can be estimated from a corpus's own training sentences (and scored on its test ones).
struct CorpusText: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "text",
        abstract: "Write a subset's transcripts as plain text, one sentence per line (lower case, as the models see them).",
        discussion: """
            The sentences are the transcripts as the tokenizer normalises them (lower case; apostrophe, space and \
            a-z), in utterance-id order, without ids. Estimate a language model from the training subset only: one \
            that has seen the test sentences makes decoding with it look better than it is.
            """
    )

    @Argument(help: "The corpus (default: the one opened with `corpus open`).", completion: .directory)
    var dir: String?

    @Option(help: "The subset whose transcripts are written.")
    var subset: String = "train"

    @Option(help: "The text file to write.", completion: .file())
    var out: String

    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        var saved: String
        var subset: String
        var utterances: Int
        /// Words written (`words` is a list in every reply; docs/json.md's glossary).
        var tokens: Int
    }

    mutating func run(session: inout Session) throws {
        if let dir { session.audio.corpus = try openCorpus(dir, useIndex: true) }
        let corpus = try session.audio.requireCorpus()
        guard let s = corpus.subsets.first(where: { $0.name == subset }) else {
            throw WorkbenchError("no subset '\(subset)' (available: \(corpus.subsets.map(\.name).joined(separator: ", ")))")
        }
        let lines = s.utterances.sorted { $0.id < $1.id }.map(\.text)
        do { try AtomicFile.write(lines.map { $0 + "\n" }.joined(), to: out) } catch {
            throw WorkbenchError("cannot write \(out): \(error.reason)")
        }
        let tokens = lines.reduce(0) { $0 + $1.split(separator: " ").count }
        if json {
            try printJSON(Reply(saved: out, subset: subset, utterances: lines.count, tokens: tokens))
        } else {
            Console.out("wrote \(out): \(lines.count) sentences, \(tokens) words of \(subset)")
        }
    }
}
