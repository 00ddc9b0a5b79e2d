// `corpus synth`: an offline speech corpus in the LibriSpeech layout. Sentences (SentenceSource) are spoken by
// espeak-ng and flite voice configurations (VoicePool; one configuration = one speaker), resampled to 16 kHz with
// libsamplerate, optionally tempo-jittered and noised, and written as 16-bit FLAC under OUT/train and OUT/test with
// SPEAKER-CHAPTER.trans.txt files, OUT/SPEAKERS.txt and OUT/synth.json (the options, for provenance).
// With `trainVoices` (`--voices N`) the training speakers are the first N of VoicePool's wide pool and each engine
// keeps its share of the utterances; the test subset is the same as without it.
// Every utterance depends only on (seed, subset, index), so the corpus is identical for a seed whatever the
// number of parallel jobs; the test subset uses held-out voices and sentences not in the training subset.
import Base
import Audio
import Foundation

public struct SynthOptions: Sendable {
    public var output: String
    public var trainCount: Int
    public var testCount: Int
    public var seed: UInt64 = 0
    /// nil = the fortunes package.
    public var textFile: String? = nil
    public var fortunesDirectory = SentenceSource.defaultFortunesDirectory
    /// Share of utterances per engine (relative weights; 0 leaves an engine out).
    public var engineWeights: [SynthEngine: Double] = [.espeak: 1, .flite: 1]
    /// Speakers per subset; nil = about 40 utterances per training speaker, 20 per test speaker.
    public var trainSpeakers: Int? = nil
    public var testSpeakers: Int? = nil
    /// Training speakers taken from `VoicePool.trainingPool` (nil = today's draw of `trainSpeakers` speakers).
    public var trainVoices: VoiceChoice? = nil
    public var minWords = 3
    public var maxWords = 20
    public var maxSeconds = 12.0
    /// Per-utterance tempo factor drawn from this range (1 = off).
    public var tempo: ClosedRange<Double> = 1...1
    /// Additive white noise at an SNR (dB) from this range on `noiseFraction` of the utterances; nil = clean.
    public var noiseSNR: ClosedRange<Double>? = nil
    public var noiseFraction = 0.5
    public var jobs = 2
    public var sampleRate = 16000
    public var overwrite = false

    public init(output: String, trainCount: Int, testCount: Int) {
        self.output = output; self.trainCount = trainCount; self.testCount = testCount
    }
}

/// How many of the wide pool's voices speak the training subset (`corpus synth --voices N|all`).
public enum VoiceChoice: Sendable, Equatable {
    case first(Int)
    case all
}

public struct SynthReport: Sendable {
    public var trainUtterances = 0
    public var testUtterances = 0
    public var trainSpeakers = 0
    public var testSpeakers = 0
    /// With `--voices`: the training speakers asked for and the size of the pool they came from.
    public var trainVoices: Int? = nil
    public var voicePool: Int? = nil
    public var hours = 0.0
    public var seconds = 0.0
    public var sentencesAvailable = 0
    public var utterancesPerEngine: [String: Int] = [:]
    /// Utterances that could not be produced (every candidate sentence failed or ran too long).
    public var failures: [String] = []
}

public struct SynthInterrupted: Error, CustomStringConvertible {
    public var done: Int
    public var description: String { "corpus synth interrupted after \(done) utterances; the output folder is incomplete" }
}

public enum Synthesizer {
    struct Job: Sendable {
        var subset: String
        var index: Int
        var speakerID: Int
        var chapterID: Int
        var voice: VoiceConfig
        var candidates: [Int]          // sentence indices, tried in order
        var uttNumber: Int
    }

    struct Done: Sendable {
        var job: Job
        var text: String
        var seconds: Double
    }

    /// Synthesises the corpus. `progress(done, total)` is called from worker threads; `shouldStop` is polled
    /// between utterances (the shell's interrupt).
    public static func run(_ o: SynthOptions, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in },
                           shouldStop: @escaping @Sendable () -> Bool = { false }) throws -> SynthReport {
        let started = Date()
        guard o.trainCount >= 0, o.testCount >= 0, o.trainCount + o.testCount > 0 else {
            throw CorpusError.invalidParameter("corpus synth needs --train N and/or --test M greater than 0")
        }
        let weights = o.engineWeights.filter { $0.value > 0 }
        guard !weights.isEmpty else { throw CorpusError.invalidParameter("every engine weight is 0: nothing can speak") }
        for e in weights.keys where findExecutable(e.executable) == nil {
            throw CorpusError.invalidParameter("\(e.executable) is not installed (apt-get install \(e == .espeak ? "espeak-ng" : "flite")), or give it weight 0 with --engine-weights")
        }
        try prepareOutput(o)

        let sentences = try o.textFile.map { try SentenceSource.textFile($0, minWords: o.minWords, maxWords: o.maxWords) }
            ?? SentenceSource.fortunes(o.fortunesDirectory, minWords: o.minWords, maxWords: o.maxWords)
        guard sentences.count >= 10 else {
            throw CorpusError.invalidParameter("only \(sentences.count) usable sentences: give a longer --text file")
        }
        var rng = Xoshiro256StarStar(seed: o.seed)
        var order = Array(sentences.indices)
        order.shuffle(using: &rng)
        // Test sentences come first and are never used for training.
        let testPool = Array(order.prefix(max(1, min(o.testCount, order.count / 5))))
        let trainPool = Array(order.dropFirst(testPool.count))

        let voicePool = VoicePool.trainingPool(engines: Set(weights.keys), seed: o.seed)
        var wideVoices: [VoiceConfig]? = nil
        if let choice = o.trainVoices {
            guard o.trainSpeakers == nil else {
                throw CorpusError.invalidParameter("give --voices or --train-speakers, not both: --voices sets the training speakers")
            }
            let n: Int
            switch choice {
            case .all: n = voicePool.count
            case .first(let k):
                guard k >= 1, k <= voicePool.count else {
                    throw CorpusError.invalidParameter("--voices \(k): the training pool has 1 to \(voicePool.count) voices with these engine weights (or say --voices all)")
                }
                n = k
            }
            guard n <= o.trainCount else {
                let asked = choice == .all ? "all (\(n) voices)" : "\(n)"
                throw CorpusError.invalidParameter("--voices \(asked) needs at least \(n) training utterances, one per voice (got --train \(o.trainCount))")
            }
            wideVoices = Array(voicePool.prefix(n))
        }
        let drawnTrainSpk = max(1, min(o.trainCount, o.trainSpeakers ?? max(4, min(300, o.trainCount / 40))))
        let trainSpk = o.trainCount == 0 ? 0 : wideVoices?.count ?? drawnTrainSpk
        let testSpk = o.testCount == 0 ? 0 : max(1, min(o.testCount, o.testSpeakers ?? max(2, min(60, o.testCount / 20))))
        var plannedJobs: [Job] = []
        var speakerLines: [String] = []
        for (subset, count, nSpk, heldOut, pool, firstID) in [("train", o.trainCount, trainSpk, false, trainPool, 1001),
                                                                ("test", o.testCount, testSpk, true, testPool, 9001)] where count > 0 {
            // Today's draw runs even when --voices replaces it: the test speakers drawn after it stay the same.
            var voices = assignVoices(weights: weights, count: heldOut ? nSpk : drawnTrainSpk, heldOut: heldOut, rng: &rng)
            var order = Array(0..<count).map { $0 % voices.count }
            if !heldOut, let wide = wideVoices {
                voices = wide
                order = utteranceSpeakers(voices: wide, weights: weights, count: count)
            }
            var perSpeaker = [Int](repeating: 0, count: voices.count)
            for i in 0..<count {
                let s = order[i]
                var urng = Xoshiro256StarStar(seed: o.seed, stream: UInt64(i) &+ (heldOut ? 1 << 40 : 0))
                var cands = [pool[i % pool.count]]
                for _ in 0..<12 { cands.append(pool[Int(urng.next() % UInt64(pool.count))]) }
                plannedJobs.append(Job(subset: subset, index: i, speakerID: firstID + s, chapterID: (heldOut ? 900 : 100) + s,
                                voice: voices[s], candidates: cands, uttNumber: perSpeaker[s]))
                perSpeaker[s] += 1
            }
            for (s, v) in voices.enumerated() {
                speakerLines.append("\(firstID + s) | \(v.sex) | \(subset) | \(v.name)")
            }
        }

        let jobs = plannedJobs
        let state = WorkState(total: jobs.count)
        let workers = max(1, min(o.jobs, 8))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let tmp = o.output + "/.synth-tmp-\(w)"
            try? FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: tmp) }
            while let j = state.take(stop: shouldStop) {
                let job = jobs[j]
                let outcome = synthesize(job, sentences: sentences, options: o, tmp: tmp)
                let n = state.finish(j, outcome)
                progress(n, jobs.count)   // every utterance: the caller's progress bar throttles its drawing
            }
        }
        if state.stopped { throw SynthInterrupted(done: state.finished) }

        // Transcripts, grouped per chapter in utterance order, written once everything is on disk.
        var report = SynthReport()
        var chapters: [String: [(String, String)]] = [:]
        for (j, r) in state.results.enumerated() {
            let job = jobs[j]
            switch r {
            case .success(let d)?:
                let id = "\(job.speakerID)-\(job.chapterID)-" + String(format: "%04d", job.uttNumber)
                chapters["\(job.subset)/\(job.speakerID)/\(job.chapterID)", default: []].append((id, d.text.uppercased()))
                if job.subset == "train" { report.trainUtterances += 1 } else { report.testUtterances += 1 }
                report.hours += d.seconds / 3600
                report.utterancesPerEngine[job.voice.engine.rawValue, default: 0] += 1
            case .failure(let e)?: report.failures.append("\(job.subset) #\(job.index) (\(job.voice.name)): \(e)")
            case nil: break
            }
        }
        for (dir, lines) in chapters {
            let parts = dir.split(separator: "/")
            let path = "\(o.output)/\(dir)/\(parts[1])-\(parts[2]).trans.txt"
            try AtomicFile.write(lines.sorted { $0.0 < $1.0 }.map { "\($0.0) \($0.1)\n" }.joined(), to: path)
        }
        try AtomicFile.write("; ID | SEX | SUBSET | VOICE (trellis corpus synth, seed \(o.seed))\n" + speakerLines.joined(separator: "\n") + "\n",
                             to: o.output + "/SPEAKERS.txt")
        report.trainSpeakers = trainSpk
        report.testSpeakers = testSpk
        if let wide = wideVoices { report.trainVoices = wide.count; report.voicePool = voicePool.count }
        report.sentencesAvailable = sentences.count
        report.seconds = Date().timeIntervalSince(started)
        try AtomicFile.write(provenance(o, report), to: o.output + "/synth.json")
        return report
    }

    // MARK: - one utterance

    static func synthesize(_ job: Job, sentences: [Sentence], options o: SynthOptions, tmp: String) -> Result<Done, SynthFailure> {
        var rng = Xoshiro256StarStar(seed: o.seed, stream: UInt64(job.index) &+ (job.subset == "test" ? 1 << 41 : 1 << 42))
        let tempo = o.tempo.lowerBound == o.tempo.upperBound ? o.tempo.lowerBound : rng.uniform(o.tempo.lowerBound, o.tempo.upperBound)
        let noisy = o.noiseSNR != nil && rng.nextUnit() < o.noiseFraction
        let snr = o.noiseSNR.map { rng.uniform($0.lowerBound, $0.upperBound) } ?? 0
        let level = Float(rng.uniform(0.35, 0.9))
        var lastError = SynthFailure(reason: "no candidate sentence")
        for s in job.candidates {
            let sentence = sentences[s]
            do {
                var wave = try speak(sentence.spoken, voice: job.voice, tempo: tempo, tmp: tmp, rate: o.sampleRate)
                if job.voice.warp != 1 { wave = try Perturbation.speed(wave, factor: job.voice.warp, quality: .medium) }
                guard wave.duration <= o.maxSeconds else {
                    lastError = SynthFailure(reason: "longer than \(o.maxSeconds) s"); continue
                }
                guard wave.duration >= 0.3, wave.peak > 0 else { lastError = SynthFailure(reason: "no audio produced"); continue }
                wave = Perturbation.normalizePeak(wave, peak: level)
                if noisy { wave = Perturbation.addNoise(wave, snrDB: snr, using: &rng) }
                let dir = "\(o.output)/\(job.subset)/\(job.speakerID)/\(job.chapterID)"
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                let id = "\(job.speakerID)-\(job.chapterID)-" + String(format: "%04d", job.uttNumber)
                try AudioFile.write(wave, to: "\(dir)/\(id).flac")
                return .success(Done(job: job, text: sentence.text, seconds: wave.duration))
            } catch {
                lastError = SynthFailure(reason: "\(error)")
            }
        }
        return .failure(lastError)
    }

    /// Runs the engine into a temporary WAV and loads it at `rate`.
    static func speak(_ text: String, voice v: VoiceConfig, tempo: Double, tmp: String, rate: Int) throws -> Waveform {
        let textPath = tmp + "/text.txt", wavPath = tmp + "/out.wav"
        try text.write(toFile: textPath, atomically: false, encoding: .utf8)
        unlink(wavPath)
        var args: [String]
        switch v.engine {
        case .espeak:
            args = ["-v", v.voice, "-s", String(Int((Double(v.wordsPerMinute) * tempo).rounded())), "-p", String(v.pitch),
                    "-w", wavPath, "-f", textPath]
            if v.wordGap > 0 { args += ["-g", String(v.wordGap)] }
        case .flite:
            args = ["-voice", v.voice, "--setf", "duration_stretch=\(String(format: "%.3f", v.stretch / tempo))",
                    "-f", textPath, "-o", wavPath]
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: findExecutable(v.engine.executable) ?? "/usr/bin/" + v.engine.executable)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw SynthFailure(reason: "\(v.engine.executable) exited with status \(p.terminationStatus)")
        }
        return try AudioFile.load(wavPath, targetRate: rate, quality: .medium)
    }

    // MARK: - helpers

    static func assignVoices(weights: [SynthEngine: Double], count: Int, heldOut: Bool, rng: inout Xoshiro256StarStar) -> [VoiceConfig] {
        let engines = SynthEngine.allCases.filter { weights[$0] != nil }
        let total = engines.reduce(0) { $0 + weights[$1]! }
        var counts = engines.map { Int((Double(count) * weights[$0]! / total).rounded()) }
        // Every weighted engine gets a speaker when there is room; the counts add up to `count`.
        for i in counts.indices where counts[i] == 0 && count >= engines.count { counts[i] = 1 }
        while counts.reduce(0, +) > count, let i = counts.indices.max(by: { counts[$0] < counts[$1] }) { counts[i] -= 1 }
        while counts.reduce(0, +) < count { counts[0] += 1 }
        var perEngine: [[VoiceConfig]] = []
        for (e, n) in zip(engines, counts) {
            perEngine.append(VoicePool.speakers(e, count: n, heldOut: heldOut, rng: &rng))
        }
        // Interleave engines so round-robin utterance assignment mixes them.
        var out: [VoiceConfig] = []
        var k = 0
        while out.count < perEngine.reduce(0, { $0 + $1.count }) {
            for list in perEngine where k < list.count { out.append(list[k]) }
            k += 1
        }
        return out
    }

    /// The speaker of each training utterance under `--voices`: each utterance goes to the engine furthest below
    /// its weighted share so far (ties to the first engine), then to that engine's speakers in turn. An engine
    /// with no speaker among the N (N = 1) gets no share.
    static func utteranceSpeakers(voices: [VoiceConfig], weights: [SynthEngine: Double], count: Int) -> [Int] {
        let engines = SynthEngine.allCases.filter { e in voices.contains { $0.engine == e } }
        let speakers = engines.map { e in voices.indices.filter { voices[$0].engine == e } }
        let total = engines.reduce(0) { $0 + weights[$1]! }
        var given = [Int](repeating: 0, count: engines.count)
        var order: [Int] = []
        for i in 0..<count {
            var best = 0, bestDeficit = -Double.infinity
            for k in engines.indices {
                let deficit = Double(i + 1) * weights[engines[k]]! / total - Double(given[k])
                if deficit > bestDeficit + 1e-9 { best = k; bestDeficit = deficit }
            }
            order.append(speakers[best][given[best] % speakers[best].count])
            given[best] += 1
        }
        return order
    }

    static func prepareOutput(_ o: SynthOptions) throws {
        let fm = FileManager.default
        for sub in ["train", "test"] {
            let path = o.output + "/" + sub
            if fm.fileExists(atPath: path) {
                guard o.overwrite else {
                    throw CorpusError.invalidParameter("\(path) already exists: choose another --out or pass --overwrite")
                }
                try fm.removeItem(atPath: path)
            }
        }
        try? fm.removeItem(atPath: o.output + "/.trellis-index.tsv")
        try fm.createDirectory(atPath: o.output, withIntermediateDirectories: true)
    }

    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") + ["/usr/bin"] {
            let p = "\(dir)/\(name)"
            if access(p, X_OK) == 0 { return p }
        }
        return nil
    }

    static func provenance(_ o: SynthOptions, _ r: SynthReport) -> String {
        func range(_ r: ClosedRange<Double>?) -> String { r.map { "[\($0.lowerBound), \($0.upperBound)]" } ?? "null" }
        let weights = SynthEngine.allCases.map { "\"\($0.rawValue)\": \(o.engineWeights[$0] ?? 0)" }.joined(separator: ", ")
        let text = o.textFile.map { "\"\($0)\"" } ?? "\"fortunes:\(o.fortunesDirectory)\""
        // Only a --voices corpus says so: the default corpus's synth.json stays as it was.
        let voices = r.trainVoices.map { ", \"voices\": \($0), \"voice_pool\": \(r.voicePool ?? 0)" } ?? ""
        let engines = r.utterancesPerEngine.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ")
        return """
        {"generator": "trellis corpus synth", "seed": \(o.seed), "train": \(o.trainCount), "test": \(o.testCount),
         "text": \(text), "engine_weights": {\(weights)}, "train_speakers": \(r.trainSpeakers), "test_speakers": \(r.testSpeakers),
         "min_words": \(o.minWords), "max_words": \(o.maxWords), "max_seconds": \(o.maxSeconds), "tempo": \(range(o.tempo)),
         "noise_snr_db": \(range(o.noiseSNR)), "noise_fraction": \(o.noiseFraction), "sample_rate": \(o.sampleRate),
         "utterances_per_engine": {\(engines)}, "hours": \(String(format: "%.4f", r.hours)), "failures": \(r.failures.count),
         "sentences_available": \(r.sentencesAvailable)\(voices)}

        """
    }
}

public struct SynthFailure: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public var description: String { reason }
}

/// The work queue shared by the synthesis threads.
final class WorkState: @unchecked Sendable {
    let lock = NSLock()
    var next = 0
    var finished = 0
    var stopped = false
    var results: [Result<Synthesizer.Done, SynthFailure>?]
    let total: Int

    init(total: Int) {
        self.total = total
        results = Array(repeating: nil, count: total)
    }

    func take(stop: () -> Bool) -> Int? {
        if stop() { lock.withLock { stopped = true }; return nil }
        return lock.withLock {
            guard !stopped, next < total else { return nil }
            defer { next += 1 }
            return next
        }
    }

    func finish(_ i: Int, _ r: Result<Synthesizer.Done, SynthFailure>) -> Int {
        lock.withLock {
            results[i] = r
            finished += 1
            return finished
        }
    }
}
