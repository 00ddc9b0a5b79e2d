"""Golden decoding fixtures from the notebook's own decoders, for Tests/CTCTests.

Generates peaky random T×29 probability matrices with a fixed seed, runs the notebook's prefix beam search
(`decode` from Cell 20, imported from the anchor copy `seed_decode.py`, no LM) and its greedy decoder (Cell 17,
re-implemented verbatim below on numpy instead of torch), and writes
  fixtures/golden/seed_decode_probs.f32   all matrices, little-endian float32, frame-major, concatenated
  fixtures/golden/seed_decode.json        shapes, offsets and the expected texts / scores
The decoders see the float32 values widened to float64, exactly as the Swift tests do.

usage: python3 tools/seed_decode_fixtures.py [--anchors tools/anchors]   (a Python with numpy; see tools/anchors/README.md)
"""
import argparse, json, os, sys
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FRAMES = [50, 64, 80, 100, 128, 160, 200, 256, 320, 400]
SETTINGS = [(5, 1e-3), (3, 1e-2), (8, 0.0)]   # (beam size, prune)


def peaky_matrix(rng, T, K=29, blank=28):
    """Blank-dominated frames with runs of one dominant character, like a trained CTC model, plus noise."""
    scale = rng.uniform(0.5, 2.0)
    logits = rng.standard_normal((T, K)) * scale
    t = 0
    while t < T:
        run = int(rng.integers(1, 6))
        cls = blank if rng.random() < 0.55 else int(rng.integers(0, K - 1))
        boost = rng.uniform(2.0, 9.0)
        logits[t:t + run, cls] += boost
        t += run
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    return p.astype(np.float32)


def notebook_greedy(probs, blank=28):
    """Cell 17's greedy_decoder for one utterance: argmax, drop repeats, then drop blanks."""
    args = probs.argmax(-1)
    decode = []
    for j, index in enumerate(args):
        if j != 0 and index == args[j - 1]:
            continue
        decode.append(int(index))
    return [x for x in decode if x != blank]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--anchors", default=os.path.join(ROOT, "tools", "anchors"))
    a = ap.parse_args()
    sys.path.insert(0, a.anchors)
    from seed_decode import decode, tokenizer   # the notebook's Cells 10, 19, 20

    rng = np.random.default_rng(20261125)
    mats, cases, offset = [], [], 0
    for i, T in enumerate(FRAMES):
        if i == len(FRAMES) - 1:
            # The benchmark's kind of matrix: Gaussian logits × 3, not peaky (many symbols survive pruning).
            lg = rng.standard_normal((T, 29)) * 3
            p = np.exp(lg - lg.max(1, keepdims=True)); p /= p.sum(1, keepdims=True)
            p = p.astype(np.float32)
        else:
            p = peaky_matrix(rng, T)
        p64 = p.astype(np.float64)
        greedy = notebook_greedy(p)
        beams = []
        for beam, prune in SETTINGS:
            seq, nll = decode(p64, beam_size=beam, prune=prune, lm=None)
            beams.append({"beam": beam, "prune": prune, "indices": list(map(int, seq)),
                          "text": tokenizer.indices_to_text(seq), "neg_log_prob": float(nll)})
        cases.append({"frames": T, "offset": offset, "greedy": tokenizer.indices_to_text(greedy), "beams": beams})
        mats.append(p.reshape(-1))
        offset += T * 29
    out = os.path.join(ROOT, "fixtures", "golden")
    os.makedirs(out, exist_ok=True)
    np.concatenate(mats).astype("<f4").tofile(os.path.join(out, "seed_decode_probs.f32"))
    with open(os.path.join(out, "seed_decode.json"), "w") as f:
        json.dump({"about": "tools/seed_decode_fixtures.py: notebook decode() (no LM) and greedy_decoder on seed_decode_probs.f32",
                   "classes": 29, "blank": 28, "cases": cases}, f, indent=1)
    for c in cases:
        print(c["frames"], repr(c["greedy"][:40]), [b["text"][:30] for b in c["beams"]])


if __name__ == "__main__":
    main()
