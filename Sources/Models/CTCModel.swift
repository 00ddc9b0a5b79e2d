// CTCModel: the notebook's three models (Cell 29) — CTCDNN, CTCRNN (LSTM), CTCBiRNN (BiLSTM) — and Trellis's GRU
// and BiGRU (the same module with torch.nn.GRU in place of the LSTM) as one value type whose head follows its
// ModelConfig. forward maps a padded batch of spectrograms (B, 1, F, T) to per-frame
// scores (B, T', outputWidth) (logits: the caller applies log-softmax and the CTC loss); backward takes
// dL/dscores and accumulates every parameter's gradient. Parameters are visited in PyTorch's
// `named_parameters()` order under the same names, so state dicts map one to one.
import Base
import NN

/// The DNN's intermediate_layers: Linear(rnn, h) ReLU Dropout(0.4) Linear(h, h) ReLU Dropout(0.2) Linear(h, rnn).
struct DNNHead: ParameterContainer {
    var l0: Linear
    var relu1 = ReLU()
    var drop2: Dropout
    var l3: Linear
    var relu4 = ReLU()
    var drop5: Dropout
    var l6: Linear

    init(_ c: ModelConfig, rng: inout Xoshiro256StarStar) {
        l0 = Linear(inFeatures: c.rnnDim, outFeatures: c.dnnHidden, name: "intermediate_layers.0", rng: &rng)
        drop2 = Dropout(p: 0.4, rng: &rng)
        l3 = Linear(inFeatures: c.dnnHidden, outFeatures: c.dnnHidden, name: "intermediate_layers.3", rng: &rng)
        drop5 = Dropout(p: 0.2, rng: &rng)
        l6 = Linear(inFeatures: c.dnnHidden, outFeatures: c.rnnDim, name: "intermediate_layers.6", rng: &rng)
    }

    mutating func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows {
        try l0.visitParameters(body)
        try l3.visitParameters(body)
        try l6.visitParameters(body)
    }

    mutating func setMode(_ m: Mode) { drop2.mode = m; drop5.mode = m }
    mutating func setWorkers(_ w: Workers) { relu1.workers = w; drop2.workers = w; relu4.workers = w; drop5.workers = w }
    mutating func reseed(_ rng: inout Xoshiro256StarStar, items: [Int]?) {
        drop2.reseed(&rng, items: items); drop5.reseed(&rng, items: items)
    }

    mutating func forward(_ x: Tensor) -> Tensor {
        var h = l0.forward(x)
        h = relu1.forward(h)
        h = drop2.forward(h)
        h = l3.forward(h)
        h = relu4.forward(h)
        h = drop5.forward(h)
        return l6.forward(h)
    }

    mutating func backward(_ dy: Tensor) -> Tensor {
        var g = l6.backward(dy)
        g = drop5.backward(g)
        g = relu4.backward(g)
        g = l3.backward(g)
        g = drop2.backward(g)
        g = relu1.backward(g)
        return l0.backward(g)
    }
}

public struct CTCModel: ParameterContainer {
    public let config: ModelConfig
    var features: FeatureExtractor
    var dnn: DNNHead?
    var lstm: LSTM?
    var gru: GRU?
    var classifier: Linear?
    public private(set) var mode: Mode = .training
    /// Threads every layer's loops may use (`train --threads`); a new model uses every available processor.
    public private(set) var workers: Workers = .available

    /// Builds a model with PyTorch's default initialisation from a seeded generator (not PyTorch's numbers;
    /// load a state dict for those). Throws on an inconsistent config.
    public init(_ config: ModelConfig, seed: UInt64) throws {
        if let e = config.validationError() { throw StateDictError("model config: \(e)") }
        self.config = config
        var rng = Xoshiro256StarStar(seed: seed)
        features = FeatureExtractor(config, rng: &rng)
        switch config.kind {
        case .dnn:
            dnn = DNNHead(config, rng: &rng)
            classifier = Linear(inFeatures: config.rnnDim, outFeatures: config.nClass, name: "classifier", rng: &rng)
        case .lstm, .bilstm, .gru, .bigru:
            let dropout = config.nRNNLayers > 1 ? config.dropout : 0
            if config.kind.cell == .gru {
                gru = GRU(inputSize: config.rnnDim, hiddenSize: config.rnnDim, numLayers: config.nRNNLayers,
                          bidirectional: config.bidirectional, dropout: dropout, name: "intermediate_layers", rng: &rng)
            } else {
                lstm = LSTM(inputSize: config.rnnDim, hiddenSize: config.rnnDim, numLayers: config.nRNNLayers,
                            bidirectional: config.bidirectional, projSize: config.projSize,
                            dropout: dropout, name: "intermediate_layers", rng: &rng)
            }
            if config.linearClassifier {
                classifier = Linear(inFeatures: config.lstmOutputWidth, outFeatures: config.nClass, name: "classifier", rng: &rng)
            }
        }
    }

    public mutating func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows {
        try features.visitParameters(body)
        if dnn != nil { try dnn!.visitParameters(body) }
        if lstm != nil { try lstm!.visitParameters(body) }
        if gru != nil { try gru!.visitParameters(body) }
        if classifier != nil { try classifier!.visitParameters(body) }
    }

    /// Training (dropout on) or evaluation (dropout off), as PyTorch's model.train() / model.eval().
    public mutating func setMode(_ m: Mode) {
        mode = m
        features.setMode(m)
        dnn?.setMode(m)
        lstm?.mode = m
        gru?.mode = m
    }

    /// Sets the threads of every layer. Results are deterministic for a given count; the convolution's and layer
    /// norm's gradient partial sums follow it, so their last bits differ between counts.
    public mutating func setWorkers(_ w: Workers) {
        workers = w
        features.setWorkers(w)
        dnn?.setWorkers(w)
        lstm?.workers = w
        gru?.workers = w
    }

    /// Sets the classifier's bias for the blank (the last class) to `value`, the others to 0: the model starts where
    /// every CTC model goes first (blank almost everywhere), so the early steps are spent on the letters instead of
    /// on learning the blank's prior. False when the model has no classifier (the notebook's projection heads).
    public mutating func setBlankBias(_ value: Float) -> Bool {
        guard var bias = classifier?.bias else { return false }
        for i in bias.value.indices { bias.value[i] = i == config.nClass - 1 ? value : 0 }
        classifier!.bias = bias
        return true
    }

    /// Re-derives every dropout mask stream from `seed`, so a step's masks depend only on (run seed, step)
    /// and a resumed run draws the same masks as an uninterrupted one. `items` (each batch item's place in the
    /// global batch) keys every utterance's masks by that place, so a batch split across data-parallel processes
    /// draws the masks it draws whole; nil draws one mask per tensor.
    public mutating func reseedDropout(_ seed: UInt64, items: [Int]? = nil) {
        var rng = Xoshiro256StarStar(seed: seed)
        features.reseed(&rng, items: items)
        dnn?.reseed(&rng, items: items)
        lstm?.reseedDropout(&rng, items: items)
        gru?.reseedDropout(&rng, items: items)
    }

    /// x is (B, 1, F, T). `lengths` (valid output frames per utterance) lets the LSTM or GRU skip padding as
    /// pack_padded_sequence does; nil runs every frame like the notebook. Returns (B, T', outputWidth).
    public mutating func forward(_ x: Tensor, lengths: [Int]? = nil) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == 1 && x.shape[2] == config.nFeats,
                     "CTCModel: input \(x.shape) must be (B, 1, \(config.nFeats), T)")
        var h = features.forward(x)
        if dnn != nil { h = dnn!.forward(h) }
        if lstm != nil {
            if let l = lengths {
                // Clamped once, by ModelConfig.outputLengths; anything else is a caller's bug.
                precondition(l.count == h.shape[0] && l.allSatisfy { (0...h.shape[1]).contains($0) },
                             "CTCModel: lengths \(l) for \(h.shape[0]) utterances of \(h.shape[1]) frames")
                h = lstm!.forward(h, lengths: l)
            } else {
                h = lstm!.forward(h)
            }
        }
        if gru != nil {
            if let l = lengths {
                precondition(l.count == h.shape[0] && l.allSatisfy { (0...h.shape[1]).contains($0) },
                             "CTCModel: lengths \(l) for \(h.shape[0]) utterances of \(h.shape[1]) frames")
                h = gru!.forward(h, lengths: l)
            } else {
                h = gru!.forward(h)
            }
        }
        if classifier != nil { h = classifier!.forward(h) }
        return h
    }

    /// dy is dL/d(forward output); accumulates all parameter gradients (call zeroGradients() first).
    public mutating func backward(_ dy: Tensor) {
        var g = dy
        if classifier != nil { g = classifier!.backward(g) }
        if lstm != nil { g = lstm!.backward(g) }
        if gru != nil { g = gru!.backward(g) }
        if dnn != nil { g = dnn!.backward(g) }
        features.backward(g)
    }
}
