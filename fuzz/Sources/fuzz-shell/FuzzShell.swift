// Fuzz target: the shell's command-line parsing without running anything — the tokenizer, the unknown-command
// check with its suggestion, ArgumentParser through the command registry (`TrellisRoot`) and its messages, and
// tab completion on the same text.
import ArgumentParser
import FuzzSupport
@testable import Workbench

@main enum FuzzShell {
    static func main() {
        Fuzz.run { bytes in
            let line = String(decoding: bytes, as: UTF8.self)
            _ = Completion.candidates(before: line, word: Tokenizer.lenientWords(line).last ?? "")
            guard let commands = try? Tokenizer.commands(line) else { return }
            for words in commands {
                if CommandRunner.unknownCommandMessage(words) != nil { continue }
                do { _ = try TrellisRoot.parseAsRoot(words) } catch {
                    _ = TrellisRoot.fullMessage(for: error)
                    _ = TrellisRoot.exitCode(for: error)
                }
            }
        }
    }
}
