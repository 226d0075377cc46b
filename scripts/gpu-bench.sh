#!/usr/bin/env bash
# GPU figures for `parley bench`, for a machine with an NVIDIA GPU (not run in CI).
#
#   scripts/gpu-bench.sh               # full workload, CPU and GPU side by side
#   QUICK=1 scripts/gpu-bench.sh       # the --quick workload
#   OUT=/some/dir scripts/gpu-bench.sh # where results go (default: bench-gpu/)
#
# Needs: the CUDA toolkit (nvcc on PATH, or the pinned pip toolkit that .ci/cuda-check.sh
# installs under $PARLEY_CI_CACHE; that needs the package registry), the crates (cargo's
# registry cache or network), and the default models in $PARLEY_HOME (`parley models pull`).
#
# Steps: nvidia-smi; release build with --features cuda; the CUDA tests (lib tests with the
# feature, including the CPU-vs-GPU agreement tests, which are #[ignore]d without a GPU);
# `parley bench --device cpu --device cuda` (JSON + Markdown); criterion encoder and
# generator benches on cuda. Everything is logged under $OUT.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-bench-gpu}
mkdir -p "$out"
log() { echo "gpu-bench: $*" | tee -a "$out/log.txt" >&2; }

if ! nvidia-smi > "$out/nvidia-smi.txt" 2>&1; then
  log "nvidia-smi failed: no usable NVIDIA GPU here"; cat "$out/nvidia-smi.txt" >&2; exit 2
fi
log "$(nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader | head -1)"

if ! command -v nvcc > /dev/null; then
  venv=${PARLEY_CI_CACHE:-$HOME/.cache/parley-ci}/cuda-venv
  cu=$(echo "$venv"/lib/python3*/site-packages/nvidia/cu13)
  if [ ! -x "$cu/bin/nvcc" ]; then
    log "no nvcc on PATH and no pip toolkit at $venv: run .ci/cuda-check.sh once (it installs one)"; exit 2
  fi
  export PATH="$cu/bin:$PATH" CUDA_HOME="$cu" CUDA_PATH="$cu"
fi
# Build kernels for this GPU only (e.g. 90 for H100/H200).
export CUDA_COMPUTE_CAP=${CUDA_COMPUTE_CAP:-$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d '.')}
log "nvcc: $(nvcc --version | tail -1); compute cap $CUDA_COMPUTE_CAP"

t0=$(date +%s)
cargo build --release --features cuda --bin parley 2>&1 | tail -3 | tee -a "$out/log.txt"
log "release build with cuda: $(( $(date +%s) - t0 )) s"

log "CUDA tests"
cargo test --release --features cuda --lib -- --include-ignored cuda 2>&1 | tee "$out/cuda-tests.txt" | tail -15
cargo test --release --features cuda --lib 2>&1 | tail -3 | tee -a "$out/log.txt"

log "parley bench"
target/release/parley bench --device cpu --device cuda ${QUICK:+--quick} \
  --json "$out/bench.json" --markdown "$out/bench.md" | tee "$out/bench-stdout.txt"

log "criterion benches on cuda"
PARLEY_BENCH_DEVICE=cuda cargo bench --features cuda --bench encoder --bench generator 2>&1 \
  | grep -E "^(encoder|generator)/|time:|thrpt:" | tee "$out/criterion-cuda.txt"
log "done: results in $out/"
