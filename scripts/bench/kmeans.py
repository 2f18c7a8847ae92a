"""k-means: time per Lloyd iteration, `studio train --model kmeans` against scikit-learn.

A seeded CSV of overlapping Gaussian blobs (default 200 000 rows × 20 features, 8
centres close together, so that Lloyd's iterations go on moving the centres) is clustered
into 8 clusters with one k-means++ start. A run's time includes reading the
file and the start, so each side runs twice: with `max_iter=1` and with `max_iter=N`
and `tol=0`, so that both take all N iterations (unless the labels stop changing first); the time per iteration is the
difference over the iterations each reports, less one. Studio runs as a process (`--device cpu`); scikit-learn's `KMeans(n_init=1,
algorithm="lloyd", tol=0)` after `StandardScaler` is timed inside its own process, its
imports not counted, on the same rows.

    .tools/venv/bin/python scripts/bench/kmeans.py [--rows 200000] [--features 20] [--iterations 30]

Needs a release build of the CLI (`cargo build --release -p studio-cli`) and the
reference environment (scripts/reference/requirements.txt). Prints a Markdown table for
BENCHMARKS.md.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STUDIO = os.path.join(ROOT, "target", "release", "studio")
CLUSTERS = 8


def make_data(path, rows, features):
    rng = np.random.default_rng(0)
    centres = rng.normal(scale=0.5, size=(CLUSTERS, features))
    x = centres[rng.integers(CLUSTERS, size=rows)] + rng.normal(size=(rows, features))
    pd.DataFrame(x, columns=[f"f{i}" for i in range(features)]).to_csv(
        path, index=False, float_format="%.6f"
    )


def studio(path, iterations):
    start = time.perf_counter()
    done = subprocess.run(
        [STUDIO, "train", "--data", path, "--model", "kmeans", "--device", "cpu", "--json",
         "--param", f"n_clusters={CLUSTERS}", "--param", "n_init=1", "--param", "tol=0",
         "--param", f"max_iter={iterations}"],
        check=True, capture_output=True, text=True,
    )
    return time.perf_counter() - start, json.loads(done.stdout)


def scikit_learn(path, iterations):
    start = time.perf_counter()
    x = StandardScaler().fit_transform(pd.read_csv(path).to_numpy())
    model = KMeans(n_clusters=CLUSTERS, n_init=1, algorithm="lloyd", tol=0,
                   max_iter=iterations, random_state=0).fit(x)
    return time.perf_counter() - start, model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--iterations", type=int, default=30)
    args = parser.parse_args()
    if not os.path.exists(STUDIO):
        sys.exit("build the CLI first: cargo build --release -p studio-cli")
    n = args.iterations
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "blobs.csv")
        make_data(path, args.rows, args.features)
        st_one, _ = studio(path, 1)
        st_all, st_out = studio(path, n)
        sk_one, _ = scikit_learn(path, 1)
        sk_all, sk_model = scikit_learn(path, n)
    st_iter = (st_all - st_one) / (st_out["iterations"] - 1)
    sk_iter = (sk_all - sk_one) / (sk_model.n_iter_ - 1)
    print(f"{args.rows} rows × {args.features} features, {CLUSTERS} clusters, {n} iterations · "
          f"{os.cpu_count()} × {platform.processor() or platform.machine()} · "
          f"scikit-learn {sklearn.__version__}, numpy {np.__version__}")
    print("| | 1 iteration | all | iterations | time per iteration | inertia |")
    print("|---|---|---|---|---|---|")
    print(f"| Studio (cpu) | {st_one:.2f} s | {st_all:.2f} s | {st_out['iterations']} | "
          f"{1000 * st_iter:.1f} ms | {st_out['metrics']['inertia']:.1f} |")
    print(f"| scikit-learn lloyd | {sk_one:.2f} s | {sk_all:.2f} s | {sk_model.n_iter_} | "
          f"{1000 * sk_iter:.1f} ms | {sk_model.inertia_:.1f} |")
    print(f"\nStudio ÷ scikit-learn per iteration: {st_iter / sk_iter:.2f}")


if __name__ == "__main__":
    main()
