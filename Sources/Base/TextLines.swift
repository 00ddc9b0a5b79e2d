// Line splitting for every text Trellis reads (scripts, `-c`, piped stdin, transcripts, trn files, the corpus index,
// text sources): LF, CRLF and a lone CR all end a line, so a file saved on Windows reads like one saved on Linux.
// Swift sees "\r\n" as ONE Character, so `split(separator: "\n")` leaves a CRLF file in one piece; this is the one
// place that knows it. (The byte-level readers, ARPA and np.savetxt, strip the CR themselves.)

public enum TextLines {
    /// True for the characters that end a line: "\n", "\r\n" (one Swift Character) and "\r".
    @inlinable
    public static func isLineEnd(_ c: Character) -> Bool { c == "\n" || c == "\r\n" || c == "\r" }

    /// The lines of `text` without their ends. The last line's end is optional: "a\nb\n" and "a\r\nb" are both
    /// ["a", "b"]; an empty text has no lines. Line i of the result is line i + 1 of the file.
    public static func split<S: StringProtocol>(_ text: S) -> [Substring] where S.SubSequence == Substring {
        var body = text[...]
        if let last = body.last, isLineEnd(last) { body.removeLast() }
        if body.isEmpty { return [] }
        return body.split(omittingEmptySubsequences: false, whereSeparator: isLineEnd)
    }
}
