"""Which DFT is faster for the mel front end: a windowed-DFT GEMM, the folded GEMM Trellis uses, or a real FFT?

Times the DFT stage of a torchaudio-default STFT (n_fft 400, hop 200, periodic Hann, centred reflect padding,
power 2) on 60 s of seeded noise at 16 kHz, in numpy, float32, best and median of 30 runs:
  plain GEMM   frames (T×400) @ [cos | sin] basis (400×402), through numpy's OpenBLAS
  folded GEMM  y_n ± y_{N−n} folded first, then (T×201)@(201×201) and (T×199)@(199×201): Sources/Audio/STFT.swift
  rfft         numpy.fft.rfft (pocketfft)
Used for docs/benchmarks.md; needs only numpy. Usage: python3 tools/bench_dft.py
"""
import time, numpy as np
rng = np.random.default_rng(0); x = rng.standard_normal(16000 * 60).astype(np.float32)
N, H = 400, 200; F = N // 2 + 1
xp = np.pad(x, (N // 2, N // 2), mode="reflect")
T = 1 + (len(xp) - N) // H
win = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N) / N)).astype(np.float32)
idx = np.arange(N)[None, :] + H * np.arange(T)[:, None]
n = np.arange(N); k = np.arange(F)
C = np.cos(2 * np.pi * np.outer(n, k) / N).astype(np.float32); S = np.sin(2 * np.pi * np.outer(n, k) / N).astype(np.float32)
B = np.concatenate([C, S], axis=1)  # N x 2F
pairs = (N - 1) // 2
Ce = np.concatenate([C[:1], C[1:pairs + 1], C[N // 2:N // 2 + 1]]); So = S[1:pairs + 1]
def frames(): return xp[idx] * win
def plain():
    y = frames() @ B; re, im = y[:, :F], y[:, F:]; return re * re + im * im
def folded():
    y = frames(); e = np.concatenate([y[:, :1], y[:, 1:pairs + 1] + y[:, N - 1:N - pairs - 1:-1], y[:, N // 2:N // 2 + 1]], axis=1)
    o = y[:, 1:pairs + 1] - y[:, N - 1:N - pairs - 1:-1]; re = e @ Ce; im = o @ So; return re * re + im * im
def fft():
    z = np.fft.rfft(frames(), axis=1); return (z.real * z.real + z.imag * z.imag).astype(np.float32)
ref = fft()
for name, f in [("frames only", frames), ("plain GEMM", plain), ("folded GEMM", folded), ("rfft (pocketfft)", fft)]:
    out = f(); ts = []
    for _ in range(30):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    err = "" if name == "frames only" else f"  max rel err {np.max(np.abs(out - ref)) / np.max(ref):.1e}"
    print(f"{name:18s} best {min(ts)*1e3:6.2f} ms  median {np.median(ts)*1e3:6.2f} ms{err}")
print("numpy", np.__version__, "frames", T)
