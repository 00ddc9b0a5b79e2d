// The CTC figure commands end to end through the built `trellis` binary: every `plot` kind writes a PNG of the
// requested size that is not blank (the Viterbi figure carries its red path), SVG and PDF files start with their
// magic, `plot grid` composes session and file panels 2×2 (files as the notebook's np.savetxt writes them), and
// mistakes exit non-zero with a message. A real-utterance case (T = 400, a 100-character transcript) grows the
// figure, zooms with --frames/--labels, puts seconds along x, writes --dpi into the PNG and keeps SVG text as text,
// and each new option's mistakes get a sentence. Set TRELLIS_PLOT_GALLERY=/some/dir to keep the figures for looking at.
import Figures
import Foundation
import XCTest

final class PlotCTCCommandTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        if let keep = ProcessInfo.processInfo.environment["TRELLIS_PLOT_GALLERY"] {
            dir = URL(fileURLWithPath: keep)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } else {
            dir = try TrellisBinary.temporaryDirectory()
        }
    }

    override func tearDownWithError() throws {
        if ProcessInfo.processInfo.environment["TRELLIS_PLOT_GALLERY"] == nil { try? FileManager.default.removeItem(at: dir) }
    }

    private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    private func run(_ script: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let r = try TrellisBinary.run(["-c", script])
        XCTAssertEqual(r.status, 0, "\(script)\n\(r.stderr)", file: file, line: line)
        return r.stdout
    }

    /// Decodes the PNG, checks its size and that it holds more than a few colours.
    @discardableResult
    private func checkPNG(_ name: String, width: Int, height: Int, file: StaticString = #filePath, line: UInt = #line) throws -> PNGImage {
        let image = try PNGImage(path: path(name))
        XCTAssertEqual(image.width, width, name, file: file, line: line)
        XCTAssertEqual(image.height, height, name, file: file, line: line)
        var colours = Set<UInt32>()
        for y in stride(from: 0, to: image.height, by: 3) {
            for x in stride(from: 0, to: image.width, by: 3) {
                let p = image.pixel(x: x, y: y)
                colours.insert(UInt32(p.r) << 16 | UInt32(p.g) << 8 | UInt32(p.b))
            }
        }
        XCTAssertGreaterThan(colours.count, 20, "\(name) looks blank", file: file, line: line)
        return image
    }

    /// Pixels close to the Viterbi path's red (#D62728).
    private func redPixels(_ image: PNGImage) -> Int {
        var n = 0
        for y in 0..<image.height {
            for x in 0..<image.width {
                let p = image.pixel(x: x, y: y)
                if abs(Int(p.r) - 0xD6) < 12 && abs(Int(p.g) - 0x27) < 12 && abs(Int(p.b) - 0x28) < 12 { n += 1 }
            }
        }
        return n
    }

    private let setup = #"probs random 40 --seed 1 --peaky 3; text "the cat""#

    func testEveryKindWritesAPNGOfTheRequestedSize() throws {
        var script = setup
        for kind in ["probs", "alpha", "beta", "align", "viterbi"] {
            script += "; plot \(kind) --out \(path(kind + ".png")) --width 640 --height 360"
            script += "; plot \(kind) --log --out \(path(kind + "-log.png")) --width 640 --height 360 --title 'log \(kind)'"
        }
        let out = try run(script)
        XCTAssertEqual(out.components(separatedBy: "wrote ").count - 1, 10, out)
        for kind in ["probs", "alpha", "beta", "align"] {
            for suffix in ["", "-log"] {
                let image = try checkPNG(kind + suffix + ".png", width: 640, height: 360)
                XCTAssertEqual(redPixels(image), 0, "only the Viterbi figure draws a path")
            }
        }
        for name in ["viterbi.png", "viterbi-log.png"] {
            let image = try checkPNG(name, width: 640, height: 360)
            XCTAssertGreaterThan(redPixels(image), 300, "\(name): the Viterbi path is missing")
        }
        // Without --height the figure is 500 high or as tall as its row labels need: the 29 classes need more.
        _ = try run(#"probs random 20 --seed 2; plot probs --out "# + path("probs-default.png"))
        let probs = try PNGImage(path: path("probs-default.png"))
        XCTAssertEqual(probs.width, 1000)
        XCTAssertGreaterThan(probs.height, 500)
        XCTAssertLessThan(probs.height, 1000)
        XCTAssertEqual(probs.dotsPerInch ?? 0, 100, accuracy: 0.01, "the default DPI")
    }

    func testSVGAndPDFByExtension() throws {
        _ = try run(setup + "; plot viterbi --out \(path("v.svg")); plot alpha --log --out \(path("a.PDF")); plot grid --out \(path("g.pdf")) align align:log")
        let svg = try String(contentsOfFile: path("v.svg"), encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<?xml") || svg.hasPrefix("<svg"), String(svg.prefix(40)))
        XCTAssertTrue(svg.contains("<svg"))
        for name in ["a.PDF", "g.pdf"] {
            let data = try Data(contentsOf: URL(fileURLWithPath: path(name)))
            XCTAssertEqual(String(decoding: data.prefix(5), as: UTF8.self), "%PDF-", name)
            XCTAssertGreaterThan(data.count, 1000, name)
        }
    }

    func testGridOfSessionAndFilePanels() throws {
        // The notebook's files: np.savetxt of one utterance's probabilities (rows = frames) and of its padded
        // labels (floats, one per line, trailing 0s are padding).
        let matrix = path("epoch-003-utt0_matrix.txt"), labels = path("epoch-003-utt0_labels.txt")
        _ = try run("probs random 60 --seed 4 --peaky 2; probs save \(matrix)")
        let cat: [Double] = [4, 2, 21, 0, 0, 0]    // c a t + padding
        try cat.map { String(format: "%.18e", $0) }.joined(separator: "\n").appending("\n")
            .write(toFile: labels, atomically: true, encoding: .utf8)
        let out = try run(#"probs random 50 --seed 1; text "cat"; plot grid --cols 2 --title "Cell 42" --out "# + path("grid.png")
                          + " align align:log 'align=\(matrix):\(labels)@DNN' 'viterbi:log=\(matrix):\"cat\"@DNN'")
        XCTAssertTrue(out.contains("wrote"), out)
        let image = try checkPNG("grid.png", width: 1400, height: 840)
        XCTAssertGreaterThan(redPixels(image), 100, "the Viterbi panel's path")
        // An explicit size, three columns, a blank cell and a probs panel without labels.
        _ = try run(#"probs random 30; text "a"; plot grid --cols 3 --width 900 --height 500 --out "# + path("grid3.png")
                    + " probs - beta:log probs=\(matrix)")
        try checkPNG("grid3.png", width: 900, height: 500)
    }

    /// 100 characters: 100 labels, 201 trellis states.
    private let longText = "the quick brown fox jumps over the lazy dog while seven wizards quietly hex a jovial banker at sunup"

    func testARealUtteranceGrowsZoomsAndKeepsItsText() throws {
        XCTAssertEqual(longText.count, 100)
        let long = #"probs random 400 --seed 1 --peaky 3; text ""# + longText + #"""#
        _ = try run(long + "; plot align --out \(path("long.png")) --dpi 150"
                    + "; plot viterbi --log --out \(path("long-fixed.png")) --height 500"
                    + "; plot viterbi --frames 100:200 --labels 20:40 --out \(path("zoom.png"))"
                    + "; plot align --frames 300: --x-unit seconds --hop 400 --rate 16000 --height 400 --out \(path("seconds.png"))"
                    + "; plot align --out \(path("long.svg"))"
                    + "; plot grid --labels :10 --frames :120 --out \(path("grid.png")) align align:log probs")
        // Every one of the 201 rows gets a line: far taller than the default 500.
        let grown = try checkPNG("long.png", width: 1000, height: try PNGImage(path: path("long.png")).height)
        XCTAssertGreaterThan(grown.height, 201 * 15)
        XCTAssertEqual(grown.dotsPerInch ?? 0, 150, accuracy: 0.02)
        try checkPNG("long-fixed.png", width: 1000, height: 500)
        XCTAssertGreaterThan(redPixels(try PNGImage(path: path("zoom.png"))), 100, "the path crosses the window")
        try checkPNG("seconds.png", width: 1000, height: 400)
        try checkPNG("grid.png", width: 1400, height: try PNGImage(path: path("grid.png")).height)
        // The SVG's title is text, wrapped but whole.
        let svg = try String(contentsOfFile: path("long.svg"), encoding: .utf8)
        let titleParts = svg.components(separatedBy: "</text>").compactMap { $0.components(separatedBy: ">").last }
            .filter { !$0.isEmpty && ("Alignment of &quot;" + longText + "&quot;").contains($0) && $0.count > 10 }
        XCTAssertGreaterThanOrEqual(titleParts.count, 2, "the title wraps at 1000 points")
        XCTAssertEqual(titleParts.joined(separator: " "), "Alignment of &quot;" + longText + "&quot;")
        XCTAssertTrue(svg.contains(">0 t</text>") && svg.contains(">99 p</text>"), "numbered symbols")
    }

    func testTheNewOptionsExplainTheirMistakes() throws {
        let setup = #"probs random 400 --seed 1; text "the cat"; "#
        // (KIND and options, what the message says); every command writes x.png.
        let cases: [(String, String)] = [
            ("align --frames 300:500", "the matrix has 400"),
            ("align --frames 20:10", "A must be smaller than B"),
            ("align --frames ten:20", "not a whole number"),
            ("align --frames 10", "expected A:B"),
            ("align --frames=-5:10", "count from 0"),
            ("align --labels 5:8", "the transcript has 7"),
            ("probs --labels 0:2", "use --frames"),
            ("align --x-unit seconds", "--hop SAMPLES"),
            ("align --x-unit minutes", "minutes"),
            ("align --hop 200", "--x-unit seconds"),
            ("align --x-unit seconds --hop 0", "--hop must be at least 1"),
            ("align --dpi 0", "--dpi must be"),
            ("grid --x-unit seconds align", "--hop SAMPLES"),
        ]
        for (arguments, message) in cases {
            let r = try TrellisBinary.run(["-c", setup + "plot \(arguments) --out \(path("x.png"))"])
            XCTAssertNotEqual(r.status, 0, arguments)
            XCTAssertTrue(r.stderr.contains("error") && r.stderr.contains(message), "\(arguments)\n\(r.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("x.png")))
    }

    func testMistakesExitNonZeroWithAMessage() throws {
        let cases: [(String, String)] = [
            ("plot align --out \(path("x.png"))", "no probabilities yet"),
            ("probs random 10; plot align --out \(path("x.png"))", "text"),
            ("probs random 10; plot probs --out \(path("x.jpg"))", ".png, .svg or .pdf"),
            ("probs random 10; plot probs --out \(path("missing/dir/x.png"))", "cannot write"),
            (#"probs random 3; text "hello"; plot viterbi --out "# + path("x.png"), "impossible"),
            ("probs random 10; plot grid --out \(path("g.png")) nonsense", "unknown kind 'nonsense'"),
            ("plot grid --out \(path("g.png")) align=\(path("nothing.txt")):x", "cannot read"),
            ("plot grid --out \(path("g.png"))", "at least one PANEL"),
        ]
        for (script, message) in cases {
            let r = try TrellisBinary.run(["-c", script])
            XCTAssertNotEqual(r.status, 0, script)
            XCTAssertTrue(r.stderr.contains("error:") && r.stderr.contains(message), "\(script)\n\(r.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("x.png")))
    }
}
