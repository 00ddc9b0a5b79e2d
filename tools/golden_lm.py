"""Golden sentence scores for fixtures/lm/small.arpa from KenLM's Python module (pip install kenlm).

KenLM is case-sensitive and Trellis's ARPAModel is not, so the model and the sentences are
lower-cased first. Writes fixtures/golden/lm_small_scores.json: for each sentence the log10 total
with <s> and </s> (what `query` prints as Total), the OOV count and the per-word log10 and n-gram length.
Run: torch-venv/bin/python tools/golden_lm.py
"""
import importlib.metadata
import json
import os
import tempfile

import kenlm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "fixtures", "lm", "small.arpa")
OUT = os.path.join(ROOT, "fixtures", "golden", "lm_small_scores.json")

SENTENCES = [
    "",
    "the",
    "the cat",
    "The cat sat on the mat",
    "cat sat",
    "on the mat",
    "the mat",
    "mat",
    "dog",
    "the dog sat",
    "the cat dog on the mat",
    "the the the",
    "sat on on the cat",
    "</s>",
    "<unk> cat",
]


def main():
    with open(MODEL) as f:
        text = f.read().lower()
    with tempfile.NamedTemporaryFile("w", suffix=".arpa", delete=False) as tmp:
        tmp.write(text)
    model = kenlm.Model(tmp.name)
    os.unlink(tmp.name)
    rows = []
    for sentence in SENTENCES:
        lowered = sentence.lower()
        words = lowered.split()
        full = list(model.full_scores(lowered, bos=True, eos=True))
        rows.append({
            "sentence": sentence,
            "log10": model.score(lowered, bos=True, eos=True),
            "oov": sum(1 for w in words if w not in model),
            "words": [{"log10": p, "ngram_length": n} for p, n, _ in full],
        })
    with open(OUT, "w") as f:
        json.dump({"model": "fixtures/lm/small.arpa", "tool": "kenlm " + importlib.metadata.version("kenlm"),
                   "sentences": rows}, f, indent=None, separators=(',', ':'))
        f.write("\n")


if __name__ == "__main__":
    main()
