// AtomicFile: the one way Trellis writes a whole file. The bytes go to a temporary file in the target's folder,
// are flushed to disk, and the temporary file is renamed over the target, so a reader, a crash or a SIGKILL
// sees either the old file or the whole new one, and a full disk or a file-size limit leaves the old file as
// it was. Renaming over a path replaces whatever the path names, so the target is checked first:
//   - a symlink is followed to its target (the link stays a link, the file it names gets the new bytes);
//   - an existing regular file keeps its permission bits (and its owner, where the process may set it);
//   - a device node, FIFO, socket or folder is refused with a sentence saying what it is.
// A file with several hard links gets a new inode at its own name; its other names keep the old bytes.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Why a file could not be written. `description` is one sentence a user can act on; `kind` is for tests and
/// callers that react to a particular cause.
public struct FileWriteError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case noSpace            // ENOSPC
        case fileTooLarge       // EFBIG: `ulimit -f` (SIGXFSZ ignored) or the file system's maximum
        case quotaExceeded      // EDQUOT
        case permissionDenied   // EACCES, EPERM
        case noSuchFolder       // ENOENT, ENOTDIR on the folder
        case readOnly           // EROFS
        case notRegularFile     // a device node, FIFO, socket or folder at the path
        case tooManySymlinks    // a symlink loop
        case other(Int32)       // any other errno
    }

    public let path: String
    public let kind: Kind
    public let reason: String
    public var description: String { "\(path): \(reason)" }

    public init(path: String, kind: Kind, reason: String) {
        self.path = path
        self.kind = kind
        self.reason = reason
    }

    /// The error for `errno` value `code` while writing `path`; `folder` names where the file was being created.
    public init(path: String, errno code: Int32, folder: String) {
        let old = " (the previous file, if any, is unchanged)"
        switch code {
        case ENOSPC: self.init(path: path, kind: .noSpace, reason: "no space left on device" + old)
        case EFBIG: self.init(path: path, kind: .fileTooLarge, reason: "file size limit exceeded (see `ulimit -f`)" + old)
        case EDQUOT: self.init(path: path, kind: .quotaExceeded, reason: "disk quota exceeded" + old)
        case EACCES, EPERM: self.init(path: path, kind: .permissionDenied, reason: "permission denied: cannot write in the folder \(folder)")
        case ENOENT: self.init(path: path, kind: .noSuchFolder, reason: "the folder \(folder) does not exist")
        case ENOTDIR: self.init(path: path, kind: .noSuchFolder, reason: "\(folder) is not a folder")
        case EROFS: self.init(path: path, kind: .readOnly, reason: "the file system is read-only")
        case ELOOP: self.init(path: path, kind: .tooManySymlinks, reason: "too many levels of symbolic links")
        default: self.init(path: path, kind: .other(code), reason: String(cString: strerror(code)))
        }
    }
}

public enum AtomicFile {
    /// Temporary files are named `.NAME.tmp-PID-RANDOM` beside their target; a run folder's clean-up removes
    /// names for which this is true (they never hold the only copy of anything).
    public static func isTemporaryName(_ name: String) -> Bool { name.hasPrefix(".") && name.contains(".tmp-") }

    public static func write(_ bytes: [UInt8], to path: String) throws(FileWriteError) {
        let temporary = try Temporary(for: path)
        try temporary.commit(failure: writeAll(bytes, to: temporary.fd))
    }

    /// For writers that must open a path themselves (libsndfile): `body` writes the whole file at the temporary
    /// path it is given (created empty, already with the final mode; open it for writing, do not recreate it),
    /// which then replaces `path` as `write(_:to:)` does. An error from `body` leaves `path` untouched and is
    /// rethrown as it is.
    public static func write(to path: String, by body: (_ temporaryPath: String) throws -> Void) throws {
        let temporary = try Temporary(for: path)
        do { try body(temporary.path) } catch {
            temporary.abandon()
            throw error
        }
        try temporary.commit(failure: 0)
    }

    /// The temporary file beside the target, open for writing, with the target's mode and owner when it exists.
    private struct Temporary {
        let requested: String, target: String, folder: String, path: String
        let fd: Int32

        init(for requested: String) throws(FileWriteError) {
            self.requested = requested
            target = try AtomicFile.resolvedTarget(of: requested)
            let existing = try AtomicFile.existingRegularFile(target, named: requested)
            folder = AtomicFile.directoryName(of: target)
            path = folder + "/." + AtomicFile.baseName(of: target) + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            guard fd >= 0 else { throw FileWriteError(path: requested, errno: errno, folder: folder) }
            if let existing {
                // Before any byte is written, so a mode-600 file's contents are never readable by others.
                var failure: Int32 = 0
                if fchmod(fd, existing.st_mode & 0o7777) != 0 { failure = errno }
                if existing.st_uid != geteuid() || existing.st_gid != getegid() { _ = fchown(fd, existing.st_uid, existing.st_gid) }
                guard failure == 0 else {
                    abandon()
                    throw FileWriteError(path: requested, errno: failure, folder: folder)
                }
            }
        }

        func abandon() {
            close(fd)
            unlink(path)
        }

        /// Syncs the bytes (written through `fd` or by another opener of `path`), renames over the target and
        /// syncs the folder; on any failure removes the temporary file and throws.
        func commit(failure earlier: Int32) throws(FileWriteError) {
            var failure = earlier
            if failure == 0, fsync(fd) != 0 { failure = errno }
            if close(fd) != 0, failure == 0 { failure = errno }
            if failure == 0, rename(path, target) != 0 { failure = errno }
            guard failure == 0 else {
                unlink(path)
                throw FileWriteError(path: requested, errno: failure, folder: folder)
            }
            // Make the rename itself durable.
            let dfd = open(folder, O_RDONLY | O_CLOEXEC)
            if dfd >= 0 { _ = fsync(dfd); close(dfd) }
        }
    }

    public static func write(_ text: String, to path: String) throws(FileWriteError) {
        try write(Array(text.utf8), to: path)
    }

    public static func write(_ bytes: [UInt8], to url: URL) throws(FileWriteError) {
        try write(bytes, to: url.path)
    }

    public static func write(_ text: String, to url: URL) throws(FileWriteError) {
        try write(Array(text.utf8), to: url.path)
    }

    /// The path the bytes will land at: `path` itself, or the file its symlink chain ends at (which need not
    /// exist yet).
    public static func resolvedTarget(of path: String) throws(FileWriteError) -> String {
        guard !path.isEmpty, !path.hasSuffix("/") else {
            throw FileWriteError(path: path, kind: .notRegularFile, reason: "is not a file name (it is empty or ends with '/')")
        }
        var current = path
        for _ in 0..<40 {
            var st = stat()
            guard lstat(current, &st) == 0, st.st_mode & S_IFMT == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n >= 0 else { throw FileWriteError(path: path, errno: errno, folder: directoryName(of: current)) }
            let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = link.hasPrefix("/") ? link : directoryName(of: current) + "/" + link
        }
        throw FileWriteError(path: path, errno: ELOOP, folder: directoryName(of: path))
    }

    /// The stat of the regular file at `target`, nil when nothing is there, an error for anything else.
    private static func existingRegularFile(_ target: String, named path: String) throws(FileWriteError) -> stat? {
        var st = stat()
        guard stat(target, &st) == 0 else {
            let code = errno
            if code == ENOENT { return nil }
            throw FileWriteError(path: path, errno: code, folder: directoryName(of: target))
        }
        let what: String
        switch st.st_mode & S_IFMT {
        case S_IFREG: return st
        case S_IFDIR: what = "a folder"
        case S_IFCHR: what = "a character device"
        case S_IFBLK: what = "a block device"
        case S_IFIFO: what = "a FIFO (named pipe)"
        case S_IFSOCK: what = "a socket"
        default: what = "not a regular file"
        }
        let named = target == path ? "" : " (\(target))"
        throw FileWriteError(path: path, kind: .notRegularFile,
                             reason: "is \(what)\(named); Trellis writes only regular files, choose a file name instead")
    }

    /// 0, or the errno of the first failed write. A short write is retried, so a size limit that allows some
    /// bytes still reports EFBIG on the next call.
    private static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Int32 {
        bytes.withUnsafeBytes { raw -> Int32 in
            guard let base = raw.baseAddress else { return 0 }
            var written = 0
            while written < raw.count {
                #if canImport(Glibc)
                let r = Glibc.write(fd, base + written, raw.count - written)
                #else
                let r = Darwin.write(fd, base + written, raw.count - written)
                #endif
                if r < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if r == 0 { return EIO }
                written += r
            }
            return 0
        }
    }

    static func directoryName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    static func baseName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
