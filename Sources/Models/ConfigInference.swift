// Recovering a ModelConfig from a state dict's names and shapes, for checkpoints saved by the notebook
// (plain `save_file(model.state_dict(), f)`, no Trellis metadata) or by the same PyTorch module with a GRU.
// Trellis's own checkpoints carry their config in `__metadata__["trellis.config"]` and do not need this.
import Foundation
import NN

extension ModelConfig {
    public static let metadataKey = "trellis.config"

    /// The config stored in a Trellis checkpoint's metadata, else one inferred from its tensors.
    /// Either way the config is checked against the tensors before anyone allocates a model for it, so a header
    /// edited to say `rnn_dim` 100000 is refused instead of allocating 40 GB.
    public static func from(_ file: TensorFile, path: String) throws -> ModelConfig {
        let config: ModelConfig
        if let json = file.metadata[metadataKey] {
            do { config = try JSONDecoder().decode(ModelConfig.self, from: Data(json.utf8)) } catch {
                throw StateDictError("\(path): metadata \(metadataKey) is not a model config: \(error)")
            }
        } else {
            config = try infer(from: file, path: path)
        }
        try config.checkFits(file, path: path)
        return config
    }

    /// Throws unless the config is within bounds and every parameter it implies is in `file` with its shape:
    /// then a model built from it holds no more numbers than the file does.
    public func checkFits(_ file: TensorFile, path: String) throws {
        if let e = validationError() { throw StateDictError("\(path): the model config \(e)") }
        var shapes: [String: [Int]] = [:]
        for (n, t) in file.tensors { shapes[n] = t.shape }
        var missing: [String] = [], wrong: [String] = []
        for (name, shape) in parameterLayout {
            guard let s = shapes[name] else { missing.append(name); continue }
            if s != shape { wrong.append("\(name) is \(s) in the file, \(shape) in the config") }
        }
        guard missing.isEmpty && wrong.isEmpty else {
            var msg = "\(path): the model config does not match the tensors in the file"
            if !missing.isEmpty { msg += "; missing \(missing.count) tensor(s): \(missing.prefix(3).joined(separator: ", "))\(missing.count > 3 ? ", …" : "")" }
            if !wrong.isEmpty { msg += "; \(wrong.prefix(3).joined(separator: "; "))" }
            throw StateDictError(msg)
        }
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
        guard channels > 0, fc0.count == 2, fc6.count == 2 else {
            throw StateDictError("\(path): feature_extractor.cnn.weight \(cnn) has no channels, or the fully_connected weights are not matrices")
        }
        let reduced = fc0[1] / channels
        let rnnDim = fc6[0]
        var nCNN = 0
        while shape("feature_extractor.rescnn_layers.\(nCNN).conv_block.0.weight") != nil { nCNN += 1 }
        let stride = 2
        if let h = shape("intermediate_layers.0.weight"), let cls = shape("classifier.weight") {
            return ModelConfig(kind: .dnn, nCNNLayers: nCNN, nRNNLayers: 3, rnnDim: rnnDim, nClass: cls.first ?? 0,
                               nFeats: reduced * stride, stride: stride, dropout: 0.2, channels: channels, dnnHidden: h.first ?? 0)
        }
        guard let ih0 = shape("intermediate_layers.weight_ih_l0"), ih0.count == 2 else {
            throw StateDictError("\(path): neither the DNN's intermediate_layers.0 nor the LSTM's or GRU's intermediate_layers.weight_ih_l0 is present")
        }
        var layers = 0
        while shape("intermediate_layers.weight_ih_l\(layers)") != nil { layers += 1 }
        let bi = shape("intermediate_layers.weight_ih_l0_reverse") != nil
        let proj = shape("intermediate_layers.weight_hr_l0")?.first ?? 0
        let cls = shape("classifier.weight")
        let nClass = cls?.first ?? (proj > 0 ? proj : rnnDim)
        // The gate blocks tell the cells apart: weight_ih_l0 is (4·hidden, in) for an LSTM, (3·hidden, in) for a GRU,
        // and the hidden size is rnn_dim (the recurrent layer reads and keeps fully_connected's width).
        let kind: ModelKind
        switch ih0[0] {
        case 4 * rnnDim: kind = bi ? .bilstm : .lstm
        case 3 * rnnDim: kind = bi ? .bigru : .gru
        default:
            throw StateDictError("\(path): intermediate_layers.weight_ih_l0 is \(ih0): neither an LSTM's (\(4 * rnnDim), …) nor a GRU's (\(3 * rnnDim), …) for rnn_dim \(rnnDim)")
        }
        return ModelConfig(kind: kind, nCNNLayers: nCNN, nRNNLayers: layers, rnnDim: rnnDim, nClass: nClass,
                           nFeats: reduced * stride, stride: stride, dropout: 0.2, channels: channels, projSize: proj,
                           linearClassifier: cls != nil)
    }
}
