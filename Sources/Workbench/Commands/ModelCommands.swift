// `model load|info` and `probs from`: a trained model in the shell, so the trellis commands (forward, align,
// viterbi, beam, plot ...) run on a real network's output for a real recording.
import ArgumentParser
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

    mutating func run(session: inout Session) throws {
        let loaded = try loadCheckpoint(file)
        session.model.loaded = loaded
        if loaded.path != file { Console.out("checkpoint: \(loaded.path)") }
        Console.out("model: \(loaded.model.config.summary)")
        Console.out("features: \(loaded.features.nMels) mels, \(loaded.features.logMel ? "log" : "power")\(loaded.features.normalize ? ", normalised per utterance" : "")")
    }
}

struct ModelInfo: WorkbenchCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Describe the loaded model.")
    mutating func run(session: inout Session) throws {
        let loaded = try session.model.require()
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
    @Option(help: "The transcript to align against.")
    var text: String?

    mutating func run(session: inout Session) throws {
        var loaded = try session.model.require()
        let m: LogProbabilities
        do { m = try Inference.logProbabilities(audioPath: file, model: &loaded) } catch { throw WorkbenchError("\(error)") }
        session.ctc.matrix = m
        session.ctc.secondsPerFrame = Double(loaded.features.melConfig.stft.hop * loaded.model.config.stride) / Double(loaded.features.melConfig.sampleRate)
        session.ctc.matrixSource = file
        session.ctc.stepper = nil
        Console.out("matrix from \(file): T=\(m.frames) frames × K=\(m.classes) classes")
        if let t = text ?? librispeechTranscript(for: file) {
            do {
                session.ctc.labels = try CTC.Tokenizer().indices(t)
                session.ctc.text = t
                Console.out("text: \"\(t)\"")
            } catch { throw WorkbenchError("the transcript \"\(t)\": \(error)") }
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
