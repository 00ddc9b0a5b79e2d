// `train`, `eval` and `transcribe`: the trainer and the trained models from the command line and the shell.
// The work lives in the Training module; these types only turn options into its calls and its results into text.
import ArgumentParser
import Audio
import Base
import CTC
import Corpus
import Distributed
import Foundation
import LanguageModel
import Models
import Training

struct Train: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a CTC model (dnn, lstm, bilstm, gru or bigru) on a LibriSpeech-layout corpus into a run folder.",
        discussion: """
            Each epoch writes RUN_DIR/checkpoints/epoch-NNN.safetensors (+ .optim), evaluates on the test subset \
            (loss, CER/WER; greedy, or --decoder beam [--lm FILE]), dumps the probability matrices of a few test utterances to RUN_DIR/alignments \
            and appends one JSON line to RUN_DIR/metrics.jsonl. Ctrl-C finishes the current step, writes a \
            checkpoint and stops; --resume RUN_DIR continues exactly where it stopped (also after a kill: it \
            restarts from the last complete checkpoint). The default recipe is Trellis's corrected one (normalised \
            log-mel, no 29-wide LSTM projection, a Linear classifier, gradient clipping, packed sequences); \
            --seed-faithful reproduces the notebook exactly (see docs/training.md).             Launched by mpirun (mpirun -np N trellis train ...), the N processes train one model data-parallel:             --batch stays the global batch, each process computes its share of every batch and the gradients are             averaged with an allreduce; rank 0 evaluates and writes the run folder. A failing or killed process             stops the whole job (see docs/scaling.md).
            """
    )

    @Option(help: "Model.")
    var model: ModelKind = .bilstm
    @Option(help: "LibriSpeech-layout folder with a train subset (and a test subset for evaluation).", completion: .directory)
    var data: String?
    @Option(help: "Run folder to create.", completion: .directory)
    var out: String?
    @Option(help: "Continue the run in this folder from its newest complete checkpoint.", completion: .directory)
    var resume: String?
    // The recipe's options are optional so that --resume can tell which were given; their defaults come from
    // the recipes (TrainingOptions.corrected / .notebook) and help shows them from there.
    @Option(help: "Epochs (the OneCycle schedule spans them; default: \(Train.recipeDefault { "\($0.epochs)" })).")
    var epochs: Int?
    @Option(help: "Batch size (default: \(Train.recipeDefault { "\($0.batchSize)" })).")
    var batch: Int?
    @Option(help: "Peak learning rate of the OneCycle schedule (default: \(Train.recipeDefault { "\($0.learningRate)" })).", transform: finite)
    var lr: Double?
    @Option(help: "Threads for OpenBLAS and Trellis's workers (default: every available processor).")
    var threads: Int?
    @Option(help: "Random seed: initialisation, batch order, dropout, SpecAugment (default: \(Train.recipeDefault { "\($0.seed)" })).")
    var seed: UInt64?
    @Option(help: "Stop after the epoch that crosses this many minutes of wall clock (default: no limit).", transform: finite)
    var minutes: Double?
    @Option(name: .customLong("rnn-dim"), help: "Width of the recurrent / hidden layers (default: \(Train.recipeDefault { "\($0.model.rnnDim)" })).")
    var rnnDim: Int?
    @Option(name: .customLong("cnn-layers"), help: "Residual CNN layers (default: \(Train.recipeDefault { "\($0.model.nCNNLayers)" })).")
    var cnnLayers: Int?
    @Option(name: .customLong("rnn-layers"), help: "LSTM or GRU layers (default: \(Train.recipeDefault { "\($0.model.nRNNLayers)" })).")
    var rnnLayers: Int?
    @Option(help: "Gradient-norm clipping threshold, 0 = none (default: \(Train.recipeDefault { $0.clipNorm.map { "\($0)" } ?? "none" })).", transform: finite)
    var clip: Double?
    @Flag(name: .customLong("seed-faithful"), help: "The notebook's exact recipe: raw power mel, 29-wide LSTM projections, no clipping (the GRUs, not in the notebook, keep their Linear classifier).")
    var seedFaithful = false
    @Option(help: "Input features: log (normalised log-mel, the default) or raw (power mel, the notebook). One cause of the plateau: see docs/training.md.")
    var features: FeatureChoice?
    @Option(help: "LSTM models' output: linear (a Linear classifier, the default) or proj (29-wide LSTM projections, the notebook). The other cause.")
    var head: HeadChoice?
    @Option(help: "Mel bands of the input features (default: \(Train.recipeDefault { "\($0.features.nMels)" })). Fewer bands make the convolutions cheaper; the checkpoint records the choice.")
    var mels: Int?
    @Option(help: "Samples between feature frames at 16 kHz (default: \(Train.recipeDefault { "\($0.features.hop)" }), 12.5 ms). The checkpoint records the choice.")
    var hop: Int?
    @Flag(name: .customLong("no-spec-augment"), help: "Train without SpecAugment.")
    var noSpecAugment = false
    @Option(name: .customLong("time-masks"), help: "SpecAugment time masks per utterance (default: 1).")
    var timeMasks: Int?
    @Option(name: .customLong("freq-masks"), help: "SpecAugment frequency masks per utterance, each up to 20 bands wide (default: 1).")
    var freqMasks: Int?
    @Option(name: .customLong("time-mask-ratio"), help: "Adaptive time masks: each up to this fraction of the utterance's frames wide, e.g. 0.05 (default: up to 15 frames whatever the length).", transform: finite)
    var timeMaskRatio: Double?
    @Option(name: .customLong("speed-perturb"), help: "Speed perturbation: comma-separated factors, one drawn per training utterance, e.g. 0.9,1.0,1.1 (tempo and pitch change together; default: none).")
    var speedPerturb: String?
    @Option(name: .customLong("noise-snr"), help: "Additive noise at a signal-to-noise ratio drawn per training utterance from LO:HI dB, e.g. 10:30, or one value (default: none).")
    var noiseSNR: String?
    @Option(name: .customLong("noise-color"), help: "The additive noise's spectrum: white or pink (default: white).")
    var noiseColor: NoiseColor?
    @Option(help: "Probability that a training utterance is reverberated by a synthetic room (RT60 0.2-0.8 s, direct-to-reverberant ratio 0-10 dB), e.g. 0.5 (default: 0).", transform: finite)
    var reverb: Double?
    @Option(help: "Stack this many consecutive feature frames into one input frame and keep every K-th: the model reads K x mels values per frame and a K-th of the frames (default: 1). The checkpoint records it.")
    var stack: Int?
    @Option(name: .customLong("blank-bias"), help: "Start the classifier's blank bias at this value and the other biases at 0, or `none` for PyTorch's initialisation (default: \(Train.recipeDefault { $0.blankBias.map { "\($0)" } ?? "none" })). See docs/training.md.", transform: blankBiasChoice)
    var blankBias: BlankBiasChoice?
    @Option(help: "Train on the subword pieces of this tokenizer model (from `tokenizer train`) instead of the 29 characters: the output layer has pieces + 1 classes; the run folder keeps a copy and every checkpoint carries it (default: characters).", completion: .file())
    var tokenizer: String?
    @Flag(help: "Print the final summary as one JSON object (the log goes to standard error).")
    var json = false

    struct Reply: Encodable {
        var run: String
        /// finished, time_budget or interrupted.
        var ending: String
        /// The epoch (and step within the next one) the run's newest checkpoint holds.
        var epoch: Int
        var step: Int
        /// The newest metrics.jsonl line as it is in the file (docs/training.md: its `wer` and `cer` are rates,
        /// not the objects of `eval` and `wer`), or null before the first epoch ends.
        var lastEpoch: EpochMetrics?
    }
    @OptionGroup(title: "Per-epoch evaluation (greedy unless --decoder beam)")
    var decoding: DecoderOptions

    /// A recipe value as help shows it: "12, 20 with --seed-faithful", or per model kind where the kinds differ
    /// ("0.001 for dnn, lstm and gru, 0.002 for bilstm and bigru").
    static func recipeDefault(_ value: (TrainingOptions) -> String) -> String {
        func perKind(_ recipe: (ModelKind) -> TrainingOptions) -> String {
            var groups: [(value: String, kinds: [String])] = []
            for kind in ModelKind.allCases {
                let v = value(recipe(kind))
                if let i = groups.firstIndex(where: { $0.value == v }) { groups[i].kinds.append(kind.rawValue) } else { groups.append((v, [kind.rawValue])) }
            }
            if groups.count == 1 { return groups[0].value }
            func list(_ k: [String]) -> String { k.count < 2 ? k.joined() : k.dropLast().joined(separator: ", ") + " and " + k.last! }
            return groups.map { "\($0.value) for \(list($0.kinds))" }.joined(separator: ", ")
        }
        let corrected = perKind(TrainingOptions.corrected), notebook = perKind(TrainingOptions.notebook)
        return corrected == notebook ? corrected : "\(corrected); with --seed-faithful \(notebook)"
    }

    func validate() throws {
        if head != nil && model == .dnn {
            throw ValidationError("--head applies to the recurrent models (lstm, bilstm); the DNN always ends in a Linear classifier")
        }
        if head == .proj && model.cell == .gru {
            throw ValidationError("--head proj needs an LSTM: PyTorch's GRU has no proj_size, so the \(model.rawValue) always ends in a Linear classifier")
        }
        if noSpecAugment, let name = [("--time-masks", timeMasks != nil), ("--freq-masks", freqMasks != nil),
                                      ("--time-mask-ratio", timeMaskRatio != nil)].first(where: { $0.1 })?.0 {
            throw ValidationError("\(name) shapes SpecAugment's masks, which --no-spec-augment turns off")
        }
        if noiseColor != nil && noiseSNR == nil { throw ValidationError("--noise-color needs --noise-snr (the noise's level)") }
    }

    /// `--speed-perturb 0.9,1.0,1.1`.
    static func parseFactors(_ text: String) throws -> [Double] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let values = parts.map { Double($0) }
        guard !parts.isEmpty, values.allSatisfy({ $0?.isFinite == true }) else {
            throw WorkbenchError("--speed-perturb takes comma-separated numbers such as 0.9,1.0,1.1 (got \(text))")
        }
        return values.map { $0! }
    }

    /// `--noise-snr 10:30` (or `20` for a fixed SNR).
    static func parseSNR(_ text: String) throws -> ClosedRange<Double> {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard (1...2).contains(parts.count), parts.allSatisfy({ $0?.isFinite == true }) else {
            throw WorkbenchError("--noise-snr takes LO:HI in dB such as 10:30, or one value (got \(text))")
        }
        let lo = parts[0]!, hi = parts.last!!
        guard lo <= hi else { throw WorkbenchError("--noise-snr: the lower SNR \(lo) is above the upper \(hi)") }
        return lo...hi
    }

    func options() throws -> TrainingOptions {
        let kind = model
        var o = seedFaithful ? TrainingOptions.notebook(kind) : TrainingOptions.corrected(kind)
        if let epochs { o.epochs = epochs }
        if let batch { o.batchSize = batch }
        if let lr { o.learningRate = lr }
        if let threads { o.threads = threads }
        if let seed { o.seed = seed }
        if let rnnDim { o.model.rnnDim = rnnDim; o.model.dnnHidden = max(rnnDim * 2, 1) }
        if let cnnLayers { o.model.nCNNLayers = cnnLayers }
        if let rnnLayers { o.model.nRNNLayers = rnnLayers }
        if let clip { o.clipNorm = clip > 0 ? clip : nil }
        if noSpecAugment { o.specAugment = false }
        if let timeMasks { o.timeMasks = timeMasks }
        if let freqMasks { o.freqMasks = freqMasks }
        if let timeMaskRatio { o.timeMaskRatio = timeMaskRatio }
        if let speedPerturb { o.speedPerturb = try Train.parseFactors(speedPerturb) }
        if let noiseSNR { o.noiseSNR = try Train.parseSNR(noiseSNR) }
        if let noiseColor { o.noiseColor = noiseColor }
        if let reverb { o.reverb = reverb }
        if let blankBias { o.blankBias = blankBias.value }
        // The model's input width follows the features: one number, two places that must agree.
        if let mels { o.features.nMels = mels }
        if let stack { o.features.stack = stack }
        if mels != nil || stack != nil { o.model.nFeats = o.features.inputWidth }
        if let hop { o.features.hop = hop }
        switch features {
        case nil: break
        case .log: o.features.logMel = true; o.features.normalize = true
        case .raw: o.features.logMel = false; o.features.normalize = false
        }
        switch head {
        case nil: break
        case .linear: o.model.projSize = 0; o.model.linearClassifier = true
        case .proj: o.model.projSize = o.model.nClass; o.model.linearClassifier = false
        }
        // The default blank bias belongs to the Linear classifier; `--head proj` has none to start.
        if blankBias == nil && !o.model.linearClassifier { o.blankBias = nil }
        o.maxMinutes = minutes
        if let tokenizer {
            let t = try loadTokenizer(tokenizer)
            o.tokenizer = TokenizerRecord(source: tokenizer, pieces: t.vocabularySize)
            o.model.nClass = LabelSet.subwords(t).classCount
        }
        if let e = o.validationError() { throw WorkbenchError(e) }
        return o
    }

    mutating func run(session: inout Session) throws {
        let events = TrainerEvents(log: narration(json: json), shouldStop: { Interrupt.isRequested })
        let group: any ProcessGroup
        do { group = try currentProcessGroup() } catch { throw WorkbenchError("\(error)") }
        guard group.size > 1 else { return try train(session: &session, events: events, group: group) }
        // Data-parallel: a rank that fails must end the job, or the others would wait for it in the next allreduce.
        do {
            if group.isRoot {
                try train(session: &session, events: events, group: group)
            } else {
                _ = try Trainer.follow(group: group, events: events)
            }
        } catch {
            group.abort("error: \(error)", code: 1)
        }
    }

    /// The run on this process (rank 0 of a data-parallel job, or a process alone).
    private mutating func train(session: inout Session, events: TrainerEvents, group: any ProcessGroup) throws {
        let decoder = try decoding.choice(session: &session, quiet: json)
        let summary: TrainingSummary
        do {
            if let resume {
                guard out == nil else { throw WorkbenchError("use either --out (a new run) or --resume (an existing one), not both") }
                let fixed: [(String, Bool)] = [("--epochs", epochs != nil), ("--batch", batch != nil), ("--lr", lr != nil),
                                               ("--seed", seed != nil), ("--threads", threads != nil), ("--rnn-dim", rnnDim != nil),
                                               ("--cnn-layers", cnnLayers != nil), ("--rnn-layers", rnnLayers != nil), ("--clip", clip != nil),
                                               ("--seed-faithful", seedFaithful), ("--no-spec-augment", noSpecAugment),
                                               ("--features", features != nil), ("--head", head != nil),
                                               ("--mels", mels != nil), ("--hop", hop != nil),
                                               ("--blank-bias", blankBias != nil), ("--tokenizer", tokenizer != nil),
                                               ("--time-masks", timeMasks != nil), ("--freq-masks", freqMasks != nil),
                                               ("--time-mask-ratio", timeMaskRatio != nil), ("--speed-perturb", speedPerturb != nil),
                                               ("--noise-snr", noiseSNR != nil), ("--noise-color", noiseColor != nil),
                                               ("--reverb", reverb != nil), ("--stack", stack != nil)]
                if let (name, _) = fixed.first(where: { $0.1 }) {
                    throw WorkbenchError("\(name) cannot change when resuming: the run continues with the options in \(resume)/run.json (only --data, --minutes and the evaluation's decoder options may be given)")
                }
                summary = try Trainer.resume(run: RunFolder(resume), events: events, dataOverride: data,
                                             maxMinutes: minutes.map { Optional($0) }, decoder: decoder, group: group)
            } else {
                guard let data else { throw WorkbenchError("--data DIR is required (a LibriSpeech-layout folder with train/ and test/)") }
                guard let out else { throw WorkbenchError("--out RUN_DIR is required (where checkpoints and metrics go)") }
                summary = try Trainer.start(options: try options(), data: data, run: RunFolder(out), events: events,
                                            decoder: decoder, tokenizer: try tokenizer.map(loadTokenizer), group: group)
            }
        } catch let e as WorkbenchError { throw e } catch { throw WorkbenchError("\(error)") }
        let runDir = resume ?? out ?? ""
        if json {
            let ending: String
            switch summary.ending {
            case .finished: ending = "finished"
            case .timeBudget: ending = "time_budget"
            case .interrupted: ending = "interrupted"
            }
            try printJSON(Reply(run: runDir, ending: ending, epoch: summary.position.epoch, step: summary.position.step,
                                lastEpoch: summary.metrics.last))
        } else if summary.ending != .interrupted {
            Console.out("run folder: \(runDir) (metrics.jsonl, checkpoints/, alignments/, eval/)")
        }
    }
}

/// `train --noise-color`.
extension NoiseColor: ExpressibleByArgument {}

/// `train --features`: the model's input features.
enum FeatureChoice: String, CaseIterable, ExpressibleByArgument { case log, raw }

/// `train --head`: what the recurrent models end in.
enum HeadChoice: String, CaseIterable, ExpressibleByArgument { case linear, proj }

/// `--decoder`.
enum DecoderKind: String, CaseIterable, ExpressibleByArgument { case greedy, beam }

/// The model kinds are Models' own enum; parsing them here lists their cases in help, errors and completion.
extension ModelKind: ExpressibleByArgument {}

/// `--decoder`, `--beam-size`, `--lm` ... shared by `eval`, `transcribe` and `train` (its per-epoch evaluation).
struct DecoderOptions: ParsableArguments {
    @Option(help: "Decoder.")
    var decoder: DecoderKind = .greedy
    @Option(name: [.customLong("beam-size"), .customLong("beam")], help: ArgumentHelp(beamSizeHelp + " Beam decoder."))
    var beamSize: Int?
    @Option(help: "Prune threshold (beam decoder). (default: 0.001)", transform: finite)
    var prune: Double = 1e-3
    @Option(help: "ARPA language model for the beam decoder.", completion: .file())
    var lm: String?
    @OptionGroup var fusion: FusionOptions

    func validate() throws {
        if lm != nil && decoder == .greedy { throw ValidationError("--lm needs --decoder beam") }
    }

    func choice(session: inout Session, quiet: Bool) throws -> DecoderChoice {
        switch decoder {
        case .greedy:
            return .greedy
        case .beam:
            let model = try lm.map { try loadLanguageModel($0, session: &session, quiet: quiet) }
            let options = fusion.options(beamSize: beamSize, prune: prune, hasLM: model != nil)
            return .beam(options, model.map { options.fusion == .shallow ? DecoderLanguageModel($0) : DecoderLanguageModel($0, vocabulary: []) })
        }
    }
}

/// Every command that takes a checkpoint loads it here: a file, a run folder (its newest checkpoint), RUN@N or
/// RUN@latest (`CheckpointReference`).
func loadCheckpoint(_ reference: String) throws -> LoadedModel {
    do { return try Checkpoint.loadModel(reference) } catch { throw WorkbenchError("\(error)") }
}

/// The help of every checkpoint option and argument.
let checkpointHelp = "A checkpoint: a .safetensors file (Trellis's or a notebook state_dict), a run folder (its newest checkpoint), RUN@N (epoch N) or RUN@latest."

struct Eval: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Loss, WER and CER of a checkpoint on a LibriSpeech-layout folder.",
        discussion: """
            Reads every subset of --data (or only --subset). WER and CER are corpus rates (total edits / total \
            reference words or characters, as sclite reports them); the notebook's mean of per-utterance rates is \
            printed beside them. --trn DIR writes ref.trn and hyp.trn for `sclite -r ref.trn trn -h hyp.trn trn`.
            """
    )

    @Option(help: ArgumentHelp(checkpointHelp), completion: .file())
    var checkpoint: String
    @Option(help: "LibriSpeech-layout folder.", completion: .directory)
    var data: String
    @Option(help: "Only this subset (e.g. test).")
    var subset: String?
    @OptionGroup var decoding: DecoderOptions
    @Option(help: "Batch size.")
    var batch: Int = 16
    @Option(help: "Write ref.trn and hyp.trn into this folder.", completion: .directory)
    var trn: String?
    @Flag(help: "Print one JSON object.")
    var json = false

    /// `eval --json`'s own keys; `wer` and `cer` come from `ErrorRateReply`, as in `wer --json`.
    struct Reply: Encodable {
        var checkpoint: String
        var utterances: Int
        /// Mean of −log p / label length; null when no utterance is feasible.
        var loss: Double
        var infeasible: Int
        var decoder: String
        var elapsedSeconds: Double
        /// The ref.trn and hyp.trn written with --trn, else null.
        var trn: [String]?
    }

    mutating func run(session: inout Session) throws {
        var loaded = try loadCheckpoint(checkpoint)
        let decoder = try decoding.choice(session: &session, quiet: json)
        let corpus: SpeechCorpus
        do { corpus = try SpeechCorpus.open(data) } catch { throw WorkbenchError("\(error)") }
        let subsets = try subset.map { name in [try corpus.subset(name)] } ?? corpus.subsets
        let utts = subsets.flatMap(\.utterances)
        guard !utts.isEmpty else { throw WorkbenchError("\(data) holds no usable utterances") }
        var bar = ProgressBar(total: 1, label: "eval")
        let r = try Evaluator.evaluate(model: &loaded.model, utterances: utts, features: loaded.features, labels: loaded.labels, batchSize: batch,
                                       decoder: decoder, onBatch: { done, total in
            bar.total = total
            bar.update(done: done, detail: "batches")
        }, shouldStop: { Interrupt.isRequested })
        bar.finish()
        // Audio the corpus index let through (it reads headers only) but that does not decode: left out, named.
        for item in r.skipped { Console.error("skipped \(item.detail) (\(item.reason.rawValue))") }
        let trnFiles = trn.map { [$0 + "/ref.trn", $0 + "/hyp.trn"] }
        if let trnFiles {
            try r.writeTrn(reference: URL(fileURLWithPath: trnFiles[0]), hypothesis: URL(fileURLWithPath: trnFiles[1]))
        }
        if json {
            let fields = Reply(checkpoint: loaded.path, utterances: r.utterances, loss: r.loss, infeasible: r.infeasible,
                               decoder: decoder.name, elapsedSeconds: r.seconds, trn: trnFiles)
            try printJSON(ReplyWithErrorRates(fields: fields, errorRates: ErrorRateReply(words: r.words, characters: r.characters)))
            return
        }
        Console.out("\(r.utterances) utterances, \(String(format: "%.2f", r.audioSeconds / 60)) min of audio, \(decoder.name) decoding, \(String(format: "%.1f", r.seconds)) s")
        Console.out(String(format: "loss %.4f (mean of −log p / label length)", r.loss) + (r.infeasible > 0 ? ", \(r.infeasible) infeasible utterance(s) left out" : ""))
        for line in errorRateLines(words: r.words, characters: r.characters) { Console.out(line) }
        for i in 0..<min(3, r.utterances) {
            Console.out("  \(r.ids[i])\n    ref: \(r.references[i])\n    hyp: \(r.hypotheses[i])")
        }
    }
}

struct Transcribe: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcribe",
        abstract: "Transcribe audio files with a checkpoint (greedy, or beam search with an optional LM)."
    )

    @Argument(help: "Audio files (FLAC, WAV, ...).", completion: .file())
    var files: [String]
    @Option(help: ArgumentHelp(checkpointHelp), completion: .file())
    var checkpoint: String
    @OptionGroup var decoding: DecoderOptions
    @Flag(help: "One JSON object per file (JSON Lines).")
    var json = false

    /// One line per file: its text, or the error that stopped it.
    struct Reply: Encodable {
        var file: String
        var text: String?
        var frames: Int?
        var error: String?
    }

    mutating func run(session: inout Session) throws {
        guard !files.isEmpty else { throw WorkbenchError("name at least one audio file") }
        var loaded = try loadCheckpoint(checkpoint)
        let decoder = try decoding.choice(session: &session, quiet: json)
        var failures = 0
        var bar = ProgressBar(total: files.count, label: "transcribe", enabled: files.count > 1 && ProgressBar.standardErrorIsTerminal)
        for (i, f) in files.enumerated() {
            if Interrupt.isRequested { break }
            bar.update(done: i, detail: "files")
            let line: Reply
            do {
                let m = try loaded.output(forRecording: f)
                line = Reply(file: f, text: try Inference.decode(m, with: decoder, labels: loaded.labels), frames: m.frames, error: nil)
            } catch {
                failures += 1
                line = Reply(file: f, text: nil, frames: nil, error: "\(error)")
            }
            bar.clear()
            if json {
                try printJSON(line)
            } else if let text = line.text {
                Console.out("\(f)\t\(text)")
            }
            if let e = line.error { Console.error("\(f): \(e)") }
        }
        bar.finish()
        if failures > 0 { throw WorkbenchError("\(failures) of \(files.count) file(s) could not be transcribed") }
    }
}

/// `--blank-bias`: a finite number, or `none` for PyTorch's default initialisation of the classifier's bias.
struct BlankBiasChoice: Equatable {
    var value: Double?
}

func blankBiasChoice(_ text: String) throws -> BlankBiasChoice {
    if text == "none" { return BlankBiasChoice(value: nil) }
    do { return BlankBiasChoice(value: try finite(text)) } catch {
        throw ValidationError("'\(text)' is neither a number nor 'none'")
    }
}
