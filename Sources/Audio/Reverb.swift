// Reverberation for augmentation: a synthetic room impulse response (a direct path, then exponentially decaying
// Gaussian noise, the statistical model of a diffuse late reverberation) and its convolution with an utterance.
// The response is drawn from a Xoshiro256StarStar, so the trainer's per-utterance stream (seed, place in the batch)
// fixes it: no file of measured rooms is needed and a run is reproduced exactly.
//
// Decay: the amplitude falls as 10^(−3 t / RT60), so the energy is down 60 dB after RT60 seconds (the definition of
// RT60); the response stops there. Level: the direct path is 1 and the tail's energy is 10^(−DRR/10) of it, DRR
// being the direct-to-reverberant ratio in dB.
import Base
import Foundation

public struct RoomImpulse: Sendable, Equatable {
    public var rt60: Double            // seconds
    public var drrDB: Double           // direct-to-reverberant energy ratio
    public var samples: [Float]

    /// The response for `rt60` seconds at `sampleRate`, its tail's noise from `rng`.
    public static func synthetic(rt60: Double, drrDB: Double, sampleRate: Int,
                                 using rng: inout Xoshiro256StarStar) throws -> RoomImpulse {
        guard rt60 > 0, rt60.isFinite, rt60 <= 10 else { throw AudioError.invalidParameter("RT60 must be in (0, 10] s (got \(rt60))") }
        guard drrDB.isFinite else { throw AudioError.invalidParameter("the direct-to-reverberant ratio must be finite (got \(drrDB))") }
        guard sampleRate > 0 else { throw AudioError.invalidParameter("the sample rate must be positive (got \(sampleRate))") }
        let length = max(Int((rt60 * Double(sampleRate)).rounded(.up)), 2)
        var tail = [Double](repeating: 0, count: length)
        var energy = 0.0
        for n in 1..<length {
            let envelope = pow(10, -3 * Double(n) / (rt60 * Double(sampleRate)))
            tail[n] = rng.nextGaussian() * envelope
            energy += tail[n] * tail[n]
        }
        let gain = energy > 0 ? (pow(10, -drrDB / 10) / energy).squareRoot() : 0
        var h = tail.map { Float($0 * gain) }
        h[0] = 1
        return RoomImpulse(rt60: rt60, drrDB: drrDB, samples: h)
    }

    /// RT60 and DRR drawn uniformly from the ranges (RT60 first, then DRR, then the tail's noise).
    public static func random(rt60: ClosedRange<Double>, drrDB: ClosedRange<Double>, sampleRate: Int,
                              using rng: inout Xoshiro256StarStar) throws -> RoomImpulse {
        let t = rng.uniform(rt60.lowerBound, rt60.upperBound)
        let d = rng.uniform(drrDB.lowerBound, drrDB.upperBound)
        return try synthetic(rt60: t, drrDB: d, sampleRate: sampleRate, using: &rng)
    }
}

extension Perturbation {
    /// `wave` heard in the room of `rir`: the linear convolution cut to the original length (the reverberant tail
    /// past the end is dropped, so the frames, and with them the transcript's alignment, keep their count).
    public static func reverb(_ wave: Waveform, _ rir: RoomImpulse) -> Waveform {
        guard !wave.samples.isEmpty else { return wave }
        let y = Convolution.linear(wave.samples, rir.samples)
        return Waveform(samples: Array(y[0..<wave.count]), sampleRate: wave.sampleRate)
    }
}
