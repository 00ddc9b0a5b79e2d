// The notebook's FeatureExtractor (Cell 29): a strided Conv2d, residual CNN blocks with CNNLayerNorm, then three
// Linear layers over each frame's flattened (channel, feature) column.
//   x (B, 1, F, T) → cnn → (B, C, F/2, T') → rescnn_layers → flatten → (B, T', C·F/2)
//   → fully_connected: Linear(C·F/2, 4·F/2) ReLU Dropout(0.4) Linear(4·F/2, rnn) ReLU Dropout(0.2) Linear(rnn, rnn)
// Parameter names follow the notebook's module tree (feature_extractor.rescnn_layers.0.conv_block.4.weight …).
import Base
import NN

/// ResidualCNN: conv_block = [Conv2d, CNNLayerNorm, ReLU, Dropout, Conv2d, CNNLayerNorm] plus the identity
/// residual (in == out channels and stride 1 in every notebook configuration).
struct ResidualBlock: ParameterContainer {
    var conv0: Conv2d
    var norm1: CNNLayerNorm
    var relu2 = ReLU()
    var drop3: Dropout
    var conv4: Conv2d
    var norm5: CNNLayerNorm

    init(channels: Int, features: Int, dropout: Float, name: String, rng: inout Xoshiro256StarStar) {
        conv0 = Conv2d(inChannels: channels, outChannels: channels, kernel: 3, stride: 1, padding: 1, name: name + ".conv_block.0", rng: &rng)
        norm1 = CNNLayerNorm(features: features, name: name + ".conv_block.1")
        drop3 = Dropout(p: dropout, rng: &rng)
        conv4 = Conv2d(inChannels: channels, outChannels: channels, kernel: 3, stride: 1, padding: 1, name: name + ".conv_block.4", rng: &rng)
        norm5 = CNNLayerNorm(features: features, name: name + ".conv_block.5")
    }

    mutating func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows {
        try conv0.visitParameters(body)
        try norm1.visitParameters(body)
        try conv4.visitParameters(body)
        try norm5.visitParameters(body)
    }

    mutating func setMode(_ m: Mode) { drop3.mode = m }
    mutating func reseed(_ rng: inout Xoshiro256StarStar, items: [Int]?) { drop3.reseed(&rng, items: items) }

    var workers: Workers {
        get { conv0.workers }
        set { conv0.workers = newValue; norm1.workers = newValue; relu2.workers = newValue; drop3.workers = newValue
              conv4.workers = newValue; norm5.workers = newValue }
    }

    /// y = conv_block(x) + x
    mutating func forward(_ x: Tensor) -> Tensor {
        var h = conv0.forward(x)
        h = norm1.forward(h)
        h = relu2.forward(h)
        h = drop3.forward(h)
        h = conv4.forward(h)
        h = norm5.forward(h)
        return add(h, x, workers: workers)
    }

    /// dx = conv_block'(dy) + dy
    mutating func backward(_ dy: Tensor) -> Tensor {
        var g = norm5.backward(dy)
        g = conv4.backward(g)
        g = drop3.backward(g)
        g = relu2.backward(g)
        g = norm1.backward(g)
        g = conv0.backward(g)
        addInPlace(&g, dy, workers: workers)
        return g
    }
}

struct FeatureExtractor: ParameterContainer {
    var cnn: Conv2d
    var blocks: [ResidualBlock]
    var flatten = FlattenChannelsFeatures()
    var fc0: Linear
    var relu1 = ReLU()
    var drop2: Dropout
    var fc3: Linear
    var relu4 = ReLU()
    var drop5: Dropout
    var fc6: Linear

    init(_ c: ModelConfig, rng: inout Xoshiro256StarStar) {
        let name = "feature_extractor"
        let f = c.reducedFeats
        cnn = Conv2d(inChannels: 1, outChannels: c.channels, kernel: 3, stride: c.stride, padding: 1, name: name + ".cnn", rng: &rng)
        cnn.computesInputGradient = false  // its input is data
        blocks = (0..<c.nCNNLayers).map {
            ResidualBlock(channels: c.channels, features: f, dropout: c.dropout, name: "\(name).rescnn_layers.\($0)", rng: &rng)
        }
        fc0 = Linear(inFeatures: c.channels * f, outFeatures: 4 * f, name: name + ".fully_connected.0", rng: &rng)
        drop2 = Dropout(p: 0.4, rng: &rng)
        fc3 = Linear(inFeatures: 4 * f, outFeatures: c.rnnDim, name: name + ".fully_connected.3", rng: &rng)
        drop5 = Dropout(p: 0.2, rng: &rng)
        fc6 = Linear(inFeatures: c.rnnDim, outFeatures: c.rnnDim, name: name + ".fully_connected.6", rng: &rng)
    }

    mutating func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows {
        try cnn.visitParameters(body)
        for i in blocks.indices { try blocks[i].visitParameters(body) }
        try fc0.visitParameters(body)
        try fc3.visitParameters(body)
        try fc6.visitParameters(body)
    }

    mutating func setMode(_ m: Mode) {
        for i in blocks.indices { blocks[i].setMode(m) }
        drop2.mode = m
        drop5.mode = m
    }

    mutating func setWorkers(_ w: Workers) {
        cnn.workers = w
        for i in blocks.indices { blocks[i].workers = w }
        flatten.workers = w
        relu1.workers = w; drop2.workers = w; relu4.workers = w; drop5.workers = w
    }

    mutating func reseed(_ rng: inout Xoshiro256StarStar, items: [Int]?) {
        for i in blocks.indices { blocks[i].reseed(&rng, items: items) }
        drop2.reseed(&rng, items: items)
        drop5.reseed(&rng, items: items)
    }

    /// x is (B, 1, F, T); returns (B, T', rnnDim).
    mutating func forward(_ x: Tensor) -> Tensor {
        var h = cnn.forward(x)
        for i in blocks.indices { h = blocks[i].forward(h) }
        h = flatten.forward(h)
        h = fc0.forward(h)
        h = relu1.forward(h)
        h = drop2.forward(h)
        h = fc3.forward(h)
        h = relu4.forward(h)
        h = drop5.forward(h)
        return fc6.forward(h)
    }

    /// Accumulates every parameter gradient; the input gradient is not needed (the input is data).
    mutating func backward(_ dy: Tensor) {
        var g = fc6.backward(dy)
        g = drop5.backward(g)
        g = relu4.backward(g)
        g = fc3.backward(g)
        g = drop2.backward(g)
        g = relu1.backward(g)
        g = fc0.backward(g)
        g = flatten.backward(g)
        for i in blocks.indices.reversed() { g = blocks[i].backward(g) }
        _ = cnn.backward(g)
    }
}
