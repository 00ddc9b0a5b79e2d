// Fuzz target: `np.savetxt` matrices as `probs load` reads them — the table, then as log-probabilities and as
// probabilities. The reader is called in this one file so it can be re-pointed when it moves.
import Base
import CTC
import FuzzSupport
@testable import Workbench

@main enum FuzzSavetxt {
    static func main() {
        Fuzz.run { bytes in
            let path = Fuzz.write(bytes, to: "matrix.txt")
            guard let table = try? SaveText.read(path) else { return }
            _ = try? LogProbabilities(frames: table.rows, classes: table.columns, logValues: table.values)
            _ = try? LogProbabilities(frames: table.rows, classes: table.columns, probabilities: table.values)
        }
    }
}
