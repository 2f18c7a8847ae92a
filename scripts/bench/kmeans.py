"""k-means: time per Lloyd iteration, `studio train --model kmeans` against scikit-learn.

A seeded CSV of overlapping Gaussian blobs (default 200 000 rows × 20 features, 8
centres close together, so that Lloyd's iterations go on moving the centres) is clustered
into 8 clusters with one k-means++ start. Each side runs with `max_iter=5` and
`max_iter=N` (`tol=0`, so both go on until N or until the labels stop changing), and the
time per iteration is the difference in time over the difference in iterations. Studio
runs as a process (`--device cpu`, best of 3), so the difference leaves out reading the
file, the start and scoring; scikit-learn's `KMeans(n_init=1, algorithm="lloyd", tol=0)`
is timed on its fit alone (best of 5), on the rows read and standardized once.

    .tools/venv/bin/python scripts/bench/kmeans.py [--rows 200000] [--features 20] [--iterations 60]

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


SHORT = 5


def studio(path, iterations, repeats=3):
    best, out = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run(
            [STUDIO, "train", "--data", path, "--model", "kmeans", "--device", "cpu", "--json",
             "--param", f"n_clusters={CLUSTERS}", "--param", "n_init=1", "--param", "tol=0",
             "--param", f"max_iter={iterations}"],
            check=True, capture_output=True, text=True,
        )
        best = min(best, time.perf_counter() - start)
        out = json.loads(done.stdout)
    return best, out


def scikit_learn(x, iterations, repeats=5):
    best, model = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        model = KMeans(n_clusters=CLUSTERS, n_init=1, algorithm="lloyd", tol=0,
                       max_iter=iterations, random_state=0).fit(x)
        best = min(best, time.perf_counter() - start)
    return best, model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--iterations", type=int, default=60)
    args = parser.parse_args()
    if not os.path.exists(STUDIO):
        sys.exit("build the CLI first: cargo build --release -p studio-cli")
    n = args.iterations
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "blobs.csv")
        make_data(path, args.rows, args.features)
        st_short, st_few = studio(path, SHORT)
        st_long, st_out = studio(path, n)
        x = StandardScaler().fit_transform(pd.read_csv(path).to_numpy())
        sk_short, sk_few = scikit_learn(x, SHORT)
        sk_long, sk_model = scikit_learn(x, n)
    st_iter = (st_long - st_short) / (st_out["iterations"] - st_few["iterations"])
    sk_iter = (sk_long - sk_short) / (sk_model.n_iter_ - sk_few.n_iter_)
    print(f"{args.rows} rows × {args.features} features, {CLUSTERS} clusters, {n} iterations · "
          f"{os.cpu_count()} × {platform.processor() or platform.machine()} · "
          f"scikit-learn {sklearn.__version__}, numpy {np.__version__}")
    print(f"| | max_iter={SHORT} | max_iter={n} | iterations | time per iteration | inertia |")
    print("|---|---|---|---|---|---|")
    print(f"| Studio (cpu, the whole run) | {st_short:.2f} s | {st_long:.2f} s | "
          f"{st_few['iterations']}, {st_out['iterations']} | {1000 * st_iter:.1f} ms | "
          f"{st_out['metrics']['inertia']:.1f} |")
    print(f"| scikit-learn lloyd (the fit) | {sk_short:.3f} s | {sk_long:.3f} s | "
          f"{sk_few.n_iter_}, {sk_model.n_iter_} | {1000 * sk_iter:.1f} ms | "
          f"{sk_model.inertia_:.1f} |")
    print(f"\nStudio ÷ scikit-learn per iteration: {st_iter / sk_iter:.2f}")


if __name__ == "__main__":
    main()
