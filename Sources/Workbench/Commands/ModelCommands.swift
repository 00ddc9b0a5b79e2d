// `model load|info` and `probs from`: a trained model in the shell, so the trellis commands (forward, align,
// viterbi, beam, plot ...) run on a real network's output for a real recording.
import ArgumentParser
import Audio
import CTC
import Foundation
import Models
import Training

struct ModelGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Load a trained checkpoint into the session (then 'probs from FILE.flac').",
        subcommands: [ModelLoad.self, ModelInfo.self]
    )
}

struct ModelLoad: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load a checkpoint (Trellis's, or a state_dict saved from the notebook): a file, a run folder, RUN@N."
    )
    @Argument(help: ArgumentHelp(checkpointHelp), completion: .file())
    var file: String

    @Flag(help: "Print one JSON object.")
    var json = false

    mutating func run(session: inout Session) throws {
        let loaded = try loadCheckpoint(file)
        session.model.loaded = loaded
        if json { return try printJSON(ModelReply(loaded)) }
        if loaded.path != file { Console.out("checkpoint: \(loaded.path)") }
        Console.out("model: \(loaded.model.config.summary)")
        Console.out("features: \(loaded.features.summary)")
    }
}

/// `model load --json` and `model info --json`: the model in the session.
struct ModelReply: Encodable {
    var checkpoint: String
    /// dnn, lstm, bilstm, gru or bigru.
    var kind: String
    var summary: String
    var parameters: Int
    /// The feature settings it was trained with.
    var features: FeatureSpec

    init(_ loaded: LoadedModel) {
        checkpoint = loaded.path
        kind = loaded.model.config.kind.rawValue
        summary = loaded.model.config.summary
        parameters = loaded.model.config.parameterCount
        features = loaded.features
    }
}

struct ModelInfo: WorkbenchCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Describe the loaded model.")

    @Flag(help: "Print one JSON object.")
    var json = false

    mutating func run(session: inout Session) throws {
        let loaded = try session.model.require()
        if json { return try printJSON(ModelReply(loaded)) }
        Console.out("\(loaded.path)\n  \(loaded.model.config.summary)\n  \(loaded.model.config.parameterCount) parameters")
    }
}

struct ProbsFrom: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "from",
        abstract: "The loaded model's T×29 output for an audio file becomes the session's matrix.",
        discussion: "Also sets the transcript with --text, or from the file's LibriSpeech transcript line when there is one."
    )
    @Argument(help: "An audio file.", completion: .file())
    var file: String
    @Option(help: "The transcript to align against (default: the file's line in its LibriSpeech SPEAKER-CHAPTER.trans.txt, if any).")
    var text: String?

    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        var file: String
        var frames: Int
        var classes: Int
        var secondsPerFrame: Double?
        /// The transcript set with it, or null.
        var text: String?
    }

    mutating func run(session: inout Session) throws {
        var loaded = try session.model.require()
        let m: LogProbabilities
        do { m = try loaded.output(forRecording: file) } catch { throw WorkbenchError("\(error)") }
        session.ctc.setMatrix(m, source: file, labelSet: loaded.labels)
        session.ctc.secondsPerFrame = loaded.secondsPerOutputFrame
        let say = narration(json: json)
        say("matrix from \(file): T=\(m.frames) frames × K=\(m.classes) classes")
        let transcript = text ?? librispeechTranscript(for: file)
        if let t = transcript {
            do {
                session.ctc.labels = try loaded.labels.encode(t)
                session.ctc.text = t
                say("text: \"\(t)\"")
            } catch { throw WorkbenchError("the transcript \"\(t)\": \(error)") }
        }
        if json {
            try printJSON(Reply(file: file, frames: m.frames, classes: m.classes, secondsPerFrame: session.ctc.secondsPerFrame, text: transcript))
        }
    }

    /// The line for SPEAKER-CHAPTER-UTT in the SPEAKER-CHAPTER.trans.txt beside the file, lower-cased.
    func librispeechTranscript(for path: String) -> String? {
        let url = URL(fileURLWithPath: path)
        let id = url.deletingPathExtension().lastPathComponent
        let parts = id.split(separator: "-")
        guard parts.count == 3 else { return nil }
        let trans = url.deletingLastPathComponent().appendingPathComponent("\(parts[0])-\(parts[1]).trans.txt")
        guard let s = try? String(contentsOf: trans, encoding: .utf8) else { return nil }
        for line in s.split(separator: "\n") where line.hasPrefix(id + " ") {
            return line.dropFirst(id.count + 1).lowercased()
        }
        return nil
    }
}
