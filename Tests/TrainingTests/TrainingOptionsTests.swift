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

    /// The augmentation options (issue 11) round-trip through run.json under their documented keys, a run.json
    /// written before they existed decodes with all of them off, and the trainer's pipeline follows them.
    func testAugmentationOptionsRoundTripAndOldRunFilesDecode() throws {
        var o = TrainingOptions.corrected(.lstm)
        o.timeMasks = 3; o.freqMasks = 2; o.timeMaskRatio = 0.05
        o.speedPerturb = [0.9, 1, 1.1]; o.noiseSNR = 10...30; o.noiseColor = .pink; o.reverb = 0.25
        o.features.stack = 2; o.model.nFeats = 2 * o.features.nMels
        XCTAssertNil(o.validationError())
        let data = try o.jsonData()
        XCTAssertEqual(try JSONDecoder().decode(TrainingOptions.self, from: data), o)
        let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        XCTAssertEqual(json["time_masks"] as? Int, 3)
        XCTAssertEqual(json["freq_masks"] as? Int, 2)
        XCTAssertEqual(json["time_mask_ratio"] as? Double, 0.05)
        XCTAssertEqual(json["speed_perturb"] as? [Double], [0.9, 1, 1.1])
        XCTAssertEqual(json["noise_snr"] as? [Double], [10, 30])
        XCTAssertEqual(json["noise_color"] as? String, "pink")
        XCTAssertEqual(json["reverb"] as? Double, 0.25)
        XCTAssertEqual((json["features"] as? [String: Any])?["stack"] as? Int, 2)

        let p = o.trainingPipeline
        XCTAssertEqual(p.specAugment, SpecAugment(timeMasks: 3, freqMasks: 2, timeMaskRatio: 0.05))
        XCTAssertEqual(p.speedFactors, [0.9, 1, 1.1])
        XCTAssertEqual(p.noiseSNR, 10...30)
        XCTAssertEqual(p.noiseColor, .pink)
        XCTAssertEqual(p.reverbProbability, 0.25)
        XCTAssertEqual(p.features.stack, 2)

        // A run.json from before the augmentations: none of the new keys.
        var old = try JSONSerialization.jsonObject(with: TrainingOptions.corrected(.lstm).jsonData()) as! [String: Any]
        for key in ["time_masks", "freq_masks", "time_mask_ratio", "speed_perturb", "noise_snr", "noise_color", "reverb"] {
            old.removeValue(forKey: key)
        }
        let decoded = try JSONDecoder().decode(TrainingOptions.self, from: JSONSerialization.data(withJSONObject: old))
        XCTAssertEqual(decoded, TrainingOptions.corrected(.lstm))
        XCTAssertEqual(decoded.trainingPipeline.specAugment, SpecAugment())
        XCTAssertEqual(decoded.trainingPipeline.speedFactors, [])
        XCTAssertNil(decoded.trainingPipeline.noiseSNR)
        XCTAssertEqual(decoded.trainingPipeline.reverbProbability, 0)
        XCTAssertEqual(decoded.features.stack, 1)
        // Augmenting without SpecAugment still augments; with nothing at all the loader is told not to.
        var none = TrainingOptions.corrected(.lstm)
        none.specAugment = false
        XCTAssertFalse(none.augments)
        none.reverb = 0.1
        XCTAssertTrue(none.augments)
    }

    func testAugmentationOptionsAreValidated() {
        func error(_ change: (inout TrainingOptions) -> Void) -> String? {
            var o = TrainingOptions.corrected(.dnn)
            change(&o)
            return o.validationError()
        }
        XCTAssertEqual(error { $0.timeMasks = 21 }, "--time-masks must be between 0 and 20 (got 21)")
        XCTAssertEqual(error { $0.timeMaskRatio = 0 }, "--time-mask-ratio must be in (0, 1] (got 0.0)")
        XCTAssertEqual(error { $0.speedPerturb = [1, 3] }, "--speed-perturb factors must be between 0.5 and 2 (got 3.0)")
        XCTAssertEqual(error { $0.reverb = 1.5 }, "--reverb is a probability, between 0 and 1 (got 1.5)")
        XCTAssertEqual(error { $0.features.stack = 2 },
                       "the features have 128 mel bins × 2 stacked frames = 256 values per frame but the model reads 128")
        XCTAssertNil(error { $0.features.stack = 2; $0.model.nFeats = 256 })
    }
}
