// How far two models' Viterbi alignments place the same characters apart: for each transcript character, B's
// start time minus A's. Models may differ in frame rate (time stride), so the difference is taken in seconds
// and expressed in A's frames as well.
import CTC

public struct BoundaryDifference: Sendable, Equatable {
    /// B's start minus A's, per character in transcript order, in seconds (positive: B starts later).
    public var seconds: [Double]
    /// The same in A's output frames.
    public var frames: [Double]

    /// Both alignments must cover the same transcript (the same characters in the same order).
    public init?(_ a: ForcedAlignment, secondsPerFrameA: Double, _ b: ForcedAlignment, secondsPerFrameB: Double) {
        guard a.symbols.count == b.symbols.count, secondsPerFrameA > 0, secondsPerFrameB > 0,
              zip(a.symbols, b.symbols).allSatisfy({ $0.symbol == $1.symbol }) else { return nil }
        // In A's frames first, so that equal frame rates give whole numbers exactly.
        let ratio = secondsPerFrameB / secondsPerFrameA
        frames = zip(a.symbols, b.symbols).map { Double($1.startFrame) * ratio - Double($0.startFrame) }
        seconds = frames.map { $0 * secondsPerFrameA }
    }

    public init(seconds: [Double], frames: [Double]) { self.seconds = seconds; self.frames = frames }

    /// Mean of |difference| in frames and seconds over `all` (pooled over characters); nil when empty.
    public static func meanAbsolute(_ all: [BoundaryDifference]) -> (frames: Double, seconds: Double)? {
        let f = all.flatMap(\.frames), s = all.flatMap(\.seconds)
        guard !f.isEmpty else { return nil }
        return (f.map(abs).reduce(0, +) / Double(f.count), s.map(abs).reduce(0, +) / Double(s.count))
    }
}
