// The language-model fusion options every command with --lm shares (`beam`, `eval`, `transcribe`, `train`'s
// per-epoch evaluation; `tune-lm` takes grids of α and β instead): --fusion, --alpha, --beta, --unk-score, and
// the per-fusion defaults of α, β and the beam size. The rules themselves are CTC's (ShallowFusion.swift).
import ArgumentParser
import CTC
import LanguageModel

extension Fusion: ExpressibleByArgument {}

/// A number ≤ 0 or -inf: the OOV penalty (`finite` refuses inf, which here means "vocabulary words only").
func unkPenalty(_ text: String) throws -> Double {
    let value = ["-inf", "-infinity"].contains(text.lowercased()) ? -Double.infinity : try finite(text)
    guard value <= 0 else { throw ValidationError("'\(text)' is a bonus, not a penalty: give a number ≤ 0 (nats), or -inf for vocabulary words only") }
    return value
}

let fusionHelp = ArgumentHelp("How the LM is added: shallow (each completed word's α·ln P + β once, an OOV penalty, partial words checked against the vocabulary, </s> at the end; pyctcdecode's way) or notebook (Cell 20: α·ln P(last word) + β·ln(length) at every space).")

struct FusionOptions: ParsableArguments {
    @Option(help: fusionHelp)
    var fusion: Fusion = .shallow
    @Option(help: "LM weight α on natural-log word probabilities. (default: \(ShallowFusionDefaults.alpha) with shallow fusion, 0.1 with notebook)", transform: finite)
    var alpha: Double?
    @Option(help: "Shallow: word-insertion bonus β in nats per word; notebook: weight of ln(prefix length). (default: \(ShallowFusionDefaults.beta) with shallow fusion, 0.1 with notebook)", transform: finite)
    var beta: Double?
    @Option(name: .customLong("unk-score"), help: "Shallow fusion's OOV penalty in nats, charged once per word not in the LM's vocabulary (as soon as its letters leave it); -inf allows vocabulary words only. (default: \(ShallowFusionDefaults.unkScore))", transform: unkPenalty)
    var unkScore: Double = ShallowFusionDefaults.unkScore

    /// The decoder settings: α and β default per fusion, the beam to `defaultBeam(lm:)` unless given.
    func options(beamSize: Int?, prune: Double, hasLM: Bool) -> BeamSearchOptions {
        let shallow = fusion == .shallow
        let notebook = BeamSearchOptions.notebookEvaluation
        return BeamSearchOptions(beamSize: beamSize ?? defaultBeam(hasLM: hasLM), prune: prune,
                                 alpha: alpha ?? (shallow ? ShallowFusionDefaults.alpha : notebook.alpha),
                                 beta: beta ?? (shallow ? ShallowFusionDefaults.beta : notebook.beta),
                                 fusion: fusion, unkScore: unkScore)
    }

    /// 32 with shallow fusion and an LM (the vocabulary trie needs room for a word's spellings), else the
    /// notebook's 5.
    func defaultBeam(hasLM: Bool) -> Int { fusion == .shallow && hasLM ? ShallowFusionDefaults.beamSize : 5 }

    /// What a reply or a log line says about the LM settings.
    func describe(_ o: BeamSearchOptions) -> String {
        fusion == .shallow ? "\(fusion.rawValue) fusion α=\(o.alpha) β=\(o.beta) unk=\(o.unkScore)" : "\(fusion.rawValue) fusion α=\(o.alpha) β=\(o.beta)"
    }
}

/// The beam-size help of every command (one sentence, one default rule).
let beamSizeHelp = "Beam size (1 to \(BeamSearchOptions.maxBeamSize)). (default: \(ShallowFusionDefaults.beamSize) with an LM and shallow fusion, else 5)"
