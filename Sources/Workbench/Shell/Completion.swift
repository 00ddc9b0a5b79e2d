// Tab completion for the REPL: command and subcommand names, the --options of the command being
// typed, the values an option or argument declares (`train --model <Tab>` offers dnn, lstm, bilstm, gru, bigru:
// the cases of its ExpressibleByArgument enum), command names after `help`, and file paths
// (readline's own completion) everywhere else.
import CReadline
import Foundation

public enum Completion {
    /// Candidates for `word` (the word under the cursor) given the line text before it, or nil
    /// when readline should complete a file path instead.
    public static func candidates(before prefix: String, word: String) -> [String]? {
        candidates(before: prefix, word: word, tree: .root)
    }

    static func candidates(before prefix: String, word: String, tree: CommandTree) -> [String]? {
        var previous = Tokenizer.lenientWords(prefix)
        // `--model=<Tab>`: readline ends the word at `=`, so the option closes the line before it.
        if let last = previous.last, last.hasPrefix("-"), last.hasSuffix("=") {
            previous[previous.count - 1] = String(last.dropLast())
        }
        var node = tree
        var index = 0
        while index < previous.count, let child = node.child(named: previous[index]) {
            node = child
            index += 1
        }
        let onCommandPath = index == previous.count
        let shellWords = previous.isEmpty ? ["exit", ".quit"] : []

        if word.hasPrefix("-") && !previous.isEmpty {
            return node.options.filter { $0.hasPrefix(word) }
        }
        if onCommandPath && !node.subcommands.isEmpty {
            let names = node.subcommands.flatMap(\.names) + shellWords
            return Array(Set(names.filter { $0.hasPrefix(word) })).sorted()
        }
        // `help demo` / `help bench gemm`: complete command names after `help`.
        if previous.first == "help" {
            var target = tree
            for name in previous.dropFirst() {
                guard let child = target.child(named: name) else { return [] }
                target = child
            }
            return target.subcommands.map { $0.names[0] }.filter { $0.hasPrefix(word) }.sorted()
        }
        guard index > 0 else { return nil }
        return values(node, after: Array(previous[index...]), word: word)
    }

    /// What the command `node` declares for the word being typed after `words` (its options and
    /// arguments so far): the value list of the option just before it, or of the positional argument
    /// whose place it is in. Nil (file names) for paths and free text.
    static func values(_ node: CommandTree, after words: [String], word: String) -> [String]? {
        let declared: CommandTree.Values
        if let last = words.last, let option = node.valueOption(named: last) {
            declared = option.values
        } else {
            var position = 0
            var skipNext = false
            for w in words {
                if skipNext { skipNext = false; continue }
                if w.hasPrefix("-") {
                    skipNext = !w.contains("=") && node.valueOption(named: w) != nil
                    continue
                }
                position += 1
            }
            if position < node.positionals.count {
                declared = node.positionals[position]
            } else if node.lastRepeats, let last = node.positionals.last {
                declared = last
            } else {
                return nil
            }
        }
        guard case .list(let list) = declared else { return nil }
        return list.filter { $0.hasPrefix(word) }
    }

    /// Installs the completion function in readline.
    static func install() {
        trellis_rl_set_readline_name("trellis")
        trellis_rl_set_completion_function { text, start, _ in
            let word = text.map { String(cString: $0) } ?? ""
            let line = trellis_rl_line_buffer().map { String(cString: $0) } ?? ""
            let prefix = String(decoding: Array(line.utf8).prefix(Int(start)), as: UTF8.self)
            guard let matches = Completion.candidates(before: prefix, word: word) else {
                trellis_rl_set_attempted_completion_over(0)  // fall back to file names
                return nil
            }
            trellis_rl_set_attempted_completion_over(1)
            return Completion.readlineArray(matches)
        }
    }

    /// Readline's match list: malloc'ed, entry 0 is the common prefix that replaces the word,
    /// then the matches, then NULL; readline frees it.
    static func readlineArray(_ matches: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        guard let first = matches.first else { return nil }
        let common = matches.dropFirst().reduce(first) { commonPrefix($0, $1) }
        let entries = matches.count == 1 ? [first] : [common] + matches
        let raw = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (entries.count + 1))!
        let array = raw.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: entries.count + 1)
        for (i, entry) in entries.enumerated() { array[i] = strdup(entry) }
        array[entries.count] = nil
        return array
    }

    static func commonPrefix(_ a: String, _ b: String) -> String {
        String(zip(a, b).prefix { $0 == $1 }.map(\.0))
    }
}
