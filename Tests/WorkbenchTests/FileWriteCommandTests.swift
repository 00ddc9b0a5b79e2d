// Files the commands write, end to end through the built `trellis` binary: under `ulimit -f` a too-large matrix
// or figure fails with "file size limit exceeded" and status 1 (the process is not killed by SIGXFSZ) and the
// previous file stays whole; a symlinked or private output keeps being one; `plot grid` reads its matrix files
// as `probs load` does (`--layout kt`, the row-sum warning).
import Foundation
import XCTest

final class FileWriteCommandTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try TrellisBinary.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// `sh -c 'ulimit -f BLOCKS; exec trellis -c SCRIPT'`: the limit applies to trellis alone.
    private func runLimited(blocks: Int, _ script: String) throws -> TrellisResult {
        let binary = try TrellisBinary.url().path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -f \(blocks) && exec \"$0\" -c \"$1\" 2>\"$2\"", binary, script, path("stderr")]
        var env = ProcessInfo.processInfo.environment
        env["TRELLIS_HISTORY"] = path("history")
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let stderr = (try? String(contentsOfFile: path("stderr"), encoding: .utf8)) ?? ""
        if process.terminationReason == .uncaughtSignal {
            XCTFail("trellis was killed by signal \(process.terminationStatus) (SIGXFSZ is \(SIGXFSZ)): \(stderr)")
        }
        return TrellisResult(stdout: stdout, stderr: stderr, status: process.terminationStatus)
    }

    func testAFileSizeLimitGivesAMessageAndKeepsTheOldMatrix() throws {
        let target = path("m.txt")
        try "old\n".write(toFile: target, atomically: false, encoding: .utf8)
        // 400 × 29 values of 25 characters are about 290 kB; the limit is 8 blocks (4 or 8 kB by the shell's unit).
        let r = try runLimited(blocks: 8, "probs random 400 --seed 1; probs save \(target)")
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("file size limit exceeded"), r.stderr)
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "old\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }, [])
    }

    func testAFileSizeLimitGivesAMessageAndKeepsTheOldFigure() throws {
        let target = path("p.png")
        try "old\n".write(toFile: target, atomically: false, encoding: .utf8)
        let r = try runLimited(blocks: 8, "probs random 400 --seed 1; plot probs --out \(target)")
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("file size limit exceeded"), r.stderr)
        XCTAssertFalse(r.stderr.contains("folder"), r.stderr)
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "old\n")
    }

    /// `ulimit -f` used to end `train` with SIGXFSZ and no message; now the checkpoint write fails and says why.
    func testTrainUnderAFileSizeLimitSaysSoInsteadOfDying() throws {
        let data = path("data")
        let synth = try TrellisBinary.run(["corpus", "synth", "--out", data, "--train", "8", "--test", "2", "--seed", "5", "--json"])
        try XCTSkipIf(synth.status != 0 && synth.stderr.contains("espeak"), "speech synthesis tools missing: \(synth.stderr)")
        XCTAssertEqual(synth.status, 0, synth.stderr)
        // The tiny model's checkpoint is over 2 MB; 1500 blocks are 750 kB (dash) or 1.5 MB (bash).
        let r = try runLimited(blocks: 1500, "train --model dnn --data \(data) --out \(path("run")) --epochs 1 --rnn-dim 16 --cnn-layers 1 --batch 4")
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("file size limit exceeded"), r.stderr)
        let checkpoints = (try? FileManager.default.contentsOfDirectory(atPath: path("run/checkpoints"))) ?? []
        XCTAssertEqual(checkpoints.filter { $0.contains(".tmp-") }, [], "no temporary file left behind")
    }

    func testSavingThroughASymlinkKeepsTheLinkAndAPrivateFileStaysPrivate() throws {
        let real = path("real.txt"), link = path("link.txt")
        try "old\n".write(toFile: real, atomically: false, encoding: .utf8)
        XCTAssertEqual(chmod(real, 0o600), 0)
        XCTAssertEqual(symlink("real.txt", link), 0)
        let r = try TrellisBinary.run(["-c", "probs random 3; probs save \(link)"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), "real.txt")
        let attributes = try FileManager.default.attributesOfItem(atPath: real)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertEqual(try String(contentsOfFile: real, encoding: .utf8).split(separator: "\n").count, 3)
    }

    func testSavingOntoAFIFOIsRefused() throws {
        let fifo = path("pipe")
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let r = try TrellisBinary.run(["-c", "probs random 3; probs save \(fifo)"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("FIFO"), r.stderr)
        var st = stat()
        XCTAssertEqual(lstat(fifo, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFIFO)
    }

    func testPlotGridReadsAClassesByFramesFileWithLayoutKT() throws {
        let tk = path("tk.txt"), kt = path("kt.txt")
        var r = try TrellisBinary.run(["-c", "probs random 40 --seed 3; probs save \(tk); probs save \(kt) --layout kt"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try TrellisBinary.run(["-c", "plot grid --cols 1 --out \(path("a.png")) 'align=\(tk):\"cat\"@M'; "
                                   + "plot grid --cols 1 --layout kt --out \(path("b.png")) 'align=\(kt):\"cat\"@M'"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let a = try Data(contentsOf: URL(fileURLWithPath: path("a.png")))
        let b = try Data(contentsOf: URL(fileURLWithPath: path("b.png")))
        XCTAssertEqual(a, b, "the same matrix in either layout draws the same figure")
        // Without --layout the K×T file is read as 29 frames of 40 classes: a different figure (or an error).
        r = try TrellisBinary.run(["-c", "plot grid --cols 1 --out \(path("c.png")) 'align=\(kt):\"cat\"@M'"])
        if r.status == 0 { XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: path("c.png"))), a) }
    }

    func testPlotGridWarnsAboutRowsThatDoNotSumToOne() throws {
        let bad = path("bad.txt")
        var rows = [[Double]](repeating: [Double](repeating: 1.0 / 29, count: 29), count: 4)
        rows[2] = [Double](repeating: 0.01, count: 29)
        try rows.map { $0.map { String($0) }.joined(separator: " ") }.joined(separator: "\n")
            .write(toFile: bad, atomically: false, encoding: .utf8)
        let r = try TrellisBinary.run(["-c", "plot grid --out \(path("g.png")) 'probs=\(bad)'"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("\(bad): 1 of 4 rows do not sum to 1"), r.stdout)
        XCTAssertTrue(r.stdout.contains("frame 2"), r.stdout)
    }
}
