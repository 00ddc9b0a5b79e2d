// Xoshiro256StarStar: the one seeded generator behind every random choice Trellis makes (weight initialisation,
// dropout masks, SpecAugment and perturbations, batch order, corpus synthesis). xoshiro256** (Blackman & Vigna
// 2018) seeded with four SplitMix64 outputs, as its authors recommend, so one integer seed gives the same numbers
// on every platform (Swift's SystemRandomNumberGenerator cannot be seeded). PyTorch's generator is not reproduced.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Codable, Equatable {
    // Four words in stored properties, not an array: `next()` sits in the dropout mask loop, where an array cost
    // a bounds and uniqueness check per word (a tenth of a training step). @usableFromInline so that the hot
    // methods below inline into NN's loops across the module boundary.
    @usableFromInline var s0, s1, s2, s3: UInt64

    /// The generator's state, as checkpoints encode it.
    public var state: [UInt64] {
        get { [s0, s1, s2, s3] }
        set {
            precondition(newValue.count == 4, "Xoshiro256StarStar: the state has 4 words, got \(newValue.count)")
            (s0, s1, s2, s3) = (newValue[0], newValue[1], newValue[2], newValue[3])
        }
    }

    public init(seed: UInt64) {
        var sm = SplitMix64(seed: seed)
        (s0, s1, s2, s3) = (sm.next(), sm.next(), sm.next(), sm.next())
    }

    /// An independent stream for item `index` of a run seeded with `seed` (parallel workers stay deterministic).
    public init(seed: UInt64, stream index: UInt64) {
        self.init(seed: seed ^ (index &* 0xD1B5_4A32_D192_ED03) &+ 0x632B_E59B_D9B4_E019)
    }

    // Checkpoints store the generator as {"state": [four words]}.
    enum CodingKeys: String, CodingKey { case state }

    public init(from decoder: Decoder) throws {
        let words = try decoder.container(keyedBy: CodingKeys.self).decode([UInt64].self, forKey: .state)
        guard words.count == 4 else {
            throw DecodingError.dataCorrupted(.init(codingPath: [CodingKeys.state], debugDescription: "the generator needs 4 state words"))
        }
        (s0, s1, s2, s3) = (words[0], words[1], words[2], words[3])
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(state, forKey: .state)
    }

    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }

    @inlinable @inline(__always)
    static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 24 random bits, like torch.rand's float32.
    @inlinable @inline(__always)
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextUnit() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }

    /// Uniform in [-bound, bound).
    @inlinable @inline(__always)
    public mutating func uniform(_ bound: Float) -> Float {
        (nextUnitFloat() * 2 - 1) * bound
    }

    /// Uniform in [lo, hi).
    @inlinable
    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * nextUnit() }

    /// Standard normal (Box–Muller, one value per two draws).
    public mutating func nextGaussian() -> Double {
        let u1 = max(nextUnit(), 1e-300), u2 = nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A fresh generator for a sub-stream (one dropout layer, one worker thread), seeded by this one's next word.
    public mutating func split() -> Xoshiro256StarStar {
        Xoshiro256StarStar(seed: next())
    }
}
