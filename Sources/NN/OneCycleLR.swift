// OneCycleLR exactly as torch.optim.lr_scheduler.OneCycleLR with three_phase=False: the learning rate rises
// from max_lr/div_factor to max_lr over pct_start of the steps and anneals to initial/final_div_factor; with
// cycle_momentum Adam's β1 moves the opposite way between max_momentum (0.95) and base_momentum (0.85).
// Step k (0-based, k = number of scheduler.step() calls so far) gives the values the k-th optimiser step uses.
import Foundation

public struct OneCycleLR: Codable, Sendable, Equatable {
    public enum Anneal: String, Codable, Sendable { case cos, linear }

    public var maxLR: Double
    public var totalSteps: Int
    public var pctStart: Double
    public var anneal: Anneal
    public var divFactor: Double
    public var finalDivFactor: Double
    public var cycleMomentum: Bool
    public var baseMomentum: Double
    public var maxMomentum: Double
    /// PyTorch's `last_epoch`: how many times `step()` was called.
    public var stepCount: Int = 0

    public init(maxLR: Double, totalSteps: Int, pctStart: Double = 0.3, anneal: Anneal = .cos,
                divFactor: Double = 25, finalDivFactor: Double = 1e4, cycleMomentum: Bool = true,
                baseMomentum: Double = 0.85, maxMomentum: Double = 0.95) {
        precondition(totalSteps > 0, "OneCycleLR: total steps must be positive, got \(totalSteps)")
        self.maxLR = maxLR
        self.totalSteps = totalSteps
        self.pctStart = pctStart
        self.anneal = anneal
        self.divFactor = divFactor
        self.finalDivFactor = finalDivFactor
        self.cycleMomentum = cycleMomentum
        self.baseMomentum = baseMomentum
        self.maxMomentum = maxMomentum
    }

    /// PyTorch's `epochs=…, steps_per_epoch=…` form.
    public init(maxLR: Double, epochs: Int, stepsPerEpoch: Int, pctStart: Double = 0.3, anneal: Anneal = .cos,
                divFactor: Double = 25, finalDivFactor: Double = 1e4) {
        self.init(maxLR: maxLR, totalSteps: epochs * stepsPerEpoch, pctStart: pctStart, anneal: anneal,
                  divFactor: divFactor, finalDivFactor: finalDivFactor)
    }

    public var initialLR: Double { maxLR / divFactor }
    public var minLR: Double { initialLR / finalDivFactor }

    /// (learning rate, β1) for step k. PyTorch raises past total_steps; here the last phase's end value holds.
    public func values(at k: Int) -> (lr: Double, momentum: Double) {
        let step = Double(min(max(k, 0), totalSteps - 1))
        let phases: [(end: Double, lr0: Double, lr1: Double, m0: Double, m1: Double)] = [
            (pctStart * Double(totalSteps) - 1, initialLR, maxLR, maxMomentum, baseMomentum),
            (Double(totalSteps) - 1, maxLR, minLR, baseMomentum, maxMomentum),
        ]
        var start = 0.0
        for (i, ph) in phases.enumerated() {
            if step <= ph.end || i == phases.count - 1 {
                let pct = (step - start) / (ph.end - start)
                return (annealed(ph.lr0, ph.lr1, pct), annealed(ph.m0, ph.m1, pct))
            }
            start = ph.end
        }
        return (minLR, maxMomentum)
    }

    private func annealed(_ a: Double, _ b: Double, _ pct: Double) -> Double {
        switch anneal {
        case .cos: return b + (a - b) / 2 * (cos(Double.pi * pct) + 1)
        case .linear: return (b - a) * pct + a
        }
    }

    /// Sets the optimiser's learning rate (and β1 when cycling momentum) for the next optimiser step.
    public func apply(to adam: inout Adam) {
        let v = values(at: stepCount)
        adam.learningRate = v.lr
        if cycleMomentum { adam.beta1 = v.momentum }
    }

    /// PyTorch's `scheduler.step()` after `optimizer.step()`: advances and applies the next values.
    public mutating func step(_ adam: inout Adam) {
        stepCount += 1
        apply(to: &adam)
    }
}
