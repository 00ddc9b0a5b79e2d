"""Golden mel spectrograms from torchaudio for Tests/AudioTests (run once; outputs are committed).

usage: torch-venv/bin/python tools/golden_mel.py
Writes fixtures/golden/mel_*.f32 (computed in float64, stored as raw little-endian float32, row-major (n_mels, frames) as torchaudio returns it),
the synthetic input signal fixtures/golden/mel_input_chirp.f32, and fixtures/golden/mel_manifest.json describing
each case (input, parameters, shape). The speech case reads fixtures/audio/speech16k.flac through soundfile
(libsndfile, like Trellis), and the stereo case checks mono mixdown + resampling separately (not bit-exact).
"""
import json, os
import numpy as np, soundfile as sf, torch, torchaudio

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
G = os.path.join(ROOT, "fixtures", "golden")

def chirp_signal():
    rng = np.random.default_rng(20261125)
    sr, n = 16000, 12000
    t = np.arange(n) / sr
    f0, f1 = 100.0, 7000.0
    phase = 2 * np.pi * (f0 * t + (f1 - f0) * t ** 2 / (2 * t[-1]))
    x = 0.5 * np.sin(phase) + 0.2 * np.sin(2 * np.pi * 440 * t) + 0.05 * rng.standard_normal(n)
    return x.astype(np.float32)

def save(name, arr):
    arr = np.ascontiguousarray(arr, dtype="<f4")
    arr.tofile(os.path.join(G, name))

cases = []
def case(name, wav, input_name, **kw):
    # Everything in float64 (window, filterbank and STFT are built under float64 as the default dtype): the
    # reference is then exact to ~1e-12 and the test measures Trellis's float32 error alone. torchaudio's own float32
    # output differs from this by up to ~1e-4 relative on speech (its float32 window and filter edges).
    torch.set_default_dtype(torch.float64)
    mel = torchaudio.transforms.MelSpectrogram(**kw)
    with torch.no_grad():
        out = mel(torch.from_numpy(wav).double()).numpy()
    torch.set_default_dtype(torch.float32)
    save(f"mel_{name}.f32", out)
    cases.append({"name": name, "input": input_name, "params": kw, "shape": list(out.shape), "file": f"mel_{name}.f32"})

os.makedirs(G, exist_ok=True)
chirp = chirp_signal()
save("mel_input_chirp.f32", chirp)
speech, sr = sf.read(os.path.join(ROOT, "fixtures", "audio", "speech16k.flac"), dtype="float32")
assert sr == 16000

case("default_chirp", chirp, "mel_input_chirp.f32")
case("default_speech", speech, "audio/speech16k.flac")
case("custom_speech", speech, "audio/speech16k.flac", n_fft=512, win_length=400, hop_length=160, n_mels=40,
     f_min=20.0, f_max=7600.0)
case("slaney_chirp", chirp, "mel_input_chirp.f32", n_fft=256, hop_length=128, n_mels=64, mel_scale="slaney",
     norm="slaney", power=1.0)
case("odd_fft_chirp", chirp, "mel_input_chirp.f32", n_fft=255, hop_length=100, n_mels=32)

with open(os.path.join(G, "mel_manifest.json"), "w") as f:
    json.dump({"torch": torch.__version__, "torchaudio": torchaudio.__version__, "cases": cases}, f, indent=1)
print(json.dumps(cases, indent=1))
