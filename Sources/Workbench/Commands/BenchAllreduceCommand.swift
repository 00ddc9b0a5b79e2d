// `bench allreduce`: the gradient allreduce of data-parallel training, timed and checked across the ranks mpirun
// started (`mpirun -np N trellis bench allreduce`; alone it is one process and the allreduce is a no-op). Rank 0
// prints; the latency and bandwidth fit feed docs/scaling.md's model.
import ArgumentParser
import Distributed
import Foundation

struct BenchAllreduce: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "allreduce",
        abstract: "Time and check the float-sum allreduce across the processes mpirun started (mpirun -np N trellis bench allreduce).",
        discussion: "Median and best of --reps per size, the bandwidths, and a latency + bandwidth fit. Run under mpirun with a hostfile to measure a cluster's network; rank 0 prints."
    )

    @Option(parsing: .upToNextOption, help: "Buffer sizes in floats.")
    var sizes: [Int] = [1, 1024, 65_536, 1_048_576, 8_388_608]

    @Option(help: "Timed repetitions per size.")
    var reps: Int = 10

    @Flag(help: "Print one JSON object.")
    var json = false

    mutating func run(session: inout Session) throws {
        guard reps >= 1, !sizes.isEmpty, sizes.allSatisfy({ $0 >= 1 && $0 <= 1 << 30 }) else {
            throw WorkbenchError("--reps must be ≥ 1 and every --sizes value between 1 and 2^30 floats")
        }
        let group: any ProcessGroup
        do { group = try currentProcessGroup() } catch { throw WorkbenchError("\(error)") }
        let report: AllreduceReport
        do { report = try AllreduceBenchmark.run(group: group, sizes: sizes, repetitions: reps) } catch {
            group.abort("error: \(error)", code: 1)
        }
        guard group.isRoot else { return }
        if !report.correct { throw WorkbenchError("allreduce returned wrong sums on some rank") }
        if json { try printJSON(report); return }
        Console.out("\(report.ranks) process(es)\(report.ranks == 1 ? " (not launched by mpirun: the allreduce does nothing)" : "")")
        for t in report.timings {
            Console.out(String(format: "%10d floats  median %9.3f ms  best %9.3f ms  %7.2f GB/s  bus %7.2f GB/s",
                               t.floats, t.medianMs, t.bestMs, t.algorithmGBPerS, t.busGBPerS))
        }
        Console.out(String(format: "fit: latency %.1f µs, %.2f GB/s", report.latencyUs, report.gbPerS))
    }
}
