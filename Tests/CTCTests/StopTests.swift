// The long CTC loops poll a `shouldStop` closure once per frame (the shell passes its Ctrl-C flag; the CTC module
// cannot see the shell). Before, `viterbi`, `forward`, `align` and `beam` ran to the end whatever the user pressed.
import XCTest
@testable import CTC

final class StopTests: XCTestCase {
    private let m = RandomProbabilities.logProbabilities(frames: 40, seed: 3, peaky: 2)
    private let labels = [21, 9, 6, 1, 4, 2, 21]        // "the cat"

    /// A closure that says "stop" from its `after`-th call on, and counts its calls.
    private final class StopAfter: @unchecked Sendable {
        var calls = 0
        let after: Int
        init(_ after: Int) { self.after = after }
        func callAsFunction() -> Bool { calls += 1; return calls >= after }
    }

    func testTrellisStopsWithStoppedAndIsPolledPerFrame() throws {
        let stop = StopAfter(5)
        XCTAssertThrowsError(try CTCTrellis(m, labels: labels, shouldStop: { stop() })) { error in
            XCTAssertEqual(error as? CTCError, .stopped)
        }
        XCTAssertLessThanOrEqual(stop.calls, 7, "stopped after a few of the 40 frames, not at the end")
        let never = StopAfter(Int.max)
        let polled = try CTCTrellis(m, labels: labels, shouldStop: { never() })
        XCTAssertGreaterThanOrEqual(never.calls, 2 * (m.frames - 1), "once per frame in each pass")
        XCTAssertEqual(polled.alpha, try CTCTrellis(m, labels: labels).alpha, "polling changes no number")
    }

    func testViterbiAndSoftAlignmentStop() throws {
        let trellis = try CTCTrellis(m, labels: labels)
        XCTAssertNotNil(trellis.viterbi(shouldStop: { false }))
        XCTAssertNil(trellis.viterbi(shouldStop: { true }))
        let full = trellis.softAlignment(), stopped = trellis.softAlignment(shouldStop: { true })
        XCTAssertEqual(trellis.softAlignment(shouldStop: { false }).posteriors, full.posteriors)
        XCTAssertEqual(stopped.posteriors.reduce(0, +), 0, "stopped before the first frame: nothing filled in")
    }

    func testBeamSearchStopsAndBoundsItsBeam() throws {
        XCTAssertThrowsError(try PrefixBeamSearch.decode(m, shouldStop: { true })) { XCTAssertEqual($0 as? CTCError, .stopped) }
        XCTAssertEqual(try PrefixBeamSearch.decode(m, shouldStop: { false }).best, try PrefixBeamSearch.decode(m).best)
        var options = BeamSearchOptions()
        options.beamSize = BeamSearchOptions.maxBeamSize + 1
        XCTAssertThrowsError(try PrefixBeamSearch.decode(m, options: options))
        options.beamSize = 5
        options.alpha = .nan
        XCTAssertThrowsError(try PrefixBeamSearch.decode(m, options: options)) { XCTAssertTrue("\($0)".contains("finite"), "\($0)") }
    }
}
