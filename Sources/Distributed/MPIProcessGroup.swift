// MPIProcessGroup: `ProcessGroup` over Open MPI's MPI_COMM_WORLD. `start` initialises MPI once per process,
// switches the communicator to returned error codes (each becomes a DistributedError naming the operation and
// MPI's reason) and registers MPI_Finalize for exit. A rank that dies (killed, crashed) is noticed by mpirun,
// which ends the others with a message naming the rank and signal; a rank that fails in Trellis calls `abort`.
// Counts above Int32.max (MPI's `int` counts) go in chunks.
import CMPI
import Foundation

public struct MPIProcessGroup: ProcessGroup {
    public let rank: Int
    public let size: Int
    public let host: String

    /// Initialises MPI (the launcher must have started this process: see `Launch.detect`).
    public static func start() throws -> MPIProcessGroup {
        if trellis_mpi_initialized() == 0 {
            let rc = trellis_mpi_init()
            guard rc == MPI_SUCCESS else { throw DistributedError("MPI_Init failed: \(errorString(rc))") }
            atexit { trellis_mpi_finalize_at_exit() }
        }
        try check(trellis_mpi_errors_return(), "MPI_Comm_set_errhandler")
        var name = [CChar](repeating: 0, count: 256)
        _ = trellis_mpi_processor_name(&name, Int32(name.count))
        let host = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return MPIProcessGroup(rank: Int(trellis_mpi_rank()), size: Int(trellis_mpi_size()), host: host)
    }

    static func errorString(_ code: Int32) -> String {
        var text = [CChar](repeating: 0, count: 512)
        trellis_mpi_error_string(code, &text, Int32(text.count))
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func check(_ rc: Int32, _ operation: String) throws {
        guard rc == MPI_SUCCESS else { throw DistributedError("\(operation) failed: \(errorString(rc)) (error \(rc))") }
    }

    /// Runs `body(offset, count)` over 0..<n in pieces MPI's Int32 counts can hold.
    private func chunked(_ n: Int, _ body: (Int, Int32) throws -> Void) rethrows {
        let limit = Int(Int32.max / 2)
        var offset = 0
        repeat {
            let c = min(limit, n - offset)
            try body(offset, Int32(c))
            offset += c
        } while offset < n
    }

    public func allreduceSum(_ values: UnsafeMutableBufferPointer<Float>) throws {
        guard let base = values.baseAddress, values.count > 0 else { return }
        try chunked(values.count) { o, c in
            try Self.check(trellis_mpi_allreduce_sum_float(base + o, c), "MPI_Allreduce of \(values.count) gradient values")
        }
    }

    public func allreduceSum(_ values: inout [Double]) throws {
        let n = values.count
        try values.withUnsafeMutableBufferPointer { v in
            guard let base = v.baseAddress, n > 0 else { return }
            try chunked(n) { o, c in try Self.check(trellis_mpi_allreduce_sum_double(base + o, c), "MPI_Allreduce (sum)") }
        }
    }

    public func allreduceMax(_ values: inout [Int]) throws {
        var wide = values.map { CLongLong($0) }
        let n = wide.count
        try wide.withUnsafeMutableBufferPointer { v in
            guard let base = v.baseAddress, n > 0 else { return }
            try chunked(n) { o, c in try Self.check(trellis_mpi_allreduce_max_int64(base + o, c), "MPI_Allreduce (max)") }
        }
        values = wide.map { Int($0) }
    }

    public func broadcast(_ bytes: inout [UInt8], root: Int) throws {
        var count = [Int](repeating: 0, count: 1)
        if rank == root { count[0] = bytes.count }
        // The count travels first so receivers can size their buffers.
        try count.withUnsafeMutableBytes { c in
            try Self.check(trellis_mpi_bcast_bytes(c.baseAddress, Int32(c.count), Int32(root)), "MPI_Bcast (length)")
        }
        if rank != root { bytes = [UInt8](repeating: 0, count: count[0]) }
        let n = bytes.count
        try bytes.withUnsafeMutableBytes { b in
            guard let base = b.baseAddress, n > 0 else { return }
            try chunked(n) { o, c in try Self.check(trellis_mpi_bcast_bytes(base + o, c, Int32(root)), "MPI_Bcast of \(n) bytes") }
        }
    }

    public func broadcast(_ values: UnsafeMutableBufferPointer<Float>, root: Int) throws {
        guard let base = values.baseAddress, values.count > 0 else { return }
        let raw = UnsafeMutableRawPointer(base)
        try chunked(values.count * MemoryLayout<Float>.stride) { o, c in
            try Self.check(trellis_mpi_bcast_bytes(raw + o, c, Int32(root)), "MPI_Bcast of \(values.count) values")
        }
    }

    public func barrier() throws { try Self.check(trellis_mpi_barrier(), "MPI_Barrier") }

    public func abort(_ message: String, code: Int32) -> Never {
        let line = "rank \(rank) of \(size) (\(host)): \(message)"
        FileHandle.standardError.write(Data((line.hasSuffix("\n") ? line : line + "\n").utf8))
        _ = trellis_mpi_abort(code)
        exit(code)  // MPI_Abort does not return; this keeps the type honest if it ever does.
    }

    /// Seconds on MPI's clock (MPI_Wtime), for `bench allreduce`.
    public static func time() -> Double { trellis_mpi_wtime() }
}

/// The group this process belongs to: MPI's when a launcher started it, else a single process.
public func currentProcessGroup(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any ProcessGroup {
    guard Launch.detect(environment) != nil else { return SingleProcess() }
    return try MPIProcessGroup.start()
}
