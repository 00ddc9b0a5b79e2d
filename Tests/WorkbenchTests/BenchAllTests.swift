// `bench all`: the comparison table from a canned bench_torch.py reply (no Python in CI), the anchor run through a
// fake "python" that prints canned JSON, and the sentence when the Python has no torch. Every expected number is
// worked out by hand from the canned figures.
import Foundation
import XCTest
@testable import Workbench

final class BenchAllTests: XCTestCase {
    /// A reply in bench_torch.py's layout (fields it prints, values chosen to divide evenly), plus a workload Trellis
    /// has no bench for ("stt").
    static let canned = """
        {"torch": "2.11.0", "torchaudio": "2.11.0", "threads": 2,
         "ctc": {"ms_per_call": 48.0, "median_ms": 50.0, "shape": [400, 32, 29, 100]},
         "step_dnn": {"params": 803485, "output_width": 29, "ms_per_step": 4000.0, "median_ms": 4400.0,
                      "audio_seconds_per_s": 40.0, "eval_ms_per_batch": 1000.0, "flops_per_step": 2.5e11},
         "beam": {"s_per_utterance_T400": 0.146, "median_s": 0.15},
         "stt": {"ms_per_utterance": 30.0}}
        """

    func testParsesEveryWorkloadOfTheReplyInTheReadmeOrderWithSecondsAsMilliseconds() throws {
        let figures = try AnchorFigures.parse(Data(Self.canned.utf8))
        XCTAssertEqual(figures.torchVersion, "2.11.0")
        XCTAssertEqual(figures.threads, 2)
        XCTAssertEqual(figures.timings.map(\.name), ["ctc", "step_dnn", "beam", "stt"])
        XCTAssertEqual(figures.timing("ctc"), Timing(bestMs: 48, medianMs: 50))
        XCTAssertEqual(figures.timing("step_dnn"), Timing(bestMs: 4000, medianMs: 4400))
        // 0.146 s and 0.15 s.
        XCTAssertEqual(figures.timing("beam")!.bestMs, 146, accuracy: 1e-9)
        XCTAssertEqual(figures.timing("beam")!.medianMs!, 150, accuracy: 1e-9)
        XCTAssertEqual(figures.timing("stt"), Timing(bestMs: 30, medianMs: nil))
    }

    func testRatioTableFromCannedAnchorJSON() throws {
        let reference = try AnchorFigures.parse(Data(Self.canned.utf8))
        let trellis: [(name: String, timing: Timing)] = [
            ("mel", Timing(bestMs: 4, medianMs: 5)), ("ctc", Timing(bestMs: 24, medianMs: 30)),
            ("step_dnn", Timing(bestMs: 2000, medianMs: 2100)), ("beam", Timing(bestMs: 1.46, medianMs: 2)),
        ]
        let rows = ComparisonRow.table(trellis: trellis, reference: reference)
        XCTAssertEqual(rows.map(\.name), ["mel", "ctc", "step_dnn", "beam", "stt"])
        XCTAssertEqual(rows.map(\.status), [.noReference, .compared, .compared, .compared, .missingInTrellis])
        // 48 / 24, 4000 / 2000, 146 / 1.46; none without both sides.
        XCTAssertNil(rows[0].ratio)
        XCTAssertEqual(rows[1].ratio!, 2, accuracy: 1e-12)
        XCTAssertEqual(rows[2].ratio!, 2, accuracy: 1e-12)
        XCTAssertEqual(rows[3].ratio!, 100, accuracy: 1e-9)
        XCTAssertNil(rows[4].ratio)
        XCTAssertNil(rows[4].trellis)
        XCTAssertEqual(rows[4].reference, Timing(bestMs: 30, medianMs: nil))

        let lines = ComparisonRow.lines(rows, referenceName: "PyTorch")
        XCTAssertEqual(lines.count, 6)
        XCTAssertTrue(lines[2].hasPrefix("ctc "), lines[2])
        XCTAssertTrue(lines[2].contains("24.0 (30.0)") && lines[2].contains("48.0 (50.0)") && lines[2].hasSuffix("×2.00"), lines[2])
        XCTAssertTrue(lines[3].contains("2000 (2100)") && lines[3].contains("4000 (4400)") && lines[3].hasSuffix("×2.00"), lines[3])
        XCTAssertTrue(lines[4].hasSuffix("×100.00"), lines[4])
        XCTAssertTrue(lines[1].hasSuffix("no reference figure"), lines[1])
        XCTAssertTrue(lines[5].hasPrefix("stt ") && lines[5].hasSuffix("missing in Trellis"), lines[5])
    }

    func testARepliedWorkloadWithoutOneTimeFieldIsAnError() {
        for (json, fragment) in [("{\"ctc\": {\"median_ms\": 3.0}}", "0 time fields"),
                                 ("{\"ctc\": {\"ms_per_call\": 3.0, \"s_per_call\": 0.003}}", "2 time fields"),
                                 ("{\"ctc\": {\"ms_per_call\": \"fast\"}}", "not a positive number"),
                                 ("{\"ctc\": 3}", "not an object"), ("[1]", "not a JSON object"), ("ctc 3", "not JSON")] {
            XCTAssertThrowsError(try AnchorFigures.parse(Data(json.utf8)), json) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(json): \(error)")
            }
        }
    }

    func testMergeTakesEachWorkloadFromTheRunThatAskedForIt() {
        let a = AnchorFigures(torchVersion: "t", threads: 2, timings: [("ctc", Timing(bestMs: 1)), ("step_dnn", Timing(bestMs: 9))])
        let b = AnchorFigures(torchVersion: "t", threads: 2, timings: [("ctc", Timing(bestMs: 8)), ("step_dnn", Timing(bestMs: 2))])
        let merged = AnchorFigures.merge([(["ctc"], a), (["step_dnn"], b)])
        XCTAssertEqual(merged.timings.map(\.name), ["ctc", "step_dnn"])
        XCTAssertEqual(merged.timing("ctc"), Timing(bestMs: 1))
        XCTAssertEqual(merged.timing("step_dnn"), Timing(bestMs: 2))
    }

    // MARK: - a fake "python"

    /// Writes an executable shell script standing in for Python: `-c ...` (the torch check) runs `check`, anything
    /// else (bench_torch.py) records its arguments and prints the canned reply.
    func fakePython(check: String = "echo 2.11.0") throws -> (python: String, folder: URL) {
        let folder = try TrellisBinary.temporaryDirectory()
        let reply = folder.appendingPathComponent("reply.json")
        try Self.canned.write(to: reply, atomically: true, encoding: .utf8)
        let python = folder.appendingPathComponent("python")
        try """
            #!/bin/sh
            if [ "$1" = "-c" ]; then \(check); exit $?; fi
            echo "$@" >> '\(folder.path)/arguments'
            echo "step_dnn {...}" >&2
            cat '\(reply.path)'
            """.write(to: python, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: python.path)
        return (python.path, folder)
    }

    func testTheAnchorRunsTheScriptWithTheGivenPythonAndReadsItsReply() throws {
        let (python, folder) = try fakePython()
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertEqual(try AnchorPython.checkTorch(python: python), "2.11.0")
        let figures = try AnchorPython.bench(python: python, script: "bench_torch.py", threads: 2, reps: 3, only: ["ctc", "beam"])
        XCTAssertEqual(figures, try AnchorFigures.parse(Data(Self.canned.utf8)))
        let arguments = try String(contentsOf: folder.appendingPathComponent("arguments"), encoding: .utf8)
        XCTAssertEqual(arguments, "bench_torch.py --threads 2 --reps 3 --only ctc,beam\n")
    }

    func testAPythonWithoutTorchIsNamedWithTheFix() throws {
        let (python, folder) = try fakePython(check: "echo 'Traceback (most recent call last):' >&2; "
                                                     + "echo \"ModuleNotFoundError: No module named 'torch'\" >&2; exit 1")
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertThrowsError(try AnchorPython.checkTorch(python: python)) { error in
            XCTAssertEqual(error as? AnchorError, .noTorch(python: python, detail: "ModuleNotFoundError: No module named 'torch'"))
            XCTAssertTrue("\(error)".contains("tools/anchors/README.md"), "\(error)")
        }
        XCTAssertThrowsError(try AnchorPython.checkTorch(python: folder.appendingPathComponent("nothing").path)) { error in
            XCTAssertEqual(error as? AnchorError, .noPython(folder.appendingPathComponent("nothing").path))
        }
    }

    func testAFailingScriptReportsItsStatus() throws {
        let (python, folder) = try fakePython()
        defer { try? FileManager.default.removeItem(at: folder) }
        // The script's errors go to the user, so the status is what is left to report.
        try "#!/bin/sh\nexit 3\n".write(toFile: python, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: python)
        XCTAssertThrowsError(try AnchorPython.bench(python: python, script: "s.py", threads: 1, reps: 1, only: ["ctc"])) { error in
            XCTAssertEqual(error as? AnchorError, .scriptFailed(status: 3, detail: ""))
        }
    }

    func testTheCommittedScriptIsFoundFromInsideTheRepository() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let found = try AnchorPython.locateScript(explicit: nil, currentDirectory: root.appendingPathComponent("Sources/CTC").path,
                                                  executable: "/nonexistent/trellis")
        XCTAssertEqual(URL(fileURLWithPath: found).standardizedFileURL.path,
                       root.appendingPathComponent("tools/anchors/bench_torch.py").standardizedFileURL.path)
        XCTAssertThrowsError(try AnchorPython.locateScript(explicit: "/nonexistent/bench_torch.py")) { error in
            XCTAssertTrue("\(error)".contains("--anchor-script"), "\(error)")
        }
    }

    // MARK: - the command

    /// `bench all --only ctc,beam` against the fake Python: both rows compared, the ratio the reference's best over
    /// Trellis's, and the reply's extra workload listed as missing.
    func testBenchAllPrintsTheComparisonAgainstTheFakePython() throws {
        let (python, folder) = try fakePython()
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try TrellisBinary.run(["bench", "all", "--only", "ctc,beam", "--fast-reps", "1", "--anchor-python", python, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let reply = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(reply["reference"] as? String, "bench_torch.py")
        XCTAssertEqual(reply["torch"] as? String, "2.11.0")
        let rows = try XCTUnwrap(reply["workloads"] as? [[String: Any]])
        XCTAssertEqual(rows.map { $0["name"] as? String }, ["ctc", "beam", "stt"])
        XCTAssertEqual(rows.map { $0["status"] as? String }, ["compared", "compared", "missing in Trellis"])
        for (row, reference) in zip(rows.prefix(2), [48.0, 146.0]) {
            let trellis = try XCTUnwrap(row["trellis_best_ms"] as? Double)
            XCTAssertEqual(try XCTUnwrap(row["reference_best_ms"] as? Double), reference, accuracy: 1e-9)
            XCTAssertEqual(try XCTUnwrap(row["ratio"] as? Double), reference / trellis, accuracy: 1e-9 * reference / trellis)
        }
        XCTAssertTrue(rows[2]["trellis_best_ms"] is NSNull)
        // The fast workloads only: one bench_torch.py run, with --fast-reps.
        let arguments = try String(contentsOf: folder.appendingPathComponent("arguments"), encoding: .utf8)
        XCTAssertTrue(arguments.hasSuffix("bench_torch.py --threads 2 --reps 1 --only ctc,beam\n"), arguments)
    }

    func testBenchAllStopsBeforeTimingWhenThePythonHasNoTorch() throws {
        let (python, folder) = try fakePython(check: "echo \"ModuleNotFoundError: No module named 'torch'\" >&2; exit 1")
        defer { try? FileManager.default.removeItem(at: folder) }
        let r = try TrellisBinary.run(["bench", "all", "--only", "ctc", "--anchor-python", python])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("cannot import torch"), r.stderr)
        XCTAssertFalse(r.stdout.contains("Trellis ctc"), r.stdout)
    }

    func testOnlyNamesTheWorkloadsWhenItIsWrong() throws {
        let r = try TrellisBinary.run(["bench", "all", "--only", "ctc,fft"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("no workload \"fft\"") && r.stderr.contains("step_bilstm"), r.stderr)
    }
}
