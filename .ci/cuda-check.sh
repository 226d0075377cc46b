#!/usr/bin/env bash
# Type-check the `cuda` feature without a GPU: nvcc and friends come from the Python
# package registry (pinned: cudarc accepts at most CUDA 13.4, and an unpinned nvvm breaks
# ptxas). The venv is cached under $PARLEY_CI_CACHE so a second run skips the download.
#
# candle-kernels' build script compiles two things: the PTX that the Rust code embeds
# (seconds; compiled for real here, so the pinned toolchain is exercised) and a static
# library of quantised MoE/matmul kernels that is only ever linked, which `cargo check` never
# does, and which takes about 7 minutes on two cores. The nvcc wrapper written below compiles
# an empty source in place of each of those objects, with the same flags and the same nvcc.
# Its stub library stays in target/cuda-check, which nothing is built from (.ci/run runs
# clippy there first, which only checks, so the dependencies without the cuda feature are
# checked once for both); real builds (scripts/gpu-bench.sh) call nvcc itself.
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

target_dir=$PWD/target/cuda-check
mkdir -p "$target_dir/nvcc"
printf '// stands in for a kernel that is only linked\n' > "$target_dir/nvcc/empty.cu"
cat > "$target_dir/nvcc/nvcc" <<EOF
#!/usr/bin/env bash
# Written by .ci/cuda-check.sh: an object compile (-c) of a .cu file compiles an empty source.
args=("\$@")
if [[ " \$* " == *" -c "* && "\${args[-1]}" == *.cu ]]; then args[-1]="$target_dir/nvcc/empty.cu"; fi
exec "$cu/bin/nvcc" "\${args[@]}"
EOF
chmod +x "$target_dir/nvcc/nvcc"
export NVCC=$target_dir/nvcc/nvcc
cargo check --features cuda --lib --bins --target-dir "$target_dir"
