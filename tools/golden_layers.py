#!/usr/bin/env python3
"""Golden values for the NN module's layers, written by PyTorch (run with torch-venv/bin/python).

Each case is one small JSON file fixtures/golden/nn_<case>.json mapping names to {"shape": [...], "data": [...]}
(row-major float32 values, PyTorch's layout) plus a few plain numbers/lists. A case holds the inputs, the
parameters (by their state_dict names), the outputs, and the gradients of loss = sum(output * r) for a fixed r.
Tests in Tests/NNTests load these files; they never need PyTorch.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "golden")


def arr(t):
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def save(name, obj):
    path = os.path.join(OUT, f"nn_{name}.json")
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
    print(path, os.path.getsize(path), "bytes")


def module_case(module, x, forward, extra=None):
    """Forward, loss = sum(y * r), backward; returns inputs, params, output and all gradients."""
    x = x.clone().requires_grad_(True)
    y = forward(module, x)
    r = torch.randn_like(y)
    (y * r).sum().backward()
    case = {"x": arr(x), "y": arr(y), "r": arr(r), "dx": arr(x.grad)}
    for name, p in module.named_parameters():
        case["param." + name] = arr(p)
        case["grad." + name] = arr(p.grad)
    case["param_order"] = [name for name, _ in module.named_parameters()]
    if extra:
        case.update(extra)
    return case


class CNNLayerNorm(nn.Module):
    """The notebook's module."""

    def __init__(self, n_feats):
        super().__init__()
        self.layer_norm = nn.LayerNorm(n_feats)

    def forward(self, x):
        x = x.transpose(2, 3).contiguous()
        x = self.layer_norm(x)
        return x.transpose(2, 3).contiguous()


def packed(rnn, lengths):
    def run(m, x):
        p = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, _ = m(p)
        y, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
        return y
    return run


def main():
    torch.manual_seed(1234)
    os.makedirs(OUT, exist_ok=True)

    # Conv2d: the notebook's first conv (stride 2, padding 1) and a residual conv (stride 1, padding 1),
    # plus a non-square kernel with unequal strides.
    for name, (c, o, k, s, p, shape) in {
        "conv2d_s2": (1, 4, (3, 3), (2, 2), (1, 1), (2, 1, 8, 9)),
        "conv2d_s1": (3, 4, (3, 3), (1, 1), (1, 1), (2, 3, 5, 7)),
        "conv2d_rect": (2, 3, (3, 2), (2, 1), (1, 0), (2, 2, 7, 6)),
    }.items():
        conv = nn.Conv2d(c, o, k, stride=s, padding=p)
        case = module_case(conv, torch.randn(*shape), lambda m, x: m(x),
                           {"kernel": list(k), "stride": list(s), "padding": list(p)})
        save(name, case)

    ln = CNNLayerNorm(5)
    with torch.no_grad():
        ln.layer_norm.weight.copy_(torch.randn(5))
        ln.layer_norm.bias.copy_(torch.randn(5))
    save("cnn_layernorm", module_case(ln, torch.randn(2, 3, 5, 4) * 2 + 0.5, lambda m, x: m(x)))

    lengths = [6, 4, 2]
    lstm = nn.LSTM(5, 7, num_layers=2, batch_first=True, bidirectional=True, proj_size=3)
    save("lstm_bi_proj", module_case(lstm, torch.randn(3, 6, 5), packed(lstm, lengths),
                                     {"lengths": lengths, "hidden": 7, "proj": 3, "layers": 2, "bidirectional": True}))
    lstm1 = nn.LSTM(4, 6, num_layers=1, batch_first=True)
    save("lstm_uni", module_case(lstm1, torch.randn(3, 5, 4), packed(lstm1, [3, 5, 4]),
                                 {"lengths": [3, 5, 4], "hidden": 6, "proj": 0, "layers": 1, "bidirectional": False}))
    gru = nn.GRU(4, 5, num_layers=2, batch_first=True, bidirectional=True)
    save("gru_bi", module_case(gru, torch.randn(3, 6, 4), packed(gru, [6, 3, 5]),
                               {"lengths": [6, 3, 5], "hidden": 5, "layers": 2, "bidirectional": True}))

    # CTC: log_softmax + nn.CTCLoss(blank=28, reduction='mean') over (B, T, C) logits; gradient w.r.t. logits.
    B, T, C = 3, 12, 29
    logits = torch.randn(B, T, C, requires_grad=True)
    in_lens = torch.tensor([12, 10, 7])
    targets = [[1, 2, 2, 3], [5, 6, 7, 8, 9, 10], [0, 27]]
    tgt_lens = torch.tensor([len(t) for t in targets])
    flat = torch.tensor(sum(targets, []), dtype=torch.long)
    lp = F.log_softmax(logits, dim=2)
    ctc = nn.CTCLoss(blank=28, reduction="mean")
    loss = ctc(lp.transpose(0, 1), flat, in_lens, tgt_lens)
    loss.backward()
    per = nn.CTCLoss(blank=28, reduction="none")(lp.detach().transpose(0, 1), flat, in_lens, tgt_lens)
    save("ctc_mean", {"logits": arr(logits), "input_lengths": in_lens.tolist(), "targets": targets,
                      "loss": float(loss.detach()), "per_utterance": per.tolist(), "dlogits": arr(logits.grad)})

    # Adam (with weight decay) driven by OneCycleLR with the notebook's settings, cycling beta1.
    p = nn.Parameter(torch.randn(6))
    opt = torch.optim.Adam([p], lr=1e-3, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-2, total_steps=10, div_factor=5, final_div_factor=10)
    grads = torch.randn(10, 6)
    p0 = p.detach().clone()
    lrs, betas, params = [], [], []
    for k in range(10):
        lrs.append(opt.param_groups[0]["lr"])
        betas.append(opt.param_groups[0]["betas"][0])
        p.grad = grads[k].clone()
        opt.step()
        sched.step()
        params.append(p.detach().clone())
    save("adam_onecycle", {"p0": arr(p0), "grads": arr(grads), "lr": lrs, "beta1": betas,
                           "params": arr(torch.stack(params)), "max_lr": 1e-2, "total_steps": 10,
                           "div_factor": 5, "final_div_factor": 10, "weight_decay": 0.01})

    # OneCycleLR alone with PyTorch's defaults (div 25, final 1e4), epochs × steps_per_epoch form.
    q = nn.Parameter(torch.zeros(1))
    opt2 = torch.optim.Adam([q], lr=1e-3)
    sched2 = torch.optim.lr_scheduler.OneCycleLR(opt2, max_lr=3e-3, epochs=3, steps_per_epoch=7)
    lrs2, betas2 = [], []
    for _ in range(21):
        lrs2.append(opt2.param_groups[0]["lr"])
        betas2.append(opt2.param_groups[0]["betas"][0])
        opt2.step()
        sched2.step()
    save("onecycle_default", {"lr": lrs2, "beta1": betas2, "max_lr": 3e-3, "epochs": 3, "steps_per_epoch": 7})

    # clip_grad_norm_
    lin = nn.Linear(4, 3)
    for prm in lin.parameters():
        prm.grad = torch.randn_like(prm) * 3
    before = {n: arr(prm.grad) for n, prm in lin.named_parameters()}
    norm = torch.nn.utils.clip_grad_norm_(lin.parameters(), 1.5)
    save("clip", {"grad_before": before, "norm": float(norm), "max_norm": 1.5,
                  "grad_after": {n: arr(prm.grad) for n, prm in lin.named_parameters()}})


if __name__ == "__main__":
    main()
