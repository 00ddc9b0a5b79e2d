// Base: the small pieces several modules need and none owns — seeded random generators, the worker pool's
// parallel loop, numpy `savetxt` text, JSON output, atomic file writes, progress reporting. It depends on
// nothing, so every module (LanguageModel, CTC, Audio, Corpus, NN, Models, Training, Figures, Workbench) can
// use it; anything that knows about speech, CTC or the shell belongs elsewhere.
//
// Files, one job each:
//   SplitMix64.swift          the SplitMix64 generator (seeding, the documented random matrix).
//   Xoshiro256StarStar.swift  the seeded generator of every random choice (initialisation, dropout, SpecAugment,
//                             batches, corpus synthesis), seeded through SplitMix64; checkpoints store its state.
//   Parallel.swift            `Workers` (how many threads a loop may use, a value passed down from `--threads`)
//                             and `parallelFor`, the one parallel loop.
//   SaveText.swift            numpy `savetxt` text: `NumericTable`, the reader (`#` comments, CRLF, inf/nan) and
//                             the `%.18e` writer.
//   AtomicFile.swift          whole-file writes (temporary file + fsync + rename) over regular files only, following
//                             symlinks and keeping the file's mode; `FileWriteError` turns errno into a sentence
//                             ("no space left on device", "file size limit exceeded").
//   JSON.swift                the `--json` encoder: any Encodable as one line, keys in declaration order and
//                             snake_case, null for absent optionals and non-finite numbers, Float in its own
//                             shortest form.
//   ProgressBar.swift         the self-rewriting progress line with an ETA, on standard error and only on a terminal.
//   TextLines.swift           line splitting that accepts LF, CRLF and CR alike, for every text reader.
