// Fuzz target: safetensors checkpoints through what `Checkpoint.loadModel` does after reading the file —
// decode, infer or read the model config, build the model, load the state dict, read the feature spec.
// The checksum is not verified (a mutated data section would stop there); `Checkpoint.loadModel` on the
// same bytes checks the checksummed path too.
import Audio
import FuzzSupport
import Models
import Training

@main enum FuzzSafeTensors {
    static func main() {
        Fuzz.run { bytes in
            if let file = try? SafeTensors.decode(bytes, verifyChecksum: false),
               let config = try? ModelConfig.from(file, path: "fuzz"),
               var model = try? CTCModel(config, seed: 0) {
                try? StateDict.load(file, into: &model, source: "fuzz")
                _ = FeatureSpec.from(metadata: file.metadata, nMels: config.nFeats)
            }
            _ = try? Checkpoint.loadModel(Fuzz.write(bytes, to: "model.safetensors"))
        }
    }
}
