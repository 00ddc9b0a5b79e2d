// CTC: everything between a T×K matrix of log-probabilities and text.
//
// Files, one job each:
//   Tokenizer.swift         the notebook's 29 symbols (' space a–z, blank _ = 28), text ↔ indices, normalising.
//   LogSpace.swift          log-add-exp helpers and `LogProbabilities` (a T×K frame-major matrix).
//   Trellis.swift           feasibility check and the exact log-space alpha/beta tables (`CTCTrellis`).
//   CTCGradient.swift       per-utterance loss + gradients: exact (`CTCTrellis.gradients`) and the fast
//                           allocation-free path for the trainer (`CTCLoss.compute`).
//   Alignment.swift         soft alignment (per-frame state posteriors) and Viterbi forced alignment.
//   GreedyDecoder.swift     best-path decoding (collapse repeats, drop blanks).
//   PrefixBeamSearch.swift  the notebook's prefix beam search (Cell 20), log-space, trie of prefixes.
//   WordLanguageModel.swift the small protocol beam search scores words through.
//   ErrorRate.swift         Levenshtein-based WER/CER (corpus and per-utterance mean) and NIST `trn` files.
//   RandomProbabilities.swift  the documented deterministic random matrix generator (SplitMix64, from Base).
// No I/O except `TrnWriter`.
