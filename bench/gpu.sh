#!/usr/bin/env bash
# Times every compute operation on a real GPU (Vulkan) and on the CPU beside it, and
# prints `studio bench all`'s table with each rate as a fraction of the device's peak.
# Meant for a machine with a GPU; finishes well inside 10 minutes (the release build
# takes about 3 on 16 cores, the table under 2).
#
#   bench/gpu.sh                    # builds target/release/studio first
#   STUDIO_BIN=path/to/studio bench/gpu.sh   # uses a binary built elsewhere
#
# Writes the table and the JSON to $OUT (or /tmp) as bench-gpu.txt and bench-gpu.json.
set -euo pipefail
cd "$(dirname "$0")/.."

export WGPU_BACKEND="${WGPU_BACKEND:-vulkan}"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/studio-xdg-runtime}"
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
out="${OUT:-/tmp}"

bin="${STUDIO_BIN:-}"
if [[ -z "$bin" ]]; then
    cargo build --release --locked -p studio-cli --bin studio
    bin=target/release/studio
fi

"$bin" devices
"$bin" bench all --budget "${BUDGET:-1}" | tee "$out/bench-gpu.txt"
"$bin" bench all --device gpu --budget "${BUDGET:-1}" --json > "$out/bench-gpu.json"
echo "wrote $out/bench-gpu.txt and $out/bench-gpu.json"
