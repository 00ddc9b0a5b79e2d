// Placeholder entry point; the shell helper replaces this with the REPL and the
// non-interactive front ends (trellis CMD, -c, --script, piped stdin).
public enum Shell {
    public static func main() {}
}
