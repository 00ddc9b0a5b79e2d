// The text chart `align` prints: one row per trellis state, one character per frame, shaded by the
// state's posterior. At T = 400 a row is 409 characters, wider than any terminal, so the chart can be
// fitted to a width: each column then stands for k consecutive frames and shows the largest posterior
// among them (a short spike stays visible), and the heading says how many frames a column holds.

public enum AlignmentChart {
    /// Shades from the darkest down: '#' ≥ 0.8 > '*' ≥ 0.6 > '+' ≥ 0.4 > ':' ≥ 0.2 > '.' ≥ 0.05 > ' '.
    static let shades: [(Double, Character)] = [(0.8, "#"), (0.6, "*"), (0.4, "+"), (0.2, ":"), (0.05, ".")]

    /// Characters of a row besides its frames: the state number (4), its symbol (3) and two bars.
    public static let margin = 9

    /// Frames per column so that rows of `frames` frames fit in `width` characters (1 when they do,
    /// or when no width is given).
    public static func framesPerColumn(frames: Int, width: Int?) -> Int {
        guard let width, frames > 0 else { return 1 }
        let available = max(1, width - margin)
        return (frames + available - 1) / available
    }

    /// The chart rows of a T×S posterior table (frame-major: `posteriors[t * S + s]`), one per state,
    /// fitted to `width` characters when given.
    public static func rows(posteriors: [Double], frames: Int, states: [String], width: Int?) -> [String] {
        let S = states.count
        let k = framesPerColumn(frames: frames, width: width)
        let columns = (frames + k - 1) / k
        return (0..<S).map { s in
            var row = ""
            for c in 0..<columns {
                var p = 0.0
                for t in (c * k)..<min((c + 1) * k, frames) { p = max(p, posteriors[t * S + s]) }
                row.append(shades.first { p >= $0.0 }?.1 ?? " ")
            }
            return pad(String(s), 4) + pad(states[s], 3) + "|" + row + "|"
        }
    }
}
