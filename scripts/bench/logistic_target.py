"""The logistic-regression target: binary logistic regression on 1M × 20, natively.

Studio (`studio train --device cpu`: parse, split, impute, standardize, L-BFGS, score the
test rows) against scikit-learn (`pandas.read_csv`, the same train and test rows,
`StandardScaler`, `LogisticRegression(C=1)` with its default lbfgs and `tol=1e-4`, score
the test rows), timed as a person runs each: Studio as a process, scikit-learn inside its
own process so that its imports are not counted. Both fit the same training rows (Studio's
seeded split, replayed here), so their final training losses compare directly: the sum
of the rows' log-losses plus ‖w‖²/2, Studio's as it reports it (`training_loss`),
scikit-learn's computed here at its solution. The target: Studio reaches scikit-learn's
loss within 1e-4 relative, in less time.

    .tools/venv/bin/python scripts/bench/logistic_target.py [--rows 1000000] [--features 20]

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
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STUDIO = os.path.join(ROOT, "target", "release", "studio")
sys.path.insert(0, os.path.join(ROOT, "scripts", "reference"))
from sklearn_reference import split  # noqa: E402

# Studio's defaults: `--seed 42 --test-size 0.2`.
SEED, TEST_SIZE = 42, 0.2


def make_data(path, rows, features, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, features))
    w = rng.normal(size=features)
    score = x @ w + rng.normal(scale=0.5, size=rows)
    frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(features)])
    frame["target"] = np.where(score > 0, "yes", "no")
    frame.to_csv(path, index=False, float_format="%.6f")


def time_studio(path, repeats):
    best, out = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run(
            [STUDIO, "train", "--data", path, "--target", "target", "--device", "cpu", "--json"],
            check=True, capture_output=True, text=True,
        )
        best = min(best, time.perf_counter() - start)
        out = json.loads(done.stdout)
    return best, out


def time_sklearn(path, train, test, repeats):
    best, fitted = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        frame = pd.read_csv(path)
        x, y = frame.drop(columns="target").to_numpy(), frame["target"].to_numpy()
        x_train, y_train, x_test, y_test = x[train], y[train], x[test], y[test]
        scaler = StandardScaler().fit(x_train)
        model = LogisticRegression(C=1.0, max_iter=1000).fit(scaler.transform(x_train), y_train)
        accuracy = float((model.predict(scaler.transform(x_test)) == y_test).mean())
        best = min(best, time.perf_counter() - start)
        fitted = (model, scaler.transform(x_train), y_train, accuracy)
    return best, fitted


def training_loss(model, x, y):
    """scikit-learn's objective at its solution, as Studio reports its own: the sum of
    the rows' log-losses plus ‖w‖²/2 (C = 1, the intercept unpenalized)."""
    z = x @ model.coef_[0] + model.intercept_[0]
    t = (y == model.classes_[1]).astype(float)
    return float(np.sum(np.logaddexp(0.0, z) - t * z) + 0.5 * np.sum(model.coef_ ** 2))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not os.path.exists(STUDIO):
        sys.exit("build the CLI first: cargo build --release -p studio-cli")

    train, test = (np.array(rows) for rows in split(args.rows, SEED, TEST_SIZE))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "binary.csv")
        make_data(path, args.rows, args.features)
        sk_time, (model, x_train, y_train, sk_accuracy) = time_sklearn(
            path, train, test, args.repeats
        )
        st_time, out = time_studio(path, args.repeats)
    sk_loss = training_loss(model, x_train, y_train)
    st_loss = out["training_loss"]
    print(f"{args.rows} rows × {args.features} features, two classes · best of {args.repeats} · "
          f"{os.cpu_count()} × {platform.processor() or platform.machine()} · "
          f"scikit-learn {sklearn.__version__}, numpy {np.__version__}")
    print("| | time | iterations | training loss | test accuracy |")
    print("|---|---|---|---|---|")
    print(f"| Studio (cpu) | {st_time:.2f} s | {out['iterations']} | {st_loss:.4f} | "
          f"{out['metrics']['accuracy']:.4f} |")
    print(f"| scikit-learn lbfgs | {sk_time:.2f} s | {int(model.n_iter_[0])} | {sk_loss:.4f} | "
          f"{sk_accuracy:.4f} |")
    print(f"\nStudio ÷ scikit-learn: {st_time / sk_time:.2f} in time; "
          f"loss (Studio − scikit-learn) / scikit-learn: {(st_loss - sk_loss) / sk_loss:+.2e}")


if __name__ == "__main__":
    main()
