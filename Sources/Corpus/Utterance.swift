// Corpus module: the LibriSpeech-layout reader with its on-disk index, statistics, length-bucketed batching with
// background feature extraction, and the offline speech-corpus synthesiser. This file: one utterance as the
// reader sees it (torchaudio's LIBRISPEECH item: waveform path, transcript, speaker, chapter, utterance number).
import CTC

public struct Utterance: Sendable, Equatable, Codable {
    /// SPEAKER-CHAPTER-UTT, e.g. "103-1240-0000".
    public var id: String
    public var subset: String
    public var speaker: String
    public var chapter: String
    /// Absolute path of the audio file.
    public var audioPath: String
    /// The transcript line as written (LibriSpeech: upper case).
    public var transcript: String
    /// Lower-cased transcript: every character is in the tokenizer's alphabet (' space a-z).
    public var text: String
    public var frames: Int
    public var sampleRate: Int

    public var duration: Double { sampleRate > 0 ? Double(frames) / Double(sampleRate) : 0 }

    /// Tokenizer classes of `text` (0 = ', 1 = space, 2...27 = a...z).
    public var labels: [Int] { text.compactMap { Tokenizer.index(of: $0) } }
}

/// Why an utterance (or a file) was left out of training. Counted and reported, never trained on silently.
public enum SkipReason: String, Sendable, Codable, CaseIterable {
    case audioWithoutTranscript = "audio without transcript"
    case transcriptWithoutAudio = "transcript line without audio"
    case outsideAlphabet = "characters outside the alphabet"
    case emptyTranscript = "empty transcript"
    case malformedTranscriptLine = "malformed transcript line"
    case notUTF8 = "transcript line not UTF-8"
    case duplicateID = "duplicate utterance id"
    case unreadableAudio = "unreadable audio"
    case emptyAudio = "empty audio"
}

public struct SkippedItem: Sendable, Equatable, Codable {
    public var reason: SkipReason
    /// File (and line, for transcript problems) the problem was found in.
    public var location: String
    public var detail: String
}
