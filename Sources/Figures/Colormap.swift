// Colormaps: map a value in [0, 1] to a colour. Viridis (perceptually uniform, readable in grey and by
// colour-blind readers) is the default, with matplotlib's exact 256-entry table; like matplotlib, a value
// picks the nearest of the 256 entries rather than interpolating between them.
public struct Colormap: Sendable, Equatable {
    public let name: String
    /// 256 entries, flattened r, g, b in [0, 1].
    let table: [Double]

    public static let viridis = Colormap(name: "viridis", table: viridisTable)
    /// Black to white, for print-only reports.
    public static let grays = Colormap(name: "grays", table: (0..<256).flatMap { i -> [Double] in
        let v = Double(i) / 255
        return [v, v, v]
    })

    public static let all: [Colormap] = [.viridis, .grays]

    public static func named(_ name: String) -> Colormap? { all.first { $0.name == name.lowercased() } }

    public var count: Int { table.count / 3 }

    /// The colour of the table entry `index` (0...255).
    public func entry(_ index: Int) -> RGB {
        RGB(table[3 * index], table[3 * index + 1], table[3 * index + 2])
    }

    /// The colour for `t` in [0, 1] (clamped); NaN gives the first entry.
    public func color(at t: Double) -> RGB { entry(index(at: t)) }

    /// matplotlib's quantisation: floor(t * N), with t = 1 mapped to the last entry.
    func index(at t: Double) -> Int {
        guard t.isFinite || t == .infinity else { return 0 }
        let n = table.count / 3
        let i = Int(max(0, min(Double(n - 1), (t * Double(n)).rounded(.down))))
        return i
    }

    /// The whole table as opaque 32-bit pixels 0xFFRRGGBB (cairo's native ARGB32/RGB24 layout).
    func packedPixels() -> [UInt32] {
        (0..<count).map { i in
            let (r, g, b) = entry(i).bytes
            return 0xFF00_0000 | UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b)
        }
    }
}
