// Session slice owned by the CTC commands: the current T×K log-probability matrix, the transcript
// labels, the loaded language model and the cursor of the frame-by-frame forward stepper.
import CTC
import LanguageModel

public struct CTCState {
    /// The current matrix, natural-log probabilities, frame-major (T rows, K classes).
    public var matrix: LogProbabilities? { didSet { secondsPerFrame = nil } }
    /// The time between the matrix's frames when its maker knows it (`probs from`: the model's feature hop × its
    /// time stride); a new matrix clears it, so set it after the matrix. Used by `plot ... --x-unit seconds`.
    public var secondsPerFrame: Double?
    /// Where the matrix came from ("random T=50 seed 1", a file path), for messages.
    public var matrixSource = ""
    /// The transcript's class indices (no blanks) and its text.
    public var labels: [Int]?
    public var text: String?
    /// The language model loaded with `lm load` (or `beam --lm`), reused by later commands.
    public var languageModel: ARPAModel?
    /// `step`'s forward recursion in progress (nil until the first `step`; reset by new probs or text).
    public var stepper: ForwardStepper?

    public init() {}

    func requireMatrix() throws -> LogProbabilities {
        guard let matrix else {
            throw WorkbenchError("no probabilities yet: run 'probs random T' or 'probs load FILE' first")
        }
        return matrix
    }

    func requireLabels() throws -> [Int] {
        guard let labels else { throw WorkbenchError("no transcript yet: run 'text \"...\"' first") }
        return labels
    }

    /// The trellis of the current matrix and transcript.
    func trellis() throws -> CTCTrellis {
        let m = try requireMatrix()
        let labels = try requireLabels()
        do {
            return try CTCTrellis(m, labels: labels)
        } catch {
            throw WorkbenchError("cannot build the trellis: \(error) (the matrix has \(m.classes) classes)")
        }
    }

    func requireLanguageModel() throws -> ARPAModel {
        guard let languageModel else { throw WorkbenchError("no language model loaded: run 'lm load FILE.arpa[.gz]' first") }
        return languageModel
    }
}
