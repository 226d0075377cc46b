#!/usr/bin/env python3
"""Uniform weight average of stance artifacts trained with different recipes (measurement only).

    scripts/soup-recipes.py OUT_DIR ARTIFACT_DIR ARTIFACT_DIR [...]

`parley train soup` averages runs of one recipe and refuses anything else, on purpose: its
output's config.json states that recipe. This script is the exploration tool behind the
thirteenth session's cross-recipe soups in models/stance/TRAINING.md (Wortsman et al. 2022
also average fine-tunes of one start made with different settings). It checks that the
artifacts share the base, the layers, the input format and the seed (which draws the head),
writes the uniform mean of their f16 tensors, and copies the first artifact's config.json
with a top-level "soup_of" list naming every ingredient and its sha256. That config still
carries the first ingredient's training settings and validation score, so measure the result
with `parley eval --statements … --stance-artifact OUT_DIR` and do not ship it as is.

Standard library only (no numpy): about 5 seconds for four 21 MB artifacts.
"""

import hashlib
import json
import os
import struct
import sys

WEIGHTS = "model.safetensors"
CONFIG = "config.json"
# Settings every ingredient must share for the weights to be comparable at all.
SAME = ["base_model", "base_fingerprint", "hidden_size", "num_hidden_layers",
        "layers_replaced", "input_format", "max_tokens", "pooling", "labels"]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load(directory):
    with open(os.path.join(directory, CONFIG)) as f:
        config = json.load(f)
    with open(os.path.join(directory, WEIGHTS), "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    return config, header, raw[8 + n:]


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    out, inputs = argv[0], argv[1:]
    parts = [load(d) for d in inputs]
    first_config, first_header, _ = parts[0]
    for directory, (config, header, _) in zip(inputs[1:], parts[1:]):
        for key in SAME:
            if config.get(key) != first_config.get(key):
                sys.exit(f"{directory} differs from {inputs[0]} in {key}: not one start")
        if config["training"]["seed"] != first_config["training"]["seed"]:
            sys.exit(f"{directory} differs from {inputs[0]} in training.seed: another head draw")
        if sorted(header) != sorted(first_header):
            sys.exit(f"{directory} and {inputs[0]} hold different tensors")

    header_out, blobs, offset = {}, [], 0
    for name in first_header:
        shape = first_header[name]["shape"]
        count = 1
        for dim in shape:
            count *= dim
        values = []
        for directory, (_, header, data) in zip(inputs, parts):
            entry = header[name]
            if entry["dtype"] != "F16" or entry["shape"] != shape:
                sys.exit(f"{directory}: {name} is not an f16 tensor of shape {shape}")
            start, end = entry["data_offsets"]
            values.append(struct.unpack(f"<{count}e", data[start:end]))
        mean = [sum(v) / len(values) for v in zip(*values)]
        blob = struct.pack(f"<{count}e", *mean)
        header_out[name] = {"dtype": "F16", "shape": shape,
                            "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    encoded = json.dumps(header_out, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)

    config = dict(first_config)
    config["soup_of"] = [
        {"artifact": d, "model_sha256": sha256(os.path.join(d, WEIGHTS)),
         "config_sha256": sha256(os.path.join(d, CONFIG))}
        for d in inputs
    ]
    os.makedirs(out, exist_ok=True)
    # Written beside their final names and renamed, so a failed run leaves no half file.
    for name, write in [
        (WEIGHTS, lambda f: [f.write(struct.pack("<Q", len(encoded))), f.write(encoded),
                             *map(f.write, blobs)]),
        (CONFIG, lambda f: f.write(json.dumps(config, indent=2).encode() + b"\n")),
    ]:
        tmp = os.path.join(out, f".{name}.tmp")
        with open(tmp, "wb") as f:
            write(f)
        os.replace(tmp, os.path.join(out, name))
    print(f"{out}: uniform mean of {len(inputs)} artifacts")


if __name__ == "__main__":
    main(sys.argv[1:])
