// A figure replaces the previous one whole or not at all: when the disk is full or a file-size limit stops the
// write, the old PNG/SVG/PDF stays intact and the message says what happened instead of blaming the folder.
import Foundation
import XCTest
@testable import Figures
#if canImport(Glibc)
import Glibc
#endif

final class AtomicOutputTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "figures-atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    private func bigFigure() throws -> Figure {
        let (states, values) = Samples.softAlignment(labels: 40, frames: 200)
        let h = try Heatmap(rows: states, columns: 200, values: values)
        return Figure(width: 900, height: 700, .heatmap(h))
    }

    private func contents(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    func testAFileSizeLimitKeepsThePreviousFigure() throws {
        for ext in ["png", "svg", "pdf"] {
            let path = dir + "/figure." + ext
            try Figure(.empty).write(to: path)
            let before = contents(path)
            XCTAssertNotNil(before)
            let error = try withFileSizeLimit(Int(before!.count) + 1) { () -> Error? in
                do { try bigFigure().write(to: path); return nil } catch { return error }
            }
            guard case .cannotWrite(let p, let reason)? = error as? FigureError else {
                return XCTFail("\(ext): expected cannotWrite, got \(String(describing: error))")
            }
            XCTAssertEqual(p, path)
            XCTAssertTrue(reason.contains("file size limit exceeded"), reason)
            XCTAssertFalse(reason.contains("folder"), "the folder is fine: \(reason)")
            XCTAssertEqual(contents(path), before, "\(ext): the previous figure was damaged")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".") }, [])
        }
    }

    func testAFullDiskKeepsThePreviousFigureAndSaysNoSpace() throws {
        guard geteuid() == 0 else { throw XCTSkip("mounting a small tmpfs needs root") }
        let mountPoint = dir + "/small"
        XCTAssertEqual(mkdir(mountPoint, 0o755), 0)
        guard mount("tmpfs", mountPoint, "tmpfs", 0, "size=16k") == 0 else {
            throw XCTSkip("cannot mount a tmpfs here: \(String(cString: strerror(errno)))")
        }
        defer { umount(mountPoint) }
        let path = mountPoint + "/figure.png"
        try Figure(.empty).write(to: path)
        let before = contents(path)
        XCTAssertThrowsError(try bigFigure().write(to: path)) { error in
            XCTAssertTrue("\(error)".contains("no space left on device"), "\(error)")
            XCTAssertFalse("\(error)".contains("folder"), "\(error)")
        }
        XCTAssertEqual(contents(path), before)
    }
}

#if canImport(Glibc)
private let fileSizeResource = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
#else
private let fileSizeResource = RLIMIT_FSIZE
#endif

/// Runs `body` with `ulimit -f` at `bytes` and SIGXFSZ ignored (as the trellis binary runs), then restores both.
func withFileSizeLimit<T>(_ bytes: Int, _ body: () throws -> T) throws -> T {
    var saved = rlimit()
    guard getrlimit(fileSizeResource, &saved) == 0, saved.rlim_max == rlim_t.max || saved.rlim_max > rlim_t(bytes) else {
        throw XCTSkip("cannot lower the file-size limit here")
    }
    let previous = signal(SIGXFSZ, SIG_IGN)
    var limited = saved
    limited.rlim_cur = rlim_t(bytes)
    guard setrlimit(fileSizeResource, &limited) == 0 else { throw XCTSkip("setrlimit refused") }
    defer {
        _ = setrlimit(fileSizeResource, &saved)
        signal(SIGXFSZ, previous)
    }
    return try body()
}
