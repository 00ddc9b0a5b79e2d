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
    /// What the matrix's classes mean: the notebook's 29 characters, unless `probs from` ran a subword model.
    /// `text` encodes with it; every trellis, decoder and figure reads its blank and symbols from it.
    public var labelSet: LabelSet = .characters
    /// The transcript's class indices (no blanks) and its text.
    public var labels: [Int]?
    public var text: String?
    /// The language model loaded with `lm load` (or `beam --lm`), reused by later commands.
    public var languageModel: ARPAModel?
    /// `step`'s forward recursion in progress (nil until the first `step`; reset by new probs or text).
    public var stepper: ForwardStepper?

    public init() {}

    /// The matrix for the commands that read its columns as the label set's classes (forward, backward, align,
    /// viterbi, step, greedy, beam, plots of the trellis): checked here once to have exactly
    /// `labelSet.classCount` columns, so none of them reads the blank (the last column) from the next row.
    func requireMatrix() throws -> LogProbabilities {
        let m = try requireAnyMatrix()
        if labelSet.kind != .characters {
            guard m.classes == labelSet.classCount else {
                throw WorkbenchError("the matrix (\(matrixSource)) has \(m.classes) classes, but the session's label set is \(labelSet.summary)")
            }
            return m
        }
        guard m.classes == CTC.Tokenizer.classCount else {
            throw WorkbenchError("the matrix (\(matrixSource)) has \(m.classes) classes, but the CTC commands read its columns as "
                + "the notebook's \(CTC.Tokenizer.classCount) symbols (' space a-z, blank = \(CTC.Tokenizer.blank)): load a "
                + "T×\(CTC.Tokenizer.classCount) matrix (or add --layout kt when its rows are the classes)")
        }
        return m
    }

    /// The matrix whatever its class count (`probs save`, `probs info`).
    func requireAnyMatrix() throws -> LogProbabilities {
        guard let matrix else {
            throw WorkbenchError("no probabilities yet: run 'probs random T' or 'probs load FILE' first")
        }
        return matrix
    }

    /// A new matrix and the label set its classes mean; the transcript is encoded again with it (a character
    /// transcript's ids mean nothing to a subword matrix), and `step` starts over.
    mutating func setMatrix(_ m: LogProbabilities, source: String, labelSet: LabelSet = .characters) {
        matrix = m
        matrixSource = source
        stepper = nil
        if labelSet != self.labelSet {
            self.labelSet = labelSet
            if let text { labels = try? labelSet.encode(text) }
            if labels == nil { text = nil }
        }
    }

    func requireLabels() throws -> [Int] {
        guard let labels else { throw WorkbenchError("no transcript yet: run 'text \"...\"' first") }
        return labels
    }

    /// The trellis of the current matrix and transcript, for `command`, which holds `tables` T×S tables of
    /// Doubles at once (alpha and beta are 2; align and viterbi add their own). Refused above the memory limit;
    /// Ctrl-C stops it (`Interrupted`).
    func trellis(for command: String, tables: Double = 2) throws -> CTCTrellis {
        let m = try requireMatrix()
        let labels = try requireLabels()
        return try Self.buildTrellis(m, labels: labels, blank: labelSet.blank, for: command, tables: tables, origin: "")
    }

    /// The trellis of any matrix and labels (the session's, or a plot panel's) under the memory limit and Ctrl-C.
    static func buildTrellis(_ m: LogProbabilities, labels: [Int], blank: Int = CTC.Tokenizer.blank, for command: String,
                             tables: Double, origin: String) throws -> CTCTrellis {
        let S = 2 * labels.count + 1
        try MemoryLimit.current().check(Double(m.frames) * Double(S) * 8 * tables,
                                        for: "\(command)'s trellis of T = \(m.frames) frames × S = \(S) states")
        do {
            return try CTCTrellis(m, labels: labels, blank: blank, shouldStop: { Interrupt.isRequested })
        } catch CTCError.stopped {
            throw Interrupted()
        } catch {
            throw WorkbenchError("cannot build the trellis\(origin): \(error) (the matrix has \(m.classes) classes, blank = \(blank))")
        }
    }

    func requireLanguageModel() throws -> ARPAModel {
        guard let languageModel else { throw WorkbenchError("no language model loaded: run 'lm load FILE.arpa[.gz]' first") }
        return languageModel
    }
}
