// `train`, `eval` and `transcribe`: the trainer and the trained models from the command line and the shell.
// The work lives in the Training module; these types only turn options into its calls and its results into text.
import ArgumentParser
import CTC
import Corpus
import Foundation
import LanguageModel
import Models
import Training

struct Train: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a CTC model (dnn, lstm or bilstm) on a LibriSpeech-layout corpus into a run folder.",
        discussion: """
            Each epoch writes RUN_DIR/checkpoints/epoch-NNN.safetensors (+ .optim), evaluates on the test subset \
            (loss, CER/WER; greedy, or --decoder beam [--lm FILE]), dumps the probability matrices of a few test utterances to RUN_DIR/alignments \
            and appends one JSON line to RUN_DIR/metrics.jsonl. Ctrl-C finishes the current step, writes a \
            checkpoint and stops; --resume RUN_DIR continues exactly where it stopped (also after a kill: it \
            restarts from the last complete checkpoint). The default recipe is Trellis's corrected one (normalised \
            log-mel, no 29-wide LSTM projection, a Linear classifier, gradient clipping, packed sequences); \
            --seed-faithful reproduces the notebook exactly (see docs/training.md).
            """
    )

    @Option(help: "Model: dnn, lstm or bilstm.")
    var model: String = "bilstm"
    @Option(help: "LibriSpeech-layout folder with a train subset (and a test subset for evaluation).", completion: .directory)
    var data: String?
    @Option(help: "Run folder to create.", completion: .directory)
    var out: String?
    @Option(help: "Continue the run in this folder from its newest complete checkpoint.", completion: .directory)
    var resume: String?
    @Option(help: "Epochs (the OneCycle schedule spans them).")
    var epochs: Int?
    @Option(help: "Batch size.")
    var batch: Int?
    @Option(help: "Peak learning rate of the OneCycle schedule.", transform: finite)
    var lr: Double?
    @Option(help: "Threads for OpenBLAS and Trellis's workers.")
    var threads: Int?
    @Option(help: "Random seed (initialisation, batch order, dropout, SpecAugment).")
    var seed: UInt64?
    @Option(help: "Stop after the epoch that crosses this many minutes of wall clock.", transform: finite)
    var minutes: Double?
    @Option(name: .customLong("rnn-dim"), help: "Width of the recurrent / hidden layers (the notebook: 128).")
    var rnnDim: Int?
    @Option(name: .customLong("cnn-layers"), help: "Residual CNN layers.")
    var cnnLayers: Int?
    @Option(name: .customLong("rnn-layers"), help: "LSTM layers.")
    var rnnLayers: Int?
    @Option(help: "Gradient-norm clipping threshold (0 = none).", transform: finite)
    var clip: Double?
    @Flag(name: .customLong("seed-faithful"), help: "The notebook's exact recipe: raw power mel, 29-wide LSTM projections, no clipping.")
    var seedFaithful = false
    @Option(help: "Input features: log (normalised log-mel, the default) or raw (power mel, the notebook). One cause of the plateau: see docs/training.md.")
    var features: String?
    @Option(help: "Recurrent models' output: linear (a Linear classifier, the default) or proj (29-wide LSTM projections, the notebook). The other cause.")
    var head: String?
    @Flag(name: .customLong("no-spec-augment"), help: "Train without SpecAugment.")
    var noSpecAugment = false
    @Flag(help: "Print the final summary as one JSON object.")
    var json = false
    @OptionGroup(title: "Per-epoch evaluation (greedy unless --decoder beam)")
    var decoding: DecoderOptions

    func options() throws -> TrainingOptions {
        guard let kind = ModelKind(rawValue: model) else { throw WorkbenchError("--model must be dnn, lstm or bilstm (got \(model))") }
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
        switch features {
        case nil: break
        case "log": o.logMel = true; o.normalize = true
        case "raw": o.logMel = false; o.normalize = false
        case let other?: throw WorkbenchError("--features must be log or raw (got \(other))")
        }
        switch head {
        case nil: break
        case _ where kind == .dnn: throw WorkbenchError("--head applies to the recurrent models (lstm, bilstm); the DNN always ends in a Linear classifier")
        case "linear": o.model.projSize = 0; o.model.linearClassifier = true
        case "proj": o.model.projSize = o.model.nClass; o.model.linearClassifier = false
        case let other?: throw WorkbenchError("--head must be linear or proj (got \(other))")
        }
        o.maxMinutes = minutes
        if let e = o.validationError() { throw WorkbenchError(e) }
        return o
    }

    mutating func run(session: inout Session) throws {
        let events = TrainerEvents(log: { Console.out($0) }, shouldStop: { Interrupt.isRequested })
        let decoder = try decoding.choice(session: &session, quiet: json)
        let summary: TrainingSummary
        do {
            if let resume {
                guard out == nil else { throw WorkbenchError("use either --out (a new run) or --resume (an existing one), not both") }
                let fixed: [(String, Bool)] = [("--epochs", epochs != nil), ("--batch", batch != nil), ("--lr", lr != nil),
                                               ("--seed", seed != nil), ("--threads", threads != nil), ("--rnn-dim", rnnDim != nil),
                                               ("--cnn-layers", cnnLayers != nil), ("--rnn-layers", rnnLayers != nil), ("--clip", clip != nil),
                                               ("--seed-faithful", seedFaithful), ("--no-spec-augment", noSpecAugment),
                                               ("--features", features != nil), ("--head", head != nil)]
                if let (name, _) = fixed.first(where: { $0.1 }) {
                    throw WorkbenchError("\(name) cannot change when resuming: the run continues with the options in \(resume)/run.json (only --data, --minutes and the evaluation's decoder options may be given)")
                }
                summary = try Trainer.resume(run: RunFolder(resume), events: events, dataOverride: data,
                                             maxMinutes: minutes.map { Optional($0) }, decoder: decoder)
            } else {
                guard let data else { throw WorkbenchError("--data DIR is required (a LibriSpeech-layout folder with train/ and test/)") }
                guard let out else { throw WorkbenchError("--out RUN_DIR is required (where checkpoints and metrics go)") }
                summary = try Trainer.start(options: try options(), data: data, run: RunFolder(out), events: events,
                                            decoder: decoder)
            }
        } catch let e as WorkbenchError { throw e } catch { throw WorkbenchError("\(error)") }
        let runDir = resume ?? out ?? ""
        if json {
            let last = summary.metrics.last
            Console.out(JSON.object([
                ("run", .string(runDir)),
                ("ending", .string("\(summary.ending)")),
                ("epochs", .int(summary.position.epoch)),
                ("loss", last.map { .number($0.trainLoss) } ?? .null),
                ("cer", last?.cer.map { .number($0) } ?? .null),
                ("wer", last?.wer.map { .number($0) } ?? .null),
            ]).text)
        } else if summary.ending != .interrupted {
            Console.out("run folder: \(runDir) (metrics.jsonl, checkpoints/, alignments/, eval/)")
        }
    }
}

/// `--decoder`, `--beam-size`, `--lm` ... shared by `eval`, `transcribe` and `train` (its per-epoch evaluation).
struct DecoderOptions: ParsableArguments {
    @Option(help: "greedy or beam.")
    var decoder: String = "greedy"
    @Option(name: .customLong("beam-size"), help: "Beam size (beam decoder).")
    var beamSize: Int = 5
    @Option(help: "Prune threshold (beam decoder). (default: 0.001)", transform: finite)
    var prune: Double = 1e-3
    @Option(help: "ARPA language model for the beam decoder.", completion: .file())
    var lm: String?
    @Option(help: "LM weight α (beam decoder; the same default as 'beam'). (default: 0.1)", transform: finite)
    var alpha: Double = 0.1
    @Option(help: "Length bonus β (beam decoder; the same default as 'beam'). (default: 0.1)", transform: finite)
    var beta: Double = 0.1

    func choice(session: inout Session, quiet: Bool) throws -> DecoderChoice {
        switch decoder {
        case "greedy":
            if lm != nil { throw WorkbenchError("--lm needs --decoder beam") }
            return .greedy
        case "beam":
            let model = try lm.map { try loadLanguageModel($0, session: &session, quiet: quiet) }
            return .beam(BeamSearchOptions(beamSize: beamSize, prune: prune, alpha: alpha, beta: beta), model)
        default:
            throw WorkbenchError("--decoder must be greedy or beam (got \(decoder))")
        }
    }
}

func loadCheckpoint(_ path: String) throws -> LoadedModel {
    do { return try Checkpoint.loadModel(path) } catch { throw WorkbenchError("\(error)") }
}

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

    @Option(help: "A .safetensors checkpoint (Trellis's or a notebook state_dict).", completion: .file())
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

    mutating func run(session: inout Session) throws {
        var loaded = try loadCheckpoint(checkpoint)
        let decoder = try decoding.choice(session: &session, quiet: json)
        let corpus: SpeechCorpus
        do { corpus = try SpeechCorpus.open(data) } catch { throw WorkbenchError("\(error)") }
        let subsets = try subset.map { name in [try corpus.subset(name)] } ?? corpus.subsets
        let utts = subsets.flatMap(\.utterances)
        guard !utts.isEmpty else { throw WorkbenchError("\(data) holds no usable utterances") }
        let quiet = json
        let r = try Evaluator.evaluate(model: &loaded.model, utterances: utts, features: loaded.features, batchSize: batch,
                                       decoder: decoder, onBatch: { done, total in
            if !quiet && isatty(2) != 0 { FileHandle.standardError.write(Data("\r\u{1B}[K  eval \(done)/\(total) batches".utf8)) }
        }, shouldStop: { Interrupt.isRequested })
        if !quiet && isatty(2) != 0 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if let trn {
            try r.writeTrn(reference: URL(fileURLWithPath: trn + "/ref.trn"), hypothesis: URL(fileURLWithPath: trn + "/hyp.trn"))
        }
        if json {
            struct Reply: Encodable { var checkpoint: String; var utterances: Int; var loss: Double?; var infeasible: Int; var decoder: String; var seconds: Double }
            let fields = Reply(checkpoint: checkpoint, utterances: r.utterances, loss: r.loss.isFinite ? r.loss : nil,
                               infeasible: r.infeasible, decoder: decoder.name, seconds: r.seconds)
            Console.out(try jsonText(ReplyWithErrorRates(fields: fields, errorRates: ErrorRateReply(words: r.words, characters: r.characters))))
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
    @Option(help: "A .safetensors checkpoint.", completion: .file())
    var checkpoint: String
    @OptionGroup var decoding: DecoderOptions
    @Flag(help: "One JSON object per file.")
    var json = false

    mutating func run(session: inout Session) throws {
        guard !files.isEmpty else { throw WorkbenchError("name at least one audio file") }
        var loaded = try loadCheckpoint(checkpoint)
        let decoder = try decoding.choice(session: &session, quiet: json)
        var failures = 0
        for f in files {
            if Interrupt.isRequested { break }
            do {
                let m = try Inference.logProbabilities(audioPath: f, model: &loaded)
                let text = try Inference.decode(m, with: decoder)
                Console.out(json ? JSON.object([("file", .string(f)), ("text", .string(text)), ("frames", .int(m.frames))]).text : "\(f)\t\(text)")
            } catch {
                failures += 1
                Console.error("\(f): \(error)")
            }
        }
        if failures > 0 { throw WorkbenchError("\(failures) of \(files.count) file(s) could not be transcribed") }
    }
}
