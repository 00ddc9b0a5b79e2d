// Re-deriving a recurrent layer's inter-layer dropout streams from a caller's generator, so a trainer can make
// each step's masks a function of (run seed, step) and a resumed run draws exactly the masks of an
// uninterrupted one. (Added by the models/training helper as a separate file to stay out of LSTM.swift.)
import Base

extension RecurrentStack {
    mutating func reseedDropout(_ rng: inout Xoshiro256StarStar) {
        for i in dropouts.indices { dropouts[i].rng = rng.split() }
    }
}

extension LSTM {
    public mutating func reseedDropout(_ rng: inout Xoshiro256StarStar) { stack.reseedDropout(&rng) }
}
