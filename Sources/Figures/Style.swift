// Style: font sizes and line widths for one panel, scaled from the panel's size so a 640×480 figure
// looks like matplotlib's defaults at 100 dpi (10 pt text ≈ 14 px), a 3×2 grid stays legible, and a figure
// drawn twice as wide and twice as high is the same picture at twice the resolution.
struct Style {
    /// Tick-label and axis-title size in device units.
    var base: Double
    /// Device units per matplotlib point at this size (10 pt ↔ `base`).
    var unit: Double { base / 10 }
    var tickFont: Double { base * 0.9 }
    var labelFont: Double { base }
    var titleFont: Double { base * 1.2 }
    var tickLength: Double { 3.5 * unit }
    var tickWidth: Double { 0.8 * unit }
    var spineWidth: Double { 0.8 * unit }
    var lineWidth: Double { 1.5 * unit }
    /// The spacing at which tick labels stacked along a vertical axis do not touch (one line plus a little air).
    var tickLineHeight: Double { tickFont * 1.25 }
    /// Gap between a tick and its label.
    var tickPad: Double { 3.5 * unit }
    /// Gap between tick labels and the axis title.
    var labelPad: Double { 4 * unit }
    /// Space around a panel inside its grid cell.
    var outerPad: Double { 6 * unit }

    init(base: Double) { self.base = base }

    /// The size a panel of `width` × `height` device units gets when the caller did not choose one.
    /// Grows with the panel without a fixed ceiling (so a bigger --width/--height gives bigger text). A panel
    /// taller than it is wide counts as square and one wider than three times its height as 3:1: a tall figure is
    /// tall to give rows room, a long strip to give time room, not to get bigger letters. Never above a twelfth of
    /// the panel's short side, so a thin strip keeps room for its data.
    static func automatic(panelWidth: Double, panelHeight: Double) -> Style {
        let w = min(panelWidth, 3 * panelHeight), h = min(panelHeight, panelWidth)
        let b = (w * h).squareRoot() / 40
        return Style(base: max(8, min(b, min(panelWidth, panelHeight) / 12)))
    }
}
