#!/usr/bin/env python3
"""The data-parallel speed-up model of docs/scaling.md: epoch time of `mpirun -np N trellis train` from a node's
measured training throughput and an allreduce cost (latency + bandwidth, ring algorithm), with rank 0's evaluation
serial. Plain Python (no torch); every input is an option, so other clusters can put in their own measurements.

    python3 tools/scaling_model.py                      # the table in docs/scaling.md
    python3 tools/scaling_model.py --latency-us 2 --gb-per-s 10 --nodes 8 32 128

Model, per epoch, N nodes (one process each), b utterances per node and step (global batch b*N):
    steps        = ceil(U / (b N))
    compute      = b * mean_utterance_s / node_audio_s_per_s * imbalance  (seconds per step; the step waits for the
                   slowest rank: imbalance = slowest / mean share, 1 for one node)
    allreduce    = 2 (N-1) latency + 2 (N-1)/N * 4 P / bandwidth           (ring allreduce of P float gradients)
    epoch(N)     = steps * (compute + allreduce) + eval_audio_s / eval_audio_s_per_s   (evaluation on rank 0 only)
    speed-up     = epoch(1) / epoch(N)
"""
import argparse
import math

CORPORA = {
    # name: (training utterances, hours of training audio)
    "train-clean-100": (28_539, 100.6),
    "960 h": (281_241, 961.1),
}


def epoch_seconds(n, utterances, hours, a):
    mean_s = hours * 3600 / utterances
    steps = math.ceil(utterances / (a.batch_per_node * n))
    compute = a.batch_per_node * mean_s / a.node_audio_s_per_s * (1.0 if n == 1 else a.imbalance)
    allreduce = 0.0 if n == 1 else 2 * (n - 1) * a.latency_us * 1e-6 + 2 * (n - 1) / n * 4 * a.params / (a.gb_per_s * 1e9)
    evaluation = a.eval_hours * 3600 / (a.eval_factor * a.node_audio_s_per_s)
    return steps * (compute + allreduce) + evaluation, steps, compute, allreduce, evaluation


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--params", type=int, default=1_316_189, help="gradient floats (the corrected BiLSTM)")
    p.add_argument("--node-audio-s-per-s", type=float, default=61.0, help="training throughput of one node")
    p.add_argument("--batch-per-node", type=int, default=16)
    p.add_argument("--latency-us", type=float, default=25.0, help="allreduce latency per ring step")
    p.add_argument("--gb-per-s", type=float, default=1.1, help="link bandwidth, GB/s")
    p.add_argument("--imbalance", type=float, default=1.05, help="slowest rank's step / mean rank's step (N > 1)")
    p.add_argument("--eval-hours", type=float, default=5.4, help="test audio evaluated per epoch (dev-clean)")
    p.add_argument("--eval-factor", type=float, default=3.0, help="evaluation throughput / training throughput")
    p.add_argument("--nodes", type=int, nargs="+", default=[1, 2, 8, 32, 128])
    a = p.parse_args()
    print(f"| corpus | nodes | global batch | steps/epoch | compute/step | allreduce/step | eval (rank 0) | epoch | speed-up | efficiency |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, (utts, hours) in CORPORA.items():
        base = epoch_seconds(1, utts, hours, a)[0]
        for n in a.nodes:
            t, steps, c, r, e = epoch_seconds(n, utts, hours, a)
            print(f"| {name} | {n} | {a.batch_per_node * n} | {steps} | {c:.2f} s | {r * 1e3:.1f} ms | {e:.0f} s "
                  f"| {t / 60:.1f} min | {base / t:.1f}x | {base / t / n * 100:.0f} % |")


if __name__ == "__main__":
    main()
