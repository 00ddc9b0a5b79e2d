// ProcessGroup: the processes of one data-parallel job and the collectives a training step needs. Every rank must
// call the same collectives in the same order with the same counts (MPI's rule); a rank that cannot go on must
// `abort`, never return early, or the others would wait forever.
import Foundation
public struct DistributedError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

public protocol ProcessGroup: Sendable {
    /// 0-based; rank 0 is the one that reads and writes the run folder and talks to the user.
    var rank: Int { get }
    var size: Int { get }
    /// The host this rank runs on (MPI_Get_processor_name), for messages.
    var host: String { get }

    /// values ← the element-wise sum of every rank's values (in place, same count on every rank).
    func allreduceSum(_ values: UnsafeMutableBufferPointer<Float>) throws
    func allreduceSum(_ values: inout [Double]) throws
    /// values ← the element-wise maximum over the ranks.
    func allreduceMax(_ values: inout [Int]) throws
    /// Every rank receives root's bytes (their count too: receivers' arrays are resized).
    func broadcast(_ bytes: inout [UInt8], root: Int) throws
    /// Every rank receives root's values; the count must already agree.
    func broadcast(_ values: UnsafeMutableBufferPointer<Float>, root: Int) throws
    func barrier() throws
    /// Ends every process of the job with `message` (printed by this rank) and exit status `code`.
    func abort(_ message: String, code: Int32) -> Never
}

extension ProcessGroup {
    public var isRoot: Bool { rank == 0 }

    /// The data-parallel gradient reduction: sum over the ranks, then multiply by `scale` (1/N for a mean, or
    /// 1/(global batch) when each rank summed its utterances' gradients).
    public func allreduceSum(_ values: UnsafeMutableBufferPointer<Float>, thenScaleBy scale: Float) throws {
        try allreduceSum(values)
        if scale != 1 { for i in values.indices { values[i] *= scale } }
    }

    public func allreduceSum(_ values: inout [Float]) throws {
        try values.withUnsafeMutableBufferPointer { try allreduceSum($0) }
    }

    public func broadcast(_ values: inout [Float], root: Int) throws {
        try values.withUnsafeMutableBufferPointer { try broadcast($0, root: root) }
    }
}

/// One process: every collective is the identity.
public struct SingleProcess: ProcessGroup {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public var host: String { "localhost" }
    public func allreduceSum(_ values: UnsafeMutableBufferPointer<Float>) throws {}
    public func allreduceSum(_ values: inout [Double]) throws {}
    public func allreduceMax(_ values: inout [Int]) throws {}
    public func broadcast(_ bytes: inout [UInt8], root: Int) throws {}
    public func broadcast(_ values: UnsafeMutableBufferPointer<Float>, root: Int) throws {}
    public func barrier() throws {}
    public func abort(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
        exit(code)
    }
}
