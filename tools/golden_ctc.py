"""Golden CTC losses and gradients from PyTorch, for Tests/CTCTests.

Writes
  fixtures/golden/ctc_golden.f32   little-endian float32 blobs (logits, gradients, probability matrices)
  fixtures/golden/ctc_golden.json  the cases: shapes, labels, blob offsets (in floats), losses
Cases:
  • "single": random float32 logits (widened to float64 for torch), labels with and without repeats, the tight
    case T = L + repeats, L = 0, and impossible cases; loss = F.ctc_loss(log_softmax(logits), reduction='none',
    blank=28) in float64, zero_infinity False and True; gradient w.r.t. the logits (zero_infinity=True).
  • "batch_mean": the feasible single cases as one padded batch, reduction='mean' (loss / target length, averaged).
  • "random_probabilities": the matrix of Trellis's RandomProbabilities.generate (SplitMix64 + Box–Muller, see
    Sources/CTC/RandomProbabilities.swift), re-implemented here bit for bit, T=50, with losses of a few texts on
    log(p). The matrix itself is stored so the Swift test checks its generator against these exact numbers.

usage: torch-venv/bin/python tools/golden_ctc.py
"""
import json, math, os
import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
K, BLANK = 29, 28
MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def gaussian(self):
        u1 = float((self.next() >> 11) + 1) * 2.0 ** -53
        u2 = float(self.next() >> 11) * 2.0 ** -53
        return math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)


def random_probabilities(frames, classes, seed, peaky):
    rng = SplitMix64(seed)
    out = np.zeros((frames, classes), dtype=np.float32)
    for t in range(frames):
        logits = [peaky * rng.gaussian() for _ in range(classes)]
        m = max(logits)
        e = [math.exp(l - m) for l in logits]
        s = 0.0
        for v in e:
            s += v
        out[t] = np.array([v / s for v in e], dtype=np.float64).astype(np.float32)
    return out


def text_to_indices(text):
    table = {c: i for i, c in enumerate(["'", " "] + [chr(ord('a') + i) for i in range(26)] + ["_"])}
    return [table[c] for c in text]


def ctc(logits32, labels, zero_infinity):
    x = torch.tensor(logits32.astype(np.float64), requires_grad=True)
    lp = x.log_softmax(-1)
    tgt = torch.tensor([labels], dtype=torch.long) if labels else torch.zeros((1, 0), dtype=torch.long)
    loss = F.ctc_loss(lp[:, None, :], tgt, torch.tensor([x.shape[0]]), torch.tensor([len(labels)]),
                      blank=BLANK, reduction="none", zero_infinity=zero_infinity)
    loss.sum().backward()
    return float(loss.item()), x.grad.numpy()


def main():
    rng = np.random.default_rng(7)
    blobs, offset = [], 0

    def put(a):
        nonlocal offset
        a = np.asarray(a, dtype=np.float32).reshape(-1)
        blobs.append(a)
        o = offset
        offset += a.size
        return o

    specs = []
    for i in range(10):
        T = int(rng.integers(1, 41))
        L = int(rng.integers(0, min(T, 16) + 1))
        labels = [int(v) for v in rng.integers(0, 28, L)]
        if L >= 3 and i % 2 == 0:
            labels[2] = labels[1]          # force an adjacent repeat
        specs.append((f"random{i}", T, labels, float(rng.uniform(0.5, 4.0))))
    specs += [
        ("empty_labels", 7, [], 2.0),
        ("single_frame", 1, [5], 1.0),
        ("tight_repeats", 6, text_to_indices("hello"), 2.0),          # L=5, one repeat: exactly 6 frames
        ("tight_no_repeat", 3, text_to_indices("abc"), 1.5),
        ("impossible_repeats", 5, text_to_indices("hello"), 2.0),     # needs 6
        ("impossible_short", 2, text_to_indices("abc"), 1.0),
        ("all_same", 9, text_to_indices("aaaa"), 3.0),               # needs 7
        ("long", 60, text_to_indices("the quick brown fox"), 2.5),
    ]
    single = []
    for name, T, labels, scale in specs:
        logits = (rng.standard_normal((T, K)) * scale).astype(np.float32)
        loss, _ = ctc(logits, labels, False)
        loss_zi, grad = ctc(logits, labels, True)
        single.append({"name": name, "frames": T, "labels": labels, "logits": put(logits), "grad_logits": put(grad),
                       "loss": loss if math.isfinite(loss) else "inf", "loss_zero_infinity": loss_zi})

    # reduction='mean' over the feasible cases with labels, as one padded (T, B, K) batch.
    batch = [c for c in single if c["labels"] and c["loss"] != "inf"]
    Tmax = max(c["frames"] for c in batch)
    xs = np.zeros((Tmax, len(batch), K), dtype=np.float32)
    flat = np.concatenate(blobs)
    for b, c in enumerate(batch):
        xs[:c["frames"], b] = flat[c["logits"]:c["logits"] + c["frames"] * K].reshape(c["frames"], K)
    x = torch.tensor(xs.astype(np.float64), requires_grad=True)
    Lmax = max(len(c["labels"]) for c in batch)
    tg = torch.tensor([c["labels"] + [0] * (Lmax - len(c["labels"])) for c in batch], dtype=torch.long)
    loss = F.ctc_loss(x.log_softmax(-1), tg, torch.tensor([c["frames"] for c in batch]),
                      torch.tensor([len(c["labels"]) for c in batch]), blank=BLANK, reduction="mean")
    loss.backward()
    batch_mean = {"names": [c["name"] for c in batch], "loss": float(loss.item()),
                  "grad_first": put(x.grad.numpy()[:batch[0]["frames"], 0])}

    rp = []
    for seed, peaky in [(0, 1.0), (42, 3.0)]:
        p = random_probabilities(50, K, seed, peaky)
        lp = torch.tensor(np.log(p.astype(np.float64)))
        losses = {}
        for text in ["hello world", "the cat sat", "aa", "ctc"]:
            lab = text_to_indices(text)
            l = F.ctc_loss(lp[:, None, :], torch.tensor([lab]), torch.tensor([50]), torch.tensor([len(lab)]),
                           blank=BLANK, reduction="none")
            losses[text] = float(l.item())
        rp.append({"frames": 50, "classes": K, "seed": seed, "peaky": peaky, "probs": put(p), "losses": losses})

    out = os.path.join(ROOT, "fixtures", "golden")
    np.concatenate(blobs).astype("<f4").tofile(os.path.join(out, "ctc_golden.f32"))
    with open(os.path.join(out, "ctc_golden.json"), "w") as f:
        json.dump({"about": "tools/golden_ctc.py: torch %s F.ctc_loss, float64, blank 28; offsets index ctc_golden.f32 in floats" % torch.__version__,
                   "classes": K, "blank": BLANK, "single": single, "batch_mean": batch_mean,
                   "random_probabilities": rp}, f, indent=1)
    print(len(single), "single cases;", offset, "floats;", "mean loss", batch_mean["loss"])
    print([(c["name"], c["loss"]) for c in single])


if __name__ == "__main__":
    main()
