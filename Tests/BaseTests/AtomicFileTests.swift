// AtomicFile writes only regular files, keeps what it replaces intact on failure, and says why it failed in
// words: each case below is one thing a user can have at the path, or one way a disk can refuse the bytes.
import XCTest
@testable import Base
#if canImport(Glibc)
import Glibc
#endif

final class AtomicFileTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "atomicfile-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    private func mode(_ path: String) -> mode_t {
        var st = stat()
        XCTAssertEqual(lstat(path, &st), 0)
        return st.st_mode
    }

    private func leftovers() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter(AtomicFile.isTemporaryName)
    }

    func testWritesANewFileAndReplacesAnOldOne() throws {
        let path = dir + "/a.txt"
        try AtomicFile.write("first\n", to: path)
        XCTAssertEqual(read(path), "first\n")
        try AtomicFile.write("second\n", to: path)
        XCTAssertEqual(read(path), "second\n")
        XCTAssertEqual(leftovers(), [])
    }

    func testASymlinkStaysALinkAndItsTargetGetsTheBytes() throws {
        let target = dir + "/real.txt"
        let link = dir + "/link.txt"
        try "old\n".write(toFile: target, atomically: false, encoding: .utf8)
        XCTAssertEqual(symlink("real.txt", link), 0)   // relative, as `ln -s` makes it
        try AtomicFile.write("new\n", to: link)
        XCTAssertEqual(mode(link) & S_IFMT, S_IFLNK, "the symlink was replaced by a file")
        XCTAssertEqual(read(target), "new\n")
    }

    func testADanglingSymlinkCreatesTheFileItNames() throws {
        let link = dir + "/link.txt"
        XCTAssertEqual(symlink(dir + "/later.txt", link), 0)
        try AtomicFile.write("made\n", to: link)
        XCTAssertEqual(mode(link) & S_IFMT, S_IFLNK)
        XCTAssertEqual(read(dir + "/later.txt"), "made\n")
    }

    func testASymlinkLoopIsAnErrorNotAHang() {
        let a = dir + "/a", b = dir + "/b"
        XCTAssertEqual(symlink(b, a), 0)
        XCTAssertEqual(symlink(a, b), 0)
        XCTAssertThrowsError(try AtomicFile.write("x", to: a)) { error in
            XCTAssertEqual((error as? FileWriteError)?.kind, .tooManySymlinks)
        }
    }

    func testAPrivateFileStaysPrivate() throws {
        let path = dir + "/secret.txt"
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertEqual(chmod(path, 0o600), 0)
        try AtomicFile.write("new\n", to: path)
        XCTAssertEqual(mode(path) & 0o7777, 0o600)
        XCTAssertEqual(read(path), "new\n")
    }

    func testAnExecutableFileKeepsItsMode() throws {
        let path = dir + "/run.sh"
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertEqual(chmod(path, 0o750), 0)
        try AtomicFile.write("new\n", to: path)
        XCTAssertEqual(mode(path) & 0o7777, 0o750)
    }

    /// The path-based form, for libraries that open the file themselves (libsndfile).
    func testAWriterThatNeedsAPathGetsATemporaryOneWithTheFinalMode() throws {
        let path = dir + "/audio.wav"
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertEqual(chmod(path, 0o640), 0)
        try AtomicFile.write(to: path) { temporary in
            XCTAssertNotEqual(temporary, path)
            XCTAssertEqual(self.mode(temporary) & 0o7777, 0o640, "the temporary file already has the final mode")
            try "new\n".write(toFile: temporary, atomically: false, encoding: .utf8)
        }
        XCTAssertEqual(read(path), "new\n")
        XCTAssertEqual(mode(path) & 0o7777, 0o640)
        XCTAssertEqual(leftovers(), [])
    }

    func testAFailingPathWriterLeavesTheOldFileAndNoTemporary() throws {
        struct Refused: Error {}
        let path = dir + "/audio.wav"
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try AtomicFile.write(to: path) { temporary in
            try "half".write(toFile: temporary, atomically: false, encoding: .utf8)
            throw Refused()
        }) { XCTAssertTrue($0 is Refused, "the writer's own error comes back: \($0)") }
        XCTAssertEqual(read(path), "old\n")
        XCTAssertEqual(leftovers(), [])
    }

    func testAFIFOIsRefusedAndLeftInPlace() {
        let path = dir + "/pipe"
        XCTAssertEqual(mkfifo(path, 0o644), 0)
        XCTAssertThrowsError(try AtomicFile.write("x", to: path)) { error in
            let e = error as? FileWriteError
            XCTAssertEqual(e?.kind, .notRegularFile)
            XCTAssertTrue(e?.description.contains("FIFO") ?? false, "\(error)")
        }
        XCTAssertEqual(mode(path) & S_IFMT, S_IFIFO)
        XCTAssertEqual(leftovers(), [])
    }

    func testAFolderIsRefused() {
        let path = dir + "/sub"
        XCTAssertEqual(mkdir(path, 0o755), 0)
        XCTAssertThrowsError(try AtomicFile.write("x", to: path)) { error in
            XCTAssertEqual((error as? FileWriteError)?.kind, .notRegularFile)
            XCTAssertTrue("\(error)".contains("is a folder"), "\(error)")
        }
    }

    func testADeviceNodeIsRefusedAndLeftInPlace() throws {
        guard geteuid() == 0 else { throw XCTSkip("creating a device node needs root") }
        let path = dir + "/null"
        // The same device numbers as /dev/null (major 1, minor 3; glibc encodes small numbers as major << 8 | minor).
        guard mknod(path, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0 else {
            throw XCTSkip("mknod refused here: \(String(cString: strerror(errno)))")
        }
        XCTAssertThrowsError(try AtomicFile.write("x", to: path)) { error in
            XCTAssertEqual((error as? FileWriteError)?.kind, .notRegularFile)
            XCTAssertTrue("\(error)".contains("character device"), "\(error)")
        }
        XCTAssertEqual(mode(path) & S_IFMT, S_IFCHR)
    }

    func testASymlinkToADeviceIsRefused() {
        let link = dir + "/out.txt"
        XCTAssertEqual(symlink("/dev/null", link), 0)
        XCTAssertThrowsError(try AtomicFile.write("x", to: link)) { error in
            XCTAssertEqual((error as? FileWriteError)?.kind, .notRegularFile)
            XCTAssertTrue("\(error)".contains("/dev/null"), "the message names where the link leads: \(error)")
        }
        XCTAssertEqual(mode(link) & S_IFMT, S_IFLNK)
    }

    func testAPathThatNamesNoFileIsRefused() {
        for path in ["", dir + "/"] {
            XCTAssertThrowsError(try AtomicFile.write("x", to: path)) { error in
                XCTAssertEqual((error as? FileWriteError)?.kind, .notRegularFile, "\(error)")
            }
        }
        XCTAssertEqual(leftovers(), [])
    }

    func testAMissingFolderIsNamed() {
        XCTAssertThrowsError(try AtomicFile.write("x", to: dir + "/no/such/file.txt")) { error in
            let e = error as? FileWriteError
            XCTAssertEqual(e?.kind, .noSuchFolder)
            XCTAssertTrue(e?.reason.contains(dir + "/no/such") ?? false, "\(error)")
        }
    }

    func testErrnoValuesBecomeSentences() {
        XCTAssertTrue(FileWriteError(path: "f", errno: ENOSPC, folder: ".").description.contains("no space left on device"))
        XCTAssertTrue(FileWriteError(path: "f", errno: EFBIG, folder: ".").description.contains("file size limit exceeded"))
        XCTAssertTrue(FileWriteError(path: "f", errno: EDQUOT, folder: ".").description.contains("quota"))
        XCTAssertEqual(FileWriteError(path: "f", errno: EROFS, folder: ".").kind, .readOnly)
    }

    /// A file-size limit (`ulimit -f`) below the new file's size: with SIGXFSZ ignored, as the trellis binary
    /// does at start-up, write(2) fails with EFBIG and the old file must survive whole.
    func testAFileSizeLimitKeepsTheOldFileAndSaysWhy() throws {
        let path = dir + "/m.txt"
        try AtomicFile.write("old\n", to: path)
        var saved = rlimit()
        XCTAssertEqual(getrlimit(RLIMIT_FSIZE_VALUE, &saved), 0)
        guard saved.rlim_max == rlim_t.max || saved.rlim_max > 4096 else { throw XCTSkip("hard size limit too low") }
        let previous = signal(SIGXFSZ, SIG_IGN)
        var limited = saved
        limited.rlim_cur = 1024
        XCTAssertEqual(setrlimit(RLIMIT_FSIZE_VALUE, &limited), 0)
        let result = Result { try AtomicFile.write([UInt8](repeating: 65, count: 10_000), to: path) }
        XCTAssertEqual(setrlimit(RLIMIT_FSIZE_VALUE, &saved), 0)
        signal(SIGXFSZ, previous)
        guard case .failure(let error) = result else { return XCTFail("a 10 kB write passed a 1 kB limit") }
        XCTAssertEqual((error as? FileWriteError)?.kind, .fileTooLarge)
        XCTAssertTrue("\(error)".contains("file size limit exceeded"), "\(error)")
        XCTAssertEqual(read(path), "old\n")
        XCTAssertEqual(leftovers(), [])
    }

    /// A full disk: a 64 kB tmpfs (needs root and permission to mount; skipped otherwise).
    func testAFullDiskKeepsTheOldFileAndSaysNoSpace() throws {
        guard geteuid() == 0 else { throw XCTSkip("mounting a small tmpfs needs root") }
        let mountPoint = dir + "/small"
        XCTAssertEqual(mkdir(mountPoint, 0o755), 0)
        guard mount("tmpfs", mountPoint, "tmpfs", 0, "size=64k") == 0 else {
            throw XCTSkip("cannot mount a tmpfs here: \(String(cString: strerror(errno)))")
        }
        defer { umount(mountPoint) }
        let path = mountPoint + "/figure.png"
        try AtomicFile.write("old\n", to: path)
        XCTAssertThrowsError(try AtomicFile.write([UInt8](repeating: 0, count: 256 * 1024), to: path)) { error in
            XCTAssertEqual((error as? FileWriteError)?.kind, .noSpace)
            XCTAssertTrue("\(error)".contains("no space left on device"), "\(error)")
        }
        XCTAssertEqual(read(path), "old\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mountPoint), ["figure.png"])
    }
}

#if canImport(Glibc)
// Glibc imports RLIMIT_FSIZE as an enum case of `__rlimit_resource`; getrlimit wants its raw value.
private let RLIMIT_FSIZE_VALUE = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
#else
private let RLIMIT_FSIZE_VALUE = RLIMIT_FSIZE
#endif
