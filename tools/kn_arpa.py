#!/usr/bin/env python3
"""A small interpolated Kneser-Ney n-gram estimator that writes an ARPA file: a stand-in for measurements made
before `trellis lm build` (modified Kneser-Ney as KenLM's lmplz, issue 11) exists, never a dependency of Trellis
or of its tests. One discount D = 0.75 per order (not modified KN's three), continuation counts below the highest
order, <unk> given the uniform share of the unigram interpolation. Words are the whitespace-separated tokens of each
line (lower-cased); every line is a sentence between <s> and </s>.

    python3 tools/kn_arpa.py --order 3 --out lm.arpa TEXT...
    python3 tools/kn_arpa.py --order 3 --out lm.arpa --transcripts data/synth/train   # LibriSpeech *.trans.txt

Check with /work/torch-venv's kenlm module if at hand: kenlm.Model("lm.arpa").perplexity("some text").
"""
import argparse
import math
import os
import sys
from collections import defaultdict

D = 0.75


def sentences(paths, transcripts):
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                words = line.lower().split()
                if transcripts:
                    words = words[1:]          # "ID WORD WORD ..."
                if words:
                    yield words


def transcript_files(root):
    for dirpath, _, names in sorted(os.walk(root)):
        for name in sorted(names):
            if name.endswith(".trans.txt"):
                yield os.path.join(dirpath, name)


def estimate(sents, order):
    counts = [defaultdict(int) for _ in range(order)]          # counts[k][ngram of length k+1]
    for words in sents:
        seq = ["<s>"] * 1 + words + ["</s>"]
        for n in range(1, order + 1):
            for i in range(len(seq) - n + 1):
                g = tuple(seq[i:i + n])
                if n > 1 and "<s>" in g[1:]:
                    continue
                if n == 1 and g == ("<s>",):
                    continue
                counts[n - 1][g] += 1
    # Kneser-Ney: below the highest order, the count of an n-gram is the number of distinct words before it.
    kn = [defaultdict(int) for _ in range(order)]
    kn[order - 1] = counts[order - 1]
    for n in range(order, 1, -1):
        for g in counts[n - 1]:
            kn[n - 2][g[1:]] += 1
    # n-grams starting with <s> have no left context: keep their raw counts (as lmplz does).
    for n in range(1, order):
        for g, c in counts[n - 1].items():
            if g[0] == "<s>":
                kn[n - 1][g] = c
    vocab = sorted({g[0] for g in counts[0]} | {"<s>"})
    # Context statistics per order: total count and number of distinct continuations.
    probs = [dict() for _ in range(order)]
    backoff = [dict() for _ in range(order)]
    total1 = sum(c for g, c in kn[0].items())
    types1 = len(kn[0])
    uniform = 1.0 / (len(vocab) + 1)                           # + <unk>
    for g, c in kn[0].items():
        probs[0][g] = max(c - D, 0) / total1 + D * types1 / total1 * uniform
    probs[0][("<unk>",)] = D * types1 / total1 * uniform
    for n in range(2, order + 1):
        ctx_total = defaultdict(int)
        ctx_types = defaultdict(int)
        for g, c in kn[n - 1].items():
            ctx_total[g[:-1]] += c
            ctx_types[g[:-1]] += 1
        for h in ctx_total:
            backoff[n - 2][h] = D * ctx_types[h] / ctx_total[h]
        for g, c in kn[n - 1].items():
            h = g[:-1]
            lower = lower_prob(probs, backoff, g[1:])
            probs[n - 1][g] = max(c - D, 0) / ctx_total[h] + backoff[n - 2][h] * lower
    return vocab, probs, backoff


def lower_prob(probs, backoff, g):
    """The interpolated probability of the (shorter) n-gram g, backing off through listed contexts."""
    n = len(g)
    if g in probs[n - 1]:
        return probs[n - 1][g]
    if n == 1:
        return probs[0][("<unk>",)]
    return backoff[n - 2].get(g[:-1], 1.0) * lower_prob(probs, backoff, g[1:])


def write_arpa(path, order, probs, backoff):
    def lg(p):
        return math.log10(p) if p > 0 else -99.0
    with open(path, "w", encoding="utf-8") as f:
        f.write("\\data\\\n")
        sizes = [len(probs[0]) + 1] + [len(probs[n]) for n in range(1, order)]
        for n, s in enumerate(sizes):
            f.write(f"ngram {n + 1}={s}\n")
        for n in range(order):
            f.write(f"\n\\{n + 1}-grams:\n")
            rows = sorted(probs[n].items())
            if n == 0:
                rows = [(("<s>",), None)] + rows
            for g, p in rows:
                text = " ".join(g)
                prob = -99.0 if p is None else lg(p)
                bo = backoff[n].get(g) if n < order - 1 else None
                if bo is not None:
                    f.write(f"{prob:.6f}\t{text}\t{lg(bo):.6f}\n")
                else:
                    f.write(f"{prob:.6f}\t{text}\n")
        f.write("\n\\end\\\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("text", nargs="*")
    ap.add_argument("--transcripts", help="a LibriSpeech-layout folder: use the text of its *.trans.txt files")
    ap.add_argument("--order", type=int, default=3)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if a.transcripts:
        sents = list(sentences(transcript_files(a.transcripts), True))
    else:
        sents = list(sentences(a.text, False))
    if not sents:
        sys.exit("no sentences read")
    vocab, probs, backoff = estimate(sents, a.order)
    write_arpa(a.out, a.order, probs, backoff)
    print(f"{len(sents)} sentences, {len(vocab)} word types; wrote {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
