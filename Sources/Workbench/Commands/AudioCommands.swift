// Audio commands: `audio load FILE`, `mel` (torchaudio-default mel spectrogram of the loaded audio, configurable,
// `--save` in np.savetxt text), `plot wave|spec|mel --out FILE`, and `bench mel`.
import ArgumentParser
import Audio
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

    @Option(help: "Encoding of a raw PCM file: s16le, s24le, s32le, f32le, f64le, u8.")
    var encoding: String = "s16le"

    @Flag(help: "Print one JSON object.")
    var json = false

    mutating func run(session: inout Session) throws {
        let target = rate > 0 ? rate : nil
        let wave: Waveform
        var sourceRate = 0
        do {
            if let rawRate {
                guard let enc = RawPCMEncoding(rawValue: encoding) else {
                    throw WorkbenchError("unknown --encoding '\(encoding)' (one of \(RawPCMEncoding.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                sourceRate = rawRate
                wave = try AudioFile.loadRaw(file, sampleRate: rawRate, channels: channels, encoding: enc, targetRate: target)
            } else {
                sourceRate = try AudioFile.info(file).sampleRate
                wave = try AudioFile.load(file, targetRate: target)
            }
        } catch let e as AudioError { throw WorkbenchError(e.description) }
        session.audio.wave = wave
        session.audio.wavePath = file
        session.audio.features = nil
        if json {
            Console.out(JSON.object([("file", .string(file)), ("samples", .int(wave.count)), ("sample_rate", .int(wave.sampleRate)),
                                     ("source_rate", .int(sourceRate)), ("seconds", .number(wave.duration)),
                                     ("peak", .number(Double(wave.peak))), ("rms", .number(Double(wave.rms)))]).text)
        } else {
            let resampled = sourceRate != wave.sampleRate ? " (resampled from \(sourceRate) Hz)" : ""
            Console.out(String(format: "%@: %d samples at %d Hz%@, %.3f s, peak %.3f, rms %.4f", file, wave.count,
                               wave.sampleRate, resampled, wave.duration, wave.peak, wave.rms))
        }
    }
}

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
    @Option(name: .customLong("mel-scale"), help: "htk or slaney.")
    var melScale: String = "htk"
    @Option(help: "Log compression: none, ln (natural log, floor 1e-10) or db.")
    var log: String = "none"
    @Option(help: "Per-utterance normalisation: none, bin (each mel bin) or utterance.")
    var normalize: String = "none"

    func config(sampleRate: Int) throws -> MelConfig {
        var c = MelConfig()
        c.sampleRate = sampleRate
        c.nMels = nMels
        c.stft = STFTConfig(nFFT: nFFT, winLength: winLength, hopLength: hop, power: power)
        c.fMin = fMin
        c.fMax = fMax
        guard let scale = MelScale(rawValue: melScale) else { throw WorkbenchError("--mel-scale must be htk or slaney") }
        c.melScale = scale
        switch log {
        case "none": c.log = .none
        case "ln", "log": c.log = .log(floor: 1e-10)
        case "db": c.log = .decibels(floor: 1e-10)
        default: throw WorkbenchError("--log must be none, ln or db (got '\(log)')")
        }
        switch normalize {
        case "none": c.normalization = .none
        case "bin": c.normalization = .perBin
        case "utterance": c.normalization = .utterance
        default: throw WorkbenchError("--normalize must be none, bin or utterance (got '\(normalize)')")
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
            Console.out(JSON.object([("n_mels", .int(m.bins)), ("frames", .int(m.frames)), ("min", .number(Double(lo))),
                                     ("max", .number(Double(hi))), ("saved", save.map { .string($0) } ?? .null)]).text)
        } else {
            Console.out("mel: \(m.bins) bins × \(m.frames) frames (hop \(config.stft.hop), n_fft \(config.stft.nFFT)), values \(lo) … \(hi)"
                        + (save.map { ", saved to \($0)" } ?? ""))
        }
    }

    func saveText(_ m: FeatureMatrix, to path: String) throws {
        var out = ""
        out.reserveCapacity(m.values.count * 26)
        for b in 0..<m.bins {
            for t in 0..<m.frames {
                if t > 0 { out += " " }
                out += String(format: "%.18e", Double(m[b, t]))
            }
            out += "\n"
        }
        do { try out.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw WorkbenchError("\(path): cannot write: \(error.localizedDescription)")
        }
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

    @Option(help: "DFT path to time: both, fft or gemm.")
    var method: String = "both"

    @Option(help: "Threads for the FFT path (default: up to 2).")
    var workers: Int?

    @Flag(help: "Print one JSON object.")
    var json = false

    static let pytorchMilliseconds = 9.7

    mutating func run(session: inout Session) throws {
        guard reps >= 1, seconds > 0.1 else { throw WorkbenchError("--reps must be ≥ 1 and --seconds > 0.1") }
        guard workers.map({ $0 >= 1 }) ?? true else { throw WorkbenchError("--workers must be ≥ 1") }
        let methods: [DFTMethod]
        switch method {
        case "both": methods = [.fft, .gemm]
        case "fft": methods = [.fft]
        case "gemm": methods = [.gemm]
        default: throw WorkbenchError("--method must be both, fft or gemm (got '\(method)')")
        }
        let configs = methods.map { m -> MelConfig in
            var c = MelConfig(); c.stft.method = m; c.stft.workers = workers; return c
        }
        let results = try MelBenchmark.run(seconds: seconds, reps: reps, configs: configs)
        let scaled = BenchMel.pytorchMilliseconds * seconds / 60
        if json {
            // best_ms / median_ms: the first path timed (the FFT, Trellis's default, unless --method gemm).
            var fields: [(String, JSON)] = [("seconds", .number(seconds)), ("reps", .int(reps)),
                                            ("best_ms", .number(results[0].bestMilliseconds)),
                                            ("median_ms", .number(results[0].medianMilliseconds)),
                                            ("realtime_x", .number(results[0].realtimeFactor)),
                                            ("pytorch_ms", .number(scaled)), ("speedup", .number(scaled / results[0].bestMilliseconds))]
            for (m, r) in zip(methods, results) {
                fields.append(("\(m.rawValue)_best_ms", .number(r.bestMilliseconds)))
                fields.append(("\(m.rawValue)_median_ms", .number(r.medianMilliseconds)))
            }
            Console.out(JSON.object(fields).text)
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

    func write(_ panel: Panel) throws {
        var figure = Figure(width: width, height: height, panel)
        figure.dpi = Double(png.dpi)
        do { try figure.write(to: out) } catch { throw WorkbenchError("\(error)") }
        Console.out("wrote \(out)")
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
