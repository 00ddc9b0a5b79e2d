// The progress line's arithmetic: the ETA is the pace so far times the work left, times print as mm:ss or h:mm:ss,
// and the bar fills in proportion. (That it stays off standard error unless it is a terminal is checked through the
// binary, in WorkbenchTests' JSONContractTests.)
import XCTest
@testable import Base

final class ProgressBarTests: XCTestCase {
    func testETAIsThePaceSoFarTimesTheWorkLeft() {
        // 30 of 120 steps in 60 s: 2 s a step, 90 steps left.
        XCTAssertEqual(ProgressBar.eta(done: 30, total: 120, elapsed: 60), 180)
        XCTAssertEqual(ProgressBar.eta(done: 120, total: 120, elapsed: 60), 0)
        XCTAssertTrue(ProgressBar.eta(done: 0, total: 120, elapsed: 5).isNaN)   // no pace yet
    }

    func testTimesPrintAsClockTimes() {
        XCTAssertEqual(ProgressBar.format(seconds: 0), "00:00")
        XCTAssertEqual(ProgressBar.format(seconds: 59.6), "01:00")
        XCTAssertEqual(ProgressBar.format(seconds: 3599), "59:59")
        XCTAssertEqual(ProgressBar.format(seconds: 3725), "1:02:05")
        XCTAssertEqual(ProgressBar.format(seconds: .nan), "--:--")
        XCTAssertEqual(ProgressBar.format(seconds: -1), "--:--")
    }

    func testTheLine() {
        let line = ProgressBar.line(label: "train", done: 30, total: 120, elapsed: 60, detail: "epoch 1/4", width: 8)
        XCTAssertEqual(line, "train ██······ 30/120 01:00 ETA 03:00 epoch 1/4")
        XCTAssertEqual(ProgressBar.line(label: "eval", done: 0, total: 5, elapsed: 1, width: 4), "eval ···· 0/5 00:01 ETA --:--")
        XCTAssertEqual(ProgressBar.line(label: "eval", done: 5, total: 5, elapsed: 10, width: 4), "eval ████ 5/5 00:10 ETA 00:00")
    }

    func testTheTotalIsAtLeastOne() {
        var bar = ProgressBar(total: 0, label: "x", enabled: false)
        XCTAssertEqual(bar.total, 1)
        bar.total = 40
        XCTAssertEqual(bar.total, 40)
        bar.total = -3
        XCTAssertEqual(bar.total, 1)
    }
}
