// The parallel loop: chunks and splits cover every index exactly once, never use more workers than given,
// and one worker runs inline.
import Foundation
import XCTest
@testable import Base

final class ParallelTests: XCTestCase {
    /// Runs `split` and records (worker, range) pairs.
    private func pieces(_ workers: Workers, chunksOf n: Int, min: Int) -> [Range<Int>] {
        let lock = NSLock()
        var seen: [Range<Int>] = []
        workers.chunks(n, minPerChunk: min) { r in lock.lock(); seen.append(r); lock.unlock() }
        return seen.sorted { $0.lowerBound < $1.lowerBound }
    }

    func testChunksCoverEveryIndexOnceAndRespectTheWorkerCount() {
        for (w, n, m) in [(1, 10, 1), (3, 10, 1), (4, 3, 1), (8, 1000, 100), (2, 100, 1000), (5, 0, 1)] {
            let p = pieces(Workers(w), chunksOf: n, min: m)
            XCTAssertLessThanOrEqual(p.count, w)
            XCTAssertLessThanOrEqual(p.count, max(1, n / m))
            XCTAssertEqual(p.flatMap { Array($0) }, Array(0..<n), "workers \(w), n \(n)")
        }
    }

    func testSplitGivesEachWorkerAContiguousShare() {
        let lock = NSLock()
        var shares: [Int: Range<Int>] = [:]
        Workers(3).split(10) { w, r in lock.lock(); shares[w] = r; lock.unlock() }
        XCTAssertEqual(shares, [0: 0..<3, 1: 3..<6, 2: 6..<10])
    }

    func testOneWorkerRunsInlineAndCountsBelowOneMeanOne() {
        XCTAssertEqual(Workers(0), Workers.serial)
        XCTAssertEqual(Workers(-3).count, 1)
        let caller = Thread.current
        var sameThread = false
        Workers.serial.chunks(1 << 20) { _ in sameThread = Thread.current == caller }
        XCTAssertTrue(sameThread)
        XCTAssertGreaterThanOrEqual(Workers.available.count, 1)
    }
}
