#!/usr/bin/env bash
# Type-check the `cuda` feature without a GPU: nvcc and friends come from the Python
# package registry (pinned: cudarc accepts at most CUDA 13.4, and an unpinned nvvm breaks
# ptxas). The venv is cached under $PARLEY_CI_CACHE so a second run skips the download.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=${PARLEY_CI_CACHE:-$HOME/.cache/parley-ci}
venv=$cache/cuda-venv
if [ ! -x "$venv/lib/python3"*/site-packages/nvidia/cu13/bin/nvcc ] 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check \
    nvidia-cuda-nvcc==13.4.92 nvidia-nvvm==13.4.92 nvidia-cuda-runtime==13.4.92 \
    nvidia-cuda-crt==13.4.92 nvidia-cuda-cccl==13.3.5.0.6
fi
cu=$(echo "$venv"/lib/python3*/site-packages/nvidia/cu13)
export PATH="$cu/bin:$PATH" CUDA_HOME="$cu" CUDA_PATH="$cu" CUDA_COMPUTE_CAP=90
echo "cuda-check: nvcc $(nvcc --version | tail -1)"
cargo check --features cuda --lib --bins --target-dir target/cuda-check
