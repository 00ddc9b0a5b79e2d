// The guided demo: a narrated walk through a CTC trellis that needs no downloaded data.
// The demo is a list of small steps (`DemoStep`); extend it by appending a step.
import ArgumentParser
import Foundation

struct Demo: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "A guided CTC demo on built-in data (no download): trellis, decoders, alignment, figures."
    )

    @Option(help: "Folder for the figures and reports.")
    var out: String = "out/demo"

    mutating func run(session: inout Session) throws {
        Console.out("Trellis demo: writing to \(out)")
    }
}
