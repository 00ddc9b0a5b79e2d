// The `tokenizer` commands: train a subword (BPE) tokenizer on text files, and encode or decode with one. The
// work lives in CTC's `SubwordTokenizer`; these types read files, call it and print its results.
import ArgumentParser
import Base
import CTC
import Foundation

struct TokenizerGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenizer",
        abstract: "Train, and encode or decode with, a subword (BPE) tokenizer for `train --tokenizer`.",
        subcommands: [TokenizerTrain.self, TokenizerEncode.self, TokenizerDecode.self, TokenizerStats.self]
    )
}

/// Reads a tokenizer model file for a command.
func loadTokenizer(_ path: String) throws -> SubwordTokenizer {
    do { return try SubwordTokenizer.load(path: path) } catch { throw WorkbenchError("\(error)") }
}

struct TokenizerTrain: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Learn BPE merges from text files into a tokenizer model file.",
        discussion: """
            Each line is normalised as transcripts are (lower case, ' and a-z kept, the rest dropped) and split into \
            words; every word starts with the boundary marker ▁ (as sentencepiece writes it). The 28 base pieces \
            ▁ ' a-z are always in the vocabulary, so any normalised text can be encoded. Merges take the most \
            frequent adjacent pair; ties go to the smaller piece ids. The file is text: a version line, the piece \
            count, one 'merge LEFT RIGHT' per line (docs/tokenizers.md).
            """
    )

    @Argument(help: "Text files (one sentence per line; LibriSpeech trans.txt lines keep their id as a word, so pass plain text).", completion: .file())
    var texts: [String]
    @Option(help: "Vocabulary size in pieces, the 28 base pieces included; the model's output adds the blank.")
    var vocab: Int = 256
    @Option(help: "The model file to write.", completion: .file())
    var out: String
    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        var out: String
        /// Pieces in the vocabulary (fewer than --vocab when every word of the text is already one piece).
        var vocab: Int
        var merges: Int
        var wordCount: Int
        var distinctWords: Int
        /// Pieces per word on the training text after the merges.
        var piecesPerWord: Double
        var elapsedSeconds: Double
    }

    func validate() throws {
        if vocab < SubwordTokenizer.basePieces.count {
            throw ValidationError("--vocab must be at least \(SubwordTokenizer.basePieces.count) (the base pieces ▁ ' a-z), got \(vocab)")
        }
    }

    mutating func run(session: inout Session) throws {
        guard !texts.isEmpty else { throw WorkbenchError("name at least one text file") }
        let start = DispatchTime.now().uptimeNanoseconds
        let lines = try readTextLines(texts)
        let model: SubwordTokenizer
        do { model = try SubwordTokenizer.train(texts: lines, vocab: vocab) } catch { throw WorkbenchError("\(error)") }
        try AtomicFile.write(model.fileText(), to: out)
        let c = try TokenizerStats.count(lines, model)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        let (words, distinct, perWord) = (c.wordCount, c.distinctWords, c.piecesPerWord)
        if json {
            try printJSON(Reply(out: out, vocab: model.vocabularySize, merges: model.merges.count, wordCount: words,
                                distinctWords: distinct, piecesPerWord: perWord, elapsedSeconds: seconds))
            return
        }
        if model.vocabularySize < vocab {
            Console.error("note: the text allows only \(model.vocabularySize) pieces (every word is already one piece)")
        }
        Console.out("wrote \(out): \(model.vocabularySize) pieces (\(model.merges.count) merges) from \(words) words "
                    + "(\(distinct) distinct); \(String(format: "%.3f", perWord)) pieces per word on this text, "
                    + String(format: "%.2f s", seconds))
    }
}

struct TokenizerEncode: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "The pieces and ids of a text (normalised first, as transcripts are).",
        discussion: "Characters outside ' a-z are dropped with a note, as `text --normalize` does; the rest is encoded exactly."
    )

    @Option(help: "Tokenizer model file (from `tokenizer train`).", completion: .file())
    var model: String
    @Argument(help: "The text.")
    var text: String
    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        var text: String
        var pieces: [String]
        var ids: [Int]
    }

    mutating func run(session: inout Session) throws {
        let m = try loadTokenizer(model)
        let n = CTC.Tokenizer().normalize(text)
        if !n.dropped.isEmpty {
            Console.error("note: dropped \(n.dropped.count) character(s) outside ' a-z: \(n.dropped.map { String($0.character) }.joined())")
        }
        let ids: [Int]
        do { ids = try m.encode(n.text) } catch { throw WorkbenchError("\(error)") }
        let pieces = ids.map { m.pieces[$0] }
        if json {
            try printJSON(Reply(text: n.text, pieces: pieces, ids: ids))
            return
        }
        Console.out(pieces.joined(separator: " "))
        Console.out(ids.map(String.init).joined(separator: " "))
    }
}

struct TokenizerDecode: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "The text of piece ids (pieces joined, ▁ read as a space).",
        discussion: "An id outside the vocabulary (the blank included) is an error naming its position."
    )

    @Option(help: "Tokenizer model file (from `tokenizer train`).", completion: .file())
    var model: String
    @Argument(help: "Piece ids.")
    var ids: [Int] = []
    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        var text: String
        var pieces: [String]
    }

    mutating func run(session: inout Session) throws {
        let m = try loadTokenizer(model)
        let text: String
        do { text = try m.decode(ids) } catch { throw WorkbenchError("\(error)") }
        if json {
            try printJSON(Reply(text: text, pieces: ids.map { m.pieces[$0] }))
            return
        }
        Console.out(text)
    }
}

/// The lines of text files, for `tokenizer train` and `tokenizer stats`.
func readTextLines(_ paths: [String]) throws -> [String] {
    var lines: [String] = []
    for path in paths {
        guard let data = FileManager.default.contents(atPath: path) else { throw WorkbenchError("cannot read \(path)") }
        guard let text = String(data: data, encoding: .utf8) else { throw WorkbenchError("\(path) is not UTF-8 text") }
        lines += TextLines.split(text).map(String.init)
    }
    return lines
}

struct TokenizerStats: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Pieces per word of a tokenizer on text files (normalised first): its compression on held-out text."
    )

    @Option(help: "Tokenizer model file (from `tokenizer train`).", completion: .file())
    var model: String
    @Argument(help: "Text files.", completion: .file())
    var texts: [String]
    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        var lines: Int
        var wordCount: Int
        var distinctWords: Int
        var pieceCount: Int
        var piecesPerWord: Double
        /// Words of the text that are one piece of the vocabulary.
        var singlePieceWords: Int
    }

    static func count(_ lines: [String], _ m: SubwordTokenizer) throws -> Reply {
        let normalizer = CTC.Tokenizer()
        var r = Reply(lines: lines.count, wordCount: 0, distinctWords: 0, pieceCount: 0, piecesPerWord: 0, singlePieceWords: 0)
        var distinct = Set<Substring>()
        for line in lines {
            let t = normalizer.normalize(line).text
            for w in t.split(separator: " ") {
                let n: Int
                do { n = try m.encode(String(w)).count } catch { throw WorkbenchError("\(error)") }
                r.wordCount += 1
                r.pieceCount += n
                if n == 1 { r.singlePieceWords += 1 }
                distinct.insert(w)
            }
        }
        r.distinctWords = distinct.count
        r.piecesPerWord = r.wordCount > 0 ? Double(r.pieceCount) / Double(r.wordCount) : 0
        return r
    }

    mutating func run(session: inout Session) throws {
        guard !texts.isEmpty else { throw WorkbenchError("name at least one text file") }
        let r = try Self.count(try readTextLines(texts), try loadTokenizer(model))
        if json { return try printJSON(r) }
        Console.out("\(r.wordCount) words (\(r.distinctWords) distinct) in \(r.lines) lines: \(r.pieceCount) pieces, "
                    + String(format: "%.3f", r.piecesPerWord) + " per word; \(r.singlePieceWords) words are one piece")
    }
}
