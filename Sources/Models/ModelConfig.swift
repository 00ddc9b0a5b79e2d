// Model configurations: the notebook's hyper-parameters (Cell 32 for the DNN and LSTM, Cell 40 for the BiLSTM),
// Trellis's corrected defaults, and the parameter list (PyTorch names and shapes, in `named_parameters()` order)
// that a configuration implies, so parameter counts can be checked without building a model.
//
// The notebook's recurrent models end in `nn.LSTM(..., proj_size=n_class)` and an Identity classifier: each
// direction is squeezed to 29 numbers per frame and used directly as logits. For the BiLSTM that gives 2×29 = 58
// columns fed straight to the CTC loss (columns 29–57 only enter the softmax normaliser; the greedy decoder can
// pick a non-existent class). `seedFaithful` reproduces exactly that; the default configurations drop the
// projection and add a Linear classifier (2·rnnDim → 29), which is also what gets training off the all-blank
// plateau (docs/training.md).
//
// The GRU and BiGRU (`gru`, `bigru`) are not in the notebook: the same residual CNN front end, a stacked
// torch.nn.GRU under the same module name (`intermediate_layers`) and a Linear classifier. PyTorch's GRU has no
// proj_size, so they always have the classifier; their "seed" configuration is their standard one.

public enum ModelKind: String, Codable, CaseIterable, Sendable {
    case dnn, lstm, bilstm, gru, bigru

    /// The recurrent layer between the CNN front end and the classifier; nil for the DNN.
    public var cell: RecurrentCellKind? {
        switch self {
        case .dnn: nil
        case .lstm, .bilstm: .lstm
        case .gru, .bigru: .gru
        }
    }

    public var isBidirectional: Bool { self == .bilstm || self == .bigru }
}

/// torch.nn.LSTM (4 gates, optional projection) or torch.nn.GRU (3 gates, no projection).
public enum RecurrentCellKind: String, Sendable {
    case lstm, gru

    /// Gate blocks stacked in weight_ih / weight_hh / biases: i, f, g, o for the LSTM; r, z, n for the GRU.
    public var gates: Int { self == .lstm ? 4 : 3 }
}

public struct ModelConfig: Codable, Equatable, Sendable {
    public var kind: ModelKind
    public var nCNNLayers: Int
    public var nRNNLayers: Int   // LSTM or GRU layers (the notebook's DNN ignores it)
    public var rnnDim: Int
    public var nClass: Int       // blank is the last class (28 of 29)
    public var nFeats: Int       // mel bands of the input
    public var stride: Int
    public var dropout: Float
    public var channels: Int     // CNN channels (the notebook's FeatureExtractor default, 32)
    public var dnnHidden: Int    // width of the DNN's intermediate layers (256 in the notebook)
    public var projSize: Int     // LSTM proj_size; 0 = none
    public var linearClassifier: Bool  // recurrent models: Linear(recurrent output width → nClass) after the LSTM/GRU

    enum CodingKeys: String, CodingKey {
        case kind, stride, dropout, channels
        case nCNNLayers = "n_cnn_layers", nRNNLayers = "n_rnn_layers", rnnDim = "rnn_dim", nClass = "n_class"
        case nFeats = "n_feats", dnnHidden = "dnn_hidden", projSize = "proj_size", linearClassifier = "linear_classifier"
    }

    public init(kind: ModelKind, nCNNLayers: Int, nRNNLayers: Int, rnnDim: Int, nClass: Int = 29, nFeats: Int = 128,
                stride: Int = 2, dropout: Float, channels: Int = 32, dnnHidden: Int = 256, projSize: Int = 0,
                linearClassifier: Bool = true) {
        self.kind = kind
        self.nCNNLayers = nCNNLayers
        self.nRNNLayers = nRNNLayers
        self.rnnDim = rnnDim
        self.nClass = nClass
        self.nFeats = nFeats
        self.stride = stride
        self.dropout = dropout
        self.channels = channels
        self.dnnHidden = dnnHidden
        self.projSize = projSize
        self.linearClassifier = linearClassifier
    }

    // The golden fixtures' JSON also carries "bidirectional"; it follows from `kind` here.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(ModelKind.self, forKey: .kind)
        nCNNLayers = try c.decode(Int.self, forKey: .nCNNLayers)
        nRNNLayers = try c.decode(Int.self, forKey: .nRNNLayers)
        rnnDim = try c.decode(Int.self, forKey: .rnnDim)
        nClass = try c.decode(Int.self, forKey: .nClass)
        nFeats = try c.decode(Int.self, forKey: .nFeats)
        stride = try c.decode(Int.self, forKey: .stride)
        dropout = try c.decode(Float.self, forKey: .dropout)
        channels = try c.decodeIfPresent(Int.self, forKey: .channels) ?? 32
        dnnHidden = try c.decodeIfPresent(Int.self, forKey: .dnnHidden) ?? 256
        projSize = try c.decodeIfPresent(Int.self, forKey: .projSize) ?? 0
        linearClassifier = try c.decodeIfPresent(Bool.self, forKey: .linearClassifier) ?? (kind == .dnn || kind.cell == .gru)
    }

    /// The notebook's exact model: Cell 32's hyper-parameters for the DNN and LSTM, Cell 40's for the BiLSTM,
    /// LSTMs with proj_size = n_class and no classifier.
    public static func seed(_ kind: ModelKind) -> ModelConfig {
        switch kind {
        case .dnn: ModelConfig(kind: .dnn, nCNNLayers: 5, nRNNLayers: 3, rnnDim: 128, dropout: 0.2)
        case .lstm: ModelConfig(kind: .lstm, nCNNLayers: 5, nRNNLayers: 3, rnnDim: 128, dropout: 0.2, projSize: 29, linearClassifier: false)
        case .bilstm: ModelConfig(kind: .bilstm, nCNNLayers: 4, nRNNLayers: 2, rnnDim: 128, dropout: 0.2, projSize: 29, linearClassifier: false)
        case .gru, .bigru: standard(kind)  // not in the notebook
        }
    }

    /// Trellis's default: recurrent models without the 29-wide projection, with a Linear classifier; the BiLSTM
    /// is the reference fix of tools/anchors/train_torch.py (4 residual CNN layers, 2-layer BiLSTM 128,
    /// dropout 0.1).
    public static func standard(_ kind: ModelKind) -> ModelConfig {
        switch kind {
        case .dnn: seed(.dnn)
        case .lstm: ModelConfig(kind: .lstm, nCNNLayers: 5, nRNNLayers: 3, rnnDim: 128, dropout: 0.2)
        case .bilstm: ModelConfig(kind: .bilstm, nCNNLayers: 4, nRNNLayers: 2, rnnDim: 128, dropout: 0.1)
        // The LSTMs' shapes with a GRU in place of the LSTM, so the two families differ in the cell only.
        case .gru: ModelConfig(kind: .gru, nCNNLayers: 5, nRNNLayers: 3, rnnDim: 128, dropout: 0.2)
        case .bigru: ModelConfig(kind: .bigru, nCNNLayers: 4, nRNNLayers: 2, rnnDim: 128, dropout: 0.1)
        }
    }

    public var bidirectional: Bool { kind.isBidirectional }
    public var directions: Int { bidirectional ? 2 : 1 }
    /// Feature bands after the strided first convolution.
    public var reducedFeats: Int { nFeats / stride }
    /// Width of the LSTM's or GRU's output per frame (both directions).
    public var lstmOutputWidth: Int { (projSize > 0 ? projSize : rnnDim) * directions }
    /// Columns of the model's output (what the CTC loss sees): 58 for the notebook's BiLSTM.
    public var outputWidth: Int {
        switch kind {
        case .dnn: nClass
        case .lstm, .bilstm, .gru, .bigru: linearClassifier ? nClass : lstmOutputWidth
        }
    }
    /// Output frames for `frames` input frames (the first convolution: kernel 3, padding 1, stride `stride`).
    public func outputFrames(_ frames: Int) -> Int { (frames + 2 - 3) / stride + 1 }

    /// The one length formula: the output frames of each utterance of a padded batch that the CTC loss, the decoders
    /// and the figures read — the frames the model outputs for that utterance alone, so a batch and a single
    /// recording agree — clamped (here and nowhere else) to the frames the padded batch yields. (The notebook used
    /// `feature frames // 2`, which drops the last real frame of an utterance with an odd frame count.)
    public func outputLengths(featureLengths: [Int], paddedFrames: Int) -> [Int] {
        let limit = paddedFrames > 0 ? outputFrames(paddedFrames) : 0
        return featureLengths.map { $0 > 0 ? min(outputFrames($0), limit) : 0 }
    }

    /// A config's problems in words, or nil when it can be built.
    /// Largest width and layer count a config may name. Far above any model this CPU trainer can fit, and small
    /// enough that no shape or parameter count of a config within them can overflow an Int.
    public static let maxSize = 65_536, maxLayers = 1_000

    public func validationError() -> String? {
        let sizes = [("rnn_dim", rnnDim), ("n_class", nClass), ("n_feats", nFeats), ("channels", channels),
                     ("dnn_hidden", dnnHidden), ("proj_size", projSize), ("stride", stride)]
        if let (name, v) = sizes.first(where: { $0.1 > Self.maxSize }) { return "\(name) \(v) is larger than \(Self.maxSize)" }
        if let (name, v) = [("n_cnn_layers", nCNNLayers), ("n_rnn_layers", nRNNLayers)].first(where: { $0.1 > Self.maxLayers }) {
            return "\(name) \(v) is more than \(Self.maxLayers) layers"
        }
        if nCNNLayers < 0 || nRNNLayers < 1 || rnnDim < 1 || nClass < 2 || channels < 1 || dnnHidden < 1 {
            return "layer counts and sizes must be positive (n_cnn_layers ≥ 0, n_rnn_layers, rnn_dim, channels ≥ 1, n_class ≥ 2)"
        }
        if stride < 1 || nFeats < stride { return "n_feats (\(nFeats)) must be at least the stride (\(stride))" }
        if !(0..<1).contains(dropout) { return "dropout must be in [0, 1), got \(dropout)" }
        if projSize < 0 || (projSize > 0 && projSize >= rnnDim) {
            return "proj_size (\(projSize)) must be 0 or smaller than rnn_dim (\(rnnDim)), as in PyTorch"
        }
        if kind == .dnn && (projSize != 0 || !linearClassifier) { return "the DNN has no LSTM projection and always a classifier" }
        if kind.cell == .gru && (projSize != 0 || !linearClassifier) {
            return "the \(kind.rawValue) has no projection (PyTorch's GRU has no proj_size) and always a Linear classifier"
        }
        return nil
    }

    /// Every parameter's PyTorch name and shape, in `model.named_parameters()` order.
    public var parameterLayout: [(name: String, shape: [Int])] {
        var p: [(name: String, shape: [Int])] = []
        let fe = "feature_extractor"
        let c = channels, f = reducedFeats
        p.append(("\(fe).cnn.weight", [c, 1, 3, 3]))
        p.append(("\(fe).cnn.bias", [c]))
        for i in 0..<nCNNLayers {
            let r = "\(fe).rescnn_layers.\(i).conv_block"
            p.append(("\(r).0.weight", [c, c, 3, 3])); p.append(("\(r).0.bias", [c]))
            p.append(("\(r).1.layer_norm.weight", [f])); p.append(("\(r).1.layer_norm.bias", [f]))
            p.append(("\(r).4.weight", [c, c, 3, 3])); p.append(("\(r).4.bias", [c]))
            p.append(("\(r).5.layer_norm.weight", [f])); p.append(("\(r).5.layer_norm.bias", [f]))
        }
        let fc = "\(fe).fully_connected"
        p.append(("\(fc).0.weight", [4 * f, c * f])); p.append(("\(fc).0.bias", [4 * f]))
        p.append(("\(fc).3.weight", [rnnDim, 4 * f])); p.append(("\(fc).3.bias", [rnnDim]))
        p.append(("\(fc).6.weight", [rnnDim, rnnDim])); p.append(("\(fc).6.bias", [rnnDim]))
        switch kind {
        case .dnn:
            let h = dnnHidden
            p.append(("intermediate_layers.0.weight", [h, rnnDim])); p.append(("intermediate_layers.0.bias", [h]))
            p.append(("intermediate_layers.3.weight", [h, h])); p.append(("intermediate_layers.3.bias", [h]))
            p.append(("intermediate_layers.6.weight", [rnnDim, h])); p.append(("intermediate_layers.6.bias", [rnnDim]))
            p.append(("classifier.weight", [nClass, rnnDim])); p.append(("classifier.bias", [nClass]))
        case .lstm, .bilstm, .gru, .bigru:
            let h = rnnDim, out = projSize > 0 ? projSize : rnnDim, g = (kind.cell ?? .lstm).gates * h
            for layer in 0..<nRNNLayers {
                let input = layer == 0 ? rnnDim : out * directions
                for suffix in (bidirectional ? ["", "_reverse"] : [""]) {
                    let s = "_l\(layer)\(suffix)"
                    p.append(("intermediate_layers.weight_ih\(s)", [g, input]))
                    p.append(("intermediate_layers.weight_hh\(s)", [g, out]))
                    p.append(("intermediate_layers.bias_ih\(s)", [g]))
                    p.append(("intermediate_layers.bias_hh\(s)", [g]))
                    if projSize > 0 { p.append(("intermediate_layers.weight_hr\(s)", [projSize, h])) }
                }
            }
            if linearClassifier {
                p.append(("classifier.weight", [nClass, lstmOutputWidth])); p.append(("classifier.bias", [nClass]))
            }
        }
        return p
    }

    public var parameterCount: Int { parameterLayout.reduce(0) { $0 + $1.shape.reduce(1, *) } }

    /// One line for logs: "bilstm (4 CNN, 2×BiLSTM 128, Linear → 29; 1,316,189 parameters)".
    public var summary: String {
        let head: String
        switch kind {
        case .dnn: head = "DNN \(dnnHidden)"
        case .lstm, .bilstm, .gru, .bigru:
            let name = kind.cell == .gru ? "GRU" : "LSTM"
            let cell = "\(nRNNLayers)×\(bidirectional ? "Bi" : "")\(name) \(rnnDim)" + (projSize > 0 ? " proj \(projSize)" : "")
            head = cell + (linearClassifier ? ", Linear → \(nClass)" : ", no classifier (\(outputWidth) outputs)")
        }
        return "\(kind.rawValue) (\(nCNNLayers) CNN × \(channels) ch, \(head); \(parameterCount) parameters)"
    }
}
