// Audio commands: `audio load FILE`, `mel` (torchaudio-default mel spectrogram of the loaded audio, configurable,
// `--save` in np.savetxt text), `plot wave|spec|mel --out FILE`, and `bench mel`.
import Base
import ArgumentParser
import Audio
import Base
import Figures
import Foundation

struct AudioGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audio",
        abstract: "Load audio files (FLAC, WAV, ... through libsndfile, or headerless PCM).",
        subcommands: [AudioLoad.self]
    )
}

struct AudioLoad: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Read an audio file, mix it down to mono and resample it (libsamplerate, best quality).",
        discussion: "Raw PCM without a header needs --raw-rate (and --channels/--encoding if not mono s16le)."
    )

    @Argument(help: "The audio file.", completion: .file())
    var file: String

    @Option(help: "Resample to this rate in Hz (default 16000; 0 keeps the file's rate).")
    var rate: Int = 16000

    @Option(name: .customLong("raw-rate"), help: "Treat the file as headerless PCM at this sample rate.")
    var rawRate: Int?

    @Option(help: "Channels of a raw PCM file.")
    var channels: Int = 1

    @Option(help: "Encoding of a raw PCM file.")
    var encoding: RawPCMEncoding = .s16le

    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        var file: String
        var samples: Int
        var sampleRate: Int
        /// The file's own rate (before resampling).
        var sourceRate: Int
        var durationSeconds: Double
        var peak: Float
        var rms: Float
    }

    mutating func run(session: inout Session) throws {
        let target = rate > 0 ? rate : nil
        let wave: Waveform
        var sourceRate = 0
        do {
            if let rawRate {
                sourceRate = rawRate
                wave = try AudioFile.loadRaw(file, sampleRate: rawRate, channels: channels, encoding: encoding, targetRate: target)
            } else {
                sourceRate = try AudioFile.info(file).sampleRate
                wave = try AudioFile.load(file, targetRate: target)
            }
        } catch let e as AudioError { throw WorkbenchError(e.description) }
        session.audio.wave = wave
        session.audio.wavePath = file
        session.audio.features = nil
        if json {
            try printJSON(Reply(file: file, samples: wave.count, sampleRate: wave.sampleRate, sourceRate: sourceRate,
                                durationSeconds: wave.duration, peak: wave.peak, rms: wave.rms))
        } else {
            let resampled = sourceRate != wave.sampleRate ? " (resampled from \(sourceRate) Hz)" : ""
            Console.out(String(format: "%@: %d samples at %d Hz%@, %.3f s, peak %.3f, rms %.4f", file, wave.count,
                               wave.sampleRate, resampled, wave.duration, wave.peak, wave.rms))
        }
    }
}

// Audio's own enums, parsed as they are: help, errors and Tab completion list their cases.
extension RawPCMEncoding: ExpressibleByArgument {}
extension MelScale: ExpressibleByArgument {}

/// `mel --log`: the compression applied to the mel energies ("log" is read as "ln").
enum LogCompression: String, CaseIterable, ExpressibleByArgument {
    case none, ln, db
    init?(argument: String) { self.init(rawValue: argument == "log" ? "ln" : argument) }
}

/// `mel --normalize`: per-utterance normalisation.
enum FeatureNormalization: String, CaseIterable, ExpressibleByArgument { case none, bin, utterance }

/// `bench mel --method`: which DFT path to time.
enum BenchMelMethod: String, CaseIterable, ExpressibleByArgument { case both, fft, gemm }

/// Feature options shared by `mel` (and usable by other commands that compute features).
struct MelOptions: ParsableArguments {
    @Option(name: .customLong("n-mels"), help: "Mel filters.")
    var nMels: Int = 128
    @Option(name: .customLong("n-fft"), help: "FFT size.")
    var nFFT: Int = 400
    @Option(name: .customLong("win-length"), help: "Window length (default n-fft).")
    var winLength: Int?
    @Option(help: "Hop in samples (default win-length / 2).")
    var hop: Int?
    @Option(name: .customLong("f-min"), help: "Lowest filter edge in Hz. (default: 0.0)", transform: finite)
    var fMin: Double = 0
    @Option(name: .customLong("f-max"), help: "Highest filter edge in Hz (default Nyquist).", transform: finite)
    var fMax: Double?
    @Option(help: "Power of the magnitude (2 power, 1 magnitude). (default: 2.0)", transform: finite)
    var power: Float = 2
    @Option(name: .customLong("mel-scale"), help: "Mel scale.")
    var melScale: MelScale = .htk
    @Option(help: "Log compression: none, ln (natural log, floor 1e-10) or db.")
    var log: LogCompression = .none
    @Option(help: "Per-utterance normalisation: none, bin (each mel bin) or utterance.")
    var normalize: FeatureNormalization = .none

    func config(sampleRate: Int) throws -> MelConfig {
        var c = MelConfig()
        c.sampleRate = sampleRate
        c.nMels = nMels
        c.stft = STFTConfig(nFFT: nFFT, winLength: winLength, hopLength: hop, power: power)
        c.fMin = fMin
        c.fMax = fMax
        c.melScale = melScale
        switch log {
        case .none: c.log = .none
        case .ln: c.log = .log(floor: 1e-10)
        case .db: c.log = .decibels(floor: 1e-10)
        }
        switch normalize {
        case .none: c.normalization = .none
        case .bin: c.normalization = .perBin
        case .utterance: c.normalization = .utterance
        }
        return c
    }
}

struct Mel: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "mel",
        abstract: "Mel spectrogram of the loaded audio (torchaudio.transforms.MelSpectrogram() defaults).",
        discussion: """
            Defaults: n_fft 400, hop 200, 128 mels, periodic Hann, centred reflect padding, power 2, HTK, no \
            normalisation. --save writes np.savetxt text: one row per mel bin, one column per frame.
            """
    )

    @OptionGroup var options: MelOptions

    @Option(help: "Write the matrix as text (np.loadtxt reads it).", completion: .file())
    var save: String?

    @Flag(help: "Print one JSON object.")
    var json = false

    struct Reply: Encodable {
        var nMels: Int
        var frames: Int
        var hop: Int
        var nFFT: Int
        /// The smallest and largest finite values.
        var min: Float
        var max: Float
        var saved: String?
    }

    mutating func run(session: inout Session) throws {
        let wave = try session.audio.requireWave()
        let config = try options.config(sampleRate: wave.sampleRate)
        let m: FeatureMatrix
        do { m = try MelSpectrogram(config)(wave) } catch let e as AudioError { throw WorkbenchError(e.description) }
        session.audio.features = m
        session.audio.featureConfig = config
        if let save { try saveText(m, to: save) }
        let finite = m.values.filter(\.isFinite)
        let lo = finite.min() ?? 0, hi = finite.max() ?? 0
        if json {
            try printJSON(Reply(nMels: m.bins, frames: m.frames, hop: config.stft.hop, nFFT: config.stft.nFFT, min: lo, max: hi, saved: save))
        } else {
            Console.out("mel: \(m.bins) bins × \(m.frames) frames (hop \(config.stft.hop), n_fft \(config.stft.nFFT)), values \(lo) … \(hi)"
                        + (save.map { ", saved to \($0)" } ?? ""))
        }
    }

    /// np.savetxt layout: one row per mel bin, one column per frame.
    func saveText(_ m: FeatureMatrix, to path: String) throws {
        var values = [Double](repeating: 0, count: m.bins * m.frames)
        for b in 0..<m.bins { for t in 0..<m.frames { values[b * m.frames + t] = Double(m[b, t]) } }
        try SaveText.write(path, rows: m.bins, columns: m.frames, values: values)
    }
}

struct BenchMel: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "mel",
        abstract: "Time the torchaudio-default mel spectrogram of 60 s of audio against PyTorch (9.7 ms).",
        discussion: """
        Best of --reps runs after one warm-up, on 60 s of seeded Gaussian noise at 16 kHz, as bench_torch.py does. \
        Times the FFT path (the default) and then the GEMM path (two OpenBLAS SGEMMs over folded frames) on the same \
        signal, unless --method picks one.
        """
    )

    @Option(help: "Timed repetitions.")
    var reps: Int = 20

    @Option(help: "Seconds of audio. (default: 60.0)", transform: finite)
    var seconds: Double = 60

    @Option(help: "DFT path to time.")
    var method: BenchMelMethod = .both

    @Option(help: "Threads for the FFT path (default: up to 2).")
    var workers: Int?

    @Flag(help: "Print one JSON object.")
    var json = false

    static let pytorchMilliseconds = 9.7

    struct Reply: Encodable {
        struct Method: Encodable { var method: String; var bestMs: Double; var medianMs: Double }
        /// Length of the timed audio.
        var durationSeconds: Double
        var reps: Int
        /// The first path timed (the FFT, Trellis's default, unless --method gemm).
        var bestMs: Double
        var medianMs: Double
        var realtimeX: Double
        /// PyTorch's time for this much audio, and its ratio to Trellis's best.
        var pytorchMs: Double
        var speedup: Double
        /// Every path timed.
        var methods: [Method]
    }

    mutating func run(session: inout Session) throws {
        guard reps >= 1, seconds > 0.1 else { throw WorkbenchError("--reps must be ≥ 1 and --seconds > 0.1") }
        guard workers.map({ $0 >= 1 }) ?? true else { throw WorkbenchError("--workers must be ≥ 1") }
        let methods: [DFTMethod]
        switch method {
        case .both: methods = [.fft, .gemm]
        case .fft: methods = [.fft]
        case .gemm: methods = [.gemm]
        }
        let configs = methods.map { m -> MelConfig in
            var c = MelConfig(); c.stft.method = m; c.stft.workers = workers; return c
        }
        let results = try MelBenchmark.run(seconds: seconds, reps: reps, configs: configs)
        let scaled = BenchMel.pytorchMilliseconds * seconds / 60
        if json {
            try printJSON(Reply(durationSeconds: seconds, reps: reps, bestMs: results[0].bestMilliseconds,
                                medianMs: results[0].medianMilliseconds, realtimeX: results[0].realtimeFactor, pytorchMs: scaled,
                                speedup: scaled / results[0].bestMilliseconds,
                                methods: zip(methods, results).map {
                                    Reply.Method(method: $0.rawValue, bestMs: $1.bestMilliseconds, medianMs: $1.medianMilliseconds)
                                }))
        } else {
            for (m, r) in zip(methods, results) {
                Console.out(String(format: "mel 128×(n_fft 400, hop 200) of %.0f s, ", seconds) + (m == .fft ? "FFT " : "GEMM")
                            + String(format: ": %7.2f ms best, %7.2f ms median (%.0f× real time)   PyTorch %5.1f ms   ×%.2f",
                                     r.bestMilliseconds, r.medianMilliseconds, r.realtimeFactor, scaled, scaled / r.bestMilliseconds))
            }
            let w = workers.map { "\($0)" } ?? "up to 2"
            Console.out("best of \(reps) runs after one warm-up each; FFT on \(w) threads, GEMM on OpenBLAS's; × = PyTorch time / Trellis time")
        }
    }
}

// MARK: - plot wave | spec | mel (leaves of the `plot` group)

/// Options every audio plot takes.
struct AudioPlotOptions: ParsableArguments {
    @Option(help: "Output file: .png, .svg or .pdf.", completion: .file())
    var out: String
    @Option(help: "Width in pixels (PNG) or points.")
    var width: Int = 1000
    @Option(help: "Height in pixels (PNG) or points.")
    var height: Int = 400
    @Option(help: "Title (default: the file name).")
    var title: String?
    @OptionGroup var png: PNGResolutionOption
    @Flag(help: "Print one JSON object.")
    var json = false

    func write(_ panel: Panel) throws {
        var figure = Figure(width: width, height: height, panel)
        figure.dpi = Double(png.dpi)
        try writeFigure(figure, to: out, json: json)
    }
}

struct PlotWave: WorkbenchCommand {
    static let configuration = CommandConfiguration(commandName: "wave", abstract: "Plot the loaded waveform (amplitude against seconds).")
    @OptionGroup var plot: AudioPlotOptions

    mutating func run(session: inout Session) throws {
        let wave = try session.audio.requireWave()
        let p = try WaveformPlot(samples: wave.samples, sampleRate: wave.sampleRate, title: plot.title ?? session.audio.wavePath)
        try plot.write(.waveform(p))
    }
}

struct PlotSpec: WorkbenchCommand {
    static let configuration = CommandConfiguration(commandName: "spec", abstract: "Plot the loaded audio's power spectrogram in dB (Hz against seconds).")
    @OptionGroup var plot: AudioPlotOptions
    @Option(name: .customLong("n-fft"), help: "FFT size.")
    var nFFT: Int = 400
    @Option(help: "Hop in samples (default n-fft / 2).")
    var hop: Int?
    @Option(name: .customLong("top-db"), help: "Dynamic range shown below the peak. (default: 80.0)", transform: finite)
    var topDB: Double = 80

    mutating func run(session: inout Session) throws {
        let wave = try session.audio.requireWave()
        let stft: STFT
        let s: FeatureMatrix
        do {
            stft = try STFT(STFTConfig(nFFT: nFFT, hopLength: hop))
            s = try stft.power(wave.samples)
        } catch let e as AudioError { throw WorkbenchError(e.description) }
        let h = try Heatmap.spectrogram(bins: s.bins, frames: s.frames, values: s.values,
                                        hopSeconds: Double(stft.config.hop) / Double(wave.sampleRate),
                                        frequency: .hertz(maxFrequency: Double(wave.sampleRate) / 2),
                                        values: .power(topDecibels: topDB), title: plot.title ?? session.audio.wavePath)
        try plot.write(.heatmap(h))
    }
}

struct PlotMel: WorkbenchCommand {
    static let configuration = CommandConfiguration(
        commandName: "mel",
        abstract: "Plot the last `mel` features (or the default mel spectrogram of the loaded audio) against seconds.")
    @OptionGroup var plot: AudioPlotOptions
    @Option(name: .customLong("top-db"), help: "Dynamic range shown below the peak (power features). (default: 80.0)", transform: finite)
    var topDB: Double = 80

    mutating func run(session: inout Session) throws {
        let wave = try session.audio.requireWave()
        if session.audio.features == nil {
            do {
                session.audio.featureConfig = MelConfig()
                session.audio.features = try MelSpectrogram(MelConfig())(wave)
            } catch let e as AudioError { throw WorkbenchError(e.description) }
        }
        let m = session.audio.features!, c = session.audio.featureConfig ?? MelConfig()
        let kind: SpectrogramValues = c.log != .none || c.normalization != .none ? .logarithmic
            : (c.stft.power == 1 ? .magnitude(topDecibels: topDB) : .power(topDecibels: topDB))
        let h = try Heatmap.spectrogram(bins: m.bins, frames: m.frames, values: m.values,
                                        hopSeconds: Double(c.stft.hop) / Double(c.sampleRate), frequency: .melBins,
                                        values: kind, title: plot.title ?? session.audio.wavePath)
        try plot.write(.heatmap(h))
    }
}
