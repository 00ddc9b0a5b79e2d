// SpecAugment masking with torchaudio's TimeMasking / FrequencyMasking semantics (one mask per call, iid over
// nothing, p = 1): width = floor(u1 · param), start = floor(u2 · (size − u1 · param)), values in [start, start+width)
// set to `maskValue`. So a width is uniform in [0, param) and the mask never runs past the end. Random numbers come
// from a Xoshiro256StarStar, so a seed reproduces every mask.
// Several masks per axis (`timeMasks`, `freqMasks`) are drawn one after the other, overlaps allowed, as repeated
// torchaudio calls would. With `timeMaskRatio` P the time masks are adaptive ("SpecAugment on large-scale
// datasets", Park et al. 2020): the width parameter becomes floor(P × the utterance's frames) instead of a fixed
// count, so a short utterance does not lose most of itself to one mask and a long one is masked in proportion.
import Base

public struct SpecAugment: Sendable, Equatable {
    /// The notebook's TimeMasking(time_mask_param=15) and FrequencyMasking(freq_mask_param=20).
    public var timeMaskParam: Int = 15
    public var freqMaskParam: Int = 20
    public var timeMasks: Int = 1
    public var freqMasks: Int = 1
    public var maskValue: Float = 0
    /// Adaptive time masks: width parameter floor(ratio × frames) replaces `timeMaskParam`; nil = fixed.
    public var timeMaskRatio: Double? = nil

    public init(timeMaskParam: Int = 15, freqMaskParam: Int = 20, timeMasks: Int = 1, freqMasks: Int = 1, maskValue: Float = 0,
                timeMaskRatio: Double? = nil) {
        self.timeMaskParam = timeMaskParam; self.freqMaskParam = freqMaskParam
        self.timeMasks = timeMasks; self.freqMasks = freqMasks; self.maskValue = maskValue
        self.timeMaskRatio = timeMaskRatio
    }

    /// The time masks' width parameter for an utterance of `frames` frames.
    public func timeParam(frames: Int) -> Int {
        guard let r = timeMaskRatio else { return timeMaskParam }
        return Int((Double(frames) * r).rounded(.down))
    }

    /// One mask along an axis of `size`, as torchaudio.functional.mask_along_axis draws it: [start, end).
    public static func drawMask(size: Int, param: Int, using rng: inout Xoshiro256StarStar) -> Range<Int> {
        let value = rng.nextUnitFloat() * Float(param)
        let minValue = rng.nextUnitFloat() * (Float(size) - value)
        let start = max(Int(minValue), 0)
        let end = min(start + Int(value), size)
        return start..<max(end, start)
    }

    /// Applies the configured time masks then frequency masks (the notebook's order) in place.
    public func apply(_ m: inout FeatureMatrix, using rng: inout Xoshiro256StarStar) {
        let tParam = timeParam(frames: m.frames)
        for _ in 0..<timeMasks { SpecAugment.maskTime(&m, drawMask(m.frames, tParam, &rng), value: maskValue) }
        for _ in 0..<freqMasks { SpecAugment.maskBins(&m, drawMask(m.bins, freqMaskParam, &rng), value: maskValue) }
    }

    private func drawMask(_ size: Int, _ param: Int, _ rng: inout Xoshiro256StarStar) -> Range<Int> {
        SpecAugment.drawMask(size: size, param: param, using: &rng)
    }

    public static func maskTime(_ m: inout FeatureMatrix, _ r: Range<Int>, value: Float = 0) {
        guard !r.isEmpty else { return }
        let frames = m.frames
        m.values.withUnsafeMutableBufferPointer { v in
            for b in 0..<m.bins { for t in r { v[b * frames + t] = value } }
        }
    }

    public static func maskBins(_ m: inout FeatureMatrix, _ r: Range<Int>, value: Float = 0) {
        guard !r.isEmpty else { return }
        let frames = m.frames
        m.values.withUnsafeMutableBufferPointer { v in
            for b in r { for t in 0..<frames { v[b * frames + t] = value } }
        }
    }
}
