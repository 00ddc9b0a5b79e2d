// Ctrl-C handling for the whole process. The shell installs one SIGINT handler (a C shim in
// Sources/CReadline/shim.h) that only sets a `volatile sig_atomic_t` flag; this file is the only
// Swift code that touches that flag (see the note in shim.h).
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
// At the prompt, Ctrl-C clears the typed line. A command that never polls is killed by the
// third Ctrl-C (exit status 130).
//
// Every accessor below is `@inline(never)`: the C flag is a `static` in a header, so each object file that
// ends up referencing it gets its own copy. A release build splits the module into one object file per
// source file, and an inlined `isRequested` in another file would read a copy the handler never sets.
import CReadline

public enum Interrupt {
    /// True once the user pressed Ctrl-C since the shell started the current command.
    public static var isRequested: Bool {
        @inline(never) get { trellis_interrupt_requested() != 0 }
    }

    /// Clears the flag (the shell does this before every command).
    @inline(never)
    public static func reset() { trellis_interrupt_reset() }

    /// Throws `Interrupted` if Ctrl-C was pressed.
    @inline(never)
    public static func check() throws {
        if isRequested { throw Interrupted() }
    }

    /// Installs the SIGINT handler; called once by the front end.
    @inline(never)
    static func install() {
        _ = trellis_interrupt_install()
    }

    /// Makes Ctrl-C at the readline prompt clear the line instead of ending readline.
    @inline(never)
    static func installReadlineHook() {
        trellis_rl_install_sigint_hook()
    }

    /// Runs `body` (a readline call) with Ctrl-C meaning "clear the line".
    @inline(never)
    static func atPrompt<T>(_ body: () -> T) -> T {
        trellis_interrupt_set_at_prompt(1)
        defer { trellis_interrupt_set_at_prompt(0) }
        return body()
    }
}

/// Thrown by `Interrupt.check()`; the shell reports it as an interruption, not a failure.
public struct Interrupted: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "interrupted by Ctrl-C" }
}
