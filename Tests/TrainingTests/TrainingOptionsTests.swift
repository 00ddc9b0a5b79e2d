// run.json: the training options, with the features as one FeatureSpec; run folders written before that (with
// `log_mel` and `normalize` beside the other options) still resume with the same features.
import Audio
import Foundation
import Models
import XCTest
@testable import Training

final class TrainingOptionsTests: XCTestCase {
    func testRoundTripAndLegacyRunFiles() throws {
        let o = TrainingOptions.corrected(.bilstm)
        let data = try o.jsonData()
        XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: data), o)

        var legacy = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        legacy.removeValue(forKey: "features")
        legacy["log_mel"] = true
        legacy["normalize"] = true
        let old = try JSONDecoder().decode(TrainingOptions.self, from: JSONSerialization.data(withJSONObject: legacy))
        XCTAssertEqual(old, o)
        XCTAssertEqual(old.features, FeatureSpec(nMels: 128, logMel: true, normalize: true))
    }

    func testFeaturesMustFitTheModel() {
        var o = TrainingOptions.notebook(.dnn)
        XCTAssertNil(o.validationError())
        o.features.nMels = 64
        XCTAssertEqual(o.validationError(), "the features have 64 mel bins but the model reads 128")
    }
}
