// RunFolder: the layout of one training run on disk, so `train`, `--resume`, `eval` and people agree on it.
//
//   RUN_DIR/run.json                      the training options and model config (written once, atomically)
//   RUN_DIR/metrics.jsonl                 one JSON object per finished epoch (rewritten atomically; each
//                                         checkpoint also holds the lines up to it, so resume rebuilds the file)
//   RUN_DIR/lock                          flock'd by the process training the run (RunLock); names its holder
//   RUN_DIR/checkpoints/epoch-003.safetensors              model weights after epoch 3 (PyTorch names)
//   RUN_DIR/checkpoints/epoch-003.optim.safetensors        Adam moments + scheduler/trainer position
//   RUN_DIR/checkpoints/epoch-004-step-00120.safetensors   written on Ctrl-C mid-epoch (and its .optim)
//   RUN_DIR/alignments/epoch-003-utt0_matrix.txt / _labels.txt   probabilities and labels of fixed test utterances
//   RUN_DIR/latest -> text file naming the newest complete checkpoint (written after both files)
import Foundation

public struct RunFolderError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// Where training stands: `epoch` epochs finished, plus `step` optimiser steps into the next one.
public struct TrainingPosition: Codable, Equatable, Comparable, Sendable {
    public var epoch: Int
    public var step: Int
    public init(epoch: Int, step: Int) { self.epoch = epoch; self.step = step }
    public static func < (a: Self, b: Self) -> Bool { (a.epoch, a.step) < (b.epoch, b.step) }

    var fileStem: String {
        let e = String(format: "epoch-%03d", epoch)
        return step == 0 ? e : e + String(format: "-step-%05d", step)
    }
}

public struct RunFolder: Sendable {
    public let url: URL
    public init(_ path: String) { url = URL(fileURLWithPath: path) }

    public var runFile: URL { url.appendingPathComponent("run.json") }
    public var metricsFile: URL { url.appendingPathComponent("metrics.jsonl") }
    public var checkpointsDir: URL { url.appendingPathComponent("checkpoints") }
    public var alignmentsDir: URL { url.appendingPathComponent("alignments") }
    public var latestFile: URL { url.appendingPathComponent("latest") }
    public var lockFile: URL { url.appendingPathComponent("lock") }

    public func create() throws {
        for d in [url, checkpointsDir, alignmentsDir] {
            do { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) } catch {
                throw RunFolderError("cannot create run folder \(d.path): \(error.localizedDescription)")
            }
        }
    }

    public func modelFile(_ p: TrainingPosition) -> URL { checkpointsDir.appendingPathComponent(p.fileStem + ".safetensors") }
    public func optimizerFile(_ p: TrainingPosition) -> URL { checkpointsDir.appendingPathComponent(p.fileStem + ".optim.safetensors") }

    /// Positions of checkpoints whose model and optimiser files both exist, newest first.
    public func checkpointPositions() -> [TrainingPosition] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpointsDir.path)) ?? []
        var out: [TrainingPosition] = []
        for n in names where n.hasSuffix(".optim.safetensors") && n.hasPrefix("epoch-") {
            let stem = String(n.dropLast(".optim.safetensors".count))
            let parts = stem.split(separator: "-")
            guard parts.count == 2 || parts.count == 4, let e = Int(parts[1]) else { continue }
            let s = parts.count == 4 ? Int(parts[3]) ?? -1 : 0
            guard s >= 0 else { continue }
            let p = TrainingPosition(epoch: e, step: s)
            if FileManager.default.fileExists(atPath: modelFile(p).path) { out.append(p) }
        }
        return out.sorted(by: >)
    }

    /// Removes temporary files a killed writer left behind (AtomicFile's `.NAME.tmp-PID`); they never hold a
    /// checkpoint that was complete, so nothing is lost.
    public func removeStaleTemporaries() {
        for dir in [url, checkpointsDir, alignmentsDir] {
            for n in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] where n.hasPrefix(".") && n.contains(".tmp-") {
                try? FileManager.default.removeItem(at: dir.appendingPathComponent(n))
            }
        }
    }

    /// Deletes mid-epoch checkpoints older than `p` (they are superseded; epoch checkpoints are kept).
    public func pruneStepCheckpoints(before p: TrainingPosition) {
        for q in checkpointPositions() where q.step != 0 && q < p {
            try? FileManager.default.removeItem(at: modelFile(q))
            try? FileManager.default.removeItem(at: optimizerFile(q))
        }
    }

    public func alignmentFiles(epoch: Int, utterance: Int) -> (matrix: URL, labels: URL) {
        let stem = String(format: "epoch-%03d-utt%d", epoch, utterance)
        return (alignmentsDir.appendingPathComponent(stem + "_matrix.txt"), alignmentsDir.appendingPathComponent(stem + "_labels.txt"))
    }
}
