"""Golden values for Trellis's Models tests: the notebook's CTCDNN / CTCRNN / CTCBiRNN (Cell 29), Trellis's
corrected recurrent variant (no 29-wide projection + Linear classifier) and its GRU / BiGRU (the same module with
nn.GRU in place of nn.LSTM), in small configurations so the fixtures stay small. For fixed weights and inputs it records each model's output, CTC loss (blank = n_class - 1, as the notebook's 28 of 29; reduction mean) and
every parameter's gradient, computed in float64 from float32-rounded weights and inputs (the best oracle for a
float32 engine). Dropout is off (model.eval()): PyTorch's random masks cannot be reproduced bit for bit.

usage: torch-venv/bin/python tools/golden_models.py [--out fixtures/golden] [--cases NAME ...]
(--cases regenerates only the named fixtures, e.g. `--cases gru bigru`, leaving the others byte for byte)
writes fixtures/golden/models_<name>.safetensors with tensors
  param.<pytorch name>, grad.<pytorch name>, input (B,1,F,T), output (B,T',C), labels (B,Lmax) as float,
and __metadata__ {config (JSON), loss, input_lengths, label_lengths}.
"""
import argparse, json, os
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file


# ---- the notebook's modules (Cell 29), with FeatureExtractor's `channels` exposed so tests can shrink it ----
class CNNLayerNorm(nn.Module):
    def __init__(self, n_feats):
        super().__init__()
        self.layer_norm = nn.LayerNorm(n_feats)

    def forward(self, x):
        x = x.transpose(2, 3).contiguous()
        x = self.layer_norm(x)
        return x.transpose(2, 3).contiguous()


class ResidualCNN(nn.Module):
    def __init__(self, in_channels, out_channels, kernel, stride, dropout, n_feats):
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, kernel, stride, padding=kernel // 2),
            CNNLayerNorm(n_feats), nn.ReLU(), nn.Dropout(dropout),
            nn.Conv2d(out_channels, out_channels, kernel, 1, padding=kernel // 2),
            CNNLayerNorm(n_feats))
        if in_channels != out_channels or stride != 1:
            self.residual_conv = nn.Conv2d(in_channels, out_channels, 1, 1, 0)
        else:
            self.residual_conv = nn.Identity()

    def forward(self, x):
        residual = self.residual_conv(x)
        x = self.conv_block(x)
        x += residual
        return x


class FeatureExtractor(nn.Module):
    def __init__(self, n_cnn_layers, rnn_dim, n_feats, stride=2, dropout=0.1, channels=32):
        super().__init__()
        n_feats //= stride
        self.cnn = nn.Conv2d(1, channels, 3, stride=stride, padding=1)
        self.rescnn_layers = nn.Sequential(*[
            ResidualCNN(channels, channels, 3, 1, dropout, n_feats) for _ in range(n_cnn_layers)])
        self.fully_connected = nn.Sequential(
            nn.Linear(channels * n_feats, 4 * n_feats), nn.ReLU(), nn.Dropout(0.4),
            nn.Linear(4 * n_feats, rnn_dim), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(rnn_dim, rnn_dim))

    def forward(self, x):
        x = self.cnn(x)
        x = self.rescnn_layers(x)
        s = x.size()
        x = x.view(s[0], s[1] * s[2], s[3]).transpose(1, 2)
        return self.fully_connected(x)


class CTCDNN(nn.Module):
    def __init__(self, c):
        super().__init__()
        rnn_dim = c["rnn_dim"]
        self.feature_extractor = FeatureExtractor(c["n_cnn_layers"], rnn_dim, c["n_feats"], c["stride"],
                                                  c["dropout"], c["channels"])
        self.intermediate_layers = nn.Sequential(
            nn.Linear(rnn_dim, c["dnn_hidden"]), nn.ReLU(), nn.Dropout(0.4),
            nn.Linear(c["dnn_hidden"], c["dnn_hidden"]), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(c["dnn_hidden"], rnn_dim))
        self.classifier = nn.Linear(rnn_dim, c["n_class"])

    def forward(self, x):
        return self.classifier(self.intermediate_layers(self.feature_extractor(x)))


class CTCRNN(nn.Module):
    """bidirectional / proj_size / classifier from the config: the notebook's CTCRNN and CTCBiRNN use
    proj_size = n_class and an Identity classifier; Trellis's corrected variant uses proj_size 0 and a Linear."""

    def __init__(self, c):
        super().__init__()
        rnn_dim, L = c["rnn_dim"], c["n_rnn_layers"]
        self.feature_extractor = FeatureExtractor(c["n_cnn_layers"], rnn_dim, c["n_feats"], c["stride"],
                                                  c["dropout"], c["channels"])
        self.intermediate_layers = nn.LSTM(
            input_size=rnn_dim, hidden_size=rnn_dim, num_layers=L, batch_first=True,
            dropout=c["dropout"] if L > 1 else 0, bidirectional=c["bidirectional"], proj_size=c["proj_size"])
        if c["linear_classifier"]:
            width = (c["proj_size"] or rnn_dim) * (2 if c["bidirectional"] else 1)
            self.classifier = nn.Linear(width, c["n_class"])
        else:
            self.classifier = nn.Identity()

    def forward(self, x):
        x, _ = self.intermediate_layers(self.feature_extractor(x))
        return self.classifier(x)


class CTCGRU(nn.Module):
    """Trellis's GRU / BiGRU: CTCRNN with nn.GRU (no proj_size in PyTorch) and always a Linear classifier."""

    def __init__(self, c):
        super().__init__()
        rnn_dim, L = c["rnn_dim"], c["n_rnn_layers"]
        self.feature_extractor = FeatureExtractor(c["n_cnn_layers"], rnn_dim, c["n_feats"], c["stride"],
                                                  c["dropout"], c["channels"])
        self.intermediate_layers = nn.GRU(
            input_size=rnn_dim, hidden_size=rnn_dim, num_layers=L, batch_first=True,
            dropout=c["dropout"] if L > 1 else 0, bidirectional=c["bidirectional"])
        self.classifier = nn.Linear(rnn_dim * (2 if c["bidirectional"] else 1), c["n_class"])

    def forward(self, x):
        x, _ = self.intermediate_layers(self.feature_extractor(x))
        return self.classifier(x)


def small(kind, **over):
    c = dict(kind=kind, n_cnn_layers=2, n_rnn_layers=2, rnn_dim=6, n_class=5, n_feats=8, stride=2,
             dropout=0.2, channels=3, dnn_hidden=7, bidirectional=False, proj_size=0, linear_classifier=True)
    c.update(over)
    return c


CASES = {
    "dnn": small("dnn"),
    "lstm_seed": small("lstm", proj_size=5, linear_classifier=False),
    "bilstm_seed": small("bilstm", bidirectional=True, proj_size=5, linear_classifier=False),
    "lstm": small("lstm"),
    "bilstm": small("bilstm", bidirectional=True),
    "gru": small("gru"),
    "bigru": small("bigru", bidirectional=True),
}


def build(c):
    if c["kind"] == "dnn":
        return CTCDNN(c)
    return CTCGRU(c) if c["kind"] in ("gru", "bigru") else CTCRNN(c)


def run_case(name, c, out_dir):
    torch.manual_seed(1234)
    model = build(c)
    # Round weights to float32 then compute in float64.
    model = model.double()
    B, T = 3, 11  # odd T exercises the stride-2 conv's ceil((T+2-3)/2)+1 output length
    x = torch.randn(B, 1, c["n_feats"], T, dtype=torch.float32).double()
    Tp = (T + 2 - 3) // c["stride"] + 1
    input_lengths = [Tp, Tp - 1, Tp - 2]
    label_lengths = [3, 2, 1]
    g = torch.Generator().manual_seed(99)
    labels = torch.randint(0, c["n_class"] - 1, (B, max(label_lengths)), generator=g)
    for b, n in enumerate(label_lengths):
        labels[b, n:] = 0
    model.eval()
    out = model(x)
    lp = F.log_softmax(out, dim=2).transpose(0, 1)
    loss = F.ctc_loss(lp, labels, torch.tensor(input_lengths), torch.tensor(label_lengths), blank=c["n_class"] - 1,
                      reduction="mean")
    loss.backward()
    tensors = {"input": x.float().contiguous(), "output": out.detach().float().contiguous(),
               "labels": labels.float().contiguous()}
    names = []
    for n, p in model.named_parameters():
        names.append(n)
        tensors["param." + n] = p.detach().float().contiguous()
        tensors["grad." + n] = p.grad.detach().float().contiguous()
    meta = {"config": json.dumps(c), "loss": repr(loss.item()), "input_lengths": json.dumps(input_lengths),
            "label_lengths": json.dumps(label_lengths), "param_names": json.dumps(names),
            "param_count": str(sum(p.numel() for p in model.parameters()))}
    path = os.path.join(out_dir, f"models_{name}.safetensors")
    save_file(tensors, path, metadata=meta)
    print(f"{path}: loss {loss.item():.6f}, out {tuple(out.shape)}, {meta['param_count']} params")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "fixtures", "golden"))
    ap.add_argument("--cases", nargs="+", choices=list(CASES), default=list(CASES))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for name in a.cases:
        run_case(name, CASES[name], a.out)
    # Parameter counts of the notebook's full-size configurations (the seed hyper-parameters of Cells 32 and 40).
    full = {
        "dnn": small("dnn", n_class=29, n_cnn_layers=5, n_rnn_layers=3, rnn_dim=128, n_feats=128, channels=32, dnn_hidden=256),
        "lstm_seed": small("lstm", n_class=29, n_cnn_layers=5, n_rnn_layers=3, rnn_dim=128, n_feats=128, channels=32,
                           proj_size=29, linear_classifier=False),
        "bilstm_seed": small("bilstm", n_class=29, n_cnn_layers=4, n_rnn_layers=2, rnn_dim=128, n_feats=128, channels=32,
                             bidirectional=True, proj_size=29, linear_classifier=False),
        "bilstm": small("bilstm", n_class=29, n_cnn_layers=4, n_rnn_layers=2, rnn_dim=128, n_feats=128, channels=32,
                        bidirectional=True),
        "lstm": small("lstm", n_class=29, n_cnn_layers=5, n_rnn_layers=3, rnn_dim=128, n_feats=128, channels=32),
        "gru": small("gru", n_class=29, n_cnn_layers=5, n_rnn_layers=3, rnn_dim=128, n_feats=128, channels=32),
        "bigru": small("bigru", n_class=29, n_cnn_layers=4, n_rnn_layers=2, rnn_dim=128, n_feats=128, channels=32,
                       bidirectional=True, dropout=0.1),
    }
    counts = {k: sum(p.numel() for p in build(c).parameters()) for k, c in full.items()}
    with open(os.path.join(a.out, "models_param_counts.json"), "w") as f:
        json.dump(counts, f, indent=1, sort_keys=True)
        f.write("\n")
    print(counts)


if __name__ == "__main__":
    main()
