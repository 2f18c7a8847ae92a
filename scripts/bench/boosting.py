"""Boosting benchmark: `studio train --model gbdt` against scikit-learn's
HistGradientBoostingClassifier and LightGBM, side by side in one run.

Higgs-like synthetic data (seeded): 28 features, 21 "low-level" Gaussian ones and 7
"high-level" nonlinear combinations of them, and a binary label drawn from a
nonlinear score, so that no model separates the classes fully. Written once as a
train CSV and a test CSV. Each contender reads both files, fits 100 iterations of
31-leaf trees (learning rate 0.1, 255 bins, at least 20 rows a leaf, no L2, no early
stopping) on two threads, and scores the test rows; the time covers all of that (the
Python peers timed inside their process, imports not counted). AUC on the test rows.

    .tools/venv/bin/python scripts/bench/boosting.py [--rows 1000000] [--repeats 1]

Needs a release build of the CLI (`cargo build --release -p studio-cli`) and the
reference environment with LightGBM (scripts/reference/requirements.txt). Prints a
Markdown table for BENCHMARKS.md.
"""

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time

import lightgbm
import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STUDIO = os.path.join(ROOT, "target", "release", "studio")
ITERATIONS, LEAVES, RATE, BINS, LEAF_ROWS = 100, 31, 0.1, 255, 20


def make_data(rows, seed=0):
    rng = np.random.default_rng(seed)
    low = rng.normal(size=(rows, 21))
    high = np.column_stack([
        np.sqrt((low[:, 0] + low[:, 1]) ** 2 + low[:, 2] ** 2),
        np.abs(low[:, 3] * low[:, 4]),
        np.tanh(low[:, 5] - low[:, 6]),
        low[:, 7] ** 2 - low[:, 8],
        np.sin(low[:, 9]) + np.cos(low[:, 10]),
        np.maximum(low[:, 11], low[:, 12]),
        low[:, 13] * low[:, 14] * low[:, 15],
    ])
    x = np.hstack([low, high])
    score = (high[:, 0] - 1.2 + 0.8 * high[:, 2] - 0.5 * high[:, 3] + 0.6 * high[:, 4]
             - 0.4 * np.abs(low[:, 16]) + 0.3 * low[:, 17] * low[:, 18])
    label = rng.random(rows) < 1 / (1 + np.exp(-2 * score))
    frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(28)])
    frame["label"] = np.where(label, "signal", "background")
    return frame


def read(train_path, test_path):
    train, test = pd.read_csv(train_path), pd.read_csv(test_path)
    return (train.drop(columns="label").to_numpy(), train["label"].to_numpy(),
            test.drop(columns="label").to_numpy(), test["label"].to_numpy())


def time_sklearn(train_path, test_path):
    start = time.perf_counter()
    xtr, ytr, xte, yte = read(train_path, test_path)
    model = HistGradientBoostingClassifier(
        max_iter=ITERATIONS, max_leaf_nodes=LEAVES, learning_rate=RATE, max_bins=BINS,
        min_samples_leaf=LEAF_ROWS, early_stopping=False)
    model.fit(xtr, ytr)
    p = model.predict_proba(xte)[:, list(model.classes_).index("signal")]
    return time.perf_counter() - start, roc_auc_score(yte == "signal", p)


def time_lightgbm(train_path, test_path):
    start = time.perf_counter()
    xtr, ytr, xte, yte = read(train_path, test_path)
    model = lightgbm.LGBMClassifier(
        n_estimators=ITERATIONS, num_leaves=LEAVES, learning_rate=RATE, max_bin=BINS,
        min_child_samples=LEAF_ROWS, reg_lambda=0.0, num_threads=2, verbose=-1)
    model.fit(xtr, ytr == "signal")
    p = model.predict_proba(xte)[:, 1]
    return time.perf_counter() - start, roc_auc_score(yte == "signal", p)


def time_studio(train_path, test_path, tmp):
    out = os.path.join(tmp, "predictions.csv")
    if os.path.exists(out):
        os.remove(out)
    start = time.perf_counter()
    subprocess.run(
        [STUDIO, "train", "--data", train_path, "--test-data", test_path, "--target", "label",
         "--model", "gbdt", "--param", f"max_iter={ITERATIONS}",
         "--param", f"max_leaf_nodes={LEAVES}", "--param", f"learning_rate={RATE}",
         "--param", f"max_bins={BINS}", "--param", f"min_samples_leaf={LEAF_ROWS}",
         "--param", "early_stopping=false", "--predictions", out],
        check=True, capture_output=True, text=True,
    )
    elapsed = time.perf_counter() - start
    predictions = pd.read_csv(out)
    truth = pd.read_csv(test_path, usecols=["label"])["label"].to_numpy()
    return elapsed, roc_auc_score(truth == "signal", predictions["proba_signal"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    if not os.path.exists(STUDIO):
        sys.exit("build the CLI first: cargo build --release -p studio-cli")
    with tempfile.TemporaryDirectory() as tmp:
        frame = make_data(args.rows)
        cut = int(args.rows * 0.8)
        train_path, test_path = os.path.join(tmp, "train.csv"), os.path.join(tmp, "test.csv")
        frame.iloc[:cut].to_csv(train_path, index=False, float_format="%.6f")
        frame.iloc[cut:].to_csv(test_path, index=False, float_format="%.6f")
        results = {}
        for name, run in [("Studio", lambda: time_studio(train_path, test_path, tmp)),
                          ("scikit-learn", lambda: time_sklearn(train_path, test_path)),
                          ("LightGBM", lambda: time_lightgbm(train_path, test_path))]:
            runs = [run() for _ in range(args.repeats)]
            results[name] = (min(t for t, _ in runs), runs[-1][1])
    print(f"{args.rows} rows × 28 features (80 % train) · {ITERATIONS} iterations of {LEAVES} leaves · "
          f"best of {args.repeats} · {os.cpu_count()} × {platform.processor() or platform.machine()} · "
          f"scikit-learn {sklearn.__version__}, LightGBM {lightgbm.__version__}")
    print("| contender | time | Studio ÷ it | test AUC |")
    print("|---|---|---|---|")
    studio = results["Studio"][0]
    for name, (t, auc) in results.items():
        print(f"| {name} | {t:.2f} s | {studio / t:.2f} | {auc:.4f} |")


if __name__ == "__main__":
    main()
