// RunLock: one training process per run folder. Two processes training the same run (a `--resume` while the
// first still runs) would interleave checkpoints and metrics lines; the second one is refused instead, told who
// holds the run. The lock is flock(2) on RUN_DIR/lock: the kernel drops it when the holder exits, however it
// exits (SIGKILL included), so a killed run never leaves a stale lock behind. The file itself stays and records
// the last holder (pid, host, start time) for the message.
import Foundation

#if canImport(Glibc)
import Glibc
#endif

public struct RunLockHolder: Codable, Equatable, Sendable {
    public var pid: Int32
    public var host: String
    public var started: String      // ISO 8601, UTC
}

/// Held while the value lives; `release()` (or deinit) closes the descriptor, which drops the lock.
public final class RunLock {
    private var fd: Int32
    public let holder: RunLockHolder

    private init(fd: Int32, holder: RunLockHolder) { self.fd = fd; self.holder = holder }
    deinit { release() }

    public func release() {
        if fd >= 0 { close(fd); fd = -1 }
    }

    /// Locks `run` (whose folder must exist) or throws, naming the process that holds it.
    public static func acquire(_ run: RunFolder) throws -> RunLock {
        let path = run.lockFile.path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RunFolderError("cannot open \(path) to lock the run: \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            let recorded = readHolder(fd)
            close(fd)
            guard busy else { throw RunFolderError("cannot lock \(path): \(reason)") }
            guard let h = recorded else {
                throw RunFolderError("\(run.url.path) is in use by another trellis process (it holds \(path)); wait for it to finish or stop it first")
            }
            throw RunFolderError("\(run.url.path) is in use: trellis process \(h.pid) on \(h.host) has been training it since \(h.started); wait for it to finish or stop it (Ctrl-C in its terminal, or kill \(h.pid)) before training this run again")
        }
        let holder = RunLockHolder(pid: getpid(), host: hostName(),
                                   started: ISO8601DateFormatter().string(from: Date()))
        var text = (try? JSONEncoder().encode(holder)) ?? Data()
        text.append(0x0A)
        // Only the holder writes, and only after locking; a reader sees the old or the new record.
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress!, $0.count, 0) }
        return RunLock(fd: fd, holder: holder)
    }

    /// gethostname(2) itself: Foundation's hostName may ask a name server, which an offline machine makes wait.
    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "this host" }
        return String(cString: buffer)
    }

    private static func readHolder(_ fd: Int32) -> RunLockHolder? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, 0) }
        guard n > 0 else { return nil }
        return try? JSONDecoder().decode(RunLockHolder.self, from: Data(buffer[0..<n]))
    }
}
