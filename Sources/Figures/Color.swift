// Colours: an RGB value type and matplotlib's default colour cycle ("tab10"), so line plots and
// bar charts look like what students know from matplotlib.
public struct RGB: Sendable, Equatable, Hashable {
    public var red: Double
    public var green: Double
    public var blue: Double

    public init(_ red: Double, _ green: Double, _ blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// From a 0xRRGGBB literal.
    public init(hex: UInt32) {
        self.init(Double((hex >> 16) & 0xFF) / 255, Double((hex >> 8) & 0xFF) / 255, Double(hex & 0xFF) / 255)
    }

    /// 8-bit channels, rounded (what a PNG stores).
    public var bytes: (UInt8, UInt8, UInt8) {
        func q(_ v: Double) -> UInt8 { UInt8(max(0, min(255, (v * 255).rounded()))) }
        return (q(red), q(green), q(blue))
    }

    public static let black = RGB(0, 0, 0)
    public static let white = RGB(1, 1, 1)
    /// Axis spines and text: matplotlib draws them black; a near-black reads softer in print.
    public static let ink = RGB(0.1, 0.1, 0.1)
    public static let gridLine = RGB(0.88, 0.88, 0.88)
    /// Cells whose value is −∞ or NaN (impossible trellis states, log of zero).
    public static let impossible = RGB(0.83, 0.83, 0.83)

    /// matplotlib's default property cycle (tab10).
    public static let cycle: [RGB] = [
        RGB(hex: 0x1F77B4), RGB(hex: 0xFF7F0E), RGB(hex: 0x2CA02C), RGB(hex: 0xD62728), RGB(hex: 0x9467BD),
        RGB(hex: 0x8C564B), RGB(hex: 0xE377C2), RGB(hex: 0x7F7F7F), RGB(hex: 0xBCBD22), RGB(hex: 0x17BECF),
    ]

    /// The i-th colour of the cycle (wraps around).
    public static func cycle(_ i: Int) -> RGB { cycle[((i % cycle.count) + cycle.count) % cycle.count] }
}
