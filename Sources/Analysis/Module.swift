// Analysis: the statistics behind `blanks`, `compare runs`, `compare checkpoints` and `compare alignment` —
// the homework's model and alignment comparisons (Cells 34 and 41) — as plain functions of matrices, alignments
// and metrics lines, so each number can be checked on a hand-made case. The commands (Workbench) only load
// checkpoints and run folders, call these, and print or draw what they return.
//
// Files, one job each:
//   FrameStatistics.swift     per-frame statistics of a probability matrix (blank arg-max ratio, mean blank
//                             posterior, peakiness, entropy) and emission widths along a Viterbi path.
//   Correlation.swift         Pearson and Spearman (ties get their mean rank) correlation coefficients.
//   BoundaryDifference.swift  how far two models' Viterbi character start frames disagree on one utterance.
//   RunComparison.swift       one row per run folder from run.json and metrics.jsonl: times, error rates,
//                             plateau exit, loss-curve roughness, gradient-norm spikes, skipped batches.
//   DataSetAlignments.swift   a checkpoint over a data set through the one model-output path (`outputs(over:)`):
//                             per-utterance statistics, loss and Viterbi path.
//   AnalysisFigures.swift     the figures of those commands (distributions, curves, scatters, alignment grids),
//                             built from Figures' panels.
