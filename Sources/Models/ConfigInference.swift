// Recovering a ModelConfig from a state dict's names and shapes, for checkpoints saved by the notebook
// (plain `save_file(model.state_dict(), f)`, no Trellis metadata). Trellis's own checkpoints carry their
// config in `__metadata__["trellis.config"]` and do not need this.
import Foundation
import NN

extension ModelConfig {
    public static let metadataKey = "trellis.config"

    /// The config stored in a Trellis checkpoint's metadata, else one inferred from its tensors.
    public static func from(_ file: TensorFile, path: String) throws -> ModelConfig {
        if let json = file.metadata[metadataKey] {
            do { return try JSONDecoder().decode(ModelConfig.self, from: Data(json.utf8)) } catch {
                throw StateDictError("\(path): metadata \(metadataKey) is not a model config: \(error)")
            }
        }
        return try infer(from: file, path: path)
    }

    public func jsonString() -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return String(decoding: (try? enc.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Reads the architecture off the tensor names and shapes (stride 2 and dropout 0.2 assumed: they leave no
    /// trace in the weights).
    public static func infer(from file: TensorFile, path: String) throws -> ModelConfig {
        func shape(_ n: String) -> [Int]? { file[n]?.shape }
        guard let cnn = shape("feature_extractor.cnn.weight"), cnn.count == 4,
              let fc0 = shape("feature_extractor.fully_connected.0.weight"),
              let fc6 = shape("feature_extractor.fully_connected.6.weight") else {
            throw StateDictError("\(path): not one of the notebook's models (no feature_extractor.cnn / fully_connected weights)")
        }
        let channels = cnn[0]
        let reduced = fc0[1] / channels
        let rnnDim = fc6[0]
        var nCNN = 0
        while shape("feature_extractor.rescnn_layers.\(nCNN).conv_block.0.weight") != nil { nCNN += 1 }
        let stride = 2
        if let h = shape("intermediate_layers.0.weight"), let cls = shape("classifier.weight") {
            return ModelConfig(kind: .dnn, nCNNLayers: nCNN, nRNNLayers: 3, rnnDim: rnnDim, nClass: cls[0],
                               nFeats: reduced * stride, stride: stride, dropout: 0.2, channels: channels, dnnHidden: h[0])
        }
        guard shape("intermediate_layers.weight_ih_l0") != nil else {
            throw StateDictError("\(path): neither the DNN's intermediate_layers.0 nor the LSTM's intermediate_layers.weight_ih_l0 is present")
        }
        var layers = 0
        while shape("intermediate_layers.weight_ih_l\(layers)") != nil { layers += 1 }
        let bi = shape("intermediate_layers.weight_ih_l0_reverse") != nil
        let proj = shape("intermediate_layers.weight_hr_l0")?[0] ?? 0
        let cls = shape("classifier.weight")
        let nClass = cls?[0] ?? (proj > 0 ? proj : rnnDim)
        return ModelConfig(kind: bi ? .bilstm : .lstm, nCNNLayers: nCNN, nRNNLayers: layers, rnnDim: rnnDim, nClass: nClass,
                           nFeats: reduced * stride, stride: stride, dropout: 0.2, channels: channels, projSize: proj,
                           linearClassifier: cls != nil)
    }
}
