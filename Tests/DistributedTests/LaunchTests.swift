// Launch detection from made-up environments (the oracle: what Open MPI's mpirun and Slurm's srun set), and the
// one-process group's collectives being the identity.
import Distributed
import XCTest

final class LaunchTests: XCTestCase {
    func testAPlainProcessIsNotAnMPILaunch() {
        XCTAssertNil(Launch.detect([:]))
        XCTAssertNil(Launch.detect(["PATH": "/usr/bin", "OMPI_COMM_WORLD_SIZE": "not a number"]))
    }

    func testMpirunsVariablesGiveRankAndSize() {
        XCTAssertEqual(Launch.detect(["OMPI_COMM_WORLD_SIZE": "4", "OMPI_COMM_WORLD_RANK": "3"]), Launch(rank: 3, size: 4))
        XCTAssertEqual(Launch.detect(["PMIX_RANK": "2"]), Launch(rank: 2, size: nil))
    }

    func testOneProcessCollectivesLeaveValuesAlone() throws {
        let g = SingleProcess()
        var f: [Float] = [1, 2, 3]
        try f.withUnsafeMutableBufferPointer { try g.allreduceSum($0, thenScaleBy: 0.5) }
        XCTAssertEqual(f, [0.5, 1, 1.5])
        var d: [Double] = [4]
        try g.allreduceSum(&d)
        XCTAssertEqual(d, [4])
        var bytes: [UInt8] = [7, 8]
        try g.broadcast(&bytes, root: 0)
        XCTAssertEqual(bytes, [7, 8])
        XCTAssertTrue(g.isRoot)
    }
}
