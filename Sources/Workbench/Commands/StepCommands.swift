// `step` and `reset`: the forward (alpha) recursion one frame at a time, showing for every state of
// the extended label sequence which predecessors fed it (stay in s, advance from s-1, skip from s-2)
// and with what log-probability: the trellis a lesson walks through.
import ArgumentParser
import CTC
import Foundation

/// The forward recursion paused between frames. Same arithmetic as `CTCTrellis` (log-add-exp of the
/// allowed predecessors, plus the frame's emission), so stepping to the end reproduces `forward`.
public struct ForwardStepper: Sendable {
    /// One state's update at one frame (natural logs; nil = that transition is not allowed).
    public struct Update: Sendable {
        public let state: Int
        public let symbol: Int
        public let emission: Double
        public let stay: Double?
        public let advance: Double?
        public let skip: Double?
        public let alpha: Double
    }

    public let states: [Int]
    let canSkip: [Bool]
    /// The next frame to compute (0 before the first step).
    public private(set) var frame = 0
    /// alpha of frame `frame - 1`.
    public private(set) var column: [Double]

    public init(labels: [Int], blank: Int = CTC.Tokenizer.blank) {
        var states = [blank]
        var canSkip = [false]
        for (i, l) in labels.enumerated() {
            states.append(l)
            canSkip.append(i > 0 && labels[i - 1] != l)
            states.append(blank)
            canSkip.append(false)
        }
        self.states = states
        self.canSkip = canSkip
        column = [Double](repeating: -.infinity, count: states.count)
    }

    /// Computes the next frame's column; returns each state's update.
    public mutating func advance(_ m: LogProbabilities) -> [Update] {
        let S = states.count, t = frame
        var next = [Double](repeating: -.infinity, count: S)
        var updates: [Update] = []
        updates.reserveCapacity(S)
        for s in 0..<S {
            let e = m[t, states[s]]
            if t == 0 {
                // Paths start in the first blank or the first label.
                let a = s <= 1 ? e : -.infinity
                next[s] = a
                updates.append(Update(state: s, symbol: states[s], emission: e, stay: nil, advance: nil, skip: nil, alpha: a))
                continue
            }
            let stay = column[s] + e
            let advance: Double? = s >= 1 ? column[s - 1] + e : nil
            let skip: Double? = canSkip[s] ? column[s - 2] + e : nil
            let a = logAddExp(column[s], s >= 1 ? column[s - 1] : -.infinity, canSkip[s] ? column[s - 2] : -.infinity) + e
            next[s] = a
            updates.append(Update(state: s, symbol: states[s], emission: e, stay: stay, advance: advance, skip: skip, alpha: a))
        }
        column = next
        frame += 1
        return updates
    }

    /// log p(labels) once every frame is done: the path ends in the last label or the final blank.
    public var logLikelihood: Double {
        let S = states.count
        return S > 1 ? logAddExp(column[S - 1], column[S - 2]) : column[0]
    }
}

struct Step: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "step",
        abstract: "Advance the forward (alpha) recursion by one frame (or N), showing each state's predecessors.",
        discussion: """
            For every state s of the extended labels (blank, l1, blank, ..., lL, blank) it prints the emission \
            log p(symbol | frame) and the three ways in: stay (alpha[t-1][s]), advance (alpha[t-1][s-1]) and skip \
            (alpha[t-1][s-2], only between different labels), each already multiplied by the emission; \
            alpha[t][s] is their log-sum. '-' marks a transition that is not allowed. 'reset' starts over.
            """
    )

    @Argument(help: "Number of frames to advance.")
    var count: Int = 1

    @Flag(help: "Print one JSON object (the updates of every frame advanced).")
    var json = false

    struct Reply: Encodable {
        /// One state's update at one frame (natural logs; null = a transition that is not allowed).
        struct Update: Encodable {
            var state: Int
            var symbol: String
            var emission: Double
            var stay: Double?
            var advance: Double?
            var skip: Double?
            var alpha: Double
        }
        struct Step: Encodable { var frame: Int; var updates: [Update] }
        var steps: [Step]
        var nextFrame: Int
        var done: Bool
        /// log p(labels) once every frame is done, else null.
        var logLikelihood: Double?
    }

    mutating func run(session: inout Session) throws {
        guard count >= 1 else { throw WorkbenchError("step count must be at least 1, got \(count)") }
        let m = try session.ctc.requireMatrix()
        let labels = try session.ctc.requireLabels()
        if let bad = labels.first(where: { $0 >= m.classes }) {
            throw WorkbenchError("label class \(bad) does not exist in the \(m.classes)-class matrix")
        }
        try advance(session: &session, m: m, labels: labels)
    }

    private func advance(session: inout Session, m: LogProbabilities, labels: [Int]) throws {
        var stepper = session.ctc.stepper ?? ForwardStepper(labels: labels, blank: session.ctc.labelSet.blank)
        guard stepper.frame < m.frames else {
            throw WorkbenchError("all \(m.frames) frames are done (log-likelihood \(fmt(stepper.logLikelihood))); 'reset' starts over")
        }
        var steps: [Reply.Step] = []
        let n = min(count, m.frames - stepper.frame)
        for _ in 0..<n {
            if Interrupt.isRequested { break }    // the frames done so far are kept; the shell reports the stop
            let t = stepper.frame
            let updates = stepper.advance(m)
            if json {
                steps.append(Reply.Step(frame: t, updates: updates.map { u in
                    Reply.Update(state: u.state, symbol: symbolName(u.symbol, in: session.ctc.labelSet), emission: u.emission, stay: u.stay,
                                 advance: u.advance, skip: u.skip, alpha: u.alpha)
                }))
            } else {
                print(frame: t, of: m.frames, updates, labelSet: session.ctc.labelSet)
            }
        }
        session.ctc.stepper = stepper
        let done = stepper.frame == m.frames
        if json {
            try printJSON(Reply(steps: steps, nextFrame: stepper.frame, done: done, logLikelihood: done ? stepper.logLikelihood : nil))
        } else if done {
            Console.out("all \(m.frames) frames done: log p(labels) = log(alpha[T-1][S-1] + alpha[T-1][S-2]) = \(fmt(stepper.logLikelihood))")
        }
    }

    private func print(frame t: Int, of total: Int, _ updates: [ForwardStepper.Update], labelSet: LabelSet) {
        var lines = ["frame \(t) of \(total)" + (t == 0 ? " (paths start in state 0 or 1)" : "")]
        lines.append(pad("s", 4) + pad("sym", 5) + pad("emission", 12) + pad("stay", 12) + pad("advance", 12)
                     + pad("skip", 12) + pad("alpha", 12) + "p(alpha)")
        for u in updates {
            func cell(_ v: Double?) -> String { pad(v.map(fmt) ?? "-", 12) }
            lines.append(pad(String(u.state), 4) + pad(symbolName(u.symbol, in: labelSet), 5) + cell(u.emission) + cell(u.stay)
                         + cell(u.advance) + cell(u.skip) + cell(u.alpha) + String(format: "%.4g", exp(u.alpha)))
        }
        Console.out(lines.joined(separator: "\n"))
    }
}

struct Reset: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Rewind 'step' to frame 0 (the matrix and transcript stay)."
    )

    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable { var nextFrame: Int }

    mutating func run(session: inout Session) throws {
        session.ctc.stepper = nil
        if json { return try printJSON(Reply(nextFrame: 0)) }
        Console.out("step will start again at frame 0")
    }
}

/// A class index as its label set's symbol ("_" is the blank, "␣" the space; subword pieces as they are, ▁ included).
func symbolName(_ k: Int, in labelSet: LabelSet = .characters) -> String {
    let s = labelSet.symbol(k)
    return s == " " ? "␣" : s
}

func fmt(_ v: Double) -> String {
    if v == -.infinity { return "-inf" }
    if v == .infinity { return "inf" }
    return String(format: "%.6f", v)
}

func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
}
