#!/bin/sh
# Runs the bench on a GPU machine from the kit bench/gpu/pack.sh made (issue 15, "Measured"):
# the MLP 784→256→128→10 and the 2-conv CNN at batch 128 and 1024 on webgpu (Dawn on the NVIDIA
# Vulkan driver), on wasm (one core) and in PyTorch on CUDA (same models, Adam, FP32), round by
# round in one run, printing one table: samples/s, GFLOP/s and the share of the GPU's FP32 peak.
#
#   tar -xJf transferlab-gpu-bench.tar.xz && transferlab-gpu-bench/run-on-gpu.sh [bench options]
#
# Writes bench.json beside the kit, or into $OUT when it is set. Extra options go to the bench
# (e.g. --seconds 2 --rounds 2). `--check` instead runs a short wasm and webgpu pass on
# whatever adapter the machine has and no PyTorch (pack.sh runs it on the packing machine).
set -eu

kit=$(cd "$(dirname "$0")" && pwd)
export LD_LIBRARY_PATH="$kit/vulkan${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# Mesa's and NVIDIA's Vulkan drivers want a runtime folder; any writable one does.
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
bench() { "$kit/node" "$kit/bench.mjs" "$@"; }

if [ "${1:-}" = "--check" ]; then
  bench --backend wasm,webgpu --workloads mlp784 --batch 32 --seconds 0.3 --rounds 1 \
    --rows 1000 --torch off
  exit 0
fi

# The GPU's FP32 peak without tensor cores (NVIDIA's data sheets), for '% FP32 peak'.
name=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -n 1)
case "$name" in
  *H100*PCIe*) peak=51 ;;
  *H100*NVL* | *H200*NVL*) peak=60 ;;
  *H100* | *H200*) peak=67 ;; # SXM
  *A100*) peak=19.5 ;;
  *) peak= ;;
esac
echo "GPU: $name; FP32 peak ${peak:-unknown} TFLOP/s"
nvidia-smi --query-gpu=driver_version,memory.total,clocks.max.sm --format=csv,noheader

# The NVIDIA driver's Vulkan ICD: a container given only 'compute,utility' may lack its manifest
# while the library is there; then one is written for the loader.
icd=
for f in /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json; do
  [ -e "$f" ] && icd=$f
done
if [ -z "$icd" ]; then
  lib=$(ldconfig -p 2>/dev/null | awk '/libGLX_nvidia\.so\.0/ { print $NF; exit }')
  if [ -n "$lib" ]; then
    icd="$kit/vulkan/nvidia_icd.json"
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3"}}\n' \
      "$lib" >"$icd"
    export VK_ICD_FILENAMES="$icd"
  fi
fi
echo "Vulkan ICD: ${icd:-none found (no libGLX_nvidia.so.0): webgpu will have no adapter}"

json="${OUT:-$kit/..}/bench.json"
set -- --workloads mlp784,cnn --batch 128,1024 --seconds 3 --rounds 3 --torch cuda \
  --python python3 ${peak:+--peak-tflops "$peak"} --json "$json" "$@"
if ! bench --backend webgpu,wasm "$@"; then
  echo "webgpu failed (above); the same run without it, so the peer and wasm are measured:"
  bench --backend wasm "$@"
fi
echo "Results: $json"
