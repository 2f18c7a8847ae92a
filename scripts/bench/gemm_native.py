"""Native CPU GEMM: `studio bench gemm --device cpu` against NumPy's matmul, in one run.

Both multiply two 1024x1024 float32 matrices on every core of this machine (NumPy
through its bundled OpenBLAS, Studio through matrixmultiply's threaded AVX2/FMA
kernels). Runs alternate, after a warm-up of each; each figure is the median of
the runs' GFLOP/s.

    cargo build --release -p studio-cli --bin studio
    .tools/venv/bin/python scripts/bench/gemm_native.py [--size 1024] [--runs 5]

Target: Studio at least 0.5x NumPy.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STUDIO = os.path.join(ROOT, "target", "release", "studio")


def numpy_gflops(size, seconds=1.0):
    rng = np.random.default_rng(1)
    a = rng.uniform(-1, 1, (size, size)).astype(np.float32)
    b = rng.uniform(-1, 1, (size, size)).astype(np.float32)
    a @ b
    best = float("inf")
    spent = 0.0
    while spent < seconds:
        started = time.perf_counter()
        a @ b
        elapsed = time.perf_counter() - started
        spent += elapsed
        best = min(best, elapsed)
    return 2 * size**3 / best / 1e9


def studio_gflops(size):
    out = subprocess.run(
        [STUDIO, "bench", "gemm", "--device", "cpu", "--size", str(size), "--json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)["gflops"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    numpy_runs, studio_runs = [], []
    numpy_gflops(args.size, 0.2)
    studio_gflops(args.size)
    for _ in range(args.runs):
        numpy_runs.append(numpy_gflops(args.size))
        studio_runs.append(studio_gflops(args.size))
    n, s = statistics.median(numpy_runs), statistics.median(studio_runs)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} threads")
    print(f"numpy {np.__version__}: {n:.1f} GFLOP/s   studio: {s:.1f} GFLOP/s   ratio {s / n:.2f}x")


if __name__ == "__main__":
    main()
