// SplitMix64 must match the reference C implementation (Vigna's splitmix64.c) bit for bit: tools/golden_ctc.py
// and the documented random matrix re-implement it in other languages.
import XCTest
@testable import Base

final class SplitMix64Tests: XCTestCase {
    func testMatchesTheReferenceSequenceForSeedZero() {
        // splitmix64.c with x = 0: the first three outputs.
        var rng = SplitMix64(seed: 0)
        XCTAssertEqual(rng.next(), 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(rng.next(), 0x6E78_9E6A_A1B9_65F4)
        XCTAssertEqual(rng.next(), 0x06C4_5D18_8009_454F)
    }

    func testUnitValuesStayInTheHalfOpenInterval() {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<10_000 {
            let u = rng.nextUnit()
            XCTAssertTrue(u >= 0 && u < 1)
        }
    }
}
