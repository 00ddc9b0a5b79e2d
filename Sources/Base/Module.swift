// Base: the small pieces several modules need and none owns — seeded random generators, the worker pool's
// parallel loop, numpy `savetxt` text, JSON output, atomic file writes, progress reporting. It depends on
// nothing, so every module (LanguageModel, CTC, Audio, Corpus, NN, Models, Training, Figures, Workbench) can
// use it; anything that knows about speech, CTC or the shell belongs elsewhere.
//
// Files, one job each:
//   SplitMix64.swift   the SplitMix64 generator (seeding, the documented random matrix).
//   JSON.swift         the `--json` encoder: any Encodable as one line, keys in declaration order and snake_case,
//                      null for absent optionals and non-finite numbers, Float in its own shortest form.
//   ProgressBar.swift  the self-rewriting progress line with an ETA, on standard error and only on a terminal.
