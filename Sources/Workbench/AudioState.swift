// Session slice owned by the Audio and Corpus commands: the loaded waveform, the last features computed from it,
// and the opened corpus.
import Audio
import Corpus

public struct AudioState {
    /// The waveform of `audio load` (mono, at the rate asked for).
    public var wave: Waveform?
    public var wavePath = ""
    /// The last `mel` result and the configuration that produced it.
    public var features: FeatureMatrix?
    public var featureConfig: MelConfig?
    /// The corpus of `corpus open` (or the last `corpus synth`).
    public var corpus: SpeechCorpus?

    public init() {}

    func requireWave() throws -> Waveform {
        guard let wave else { throw WorkbenchError("no audio yet: run 'audio load FILE' first") }
        return wave
    }

    func requireCorpus() throws -> SpeechCorpus {
        guard let corpus else { throw WorkbenchError("no corpus yet: run 'corpus open DIR' (or 'corpus synth --out DIR ...') first") }
        return corpus
    }
}
