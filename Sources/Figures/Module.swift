// Figures: report-quality plots drawn with cairo, in the spirit of matplotlib's defaults.
//
// A `Figure` is a grid of `Panel`s (heatmaps with colorbars, line plots with legends, bar charts and
// histograms, waveforms, spectrograms) written as PNG, SVG or PDF chosen by the file extension.
// Everything is a value type: build the panels, put them in a figure, call `write(to:)`. SVG files keep their
// text as <text> elements (SVGText.swift) and PNG files record their DPI (PNGChunks.swift). Figures of one size
// become an animated PNG (APNG) with `Animation` (Animation.swift).
// The module knows nothing about CTC or audio types; callers pass plain matrices and arrays.
