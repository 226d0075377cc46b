#!/usr/bin/env python3
"""parley next to its peers, on the same machine, model files, thread count and inputs.

Runs, in one process tree and alternating in rounds so a busy machine biases nobody:
  * `parley bench --device cpu --json` (its JSON also carries the exact workload: prompt
    text, prefill/decode token counts, encoder sentences and batch sizes, repeats);
  * llama.cpp through llama-cpp-python on the same GGUF: prefill tokens/s (one batch of
    the same number of prompt tokens) and decode tokens/s (greedy, one token per step);
  * PyTorch + transformers on the same MiniLM files: sentences/s at each batch size on the
    same sentences, with the same work (tokenise, forward, mean-pool, L2-normalise);
  * the decode memory-bandwidth ceiling: bytes read per generated token (GGUF tensor bytes,
    plus the KV cache at the mean decode position) against this machine's measured read
    bandwidth (a C sum loop, numpy when no C compiler), at a working set the size of the
    model (which may sit in a large L3) and at 1 GiB (main memory).

Prints ratios parley/peer and writes everything as JSON (--out).

Setup (not in CI; a venv under /tmp):
  python3 -m venv /tmp/venv-bench
  CMAKE_ARGS="-DGGML_NATIVE=ON" /tmp/venv-bench/bin/pip install llama-cpp-python numpy gguf torch transformers
  cargo build --release
  PARLEY_HOME=/tmp/parley-home /tmp/venv-bench/bin/python scripts/peers/peers.py --threads 2

Model files come from parley's model store: $PARLEY_HOME/models/<id>/ (or --gguf / --minilm).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Set by --llama-extra-bufts; see run_llama.
EXTRA_BUFTS = False


def figure(samples: list[float]) -> dict:
    s = sorted(samples)
    q = statistics.quantiles(s, n=4, method="inclusive") if len(s) > 1 else [s[0]] * 3
    return {"median": statistics.median(s), "min": s[0], "max": s[-1], "q1": q[0], "q3": q[2], "n": len(s)}


def fmt(f: dict | None) -> str:
    if not f:
        return "n/a"
    return f"{f['median']:.1f} [{f['min']:.1f}-{f['max']:.1f}]"


# ---------------------------------------------------------------- parley

def run_parley(binary: Path, threads: int, quick: bool, repeats: int | None) -> dict:
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "parley.json"
        cmd = [str(binary), "--threads", str(threads), "bench", "--device", "cpu", "--json", str(out)]
        if quick:
            cmd.append("--quick")
        if repeats:
            cmd += ["--repeats", str(repeats)]
        print("+", " ".join(cmd), file=sys.stderr, flush=True)
        subprocess.run(cmd, check=True, stdout=sys.stderr)
        return json.loads(out.read_text())


# ---------------------------------------------------------------- llama.cpp

def run_llama(gguf: Path, threads: int, work: dict, prompt_text: str) -> dict:
    import numpy as np
    import llama_cpp.llama_cpp as raw
    from llama_cpp import Llama

    if not EXTRA_BUFTS:
        # llama.cpp's "extra buffer types" repack weights for AMX / AVX-512 kernels; in VMs
        # that report AMX without enabling it (this machine) the first eval segfaults. The
        # plain CPU kernels stay SIMD (AVX-512 Q4_1 x Q8_1 dot products).
        default_params = raw.llama_model_default_params

        def plain_params():
            prm = default_params()
            prm.use_extra_bufts = False
            return prm

        raw.llama_model_default_params = plain_params

    p, d = work["prefill_tokens"], work["decode_tokens"]
    llm = Llama(
        model_path=str(gguf),
        # The whole prompt is one batch, as in parley. llama-cpp-python keeps n_batch rows of
        # logits and indexes them by position, so n_batch must cover the context.
        n_ctx=p + d + 16,
        n_batch=p + d + 16,
        n_threads=threads,
        n_threads_batch=threads,
        verbose=False,
    )
    ids = llm.tokenize(prompt_text.encode(), add_bos=True, special=False)[:p]
    if len(ids) < p:
        raise SystemExit(f"prompt has {len(ids)} tokens, need {p}")
    prefill, decode, prefill_cpu, decode_cpu = [], [], [], []
    for i in range(work["warmup"] + work["repeats"]):
        llm.reset()
        t, c = time.perf_counter(), time.process_time()
        llm.eval(ids)
        tp, cp = time.perf_counter() - t, time.process_time() - c
        nxt = int(np.argmax(llm.scores[llm.n_tokens - 1]))
        t, c = time.perf_counter(), time.process_time()
        for _ in range(d):
            llm.eval([nxt])
            nxt = int(np.argmax(llm.scores[llm.n_tokens - 1]))
        td, cd = time.perf_counter() - t, time.process_time() - c
        if i >= work["warmup"]:
            prefill.append(p / tp)
            decode.append(d / td)
            prefill_cpu.append(p / cp)
            decode_cpu.append(d / cd)
    import llama_cpp

    return {
        "version": llama_cpp.__version__,
        "extra_bufts": EXTRA_BUFTS,
        "system_info": llama_cpp.llama_print_system_info().decode(errors="replace").strip(),
        "prefill_tokens_per_s": figure(prefill),
        "decode_tokens_per_s": figure(decode),
        "prefill_tokens_per_cpu_s": figure(prefill_cpu),
        "decode_tokens_per_cpu_s": figure(decode_cpu),
    }


# ---------------------------------------------------------------- PyTorch

def run_torch(minilm: Path, threads: int, work: dict, sentences: list[str]) -> dict:
    import torch
    from transformers import AutoModel, PreTrainedTokenizerFast
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    torch.set_num_threads(threads)
    tok = PreTrainedTokenizerFast(tokenizer_file=str(minilm / "tokenizer.json"), pad_token="[PAD]")
    tok.backend_tokenizer.no_padding()
    model = AutoModel.from_pretrained(str(minilm)).eval()

    def embed(batch: list[str]):
        enc = tok(batch, padding=True, truncation=True, max_length=256, return_tensors="pt")
        out = model(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).to(out.dtype)
        mean = (out * mask).sum(1) / mask.sum(1)
        return torch.nn.functional.normalize(mean, dim=1)

    curve = []
    with torch.inference_mode():
        for b in work["encoder_batches"]:
            runs, cpu = [], []
            for i in range(work["warmup"] + work["repeats"]):
                t, c = time.perf_counter(), time.process_time()
                for k in range(0, len(sentences), b):
                    embed(sentences[k : k + b])
                dt, dc = time.perf_counter() - t, time.process_time() - c
                if i >= work["warmup"]:
                    runs.append(len(sentences) / dt)
                    cpu.append(len(sentences) / dc)
            curve.append({"batch": b, "sentences_per_s": figure(runs), "sentences_per_cpu_s": figure(cpu)})
    return {
        "torch": torch.__version__,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "threads": torch.get_num_threads(),
        "encoder_sentences_per_s": curve,
    }


# ---------------------------------------------------------------- bandwidth

C_BW = r"""
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <time.h>
#include <omp.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
static double cpu(void){struct timespec t;clock_gettime(CLOCK_PROCESS_CPUTIME_ID,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){
  size_t bytes=strtoull(argv[1],0,10); int reps=atoi(argv[2]);
  size_t n=bytes/sizeof(uint64_t); uint64_t*a=aligned_alloc(64,n*sizeof(uint64_t));
  #pragma omp parallel for
  for(size_t i=0;i<n;i++)a[i]=i;
  double best=0,best_cpu=0; uint64_t sink=0;
  for(int r=0;r<reps;r++){
    double t=now(); double c=cpu(); uint64_t s=0;
    #pragma omp parallel for reduction(+:s)
    for(size_t i=0;i<n;i++)s+=a[i];
    double dt=now()-t, dc=cpu()-c; sink+=s;
    double gbs=bytes/dt/1e9; if(gbs>best)best=gbs;
    double gbc=bytes/dc/1e9; if(dc>0&&gbc>best_cpu)best_cpu=gbc;
  }
  printf("%.3f %.3f %llu\n",best,best_cpu,(unsigned long long)(sink&1)); return 0;}
"""


def read_bandwidth(threads: int, sizes: list[int]) -> dict:
    """Best-of-N read bandwidth (GB/s) at each working-set size, with `threads` threads;
    also GB per CPU-second (what the loop reads while it actually runs, which is the fair
    ceiling on a machine where other processes take most of the wall time)."""
    out = {"method": None, "threads": threads, "gb_per_s": {}, "gb_per_cpu_s": {}}
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc:
        with tempfile.TemporaryDirectory() as d:
            src, exe = Path(d) / "bw.c", Path(d) / "bw"
            src.write_text(C_BW)
            subprocess.run([cc, "-O3", "-march=native", "-fopenmp", str(src), "-o", str(exe)], check=True)
            env = dict(os.environ, OMP_NUM_THREADS=str(threads))
            for size in sizes:
                reps = max(5, int(4e9 // size))
                r = subprocess.run([str(exe), str(size), str(reps)], env=env, capture_output=True, text=True, check=True)
                wall, per_cpu = r.stdout.split()[:2]
                out["gb_per_s"][str(size)] = float(wall)
                out["gb_per_cpu_s"][str(size)] = float(per_cpu)
        out["method"] = "C uint64 sum loop, OpenMP, -O3 -march=native, best of N"
    else:
        import numpy as np

        for size in sizes:
            a = np.ones(size // 8, dtype=np.int64)
            best = best_cpu = 0.0
            for _ in range(max(5, int(4e9 // size))):
                t, c = time.perf_counter(), time.process_time()
                a.sum()
                best = max(best, size / (time.perf_counter() - t) / 1e9)
                best_cpu = max(best_cpu, size / max(time.process_time() - c, 1e-9) / 1e9)
            out["gb_per_s"][str(size)] = best
            out["gb_per_cpu_s"][str(size)] = best_cpu
        out["method"] = "numpy int64 sum, one thread, best of N"
    return out


# candle 0.11 has no SIMD CPU kernel for these; parley's generator re-quantizes them to Q8_0
# (34 bytes per 32 weights) when it loads on the CPU.
REQUANTIZED = {"Q4_1", "Q5_0", "Q5_1"}


def decode_bytes_per_token(gguf: Path, position: float) -> dict:
    """Bytes a decode step reads: every weight tensor once (the token embedding only one
    row unless it doubles as the output matrix), plus K and V of every earlier position.
    `stored` is the file as llama.cpp runs it; `parley_cpu` counts Q4_1/Q5 tensors as the
    Q8_0 that parley's CPU generator runs."""
    import numpy as np
    from gguf import GGUFReader

    r = GGUFReader(str(gguf))
    names = {t.name: t for t in r.tensors}
    tied = "output.weight" not in names

    def weight_bytes(requant: bool) -> int:
        total = 0
        for t in r.tensors:
            n = int(t.n_bytes)
            if requant and t.tensor_type.name in REQUANTIZED:
                n = int(np.prod([int(x) for x in t.shape])) // 32 * 34
            if t.name == "token_embd.weight" and not tied:
                n //= max(int(t.shape[-1]), 1)  # one row per token
            total += n
        return total

    def field(k):
        f = r.fields.get(k)
        return None if f is None else f.contents()

    arch = field("general.architecture")
    layers = field(f"{arch}.block_count")
    heads = field(f"{arch}.attention.head_count")
    kv_heads = field(f"{arch}.attention.head_count_kv") or heads
    dim = field(f"{arch}.embedding_length")
    kv_f32 = kv_f16 = 0
    if layers and heads and dim:
        per_pos = layers * 2 * kv_heads * (dim // heads)
        kv_f32 = int(per_pos * 4 * position)  # candle keeps K and V in f32
        kv_f16 = int(per_pos * 2 * position)  # llama.cpp's default cache type is f16
    types = {}
    for t in r.tensors:
        types[t.tensor_type.name] = types.get(t.tensor_type.name, 0) + int(t.n_bytes)
    stored, parley = weight_bytes(False), weight_bytes(True)
    return {
        "tensor_bytes_by_type": types,
        "tied_embeddings": tied,
        "at_position": position,
        "stored": {"weights": stored, "kv": kv_f16, "bytes_per_token": stored + kv_f16},
        "parley_cpu": {"weights": parley, "kv": kv_f32, "bytes_per_token": parley + kv_f32},
    }


# ---------------------------------------------------------------- main

def model_file(home: Path, model_id: str, pattern: str) -> Path:
    found = sorted((home / "models" / model_id).glob(pattern))
    if not found:
        raise SystemExit(f"no {pattern} under {home / 'models' / model_id}: set PARLEY_HOME or pass --gguf/--minilm")
    return found[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parley", type=Path, default=REPO / "target/release/parley")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--quick", action="store_true", help="pass --quick to parley bench (peers follow its workload)")
    ap.add_argument("--repeats", type=int, help="timed repeats for everyone (default: parley's)")
    ap.add_argument("--rounds", type=int, default=1, help="alternate parley and peers this many times")
    ap.add_argument("--home", type=Path, default=Path(os.environ.get("PARLEY_HOME", Path.home() / ".cache/parley")))
    ap.add_argument("--gguf", type=Path)
    ap.add_argument("--minilm", type=Path)
    ap.add_argument("--skip", action="append", default=[], choices=["llama", "torch", "bandwidth"])
    ap.add_argument("--out", type=Path, help="write all results here as JSON")
    ap.add_argument("--llama-extra-bufts", action="store_true",
                    help="let llama.cpp repack weights for AMX/AVX-512 (crashes in some VMs)")
    a = ap.parse_args()
    global EXTRA_BUFTS
    EXTRA_BUFTS = a.llama_extra_bufts

    rounds = []
    gguf = minilm = None
    for k in range(a.rounds):
        print(f"== round {k + 1}/{a.rounds}", file=sys.stderr, flush=True)
        rec = {"parley": run_parley(a.parley, a.threads, a.quick, a.repeats)}
        pj = rec["parley"]
        dev, work = pj["devices"][0], pj["workload"]
        if gguf is None:
            gguf = a.gguf or model_file(a.home, dev["generator_model"], "*.gguf")
            minilm = a.minilm or model_file(a.home, dev["encoder_model"], "config.json").parent
        if "llama" not in a.skip:
            print("+ llama.cpp", file=sys.stderr, flush=True)
            rec["llama_cpp"] = run_llama(gguf, a.threads, work, pj["inputs"]["prompt_text"])
        if "torch" not in a.skip:
            print("+ pytorch", file=sys.stderr, flush=True)
            rec["pytorch"] = run_torch(minilm, a.threads, work, pj["inputs"]["encoder_sentences"])
        rounds.append(rec)

    last = rounds[-1]
    work = last["parley"]["workload"]
    result = {
        "date": last["parley"]["date"],
        "machine": last["parley"]["machine"],
        "python": platform.python_version(),
        "threads": a.threads,
        "gguf": str(gguf),
        "minilm": str(minilm),
        "workload": work,
        "rounds": rounds,
    }

    def med(*path):
        """Median over rounds of the value at `path` (dict keys / list indices)."""
        vals = []
        for r in rounds:
            v = r
            for p in path:
                try:
                    v = v[p]
                except (KeyError, IndexError, TypeError):
                    v = None
                    break
            if v is not None:
                vals.append(v)
        return statistics.median(vals) if vals else None

    def enc_med(src, batch, key="sentences_per_s"):
        vals = []
        for r in rounds:
            curve = (r["parley"]["devices"][0]["encoder_sentences_per_s"] if src == "parley"
                     else r.get("pytorch", {}).get("encoder_sentences_per_s", []))
            vals += [p[key]["median"] for p in curve if p["batch"] == batch and p.get(key)]
        return statistics.median(vals) if vals else None

    ratios = {}
    lines = ["| figure | parley | peer | parley/peer |", "|---|---|---|---|"]

    def add(name, label, ours, theirs):
        if ours and theirs:
            ratios[name] = ours / theirs
            lines.append(f"| {label} | {ours:.2f} | {theirs:.2f} | {ours / theirs:.2f} |")

    for key, label in [("prefill_tokens", "prefill"), ("decode_tokens", "decode")]:
        for unit, suffix in [("s", "tok/s"), ("cpu_s", "tok per CPU-s")]:
            add(f"{key}_per_{unit}_vs_llama_cpp", f"{label} {suffix} (llama.cpp)",
                med("parley", "devices", 0, f"{key}_per_{unit}", "median"),
                med("llama_cpp", f"{key}_per_{unit}", "median"))
    for b in work["encoder_batches"]:
        for key, suffix in [("sentences_per_s", "sent/s"), ("sentences_per_cpu_s", "sent per CPU-s")]:
            add(f"encoder_batch_{b}_{key}_vs_pytorch", f"encoder {suffix} b={b} (PyTorch)",
                enc_med("parley", b, key), enc_med("pytorch", b, key))

    if "bandwidth" not in a.skip:
        mean_pos = work["prefill_tokens"] + work["decode_tokens"] / 2
        bpt = decode_bytes_per_token(gguf, mean_pos)
        model_ws = 1 << (max(bpt["parley_cpu"]["bytes_per_token"], 1) - 1).bit_length()
        sizes = sorted({model_ws, 1 << 30})
        # The ceiling is the best read bandwidth any thread count reaches.
        bws = [read_bandwidth(t, sizes) for t in sorted({1, a.threads})]
        best = {s: max(b["gb_per_s"][str(s)] for b in bws) for s in sizes}
        # Per CPU-second, one thread: both decoders were run with the same thread count.
        best_cpu = {s: bws[0]["gb_per_cpu_s"].get(str(s)) for s in sizes}
        result["decode_ceiling"] = {"bytes": bpt, "bandwidth": bws, "best_gb_per_s": best,
                                    "gb_per_cpu_s_1_thread": best_cpu}
        decode = med("parley", "devices", 0, "decode_tokens_per_s", "median")
        llama_decode = med("llama_cpp", "decode_tokens_per_s", "median")
        for size, gbs in best.items():
            tag = f"{size >> 20}MiB"
            ours = gbs * 1e9 / bpt["parley_cpu"]["bytes_per_token"]
            theirs = gbs * 1e9 / bpt["stored"]["bytes_per_token"]
            result["decode_ceiling"][f"ceiling_tokens_per_s_{tag}"] = {"parley": ours, "llama_cpp": theirs}
            if decode:
                ratios[f"decode_fraction_of_ceiling_{tag}"] = decode / ours
                lines.append(f"| decode / ceiling, {tag} working set ({gbs:.1f} GB/s) | {decode:.1f} of {ours:.0f} "
                             f"| {llama_decode or float('nan'):.1f} of {theirs:.0f} (llama.cpp) | {decode / ours:.2f} "
                             f"(llama.cpp {(llama_decode or float('nan')) / theirs:.2f}) |")
        decode_c = med("parley", "devices", 0, "decode_tokens_per_cpu_s", "median")
        llama_c = med("llama_cpp", "decode_tokens_per_cpu_s", "median")
        for size, gbc in best_cpu.items():
            if not gbc:
                continue
            tag = f"{size >> 20}MiB"
            ours = gbc * 1e9 / bpt["parley_cpu"]["bytes_per_token"]
            theirs = gbc * 1e9 / bpt["stored"]["bytes_per_token"]
            if decode_c:
                ratios[f"decode_per_cpu_s_fraction_of_ceiling_{tag}"] = decode_c / ours
                lines.append(f"| decode per CPU-s / ceiling, {tag} ({gbc:.1f} GB per CPU-s, 1 thread) | "
                             f"{decode_c:.1f} of {ours:.0f} | {llama_c or float('nan'):.1f} of {theirs:.0f} (llama.cpp) "
                             f"| {decode_c / ours:.2f} (llama.cpp {(llama_c or float('nan')) / theirs:.2f}) |")
    result["ratios"] = ratios
    table = "\n".join(lines)
    result["table_markdown"] = table
    print(table)
    print(f"\nbytes/token: {result.get('decode_ceiling', {}).get('bytes')}")
    if a.out:
        a.out.write_text(json.dumps(result, indent=2))
        print(f"wrote {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
