#!/bin/sh
# Packs `npm run bench` for a GPU machine without Node.js or network (issue 15, "Measured";
# ../shared/ENVIRONMENT.md): one .tar.xz under 64 MiB that run-on-gpu.sh runs there.
#
#   bench/gpu/pack.sh [output folder]     (default .scratch/gpu-bench: ignored by git and lint)
#
# The kit holds this machine's Node binary (the one the bench was tested with here; official
# builds need glibc 2.28), the bench bundled into one ES module (bundle.ts), tfjs-backend-wasm's
# .wasm files, Dawn's binding (npm `webgpu`: its index.js and the linux-x64 dawn.node, as
# node_modules/webgpu, where the bundle imports it from; dawn.node needs glibc 2.34), the
# Vulkan loader libvulkan.so.1 (Debian's libvulkan1: a GPU machine may have the NVIDIA driver's
# Vulkan ICD without the loader), the PyTorch peer torchPeer.py and run-on-gpu.sh.
# It then runs the bench from the unpacked kit here, on wasm and on webgpu (lavapipe), with no
# node_modules in reach: what goes to the GPU machine has run once.
set -eu

repo=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-"$repo/.scratch/gpu-bench"}
limit=$((64 * 1024 * 1024))
kit="$out/transferlab-gpu-bench"
archive="$out/transferlab-gpu-bench.tar.xz"

rm -rf "$kit" "$archive"
mkdir -p "$kit/node_modules/webgpu/dist/linux-x64" "$kit/vulkan"

(cd "$repo" && npx tsx bench/gpu/bundle.ts "$kit/bench.mjs")
cp "$repo"/node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$kit/"
cp "$repo/bench/torchPeer.py" "$repo/bench/gpu/run-on-gpu.sh" "$kit/"
webgpu="$repo/node_modules/webgpu"
cp "$webgpu/package.json" "$webgpu/index.js" "$webgpu/LICENSE.md" "$kit/node_modules/webgpu/"
cp "$webgpu/dist/linux-x64/dawn.node" "$kit/node_modules/webgpu/dist/linux-x64/"
cp "$(command -v node)" "$kit/node"

# The Vulkan loader: the installed one (same Debian package), else Debian's package unpacked.
loader=/usr/lib/x86_64-linux-gnu/libvulkan.so.1
if [ -e "$loader" ]; then
  cp -L "$loader" "$kit/vulkan/libvulkan.so.1"
else
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download libvulkan1 && dpkg-deb -x libvulkan1_*.deb root)
  cp -L "$tmp/root/usr/lib/x86_64-linux-gnu/libvulkan.so.1" "$kit/vulkan/"
  rm -rf "$tmp"
fi
{
  echo "Packed $(date -u +%Y-%m-%dT%H:%M:%SZ) from $(cd "$repo" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "node $("$kit/node" --version); webgpu $(sed -n 's/.*"version": "\(.*\)".*/\1/p' "$webgpu/package.json")"
  dpkg-query -W libvulkan1 2>/dev/null || true
} > "$kit/VERSIONS"

tar -C "$out" -cJf "$archive" transferlab-gpu-bench
rm -rf "$kit"
size=$(stat -c %s "$archive")
echo "$archive: $((size / 1024 / 1024)) MiB ($size bytes)"
if [ "$size" -gt "$limit" ]; then
  echo "over the 64 MiB a GPU machine can take" >&2
  exit 1
fi

# Run what was packed, unpacked afresh, with nothing of this checkout in reach.
check=$(mktemp -d)
tar -C "$check" -xJf "$archive"
"$check/transferlab-gpu-bench/run-on-gpu.sh" --check
rm -rf "$check"
