// The command tree as completion sees it: names, aliases, subcommands, --options and the values each
// option or argument declares (an ExpressibleByArgument enum's cases, a `completion: .list`, a file or
// a folder) of every command, read once from ArgumentParser's JSON dump of `TrellisRoot` — the same
// declarations that parse and document the commands, so no table of values is kept by hand.
import ArgumentParser
import Foundation

struct CommandTree: Sendable {
    /// What may follow an option or stand in an argument's place.
    enum Values: Sendable, Equatable {
        case list([String])   // the declared values (enum cases, `.list`)
        case paths            // a file or a folder: readline's file-name completion
        case free             // a number, a text: nothing to offer
    }

    /// An option that takes a value (`--model dnn`); flags take none and are not listed here.
    struct Option: Sendable {
        var names: [String]   // "--model", "-m"
        var values: Values
    }

    var names: [String]           // command name first, then aliases
    var subcommands: [CommandTree]
    var options: [String]         // "--out", "--json", ... (displayed long names)
    var valueOptions: [Option]    // the options above that take a value, with what completes it
    var positionals: [Values]     // the positional arguments in order
    var lastRepeats = false       // the last positional takes any number of words (`files...`)

    func child(named word: String) -> CommandTree? {
        subcommands.first { $0.names.contains(word) }
    }

    /// The option named `word` (`--model`) if it takes a value.
    func valueOption(named word: String) -> Option? {
        valueOptions.first { $0.names.contains(word) }
    }

    /// The tree of every registered command, built from `TrellisRoot._dumpHelp()`.
    static let root: CommandTree = {
        let json = Data(TrellisRoot._dumpHelp().utf8)
        guard let info = try? JSONDecoder().decode(ToolInfo.self, from: json) else {
            return CommandTree(names: ["trellis"], subcommands: [], options: [], valueOptions: [], positionals: [])
        }
        return CommandTree(info.command)
    }()

    private init(names: [String], subcommands: [CommandTree], options: [String], valueOptions: [Option], positionals: [Values]) {
        self.names = names
        self.subcommands = subcommands
        self.options = options
        self.valueOptions = valueOptions
        self.positionals = positionals
    }

    private init(_ node: ToolInfo.Command) {
        names = [node.commandName] + (node.aliases ?? [])
        var seen = Set<String>()
        subcommands = (node.subcommands ?? []).filter { seen.insert($0.commandName).inserted }.map(CommandTree.init)
        var options: [String] = []
        var valueOptions: [Option] = []
        var positionals: [Values] = []
        var lastRepeats = false
        for argument in node.arguments ?? [] where argument.shouldDisplay ?? true {
            let values = argument.values
            switch argument.kind {
            case "positional":
                positionals.append(values)
                lastRepeats = argument.isRepeating ?? false
            case "option":
                let spelled = (argument.names ?? []).map(\.spelled)
                valueOptions.append(Option(names: spelled, values: values))
                fallthrough
            default:
                for name in argument.names ?? [] where name.kind == "long" {
                    options.append("--" + name.name)
                }
            }
        }
        if !options.contains("--help") { options.append("--help") }
        self.options = options
        self.valueOptions = valueOptions
        self.positionals = positionals
        self.lastRepeats = lastRepeats
    }

    // The subset of ArgumentParser's ToolInfoV0 JSON that completion needs.
    private struct ToolInfo: Decodable {
        struct Name: Decodable {
            var kind: String
            var name: String
            var spelled: String { kind == "long" ? "--" + name : "-" + name }
        }
        /// `completionKind` as ArgumentParser encodes it: `{"list":{"values":[...]}}`, `{"file":{...}}`, ...
        struct CompletionKind: Decodable {
            struct List: Decodable { var values: [String] }
            struct Empty: Decodable {}
            var list: List?
            var file: Empty?
            var directory: Empty?
        }
        struct Argument: Decodable {
            var kind: String?
            var names: [Name]?
            var shouldDisplay: Bool?
            var isRepeating: Bool?
            var allValues: [String]?
            var completionKind: CompletionKind?

            var values: Values {
                if let all = allValues, !all.isEmpty { return .list(all) }
                if let list = completionKind?.list { return .list(list.values) }
                if completionKind?.file != nil || completionKind?.directory != nil { return .paths }
                return .free
            }
        }
        struct Command: Decodable {
            var commandName: String
            var aliases: [String]?
            var subcommands: [Command]?
            var arguments: [Argument]?
        }
        var command: Command
    }
}
