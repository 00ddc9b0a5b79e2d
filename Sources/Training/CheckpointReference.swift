// CheckpointReference: what a user may type wherever a checkpoint is expected (`eval --checkpoint`,
// `transcribe --checkpoint`, `model load`), resolved in one place to the model file it means:
//   RUN                  a run folder: its newest complete checkpoint (mid-epoch ones included)
//   RUN@N, RUN@latest    epoch N's checkpoint of that run, or its newest
//   RUN/latest           the run's pointer file: the checkpoint it names
//   RUN/checkpoints      the same as RUN
//   FILE.safetensors     that file (Trellis's checkpoint or a notebook state_dict)
// A path that exists is taken as it is, so a folder or file whose name contains '@' still works.
import Foundation

public enum CheckpointReference {
    /// The model file `text` names, or an error saying in one sentence what was found instead.
    public static func resolve(_ text: String) throws -> URL {
        guard !text.isEmpty else { throw RunFolderError("no checkpoint given: name a .safetensors file or a run folder") }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: text, isDirectory: &isDirectory) {
            let url = URL(fileURLWithPath: text)
            if isDirectory.boolValue { return try newest(in: runFolder(containing: url), named: text) }
            if url.lastPathComponent == "latest", let run = try? runFolder(containing: url.deletingLastPathComponent()) {
                return try newest(in: run, named: text)
            }
            if url.lastPathComponent.hasSuffix(".optim.safetensors") {
                let model = url.path.dropLast(".optim.safetensors".count) + ".safetensors"
                throw RunFolderError("\(text) holds the optimiser's state, not a model; load \(model) (or the run folder) instead")
            }
            return url
        }
        if let at = text.lastIndex(of: "@") {
            let folder = String(text[..<at]), which = String(text[text.index(after: at)...])
            if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue {
                let run = try runFolder(containing: URL(fileURLWithPath: folder))
                if which == "latest" { return try newest(in: run, named: folder) }
                guard let epoch = Int(which), epoch >= 0 else {
                    throw RunFolderError("\(text): after '@' comes an epoch number or 'latest' (e.g. \(folder)@2), not '\(which)'")
                }
                let position = TrainingPosition(epoch: epoch, step: 0)
                let complete = run.checkpointPositions()
                guard complete.contains(position) else {
                    let epochs = complete.filter { $0.step == 0 }.map { String($0.epoch) }.reversed()
                    throw RunFolderError("\(folder) has no complete checkpoint of epoch \(epoch)" +
                                         (epochs.isEmpty ? " (it has none yet)" : "; it has epochs \(epochs.joined(separator: ", "))"))
                }
                return run.modelFile(position)
            }
        }
        throw RunFolderError("no checkpoint at \(text): neither a file nor a run folder (RUN, RUN@EPOCH or RUN@latest)")
    }

    /// The run a folder belongs to: the folder itself, or the run around its `checkpoints` folder.
    static func runFolder(containing url: URL) throws -> RunFolder {
        let candidates = url.lastPathComponent == "checkpoints" ? [url.deletingLastPathComponent(), url] : [url]
        for c in candidates {
            let run = RunFolder(c.path)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: run.checkpointsDir.path, isDirectory: &isDirectory), isDirectory.boolValue {
                return run
            }
        }
        throw RunFolderError("\(url.path) is a folder but not a training run (it has no checkpoints folder); name a .safetensors file or a run folder")
    }

    private static func newest(in run: RunFolder, named text: String) throws -> URL {
        guard let p = run.checkpointPositions().first else {
            throw RunFolderError("\(text) is a run folder without a complete checkpoint yet (one is written after each epoch)")
        }
        return run.modelFile(p)
    }
}
