// Trainer: the notebook's training loop (Cells 33–40) as a resumable run. Per epoch: length-bucketed, shuffled
// batches, augmented as the options ask (SpecAugment, speed, reverberation, noise: `TrainingOptions.trainingPipeline`);
// one TrainStep each (bad batches skipped and counted, utterances whose audio does not decode left out and named);
// then evaluation on the test subset, the probability matrices of a few fixed test utterances, a checkpoint and
// one metrics line.
// Everything random derives from (seed, epoch, batch index, place in the batch), so a run resumed from any
// checkpoint continues exactly as the uninterrupted one would have.
// Under mpirun every rank runs this loop on its share of each batch (DataParallel.swift: the per-step collectives,
// the state broadcast); rank 0 alone owns the run folder: it restores, evaluates, writes checkpoints, metrics and
// progress, and decides the time budget.
import Base
import Audio
import CTC
import Corpus
import Distributed
import Foundation
import Models
import NN

/// The train and test subsets of a LibriSpeech-layout folder.
public struct TrainingData: Sendable {
    public var corpus: SpeechCorpus
    public var train: CorpusSubset
    public var test: CorpusSubset?

    /// `train` is the subset named train (or train-*), `test` the one named test, dev (or test-*, dev-*).
    public static func open(_ dir: String) throws -> TrainingData {
        let corpus = try SpeechCorpus.open(dir)
        let names = corpus.subsets.map(\.name)
        func pick(_ exact: [String], prefixes: [String]) -> CorpusSubset? {
            for e in exact { if let s = corpus.subsets.first(where: { $0.name == e }) { return s } }
            return corpus.subsets.first { s in prefixes.contains { s.name.hasPrefix($0) } }
        }
        guard let train = pick(["train"], prefixes: ["train"]) else {
            throw RunFolderError("\(dir) has no training subset (a folder named train or train-*); it has: \(names.joined(separator: ", "))")
        }
        guard !train.utterances.isEmpty else { throw RunFolderError("\(train.directory) holds no usable utterances") }
        return TrainingData(corpus: corpus, train: train, test: pick(["test", "dev"], prefixes: ["test", "dev"]))
    }
}

/// run.json: what was trained on and how.
public struct RunRecord: Codable, Sendable {
    public var data: String
    public var options: TrainingOptions
    /// The layout of run folders and checkpoints this run was written with (bump when it changes).
    public var runFormat: Int

    enum CodingKeys: String, CodingKey { case data, options, runFormat = "run_format" }
}

public struct TrainerEvents {
    public var log: (String) -> Void
    public var shouldStop: () -> Bool
    public var progress: Bool
    public init(log: @escaping (String) -> Void = { print($0) }, shouldStop: @escaping () -> Bool = { false },
                progress: Bool = isatty(2) != 0) {
        self.log = log; self.shouldStop = shouldStop; self.progress = progress
    }
}

public struct TrainingSummary: Sendable {
    public enum Ending: Sendable { case finished, timeBudget, interrupted }
    public var ending: Ending
    public var position: TrainingPosition
    public var metrics: [EpochMetrics]
}

public enum Trainer {
    public static let runFormat = 1

    /// Starts a new run in `run` (which must not already hold one).
    /// `decoder` is the per-epoch evaluation's decoder (greedy by default; a beam search, with or without an LM,
    /// costs more evaluation time). It is not part of the run's options: a resumed run may evaluate differently.
    /// In a data-parallel job (`group` of several ranks) only rank 0 calls `start` or `resume`; the others call `follow`.
    /// With `tokenizer`, the run trains on its subword pieces: `options.tokenizer` must record it, and a copy is
    /// written into the run folder before run.json.
    public static func start(options: TrainingOptions, data: String, run: RunFolder, events: TrainerEvents,
                             decoder: DecoderChoice = .greedy, tokenizer: SubwordTokenizer? = nil,
                             group: any ProcessGroup = SingleProcess()) throws -> TrainingSummary {
        guard (tokenizer == nil) == (options.tokenizer == nil), tokenizer.map({ $0.vocabularySize == options.tokenizer!.pieces }) ?? true else {
            throw RunFolderError("the run's options and the tokenizer given disagree (a tokenizer needs options.tokenizer recording it)")
        }
        if let e = options.validationError() { throw RunFolderError(e) }
        let exists = { FileManager.default.fileExists(atPath: run.runFile.path) }
        if exists() { throw RunFolderError("\(run.url.path) already holds a run; continue it with --resume \(run.url.path) or choose another --out") }
        try run.create()
        let lock = try RunLock.acquire(run)
        defer { lock.release() }
        if exists() { throw RunFolderError("\(run.url.path) already holds a run; continue it with --resume \(run.url.path) or choose another --out") }
        if let tokenizer, let t = options.tokenizer {
            try AtomicFile.write(tokenizer.fileText(), to: run.url.appendingPathComponent(t.file))
        }
        let record = RunRecord(data: URL(fileURLWithPath: data).standardizedFileURL.path, options: options, runFormat: runFormat)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write([UInt8](try enc.encode(record)), to: run.runFile)
        return try train(record: record, run: run, resumeFrom: nil, events: events, decoder: decoder, group: group)
    }

    /// Continues the run in `run` from its newest complete checkpoint (or from the start if it has none).
    public static func resume(run: RunFolder, events: TrainerEvents, dataOverride: String? = nil,
                              maxMinutes: Double?? = nil, decoder: DecoderChoice = .greedy,
                              group: any ProcessGroup = SingleProcess()) throws -> TrainingSummary {
        guard FileManager.default.fileExists(atPath: run.runFile.path) else {
            throw RunFolderError("\(run.url.path) is not a training run (no run.json)")
        }
        let lock = try RunLock.acquire(run)
        defer { lock.release() }
        guard let bytes = FileManager.default.contents(atPath: run.runFile.path) else {
            throw RunFolderError("\(run.runFile.path) cannot be read")
        }
        var record: RunRecord
        do { record = try JSONDecoder().decode(RunRecord.self, from: bytes) } catch {
            throw RunFolderError("\(run.runFile.path) is unreadable: \(error)")
        }
        // run.json is a file like any other: a config edited out of bounds must not size the model.
        if let e = record.options.validationError() { throw RunFolderError("\(run.runFile.path): \(e)") }
        if let d = dataOverride { record.data = d }
        if let m = maxMinutes { record.options.maxMinutes = m }
        return try train(record: record, run: run, resumeFrom: run.checkpointPositions(), events: events, decoder: decoder,
                         group: group)
    }

    /// A rank other than 0 of a data-parallel job: receives the run's record and state from rank 0 (which called
    /// `start` or `resume`), trains on its share of every batch, and never touches the run folder.
    public static func follow(group: any ProcessGroup, events: TrainerEvents) throws -> TrainingSummary {
        precondition(!group.isRoot, "Trainer.follow: rank 0 starts or resumes the run")
        let quiet = TrainerEvents(log: { _ in }, shouldStop: events.shouldStop, progress: false)
        return try train(record: nil, run: RunFolder(""), resumeFrom: nil, events: quiet, decoder: .greedy, group: group)
    }

    /// Rank 0's record, on every rank.
    static func share(_ record: RunRecord?, group: any ProcessGroup) throws -> RunRecord {
        if group.size == 1, let record { return record }
        var bytes = try record.map { [UInt8](try JSONEncoder().encode($0)) } ?? []
        try group.broadcast(&bytes, root: 0)
        return try JSONDecoder().decode(RunRecord.self, from: Data(bytes))
    }

    static func stepSeed(_ seed: UInt64, epoch: Int, index: Int) -> UInt64 {
        var z = seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 30)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func train(record rootRecord: RunRecord?, run: RunFolder, resumeFrom candidates: [TrainingPosition]?,
                      events: TrainerEvents, decoder: DecoderChoice, group: any ProcessGroup) throws -> TrainingSummary {
        let record = try share(rootRecord, group: group)
        let isRoot = group.isRoot
        let o = record.options
        NNRuntime.configure(threads: o.threads)
        let data = try TrainingData.open(record.data)
        let skipped = data.train.skipped.count + (data.test?.skipped.count ?? 0)
        if skipped > 0 { events.log("note: \(skipped) corpus item(s) skipped (see 'corpus stats' for the reasons)") }
        let features = o.features
        let labels = try run.labelSet(o, group: group)     // followers get rank 0's tokenizer: they have no run folder
        let extractor = try Corpus.FeatureExtractor(o.trainingPipeline, labels: labels)
        let testUtterances = data.test?.utterances ?? []
        let fixed = Array(testUtterances.sorted { $0.id < $1.id }.prefix(o.alignmentUtterances))
        let stepsPerEpoch = (data.train.utterances.count + o.batchSize - 1) / o.batchSize

        var model = try CTCModel(o.model, seed: o.seed)
        // Validation guarantees a classifier; a resumed run overwrites this with its checkpoint anyway.
        if let b = o.blankBias { _ = model.setBlankBias(Float(b)) }
        model.setWorkers(Workers(o.threads))
        var adam = Adam(learningRate: o.learningRate)
        var scheduler: OneCycleLR? = OneCycleLR(maxLR: o.learningRate, epochs: o.epochs, stepsPerEpoch: stepsPerEpoch,
                                                 pctStart: o.pctStart, divFactor: o.divFactor, finalDivFactor: o.finalDivFactor)
        scheduler!.apply(to: &adam)
        var position = TrainingPosition(epoch: 0, step: 0)
        var progress = EpochProgress()
        var wallSeconds = 0.0
        var history: [EpochMetrics] = []

        if let candidates {
            run.removeStaleTemporaries()
            var restored = false
            for p in candidates {
                // Restore into copies: a checkpoint that fails half-way must not leave half-loaded state behind.
                var (m, a, s) = (model, adam, scheduler)
                do {
                    let meta = try Checkpoint.restore(run: run, position: p, model: &m, adam: &a, scheduler: &s)
                    (model, adam, scheduler) = (m, a, s)
                    position = p; progress = meta.progress; wallSeconds = meta.wallSeconds
                    // A checkpoint from before checkpoints carried their metrics: trust the log up to it.
                    history = meta.history ?? MetricsLog.read(run.metricsFile).filter { $0.epoch <= p.epoch }
                    restored = true
                    break
                } catch {
                    events.log("warning: skipping checkpoint \(run.modelFile(p).lastPathComponent): \(error)")
                }
            }
            if restored {
                events.log("resuming \(run.url.path) after epoch \(position.epoch)\(position.step > 0 ? ", step \(position.step)" : "")")
                // The checkpoint's lines are the truth: a line lost to a kill after the checkpoint comes back, a
                // line of an epoch after it goes. `latest` too may lag behind a kill.
                try MetricsLog.write(history, to: run.metricsFile)
                try AtomicFile.write(run.modelFile(position).lastPathComponent + "\n", to: run.latestFile)
            } else {
                events.log("no usable checkpoint in \(run.url.path): starting from the beginning")
                try? FileManager.default.removeItem(at: run.metricsFile)
            }
        }
        try DataParallel.synchronize(model: &model, adam: &adam, scheduler: &scheduler, position: &position,
                                     progress: &progress, wallSeconds: &wallSeconds, group: group)
        if group.size > 1 { events.log("data-parallel: \(group.size) processes share each batch of \(o.batchSize)") }
        let sizeNote = "\(data.train.utterances.count) training utterances (\(String(format: "%.2f", data.train.hours)) h), "
            + "\(testUtterances.count) test, \(stepsPerEpoch) steps per epoch"
        events.log("\(o.model.kind.rawValue)\(o.seedFaithful ? " (seed-faithful)" : ""): \(o.model.parameterCount) parameters; \(sizeNote)")

        while position.epoch < o.epochs {
            let epoch = position.epoch + 1
            let loader = try BatchLoader(utterances: data.train.utterances, batchSize: o.batchSize, extractor: extractor,
                                         shuffle: true, augment: o.augments, seed: o.seed, epoch: epoch, startAt: position.step,
                                         shard: (group.rank, group.size))
            // One bar for the whole run: its ETA counts the epochs still to come (and, through wallSeconds, their
            // evaluations), not only the rest of this epoch.
            var bar = ProgressBar(total: o.epochs * stepsPerEpoch, label: "train", enabled: events.progress)
            var index = position.step
            var lastTick = Date()
            while true {
                // Asked before the batch is taken, as a single process always has; every rank stops before the
                // same step when any is asked to.
                let wantsStop = events.shouldStop()
                let next = try loader.next()
                let global = try DataParallel.agree(on: next, stop: wantsStop, group: group)
                if global.stop {
                    bar.finish()
                    let p = TrainingPosition(epoch: epoch - 1, step: index)
                    if isRoot {
                        try Checkpoint.save(run: run, position: p, model: &model, features: features, labels: labels, adam: adam,
                                            scheduler: scheduler, progress: progress, wallSeconds: wallSeconds, history: history)
                        run.pruneStepCheckpoints(before: p)
                    }
                    events.log("stopped at epoch \(epoch), step \(index)/\(loader.count); checkpoint \(run.modelFile(p).lastPathComponent) written. Continue with: trellis train --resume \(run.url.path)")
                    return TrainingSummary(ending: .interrupted, position: p, metrics: history)
                }
                guard let batch = next else { break }
                for item in batch.skipped {
                    bar.finish()
                    events.log("skipped \(item.detail) (\(item.reason.rawValue)); training goes on without it")
                }
                if !batch.skipped.isEmpty { progress.skippedAudio = (progress.skippedAudio ?? []) + batch.skipped.map(\.detail) }
                let r = try TrainStep.run(model: &model, adam: &adam, scheduler: &scheduler, shard: batch, global: global,
                                          group: group, clipNorm: o.clipNorm, pack: o.packSequences,
                                          stepSeed: stepSeed(o.seed, epoch: epoch, index: index), zeroInfinity: o.zeroInfinity)
                let now = Date()
                let dt = now.timeIntervalSince(lastTick)
                lastTick = now
                progress.steps += 1
                progress.seconds += dt
                wallSeconds += dt
                progress.audioSeconds += r.audioSeconds
                progress.utterances += global.utterances
                if r.applied {
                    progress.applied += 1
                    progress.lossSum += r.loss
                    progress.gradNormSum += r.gradNorm
                } else if global.utterances > 0 {
                    progress.skipped += 1
                    bar.finish()
                    events.log("skipped batch \(index) of epoch \(epoch): loss \(r.loss), gradient norm \(r.gradNorm) (not applied); first utterance \(batch.ids.first ?? "?")")
                }
                index += 1
                let loss = progress.applied > 0 ? progress.lossSum / Double(progress.applied) : .nan
                let throughput = progress.seconds > 0 ? progress.audioSeconds / progress.seconds : 0
                bar.update(done: (epoch - 1) * stepsPerEpoch + index,
                           detail: String(format: "epoch %d/%d step %d/%d loss %.3f %.0f audio-s/s", epoch, o.epochs, index,
                                          loader.count, loss, throughput),
                           elapsed: wallSeconds)
            }
            bar.finish()
            try DataParallel.checkIdentical(&model, group: group)
            position = TrainingPosition(epoch: epoch, step: 0)
            guard isRoot else {
                // The other ranks go on to the next epoch's first step and wait there for rank 0's evaluation,
                // checkpoint and time-budget decision.
                progress = EpochProgress()
                if try budgetReached(false, group: group) { return TrainingSummary(ending: .timeBudget, position: position, metrics: history) }
                continue
            }

            // Evaluation, alignments, checkpoint, metrics.
            let evalStart = Date()
            var testLoss: Double?, cer: Double?, wer: Double?
            var skippedAudio = progress.skippedAudio ?? []
            if !testUtterances.isEmpty {
                var evalBar = ProgressBar(total: 1, label: "evaluate epoch \(epoch)", enabled: events.progress)
                let e = try Evaluator.evaluate(model: &model, utterances: testUtterances, features: features, labels: labels,
                                               batchSize: o.evalBatchSize, decoder: decoder, pack: o.packSequences,
                                               onBatch: { done, total in
                    evalBar.total = total
                    evalBar.update(done: done)
                })
                evalBar.finish()
                testLoss = e.loss; cer = e.cer; wer = e.wer
                for item in e.skipped { events.log("evaluation skipped \(item.detail) (\(item.reason.rawValue))") }
                skippedAudio += e.skipped.map(\.detail)
                let stem = run.url.appendingPathComponent(String(format: "eval/epoch-%03d", epoch)).path
                try e.writeTrn(reference: URL(fileURLWithPath: stem + ".ref.trn"), hypothesis: URL(fileURLWithPath: stem + ".hyp.trn"))
            }
            try writeAlignments(fixed, model: &model, features: features, labels: labels, run: run, epoch: epoch)
            let evalSeconds = Date().timeIntervalSince(evalStart)
            wallSeconds += evalSeconds
            let m = EpochMetrics(epoch: epoch, steps: progress.applied,
                                 trainLoss: progress.applied > 0 ? progress.lossSum / Double(progress.applied) : .nan,
                                 testLoss: testLoss, cer: cer, wer: wer, decoder: testUtterances.isEmpty ? nil : decoder.name,
                                 learningRate: adam.learningRate,
                                 gradNorm: progress.applied > 0 ? progress.gradNormSum / Double(progress.applied) : .nan,
                                 seconds: progress.seconds, evalSeconds: evalSeconds,
                                 audioSecondsPerSecond: progress.seconds > 0 ? progress.audioSeconds / progress.seconds : 0,
                                 skippedBatches: progress.skipped, utterances: progress.utterances, wallSeconds: wallSeconds,
                                 skippedAudio: skippedAudio.isEmpty ? nil : skippedAudio)
            progress = EpochProgress()
            history.append(m)
            try Checkpoint.save(run: run, position: position, model: &model, features: features, labels: labels, adam: adam,
                                scheduler: scheduler, progress: progress, wallSeconds: wallSeconds, history: history)
            run.pruneStepCheckpoints(before: position)
            try MetricsLog.write(history, to: run.metricsFile)
            events.log(summaryLine(m, epochs: o.epochs))
            let overBudget = o.maxMinutes.map { wallSeconds / 60 >= $0 && position.epoch < o.epochs } ?? false
            if try budgetReached(overBudget, group: group), let limit = o.maxMinutes {
                events.log(String(format: "time budget of %.1f min reached after epoch %d (%.1f min)", limit, epoch, wallSeconds / 60))
                return TrainingSummary(ending: .timeBudget, position: position, metrics: history)
            }
        }
        return TrainingSummary(ending: .finished, position: position, metrics: history)
    }

    /// Rank 0's time-budget decision, on every rank.
    static func budgetReached(_ reached: Bool, group: any ProcessGroup) throws -> Bool {
        var v = [reached ? 1 : 0]
        try group.allreduceMax(&v)
        return v[0] != 0
    }

    static func summaryLine(_ m: EpochMetrics, epochs: Int) -> String {
        func pct(_ x: Double?) -> String { x.map { String(format: "%.1f%%", $0 * 100) } ?? "–" }
        var s = String(format: "epoch %d/%d  loss %.3f", m.epoch, epochs, m.trainLoss)
        if let t = m.testLoss { s += String(format: "  test loss %.3f", t) }
        s += "  CER \(pct(m.cer))  WER \(pct(m.wer))"
        s += String(format: "  lr %.2e  |g| %.2f  %.0f s  %.0f audio-s/s", m.learningRate, m.gradNorm, m.seconds, m.audioSecondsPerSecond)
        if m.skippedBatches > 0 { s += "  skipped \(m.skippedBatches) batch(es)" }
        if let a = m.skippedAudio, !a.isEmpty { s += "  skipped \(a.count) undecodable audio file(s)" }
        return s
    }

    /// The notebook's test() dump: per fixed utterance, the T'×29 probability matrix and the label indices, in
    /// np.savetxt format. Labels are written unpadded (the notebook pads with 0, the apostrophe's index).
    static func writeAlignments(_ utts: [Utterance], model: inout CTCModel, features: FeatureSpec, labels: LabelSet = .characters,
                                run: RunFolder, epoch: Int) throws {
        guard !utts.isEmpty else { return }
        let ex = try Corpus.FeatureExtractor(FeaturePipeline(features: features, specAugment: nil), cache: false, labels: labels)
        model.setMode(.evaluation)
        defer { model.setMode(.training) }
        for (i, u) in utts.enumerated() {
            let batch = try ex.batch([u], augment: false, seed: 0)
            guard batch.size == 1 else { continue }   // undecodable audio: reported by the evaluation
            let m = try model.output(for: batch).logProbabilities(0)
            let text = SaveText.text(rows: m.frames, columns: m.classes, values: m.values.map { exp($0) })
            let files = run.alignmentFiles(epoch: epoch, utterance: i)
            try AtomicFile.write(text, to: files.matrix)
            try AtomicFile.write(batch.labels[0].map(String.init).joined(separator: " ") + "\n", to: files.labels)
        }
    }
}
