// The `plot` command group: figures written to PNG, SVG or PDF (by extension). Each area adds its own subcommand
// type here (one line): `plot wave|spec|mel` (audio), alignment and trellis plots (figures/CTC).
import ArgumentParser

public struct Plot: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw figures (PNG, SVG or PDF by the --out extension).",
        subcommands: [
            PlotWave.self,
            PlotSpec.self,
            PlotMel.self,
            PlotProbs.self,
            PlotAlpha.self,
            PlotBeta.self,
            PlotAlign.self,
            PlotViterbi.self,
            PlotGrid.self,
        ]
    )
    public init() {}
}
