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

# Training on the GPU against the CPU, per step: an MLP epoch (the defaults: 100
# ReLU units, Adam, batches of 200), a k-means iteration, a boosting iteration
# (three 31-leaf trees, their histograms on the device) and kNN's search of the
# test rows (the whole run: fitting is one step), on $ROWS (200,000) seeded rows ×
# 32 columns written here.
data="$out/bench-train.csv"
awk -v rows="${ROWS:-200000}" 'BEGIN { srand(7); printf "f0"; for (j = 1; j < 32; j++) printf ",f%d", j; print ",label";
  for (i = 0; i < rows; i++) { s = 0; for (j = 0; j < 32; j++) { x = rand() * 2 - 1; s += (j % 3 == 0 ? x : -x / 2);
  printf (j ? ",%.4f" : "%.4f"), x } print (s > 0.5 ? ",a" : s < -0.5 ? ",b" : ",c") } }' > "$data"
per_step() { # device model steps params...
  local device=$1 model=$2 steps=$3 start end
  shift 3
  start=$(date +%s.%N)
  "$bin" train --data "$data" --model "$model" --device "$device" "$@" > /dev/null
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" -v n="$steps" -v d="$device" -v m="$model" \
    'BEGIN { printf "%s on the %s: %.1f ms per step (%d steps, %.2f s with reading and scoring)\n", m, d, (e - s) * 1000 / n, n, e - s }'
}
{
  for device in gpu cpu; do
    per_step "$device" mlp 10 --target label --param max_iter=10 --param tol=0
    per_step "$device" kmeans 50 --param n_clusters=16 --param max_iter=50 --param n_init=1 --param tol=0
    per_step "$device" gbdt 20 --target label --param max_iter=20 --param early_stopping=false
    per_step "$device" knn 1 --target label
  done
} | tee "$out/bench-train.txt"
echo "wrote $out/bench-train.txt"
