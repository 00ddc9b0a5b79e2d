#!/usr/bin/env python3
"""Writes fixtures/fuzz/safetensors/seeds/models_{dnn,lstm,bilstm}.safetensors: the PyTorch state_dicts inside the
golden dumps of tools/golden_models.py (fixtures/golden/models_*.safetensors keep them as `param.NAME` beside their
gradients), as a plain state_dict saved by `safetensors.torch.save_file` would hold them. Standard library only.

    python3 tools/fuzz_seeds_safetensors.py
"""
import json
import pathlib
import struct

root = pathlib.Path(__file__).resolve().parent.parent
for kind in ["dnn", "lstm", "bilstm"]:
    raw = (root / f"fixtures/golden/models_{kind}.safetensors").read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header, data = json.loads(raw[8:8 + n]), raw[8 + n:]
    header_out, body = {}, b""
    for name in json.loads(header["__metadata__"]["param_names"]):
        t = header["param." + name]
        start, end = t["data_offsets"]
        header_out[name] = {"dtype": t["dtype"], "shape": t["shape"], "data_offsets": [len(body), len(body) + end - start]}
        body += data[start:end]
    text = json.dumps(header_out, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    out = root / f"fixtures/fuzz/safetensors/seeds/models_{kind}.safetensors"
    out.write_bytes(struct.pack("<Q", len(text)) + text + body)
    print(out.relative_to(root))
