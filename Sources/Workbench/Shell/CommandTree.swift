// The command tree as completion sees it: names, aliases, subcommands and --options of every
// command, read once from ArgumentParser's JSON dump of `TrellisRoot` (the same declarations
// that parse and document the commands).
import ArgumentParser
import Foundation

struct CommandTree: Sendable {
    var names: [String]           // command name first, then aliases
    var subcommands: [CommandTree]
    var options: [String]         // "--out", "--json", ... (displayed long names)
    var valueOptions: Set<String> // the options above that take a value ("--out"), not flags ("--json")

    func child(named word: String) -> CommandTree? {
        subcommands.first { $0.names.contains(word) }
    }

    /// The tree of every registered command, built from `TrellisRoot._dumpHelp()`.
    static let root: CommandTree = {
        let json = Data(TrellisRoot._dumpHelp().utf8)
        guard let info = try? JSONDecoder().decode(ToolInfo.self, from: json) else {
            return CommandTree(names: ["trellis"], subcommands: [], options: [])
        }
        return CommandTree(info.command)
    }()

    private init(names: [String], subcommands: [CommandTree], options: [String]) {
        self.names = names
        self.subcommands = subcommands
        self.options = options
        valueOptions = []
    }

    private init(_ node: ToolInfo.Command) {
        names = [node.commandName] + (node.aliases ?? [])
        var seen = Set<String>()
        subcommands = (node.subcommands ?? []).filter { seen.insert($0.commandName).inserted }.map(CommandTree.init)
        var options: [String] = []
        var valueOptions = Set<String>()
        for argument in node.arguments ?? [] {
            for name in argument.names ?? [] where name.kind == "long" {
                if argument.shouldDisplay ?? true { options.append("--" + name.name) }
                if argument.kind == "option" { valueOptions.insert("--" + name.name) }
            }
        }
        self.valueOptions = valueOptions
        if !options.contains("--help") { options.append("--help") }
        self.options = options
    }

    // The subset of ArgumentParser's ToolInfoV0 JSON that completion needs.
    private struct ToolInfo: Decodable {
        struct Name: Decodable { var kind: String; var name: String }
        struct Argument: Decodable { var kind: String?; var names: [Name]?; var shouldDisplay: Bool? }
        struct Command: Decodable {
            var commandName: String
            var aliases: [String]?
            var subcommands: [Command]?
            var arguments: [Argument]?
        }
        var command: Command
    }
}
