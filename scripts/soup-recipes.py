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


USAGE = "usage: scripts/soup-recipes.py OUT_DIR ARTIFACT_DIR ARTIFACT_DIR [...]"


def load(directory):
    """The artifact's config, its tensor header and data, and where it came from."""
    with open(os.path.join(directory, CONFIG), "rb") as f:
        config_raw = f.read()
    with open(os.path.join(directory, WEIGHTS), "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    source = {"artifact": directory,
              "model_sha256": hashlib.sha256(raw).hexdigest(),
              "config_sha256": hashlib.sha256(config_raw).hexdigest()}
    return json.loads(config_raw), header, raw[8 + n:], source


def replace_file(path, data):
    """Write beside the final name and rename, so a failed run leaves no half file."""
    tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def main(argv):
    if len(argv) < 3:
        sys.exit(USAGE)
    out, inputs = argv[0], argv[1:]
    parts = [load(d) for d in inputs]
    first_config, first_header, _, _ = parts[0]
    for directory, (config, header, _, _) in zip(inputs[1:], parts[1:]):
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
        for directory, (_, header, data, _) in zip(inputs, parts):
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

    config = dict(first_config, soup_of=[source for _, _, _, source in parts])
    os.makedirs(out, exist_ok=True)
    replace_file(os.path.join(out, WEIGHTS),
                 struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))
    replace_file(os.path.join(out, CONFIG), json.dumps(config, indent=2).encode() + b"\n")
    print(f"{out}: uniform mean of {len(inputs)} artifacts")


if __name__ == "__main__":
    main(sys.argv[1:])
