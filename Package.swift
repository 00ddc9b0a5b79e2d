// swift-tools-version:6.0
// Trellis: a Swift workbench for CTC speech recognition.
// Data flows one way: Audio -> Corpus -> NN/Models -> Training; CTC and LanguageModel turn
// log-probabilities into trellises, alignments and text; Figures draws; Workbench is the shell.
import PackageDescription

let package = Package(
    name: "Trellis",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "trellis", targets: ["trellis"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Markdown to HTML for `notebook run --html` (pure Swift, no dependencies of its own).
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
    ],
    targets: [
        // System libraries from Debian (installed by scripts/setup).
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CSndFile", path: "Sources/CSndFile", pkgConfig: "sndfile"),
        .systemLibrary(name: "CSampleRate", path: "Sources/CSampleRate", pkgConfig: "samplerate"),
        .systemLibrary(name: "CCairo", path: "Sources/CCairo", pkgConfig: "cairo"),
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c"),

        // The vector kernels (AVX2 + FMA, chosen at run time) that Swift cannot express per function.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        // The shell's SIGINT handler and flags, defined once per process.
        .target(name: "CInterrupt", linkerSettings: [.linkedLibrary("readline")]),

        // What several modules need and none owns (generators, parallel loop, savetxt, JSON, atomic writes).
        .target(name: "Base"),
        .target(name: "LanguageModel", dependencies: ["Base", "CZlib"]),
        .target(name: "CTC", dependencies: ["Base", "LanguageModel"]),
        .target(name: "Audio", dependencies: ["Base", "CSndFile", "CSampleRate", "CBLAS"]),
        .target(name: "Corpus", dependencies: ["Base", "Audio", "CTC"]),
        .target(name: "NN", dependencies: ["Base", "CBLAS", "CKernels"]),
        .target(name: "Models", dependencies: ["Base", "NN", "CTC"]),
        // Data-parallel training's process group (rank, size, allreduce, broadcast) over Open MPI.
        .target(name: "Distributed", dependencies: ["CMPI"]),
        .target(name: "Training", dependencies: ["Base", "Models", "NN", "Corpus", "Audio", "CTC", "LanguageModel", "Distributed"]),
        .target(name: "Figures", dependencies: ["Base", "CCairo"]),
        .target(name: "Analysis", dependencies: ["CTC", "Corpus", "Models", "Training", "Figures"]),
        // Markdown notebooks and lessons: the document as prose and fenced code blocks with line numbers; running a
        // notebook and writing its report (Ink turns the report into HTML).
        .target(name: "Notebook", dependencies: ["Base", .product(name: "Ink", package: "Ink")]),
        // Guided lessons: lesson files read into steps and questions, and the state machine of a student's place.
        .target(name: "Lessons", dependencies: ["Base", "Notebook"]),
        .target(name: "Workbench", dependencies: [
            "Base", "CTC", "LanguageModel", "Audio", "Corpus", "NN", "Models", "Training", "Figures", "Analysis", "Distributed", "CReadline", "CInterrupt",
            "Lessons", "Notebook",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "trellis", dependencies: ["Workbench"]),

        // The replay tests' shared helpers (fixtures/fuzz): a plain library beside the test targets.
        .target(name: "FuzzReplay", path: "Tests/FuzzReplay"),
        .testTarget(name: "BaseTests", dependencies: ["Base"], path: "Tests/BaseTests"),
        .testTarget(name: "CTCTests", dependencies: ["FuzzReplay", "Base", "CTC", "LanguageModel"], path: "Tests/CTCTests"),
        .testTarget(name: "LanguageModelTests", dependencies: ["FuzzReplay", "LanguageModel"], path: "Tests/LanguageModelTests"),
        .testTarget(name: "AudioTests", dependencies: ["FuzzReplay", "Base", "Audio"], path: "Tests/AudioTests"),
        .testTarget(name: "CorpusTests", dependencies: ["FuzzReplay", "Corpus", "Audio", "CTC"], path: "Tests/CorpusTests"),
        .testTarget(name: "NNTests", dependencies: ["Base", "NN"], path: "Tests/NNTests"),
        .testTarget(name: "ModelsTests", dependencies: ["FuzzReplay", "Base", "Models", "NN", "CTC"], path: "Tests/ModelsTests"),
        .testTarget(name: "DistributedTests", dependencies: ["Distributed"], path: "Tests/DistributedTests"),
        .testTarget(name: "TrainingTests", dependencies: ["FuzzReplay", "Training", "Models", "NN", "Corpus", "CTC", "Audio", "LanguageModel", "Distributed"], path: "Tests/TrainingTests"),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Base", "CTC", "Training", "Models", "NN", "Corpus", "Audio"], path: "Tests/AnalysisTests"),
        .testTarget(name: "FiguresTests", dependencies: ["Figures"], path: "Tests/FiguresTests"),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook"], path: "Tests/NotebookTests"),
        .testTarget(name: "LessonsTests", dependencies: ["FuzzReplay", "Lessons", "Notebook"], path: "Tests/LessonsTests"),
        .testTarget(name: "WorkbenchTests", dependencies: ["FuzzReplay", "Workbench", "trellis", "Models", "NN", "Audio"], path: "Tests/WorkbenchTests"),
    ]
)

// libFuzzer targets for every reader of outside data (issue 8; docs/reliability.md, "Fuzzing"). They exist only
// when TRELLIS_FUZZ=1, because they link libFuzzer's driver and build only with `-sanitize=fuzzer,address`:
// `scripts/fuzz` sets both and builds into its own scratch folder, so `swift build` and `swift test` never see them.
if Context.environment["TRELLIS_FUZZ"] == "1" {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("fuzz-arpa", ["LanguageModel"]),
        ("fuzz-safetensors", ["Audio", "Models", "Training"]),
        ("fuzz-savetxt", ["Base", "Workbench", "CTC"]),
        ("fuzz-transcripts", ["CTC"]),
        ("fuzz-corpus", ["Corpus", "Audio"]),
        ("fuzz-shell", ["Workbench"]),
        ("fuzz-audio", ["Audio", "Training"]),
        ("fuzz-notebook", ["Notebook", "Lessons"]),
    ]
    package.targets += [
        .target(name: "CFuzzDriver", path: "fuzz/Sources/CFuzzDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzDriver"], path: "fuzz/Sources/FuzzSupport"),
    ]
    for t in fuzzTargets {
        package.targets.append(.executableTarget(name: t.name, dependencies: ["FuzzSupport"] + t.dependencies,
                                                 path: "fuzz/Sources/\(t.name)"))
        package.products.append(.executable(name: t.name, targets: [t.name]))
    }
}
