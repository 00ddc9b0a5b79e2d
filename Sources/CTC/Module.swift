// CTC: everything between a T×K matrix of log-probabilities and text.
//
// Files, one job each:
//   Errors.swift            the module's typed errors (`CTCError`), worded for a student.
//   Tokenizer.swift         the notebook's 29 symbols (' space a–z, blank _ = 28), text ↔ indices, normalising.
//   SubwordTokenizer.swift  byte-pair encoding over ▁ ' a–z: training, encoding, decoding, the model file.
//   LabelSet.swift          what a model's classes mean (characters or subword pieces): symbols, the blank,
//                           text ↔ ids, word starts — the one seam every decoder, trellis and figure asks.
//   LogSpace.swift          log-add-exp helpers and `LogProbabilities` (a T×K frame-major matrix).
//   LogSoftmax.swift        the one log-softmax (Float and Double rows): scores → log-probabilities for
//                           training, evaluation, inference and `LogProbabilities(logits:)`.
//   Trellis.swift           feasibility check and the exact log-space alpha/beta tables (`CTCTrellis`).
//   CTCGradient.swift       per-utterance loss + gradients: exact (`CTCTrellis.gradients`) and the fast
//                           allocation-free path for the trainer (`CTCLoss.compute`).
//   Alignment.swift         soft alignment (per-frame state posteriors) and Viterbi forced alignment.
//   GreedyDecoder.swift     best-path decoding (collapse repeats, drop blanks).
//   PrefixBeamSearch.swift  the notebook's prefix beam search (Cell 20), log-space, trie of prefixes, with the
//                           notebook's LM fusion or shallow fusion.
//   ShallowFusion.swift     shallow fusion's rules (α·ln P + β per completed word, OOV penalty, </s>), the `Fusion`
//                           choice and `DecoderLanguageModel` (an LM with its vocabulary trie, built once).
//   Lexicon.swift           an LM's vocabulary as a character trie over the tokenizer's classes.
//   WordSpelling.swift      per class of a label set: does it begin a word (space, ▁-piece), which letters it adds —
//                           what lets the one beam search fuse a word LM over characters and subword pieces alike.
//   ErrorRate.swift         WER/CER counted as sclite counts them (corpus and the notebook's per-utterance
//                           mean), their `--json` reply (`ErrorRateReply`), and writing NIST `trn` files.
//   Transcripts.swift       reading transcript files (trn, LibriSpeech trans.txt, plain text) and pairing a
//                           reference with a hypothesis file by utterance id, as sclite does.
//   RandomProbabilities.swift  the documented deterministic random matrix generator (SplitMix64, from Base).
// Beam search scores words through the `LanguageModel` protocol of the LanguageModel module.
// No I/O except `TrnWriter` and the transcript reader.
