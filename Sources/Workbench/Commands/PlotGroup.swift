// The `plot` command group: figures written to PNG, SVG or PDF (by extension). Each area adds its own subcommand
// type here (one line): `plot wave|spec|mel` (audio), alignment and trellis plots (figures/CTC). The `--dpi`
// option every plot shares is declared here once.
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

/// What every plot's PNG file says about itself.
struct PNGResolutionOption: ParsableArguments {
    @Option(help: "Dots per inch written into a PNG (its pHYs chunk): W pixels print W/N inches wide.")
    var dpi: Int = 100

    func validate() throws {
        guard (1...100_000).contains(dpi) else { throw ValidationError("--dpi must be between 1 and 100000 (got \(dpi))") }
    }
}
