// Re-deriving a recurrent layer's inter-layer dropout streams from a caller's generator, so a trainer can make
// each step's masks a function of (run seed, step) and a resumed run draws exactly the masks of an
// uninterrupted one (LSTM and GRU alike). (Added by the models/training helper as a separate file to stay out of LSTM.swift.)
import Base

extension RecurrentStack {
    /// `items`: each batch item's place in the global batch (see `Dropout.items`).
    mutating func reseedDropout(_ rng: inout Xoshiro256StarStar, items: [Int]? = nil) {
        for i in dropouts.indices { dropouts[i].reseed(&rng, items: items) }
    }
}

extension LSTM {
    public mutating func reseedDropout(_ rng: inout Xoshiro256StarStar, items: [Int]? = nil) {
        stack.reseedDropout(&rng, items: items)
    }
}

extension GRU {
    public mutating func reseedDropout(_ rng: inout Xoshiro256StarStar, items: [Int]? = nil) {
        stack.reseedDropout(&rng, items: items)
    }
}
