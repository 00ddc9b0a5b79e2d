// The `bench` command group: timed, reproducible workloads compared with the PyTorch CPU anchors.
// Each area adds its own subcommand type here (one line): `bench ctc`, `bench lm`, `bench step`, `bench mel`;
// `bench all` runs every anchor workload and, given a Python with torch, the anchor right after.
import ArgumentParser

public struct Bench: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time Trellis workloads against the PyTorch CPU reference figures.",
        subcommands: [
            BenchAll.self,
            BenchAllreduce.self,
            BenchConv.self,
            BenchCTC.self,
            BenchLM.self,
            BenchMel.self,
            BenchStep.self,
        ]
    )
    public init() {}
}
