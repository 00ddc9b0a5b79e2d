// Audio files through libsndfile: read any format it decodes (FLAC, WAV, AIFF, OGG, ...) or headerless raw PCM,
// mix down to mono, resample to a target rate; write 16-bit FLAC or WAV. Errors name the file and the reason.
// A header is not trusted to size memory (audio is decoded in blocks, so a FLAC header claiming 2^36 samples costs
// nothing), and a file holding less audio than its header promises is an error, not a shorter recording: libsndfile
// shortens a cut WAV to what is there, so the WAV's own data-chunk size is compared too (`WAVHeader`).
import Base
import CSndFile

/// Sample encodings for headerless raw PCM files (little-endian unless stated).
public enum RawPCMEncoding: String, Sendable, CaseIterable {
    case s16le, s24le, s32le, f32le, f64le, u8

    var sndfileSubformat: Int32 {
        switch self {
        case .s16le: return Int32(SF_FORMAT_PCM_16)
        case .s24le: return Int32(SF_FORMAT_PCM_24)
        case .s32le: return Int32(SF_FORMAT_PCM_32)
        case .f32le: return Int32(SF_FORMAT_FLOAT)
        case .f64le: return Int32(SF_FORMAT_DOUBLE)
        case .u8: return Int32(SF_FORMAT_PCM_U8)
        }
    }
}

/// Container formats Trellis writes.
public enum AudioFileFormat: String, Sendable {
    case flac, wav

    /// Picks the format from a file name's extension (FLAC unless it ends in .wav).
    public static func forPath(_ path: String) -> AudioFileFormat {
        path.lowercased().hasSuffix(".wav") ? .wav : .flac
    }
}

/// What libsndfile reports about a file without decoding it (cheap: reads the header only).
public struct AudioFileInfo: Sendable, Equatable {
    public var frames: Int
    public var sampleRate: Int
    public var channels: Int
    public var duration: Double { sampleRate > 0 ? Double(frames) / Double(sampleRate) : 0 }
}

public enum AudioFile {
    /// Header facts of `path` (frames, rate, channels).
    public static func info(_ path: String) throws -> AudioFileInfo {
        var sfinfo = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &sfinfo) else {
            throw AudioError.cannotOpen(path: path, reason: openFailureReason(path))
        }
        sf_close(file)
        if let promised = WAVHeader.promisedFrames(path), promised > Int(sfinfo.frames) {
            throw AudioError.truncated(path: path, expectedFrames: promised, readFrames: Int(sfinfo.frames))
        }
        return AudioFileInfo(frames: Int(sfinfo.frames), sampleRate: Int(sfinfo.samplerate), channels: Int(sfinfo.channels))
    }

    /// Reads `path`, averages the channels to mono and, if `targetRate` is given and differs, resamples with
    /// libsamplerate at `quality`.
    public static func load(_ path: String, targetRate: Int? = nil,
                            quality: ResampleQuality = .best) throws -> Waveform {
        var sfinfo = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &sfinfo) else {
            throw AudioError.cannotOpen(path: path, reason: openFailureReason(path))
        }
        defer { sf_close(file) }
        if let targetRate, Int(sfinfo.samplerate) != targetRate, Int(sfinfo.samplerate) < minimumResampledRate {
            throw AudioError.sampleRateTooLow(path: path, rate: Int(sfinfo.samplerate), minimum: minimumResampledRate)
        }
        let wave = try decode(file, info: sfinfo, path: path)
        return try resampled(wave, to: targetRate, quality: quality)
    }

    /// The lowest sample rate `load` resamples from. Recorded speech is 8 kHz (telephone) or more; a header that
    /// declares a few hundred hertz is damage, and resampling it 64-fold would turn a small file into minutes of work.
    public static let minimumResampledRate = 4000

    /// Reads a headerless PCM file whose rate, channel count and encoding the caller states.
    public static func loadRaw(_ path: String, sampleRate: Int, channels: Int = 1, encoding: RawPCMEncoding = .s16le,
                               targetRate: Int? = nil, quality: ResampleQuality = .best) throws -> Waveform {
        guard sampleRate > 0 else { throw AudioError.invalidParameter("raw PCM needs a positive sample rate (got \(sampleRate))") }
        guard channels > 0 else { throw AudioError.invalidParameter("raw PCM needs at least one channel (got \(channels))") }
        var sfinfo = SF_INFO()
        sfinfo.samplerate = Int32(sampleRate)
        sfinfo.channels = Int32(channels)
        sfinfo.format = Int32(SF_FORMAT_RAW) | encoding.sndfileSubformat | Int32(SF_ENDIAN_LITTLE)
        guard let file = sf_open(path, Int32(SFM_READ), &sfinfo) else {
            throw AudioError.cannotOpen(path: path, reason: openFailureReason(path))
        }
        defer { sf_close(file) }
        let wave = try decode(file, info: sfinfo, path: path, raw: true)
        return try resampled(wave, to: targetRate, quality: quality)
    }

    /// Writes a mono waveform as 16-bit PCM in FLAC or WAV (chosen from the extension unless given).
    /// Samples are clipped to [-1, 1] first, so a hot signal saturates instead of wrapping.
    public static func write(_ wave: Waveform, to path: String, format: AudioFileFormat? = nil) throws {
        let fmt = format ?? AudioFileFormat.forPath(path)
        var sfinfo = SF_INFO()
        sfinfo.samplerate = Int32(wave.sampleRate)
        sfinfo.channels = 1
        sfinfo.format = (fmt == .flac ? Int32(SF_FORMAT_FLAC) : Int32(SF_FORMAT_WAV)) | Int32(SF_FORMAT_PCM_16)
        guard sf_format_check(&sfinfo) != 0 else {
            throw AudioError.cannotWrite(path: path, reason: "libsndfile rejects \(fmt.rawValue) at \(wave.sampleRate) Hz")
        }
        let clipped = wave.samples.map { min(max($0, -1), 1) }
        do {
            // Into a temporary file renamed over `path`: a failed write keeps the previous audio file whole.
            try AtomicFile.write(to: path) { temporary in
                guard let file = sf_open(temporary, Int32(SFM_WRITE), &sfinfo) else {
                    throw AudioError.cannotWrite(path: path, reason: String(cString: sf_strerror(nil)))
                }
                let written = clipped.withUnsafeBufferPointer { sf_writef_float(file, $0.baseAddress, sf_count_t($0.count)) }
                let reason = String(cString: sf_strerror(file))
                let closed = sf_close(file)
                guard written == clipped.count, closed == 0 else { throw AudioError.cannotWrite(path: path, reason: reason) }
            }
        } catch let e as FileWriteError {
            throw AudioError.cannotWrite(path: path, reason: e.reason)
        }
    }

    // MARK: - internals

    private static func decode(_ file: OpaquePointer, info: SF_INFO, path: String, raw: Bool = false) throws -> Waveform {
        let frames = Int(info.frames), channels = Int(info.channels)
        guard channels > 0, info.samplerate > 0 else {
            throw AudioError.cannotOpen(path: path, reason: "the header gives \(channels) channels at \(info.samplerate) Hz")
        }
        guard frames > 0 else { throw AudioError.empty(path: path) }
        // Blocks of at most 2^16 frames: memory follows what decodes, whatever the header claims.
        let block = min(frames, 1 << 16)
        var interleaved: [Float] = []
        interleaved.reserveCapacity(min(frames, 1 << 22) * channels)
        var chunk = [Float](repeating: 0, count: block * channels)
        var read = 0
        while read < frames {
            let want = min(block, frames - read)
            let got = Int(chunk.withUnsafeMutableBufferPointer { sf_readf_float(file, $0.baseAddress, sf_count_t(want)) })
            if got <= 0 { break }
            interleaved.append(contentsOf: chunk[0..<(got * channels)])
            read += got
        }
        let promised = max(frames, raw ? 0 : WAVHeader.promisedFrames(path) ?? 0)
        if sf_error(file) != 0 && read < promised {
            // A decoder error (a corrupt FLAC frame) is not a short file: say which, and where it stopped.
            throw AudioError.readFailed(path: path, reason: String(cString: sf_strerror(file)) + " (after \(read) of \(promised) frames)")
        }
        guard read == promised else { throw AudioError.truncated(path: path, expectedFrames: promised, readFrames: read) }
        if channels == 1 { return Waveform(samples: interleaved, sampleRate: Int(info.samplerate)) }
        var mono = [Float](repeating: 0, count: read)
        let scale = 1 / Float(channels)
        interleaved.withUnsafeBufferPointer { src in
            mono.withUnsafeMutableBufferPointer { dst in
                for i in 0..<read {
                    var s: Float = 0
                    for c in 0..<channels { s += src[i * channels + c] }
                    dst[i] = s * scale
                }
            }
        }
        return Waveform(samples: mono, sampleRate: Int(info.samplerate))
    }

    private static func resampled(_ wave: Waveform, to rate: Int?, quality: ResampleQuality) throws -> Waveform {
        guard let rate, rate != wave.sampleRate else { return wave }
        return try Resampler.resample(wave, to: rate, quality: quality)
    }

    /// libsndfile's message plus a plainer one when the file is missing, a directory or unreadable.
    private static func openFailureReason(_ path: String) -> String {
        var st = stat()
        if stat(path, &st) != 0 { return "no such file" }
        if (st.st_mode & S_IFMT) == S_IFDIR { return "it is a directory" }
        if st.st_size == 0 { return "the file is empty (0 bytes)" }
        if access(path, R_OK) != 0 { return "permission denied" }
        return String(cString: sf_strerror(nil))
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
