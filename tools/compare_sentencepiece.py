#!/usr/bin/env python3
"""Subword tokenizers side by side: Trellis's BPE against sentencepiece's BPE at the same vocabulary size.

    tools/compare_sentencepiece.py --train TRAIN.txt --heldout HELDOUT.txt --vocab 256 [--trellis MODEL.bpe]
    tools/compare_sentencepiece.py --golden fixtures/golden/bpe_python.json

Both texts are normalised as Trellis normalises transcripts (lower case, ' and a-z, other characters dropped, hyphens
and whitespace a space). Reports pieces per word on the held-out text for
  * sentencepiece BPE (model_type=bpe, vocab_size = N + 1 because its <unk> is a piece too, no <s>/</s>,
    identity normalisation, character_coverage 1.0, ▁ dummy prefix as Trellis writes it),
  * this file's own BPE (the rules of Sources/CTC/SubwordTokenizer.swift, written again from its header comment:
    the 28 base pieces ▁ ' a-z, most frequent pair, ties to the smaller left id then the smaller right id),
  * and, with --trellis, the model file `trellis tokenizer train` wrote from TRAIN.txt (its merges must equal the
    Python ones; a difference is printed).
--golden writes a small fixture for Tests/CTCTests (merges and encodings by the Python implementation), so the Swift
tests check Trellis against an independent implementation without Python in CI.

Needs `pip install sentencepiece` for the comparison (not for --golden).
"""
import argparse
import collections
import json
import os
import sys
import tempfile
import unicodedata

BOUNDARY = "\u2581"
BASE = [BOUNDARY, "'"] + [chr(c) for c in range(ord("a"), ord("z") + 1)]


def normalize(line):
    out, pending = [], False
    for c0 in line:
        m = None
        for c in c0.lower():
            if c == "_":
                break
            if c == "'" or "a" <= c <= "z":
                m = c; break
            if c in "’‘`ʼ":
                m = "'"; break
            if c.isspace() or c in "-–—":
                m = " "; break
            d = unicodedata.normalize("NFD", c)
            if not c.isascii() and d and "a" <= d[0] <= "z":
                m = d[0]; break
        if m is None:
            continue
        if m == " ":
            pending = bool(out)
            continue
        if pending:
            out.append(" "); pending = False
        out.append(m)
    return "".join(out)


def bpe_train(lines, vocab):
    counts = collections.Counter(w for line in lines for w in normalize(line).split())
    pieces = list(BASE)
    ids = {p: i for i, p in enumerate(pieces)}
    words = [[0] + [ids[c] for c in w] for w in sorted(counts)]
    weights = [counts[w] for w in sorted(counts)]
    merges = []
    while len(pieces) < vocab:
        pc = collections.Counter()
        for s, n in zip(words, weights):
            for a, b in zip(s, s[1:]):
                pc[(a, b)] += n
        if not pc:
            break
        best = min(pc, key=lambda p: (-pc[p], p[0], p[1]))
        spelled = pieces[best[0]] + pieces[best[1]]
        if spelled not in ids:
            ids[spelled] = len(pieces); pieces.append(spelled)
        new = ids[spelled]
        merges.append((best[0], best[1], new))
        for k, s in enumerate(words):
            out, i = [], 0
            while i < len(s):
                if i + 1 < len(s) and (s[i], s[i + 1]) == best:
                    out.append(new); i += 2
                else:
                    out.append(s[i]); i += 1
            words[k] = out
    return pieces, merges


def bpe_encode_word(word, pieces, merges):
    rank = {(a, b): (r, n) for r, (a, b, n) in enumerate(merges)}
    ids = {p: i for i, p in enumerate(pieces)}
    s = [0] + [ids[c] for c in word]
    while len(s) > 1:
        cands = [rank[p] for p in zip(s, s[1:]) if p in rank]
        if not cands:
            break
        r, new = min(cands)
        a, b, _ = merges[r]
        out, i = [], 0
        while i < len(s):
            if i + 1 < len(s) and s[i] == a and s[i + 1] == b:
                out.append(new); i += 2
            else:
                out.append(s[i]); i += 1
        s = out
    return s


def bpe_encode(text, pieces, merges):
    return [i for w in text.split() for i in bpe_encode_word(w, pieces, merges)]


def read_trellis(path):
    lines = open(path, encoding="utf-8").read().splitlines()
    assert lines[0] == "trellis-tokenizer 1 bpe", lines[0]
    pieces = list(BASE); ids = {p: i for i, p in enumerate(pieces)}; merges = []
    for line in lines[2:]:
        _, a, b = line.split(" ")
        s = a + b
        if s not in ids:
            ids[s] = len(pieces); pieces.append(s)
        merges.append((ids[a], ids[b], ids[s]))
    return pieces, merges


def per_word(encode, lines):
    words = pieces = 0
    for line in lines:
        t = normalize(line)
        words += len(t.split())
        pieces += len(encode(t))
    return pieces / max(words, 1), words


def golden(path):
    texts = ["the cat sat on the mat", "The cat ate the rat!", "a rat's hat, and that is that", "there",
             "Hats off to the mathematicians", "ratatat tattoo"]
    out = {"texts": texts, "vocab": 48}
    pieces, merges = bpe_train(texts, out["vocab"])
    out["merges"] = [[pieces[a], pieces[b]] for a, b, _ in merges]
    out["pieces"] = pieces
    probes = ["the cat", "that hat", "mathematics rats", "zebra's quiz", "tattoo attack"]
    out["encodings"] = [{"text": t, "ids": bpe_encode(t, pieces, merges)} for t in probes]
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {path}: {len(pieces)} pieces, {len(merges)} merges")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train"); ap.add_argument("--heldout"); ap.add_argument("--vocab", type=int, default=256)
    ap.add_argument("--trellis"); ap.add_argument("--golden")
    ap.add_argument("--no-python", action="store_true", help="skip this file's own BPE (slow on large texts)")
    a = ap.parse_args()
    if a.golden:
        return golden(a.golden)
    train = open(a.train, encoding="utf-8").read().splitlines()
    held = open(a.heldout, encoding="utf-8").read().splitlines()
    import sentencepiece as spm
    with tempfile.TemporaryDirectory() as d:
        norm = os.path.join(d, "train.txt")
        with open(norm, "w", encoding="utf-8") as f:
            for line in train:
                t = normalize(line)
                if t:
                    f.write(t + "\n")
        spm.SentencePieceTrainer.train(input=norm, model_prefix=os.path.join(d, "sp"), model_type="bpe",
                                       vocab_size=a.vocab + 1, bos_id=-1, eos_id=-1, unk_id=0,
                                       character_coverage=1.0, normalization_rule_name="identity",
                                       max_sentence_length=100000, minloglevel=2)
        sp = spm.SentencePieceProcessor(model_file=os.path.join(d, "sp.model"))
        sp_rate, words = per_word(lambda t: sp.encode(t), held)
    print(f"held-out: {words} words; vocabulary {a.vocab} pieces")
    print(f"  sentencepiece bpe   {sp_rate:.3f} pieces/word")
    if not a.no_python:
        pieces, merges = bpe_train(train, a.vocab)
        py_rate, _ = per_word(lambda t: bpe_encode(t, pieces, merges), held)
        print(f"  python bpe (rules)  {py_rate:.3f} pieces/word")
    if a.trellis:
        tp, tm = read_trellis(a.trellis)
        tr_rate, _ = per_word(lambda t: bpe_encode(t, tp, tm), held)
        note = ""
        if not a.no_python:
            same = [(tp[x], tp[y]) for x, y, _ in tm] == [(pieces[x], pieces[y]) for x, y, _ in merges]
            note = f" (merges {'identical to' if same else 'DIFFERENT from'} the python bpe's)"
        print(f"  trellis model file  {tr_rate:.3f} pieces/word{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
