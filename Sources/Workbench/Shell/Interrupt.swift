// Ctrl-C handling for the whole process. The SIGINT handler and its flags are C code defined
// once (Sources/CInterrupt); this file is the only Swift code that touches them.
//
// How a long-running command stops cleanly on Ctrl-C (training, synthesis, benchmarks):
//
//     for epoch in 0..<epochs {
//         if Interrupt.isRequested { print("interrupted after epoch \(epoch)"); break }
//         ...
//     }
//
// Library modules (Training, Corpus, ...) cannot import Workbench, so their long loops take a
// `shouldStop: () -> Bool` closure and the command passes `{ Interrupt.isRequested }`. Do not
// call `Interrupt.reset()` from a command: the shell resets the flag before each command and,
// when the flag is still set after a command returns, prints "interrupted" (and stops a script
// with status 130). `try Interrupt.check()` throws `Interrupted` for code that prefers to unwind.
// At the prompt, Ctrl-C clears the typed line. A command that has not looked at the flag by
// the third Ctrl-C is killed (exit status 130); one that polls is never killed.
import CInterrupt

public enum Interrupt {
    /// True once the user pressed Ctrl-C since the shell started the current command.
    public static var isRequested: Bool { trellis_interrupt_requested() != 0 }

    /// Clears the flag (the shell does this before every command).
    public static func reset() { trellis_interrupt_reset() }

    /// Throws `Interrupted` if Ctrl-C was pressed.
    public static func check() throws {
        if isRequested { throw Interrupted() }
    }

    /// Installs the SIGINT handler; called once by the front end.
    static func install() {
        _ = trellis_interrupt_install()
    }

    /// Makes Ctrl-C at the readline prompt clear the line instead of ending readline.
    static func installReadlineHook() {
        trellis_interrupt_install_readline_hook()
    }

    /// Runs `body` (a pager the user reads and leaves) with Ctrl-C recorded but never counted
    /// towards killing the shell: the pager gets the same Ctrl-C and answers it itself.
    static func whilePaging<T>(_ body: () -> T) -> T {
        trellis_interrupt_set_at_prompt(1)
        defer { trellis_interrupt_set_at_prompt(0) }
        return body()
    }

    /// Runs `body` (a readline call) with Ctrl-C meaning "clear the line" (and, with `freshPrompt`,
    /// "show this prompt instead"); `cleared` tells whether a Ctrl-C cleared the line meanwhile.
    static func atPrompt<T>(freshPrompt: String? = nil, _ body: () -> T) -> (value: T, cleared: Bool) {
        _ = trellis_interrupt_take_prompt_cleared()
        trellis_interrupt_set_at_prompt(1)
        trellis_interrupt_set_fresh_prompt(freshPrompt)
        defer {
            trellis_interrupt_set_at_prompt(0)
            trellis_interrupt_set_fresh_prompt(nil)
        }
        let value = body()
        return (value, trellis_interrupt_take_prompt_cleared() != 0)
    }
}

/// Thrown by `Interrupt.check()`; the shell reports it as an interruption, not a failure.
public struct Interrupted: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "interrupted by Ctrl-C" }
}
