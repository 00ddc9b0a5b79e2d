// The wide training pool of `corpus synth --voices`: its lists against what espeak-ng and flite say is installed,
// the held-out voices kept out of it, the engines' utterance shares, and N training speakers in a corpus.
import XCTest
import Base
import Audio
@testable import Corpus

final class VoicePoolTests: XCTestCase {
    /// Standard output of a program (the synthesisers' own listings are the oracle for the pool's lists).
    private func output(_ program: String, _ args: [String]) throws -> String {
        guard let path = Synthesizer.findExecutable(program) else { throw XCTSkip("\(program) is not installed") }
        let p = Process(), pipe = Pipe()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func testPoolListsEveryInstalledEnglishAccentVariantAndFliteVoiceButTheHeldOutOnes() throws {
        // `espeak-ng --voices=variant`: the file column is "!v/NAME" (a name may hold one space: "Mr serious").
        let variants = try output("espeak-ng", ["--voices=variant"]).split(separator: "\n").compactMap { line -> String? in
            guard let r = line.range(of: "!v/") else { return nil }
            let rest = line[r.upperBound...]
            return String(rest.components(separatedBy: "  ")[0]).trimmingCharacters(in: .whitespaces)
        }
        XCTAssertGreaterThan(variants.count, 90)
        XCTAssertEqual(Set(variants),
                       Set(VoicePool.espeakAllTrainVariants + VoicePool.espeakTestVariants + VoicePool.espeakSameAs.keys))
        XCTAssertEqual(VoicePool.espeakAllTrainVariants.count, Set(VoicePool.espeakAllTrainVariants).count)
        // `espeak-ng --voices=en`: the accents are the languages of the gmw/ files (mb/ ones need MBROLA).
        let accents = try output("espeak-ng", ["--voices=en"]).split(separator: "\n").compactMap { line -> String? in
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            return f.count > 4 && line.contains(" gmw/") ? String(f[1]) : nil
        }
        XCTAssertEqual(Set(accents), Set(VoicePool.espeakAllAccents))
        XCTAssertEqual(accents.count, VoicePool.espeakAllAccents.count)
        // `flite -lv`: "Voices available: kal awb_time kal16 awb rms slt".
        let flite = try output("flite", ["-lv"]).split(separator: ":").last.map { $0.split(whereSeparator: \.isWhitespace).map(String.init) } ?? []
        XCTAssertEqual(Set(flite), Set(VoicePool.fliteTrainVoices + VoicePool.fliteTestVoices + VoicePool.fliteSameSpeakerAsTest))
    }

    func testVariantsLeftOutAsDuplicatesSoundExactlyLikeTheirTwin() throws {
        let dir = try TestTree.temporaryDirectory()
        func speak(_ variant: String) throws -> Data {
            _ = try output("espeak-ng", ["-v", "en-us+\(variant)", "-w", dir + "/x.wav", "the old boat was near the river"])
            return try Data(contentsOf: URL(fileURLWithPath: dir + "/x.wav"))
        }
        for (variant, twin) in VoicePool.espeakSameAs {
            XCTAssertEqual(try speak(variant), try speak(twin), variant)
        }
        XCTAssertNotEqual(try speak("caleb"), try speak("adam"))   // the comparison can tell voices apart
    }

    func testTrainingPoolHasEveryVoiceOnceNoHeldOutVoiceAndIsSeeded() {
        let pool = VoicePool.trainingPool(engines: [.espeak, .flite], seed: 1)
        XCTAssertEqual(pool.count, VoicePool.espeakAllTrainVariants.count + VoicePool.fliteTrainVoices.count)
        XCTAssertEqual(Set(pool.map(\.name)).count, pool.count)
        let espeak = pool.filter { $0.engine == .espeak }, flite = pool.filter { $0.engine == .flite }
        let variantsUsed = espeak.map { String($0.voice.split(separator: "+", maxSplits: 1)[1]) }
        XCTAssertEqual(variantsUsed.sorted(), VoicePool.espeakAllTrainVariants.sorted())
        XCTAssertEqual(Set(espeak.map { String($0.voice.split(separator: "+")[0]) }), Set(VoicePool.espeakAllAccents))
        XCTAssertEqual(flite.map(\.voice).sorted(), VoicePool.fliteTrainVoices.sorted())
        for v in pool {
            XCTAssertFalse(v.voice.hasSuffix("+m4") || v.voice.hasSuffix("+f4") || v.voice.hasPrefix("awb"), v.name)
        }
        // Engines alternate while flite lasts, so the first N mix both.
        XCTAssertEqual(pool.prefix(8).map(\.engine), [.espeak, .flite, .espeak, .flite, .espeak, .flite, .espeak, .flite])
        // Settings stay in their ranges; the word gap is used.
        XCTAssertTrue(espeak.allSatisfy { (135...180).contains($0.wordsPerMinute) && (30...70).contains($0.pitch) && (0...3).contains($0.wordGap) })
        XCTAssertTrue(espeak.contains { $0.wordGap > 0 } && espeak.contains { $0.wordGap == 0 })
        XCTAssertTrue(espeak.contains { $0.name.hasSuffix(" g\($0.wordGap)") && $0.wordGap > 0 })
        XCTAssertEqual(pool.first { $0.voice.hasSuffix("+grandma") }?.sex, "F")
        XCTAssertEqual(pool.first { $0.voice.hasSuffix("+grandpa") }?.sex, "M")
        // Deterministic for a seed, another order for another seed; one engine = the other one filtered out.
        XCTAssertEqual(VoicePool.trainingPool(engines: [.espeak, .flite], seed: 1), pool)
        XCTAssertNotEqual(VoicePool.trainingPool(engines: [.espeak, .flite], seed: 2).map(\.name), pool.map(\.name))
        XCTAssertEqual(VoicePool.trainingPool(engines: [.espeak], seed: 1), espeak)
        XCTAssertEqual(VoicePool.trainingPool(engines: [.flite], seed: 1), flite)
    }

    func testUtterancesKeepEachEngineShareAndGoToItsSpeakersInTurn() {
        func voice(_ e: SynthEngine) -> VoiceConfig {
            VoiceConfig(engine: e, voice: "x", wordsPerMinute: 0, pitch: 0, stretch: 1, warp: 1, sex: "M")
        }
        // By hand: equal weights, espeak speakers 0 and 2, flite speaker 1; a tie goes to espeak-ng.
        XCTAssertEqual(Synthesizer.utteranceSpeakers(voices: [voice(.espeak), voice(.flite), voice(.espeak)],
                                                     weights: [.espeak: 1, .flite: 1], count: 6), [0, 1, 2, 1, 0, 1])
        // flite weighted 2: shares after each utterance 1/3 and 2/3.
        XCTAssertEqual(Synthesizer.utteranceSpeakers(voices: [voice(.espeak), voice(.flite)],
                                                     weights: [.espeak: 1, .flite: 2], count: 3), [1, 0, 1])
        // One voice: it speaks everything, whatever the weights.
        XCTAssertEqual(Synthesizer.utteranceSpeakers(voices: [voice(.espeak)], weights: [.espeak: 1, .flite: 1], count: 3), [0, 0, 0])
    }

    func testVoicesOptionGivesNTrainingSpeakersAndLeavesTheTestSubsetAlone() throws {
        let out = try TestTree.temporaryDirectory()
        let adjectives = ["red", "green", "little", "happy", "old", "quiet", "bright", "cold", "small", "brave"]
        let nouns = ["cat", "house", "river", "garden", "teacher", "window", "bird", "road", "boat", "letter"]
        let lines = (0..<40).map { i in "The \(adjectives[i % 10]) \(nouns[(i * 3) % 10]) was near the \(nouns[(i * 7 + 1) % 10])." }
        try lines.joined(separator: "\n").write(toFile: out + "/text.txt", atomically: true, encoding: .utf8)
        var o = SynthOptions(output: out + "/plain", trainCount: 9, testCount: 4)
        o.textFile = out + "/text.txt"
        o.seed = 5
        o.maxWords = 8
        _ = try Synthesizer.run(o)

        o.output = out + "/three"
        o.trainVoices = .first(3)
        let report = try Synthesizer.run(o)
        XCTAssertEqual(report.failures, [])
        XCTAssertEqual(report.trainSpeakers, 3)
        XCTAssertEqual(report.trainVoices, 3)
        let pool = VoicePool.trainingPool(engines: [.espeak, .flite], seed: 5)
        XCTAssertEqual(report.voicePool, pool.count)
        // Three speaker folders under train/, and SPEAKERS.txt names the pool's first three voices for them.
        let folders = try FileManager.default.contentsOfDirectory(atPath: out + "/three/train").sorted()
        XCTAssertEqual(folders, ["1001", "1002", "1003"])
        let speakers = try String(contentsOfFile: out + "/three/SPEAKERS.txt", encoding: .utf8).split(separator: "\n")
        let trainLines = speakers.filter { $0.contains("| train |") }
        XCTAssertEqual(trainLines.map { String($0.split(separator: "|")[3].dropFirst()) }, pool.prefix(3).map(\.name))
        // espeak-ng speaks 5 of the 9 (speakers 1001 and 1003), flite 4 (1002).
        let corpus = try SpeechCorpus.open(out + "/three")
        let train = try corpus.subset("train")
        XCTAssertEqual(train.utterances.count, 9)
        XCTAssertEqual(Dictionary(grouping: train.utterances, by: \.speaker).mapValues(\.count), ["1001": 3, "1002": 4, "1003": 2])
        XCTAssertEqual(report.utterancesPerEngine["espeak"], 5 + 2)   // + the two espeak-ng test speakers' 2
        // The held-out subset is the one the same seed gives without --voices: same voices, sentences and audio.
        let plain = try SpeechCorpus.open(out + "/plain")
        XCTAssertEqual(speakers.filter { $0.contains("| test |") },
                       try String(contentsOfFile: out + "/plain/SPEAKERS.txt", encoding: .utf8).split(separator: "\n").filter { $0.contains("| test |") })
        let t1 = try plain.subset("test").utterances, t2 = try corpus.subset("test").utterances
        XCTAssertEqual(t1.map(\.id), t2.map(\.id))
        XCTAssertEqual(t1.map(\.text), t2.map(\.text))
        for (x, y) in zip(t1, t2) { XCTAssertEqual(try AudioFile.load(x.audioPath).samples, try AudioFile.load(y.audioPath).samples) }
        let provenance = try String(contentsOfFile: out + "/three/synth.json", encoding: .utf8)
        XCTAssertTrue(provenance.contains("\"voices\": 3, \"voice_pool\": \(pool.count)"), provenance)
        XCTAssertFalse(try String(contentsOfFile: out + "/plain/synth.json", encoding: .utf8).contains("voices"))

        // Same seed, one job: the same training audio.
        o.output = out + "/again"
        o.jobs = 1
        _ = try Synthesizer.run(o)
        let again = try SpeechCorpus.open(out + "/again").subset("train").utterances
        XCTAssertEqual(again.map(\.id), train.utterances.map(\.id))
        for (x, y) in zip(again, train.utterances) { XCTAssertEqual(try AudioFile.load(x.audioPath).samples, try AudioFile.load(y.audioPath).samples) }

        // What cannot be asked, each with a sentence that says why.
        for (choice, speakersOption, message) in [(VoiceChoice.first(0), nil as Int?, "has 1 to"), (.first(pool.count + 1), nil, "has 1 to"),
                                                  (.all, nil, "needs at least"), (.first(2), 4, "not both")] {
            o.output = out + "/bad"
            o.overwrite = true
            o.trainVoices = choice
            o.trainSpeakers = speakersOption
            XCTAssertThrowsError(try Synthesizer.run(o)) { XCTAssertTrue("\($0)".contains(message), "\($0)") }
        }
    }
}
