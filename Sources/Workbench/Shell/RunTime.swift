// `.timer on`: how long a command took, in sqlite3's words ("Run Time: real 0.012 user 0.010000 sys
// 0.001000") — wall clock from a monotonic clock, CPU from getrusage (all threads of the process).
import Foundation

public struct RunTime: Equatable {
    public var real: Double
    public var user: Double
    public var system: Double

    public init(real: Double, user: Double, system: Double) {
        self.real = real
        self.user = user
        self.system = system
    }

    /// The line `.timer on` prints after a command.
    public var line: String {
        String(format: "Run Time: real %.3f user %.6f sys %.6f", real, user, system)
    }

    /// Now, as a starting point: `RunTime.now().elapsed(since: start)` is what happened in between.
    static func now() -> RunTime {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return RunTime(real: Double(DispatchTime.now().uptimeNanoseconds) / 1e9,
                       user: seconds(usage.ru_utime), system: seconds(usage.ru_stime))
    }

    func elapsed(since start: RunTime) -> RunTime {
        RunTime(real: real - start.real, user: user - start.user, system: system - start.system)
    }
}
