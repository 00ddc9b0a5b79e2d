// Base: the small pieces several modules need and none owns — seeded random generators, the worker pool's
// parallel loop, numpy `savetxt` text, JSON output, atomic file writes, progress reporting. It depends on
// nothing, so every module (LanguageModel, CTC, Audio, Corpus, NN, Models, Training, Figures, Workbench) can
// use it; anything that knows about speech, CTC or the shell belongs elsewhere.
//
// Files, one job each:
//   SplitMix64.swift   the SplitMix64 generator (seeding, the documented random matrix).
//   TextLines.swift    line splitting that accepts LF, CRLF and CR alike, for every text reader.
