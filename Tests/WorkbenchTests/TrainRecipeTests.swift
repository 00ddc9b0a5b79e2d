// `train`'s options resolved into a recipe without training: the corrected recipe starts the classifier's blank
// bias at 3 (the plateau study in docs/training.md), `--blank-bias none` gives back PyTorch's initialisation, and the
// notebook's recipe and the projection head have no blank bias to start.
import ArgumentParser
import XCTest
@testable import Training
@testable import Workbench

final class TrainRecipeTests: XCTestCase {
    func options(_ args: [String]) throws -> TrainingOptions {
        try Train.parse(["--data", "d", "--out", "o"] + args).options()
    }

    func testTheCorrectedRecipeStartsTheBlankBiasAtThree() throws {
        for kind in ["dnn", "lstm", "bilstm"] {
            XCTAssertEqual(try options(["--model", kind]).blankBias, 3, kind)
        }
        XCTAssertEqual(try options(["--blank-bias", "1.5"]).blankBias, 1.5)
        XCTAssertEqual(try options(["--blank-bias=-2"]).blankBias, -2)  // the shell joins `--blank-bias -2` this way
    }

    func testNoneTheNotebookAndTheProjectionHeadKeepPyTorchsInitialisation() throws {
        XCTAssertNil(try options(["--blank-bias", "none"]).blankBias)
        XCTAssertNil(try options(["--seed-faithful"]).blankBias)
        XCTAssertNil(try options(["--model", "lstm", "--head", "proj", "--rnn-dim", "32"]).blankBias)
        // Asked for explicitly, the projection head still refuses it (it has no classifier bias).
        XCTAssertThrowsError(try options(["--model", "lstm", "--head", "proj", "--rnn-dim", "32", "--blank-bias", "3"]))
    }

    func testABadValueSaysWhatIsAccepted() {
        XCTAssertThrowsError(try Train.parse(["--data", "d", "--out", "o", "--blank-bias", "blank"])) { error in
            XCTAssertTrue(Train.message(for: error).contains("'blank' is neither a number nor 'none'"), Train.message(for: error))
        }
    }

    /// Run folders written before the default changed have no `blank_bias` key: they resume with PyTorch's
    /// initialisation, as they started.
    func testOldRunFilesKeepTheirInitialisation() throws {
        var o = TrainingOptions.corrected(.bilstm)
        o.blankBias = nil
        var json = try JSONSerialization.jsonObject(with: o.jsonData()) as! [String: Any]
        XCTAssertNil(json["blank_bias"])
        json.removeValue(forKey: "blank_bias")
        let old = try JSONDecoder().decode(TrainingOptions.self, from: JSONSerialization.data(withJSONObject: json))
        XCTAssertNil(old.blankBias)
    }
}
