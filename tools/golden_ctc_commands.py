"""Golden values for the Workbench CTC command tests (Tests/WorkbenchTests/CTCCommandTests.swift).

For `probs random T --seed S [--peaky X]; text "..."; forward --json`, the log-likelihood that PyTorch's
F.ctc_loss gives (float64, blank 28) on the same matrix (tools/golden_ctc.py's random_probabilities,
a re-implementation of Trellis's RandomProbabilities). Writes fixtures/golden/ctc_commands.json.
Run: torch-venv/bin/python tools/golden_ctc_commands.py
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_ctc import BLANK, K, random_probabilities, text_to_indices  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASES = [(50, 1, 1.0, "cat"), (50, 1, 1.0, "hello"), (30, 7, 3.0, "aa"), (400, 0, 1.0, "the cat sat on the mat")]


def main():
    rows = []
    for frames, seed, peaky, text in CASES:
        p = random_probabilities(frames, K, seed, peaky)
        lp = torch.tensor(np.log(p.astype(np.float64)))
        labels = text_to_indices(text)
        loss = F.ctc_loss(lp[:, None, :], torch.tensor([labels]), torch.tensor([frames]), torch.tensor([len(labels)]),
                          blank=BLANK, reduction="none")
        rows.append({"frames": frames, "seed": seed, "peaky": peaky, "text": text, "log_likelihood": -float(loss.item())})
    with open(os.path.join(ROOT, "fixtures", "golden", "ctc_commands.json"), "w") as f:
        json.dump({"about": "tools/golden_ctc_commands.py: torch " + torch.__version__ + " F.ctc_loss float64 on "
                   "RandomProbabilities matrices", "cases": rows}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
