"""Training from a stream: `studio train --online` against scikit-learn's out-of-core way.

Both read a CSV in chunks and never hold it whole: a first pass fits the scaling
(Studio's `StreamingFit`; scikit-learn's `StandardScaler.partial_fit` over
`pandas.read_csv(chunksize=…)`), then the same number of passes of minibatch updates
(Studio's Adam on logistic regression's objective; scikit-learn's
`SGDClassifier(loss="log_loss").partial_fit`, with `alpha = 1 / (C · n)`, the same
penalty per row), then the test file is scored. Timed as a person runs each: Studio as a
process, scikit-learn inside a process of its own (imports not counted in its time). The
peak memory of each is its process's largest resident set (`/usr/bin/time`), the Python
peer's with its imports; Studio's full-batch `train` on the same file is shown beside them
for the memory a whole read takes.

    .tools/venv/bin/python scripts/bench/online_target.py [--rows 2000000] [--features 20]

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
from sklearn.linear_model import SGDClassifier
from sklearn.preprocessing import StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STUDIO = os.path.join(ROOT, "target", "release", "studio")
EPOCHS, CHUNK = 5, 100_000


def make_data(path, rows, features, seed):
    rng = np.random.default_rng(seed)
    w = np.random.default_rng(0).normal(size=features)
    with open(path, "w") as out:
        out.write(",".join([f"f{i}" for i in range(features)] + ["target"]) + "\n")
        for start in range(0, rows, CHUNK):
            n = min(CHUNK, rows - start)
            x = rng.normal(size=(n, features)) * 3.0 + 1.0
            score = (x - 1.0) @ w / 3.0 + rng.normal(scale=0.5, size=n)
            frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(features)])
            frame["target"] = np.where(score > 0, "yes", "no")
            frame.to_csv(out, index=False, header=False, float_format="%.6f")


def measured(command):
    """Runs `command` under `/usr/bin/time`: its wall time, stdout and peak memory in MB."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *command], check=True,
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    return elapsed, done.stdout, int(done.stderr.strip().splitlines()[-1]) / 1024


def run_studio(args):
    elapsed, out, peak = measured([STUDIO, *args, "--json"])
    return elapsed, json.loads(out), peak


def time_sklearn(train, test, rows):
    start = time.perf_counter()
    scaler = StandardScaler()
    for chunk in pd.read_csv(train, chunksize=CHUNK):
        scaler.partial_fit(chunk.drop(columns="target").to_numpy())
    model = SGDClassifier(loss="log_loss", alpha=1.0 / rows, learning_rate="optimal", random_state=0)
    for _ in range(EPOCHS):
        for chunk in pd.read_csv(train, chunksize=CHUNK):
            x = scaler.transform(chunk.drop(columns="target").to_numpy())
            model.partial_fit(x, chunk["target"].to_numpy(), classes=np.array(["no", "yes"]))
    right = total = 0
    for chunk in pd.read_csv(test, chunksize=CHUNK):
        predicted = model.predict(scaler.transform(chunk.drop(columns="target").to_numpy()))
        right += int((predicted == chunk["target"].to_numpy()).sum())
        total += len(chunk)
    return time.perf_counter() - start, right / total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--peer", nargs=2, metavar=("TRAIN", "TEST"),
                        help="run only the scikit-learn side on these files (as this script does)")
    args = parser.parse_args()
    if args.peer:
        elapsed, accuracy = time_sklearn(*args.peer, args.rows)
        print(json.dumps({"time": elapsed, "accuracy": accuracy}))
        return
    if not os.path.exists(STUDIO):
        sys.exit("build the CLI first: cargo build --release -p studio-cli")
    with tempfile.TemporaryDirectory() as tmp:
        train, test = os.path.join(tmp, "train.csv"), os.path.join(tmp, "test.csv")
        make_data(train, args.rows, args.features, 1)
        make_data(test, args.rows // 10, args.features, 2)
        size = os.path.getsize(train) / 1e6
        common = ["train", "--data", train, "--test-data", test, "--target", "target",
                  "--model", "logistic"]
        online_time, online, online_peak = run_studio(
            common + ["--online", "--epochs", str(EPOCHS), "--batch-size", "256"]
        )
        full_time, full, full_peak = run_studio(common + ["--device", "cpu"])
        _, out, sk_peak = measured([sys.executable, os.path.abspath(__file__), "--rows",
                                    str(args.rows), "--peer", train, test])
        sk_time, sk_accuracy = json.loads(out)["time"], json.loads(out)["accuracy"]
    print(f"{args.rows} rows × {args.features} features ({size:.0f} MB), two classes, "
          f"{EPOCHS} epochs · {os.cpu_count()} × {platform.processor() or platform.machine()} · "
          f"scikit-learn {sklearn.__version__}, pandas {pd.__version__}")
    print("| | time | epochs | test accuracy | peak memory |")
    print("|---|---|---|---|---|")
    print(f"| Studio `--online` | {online_time:.2f} s | {online['iterations']} | "
          f"{online['metrics']['accuracy']:.4f} | {online_peak:.0f} MB |")
    print(f"| scikit-learn SGDClassifier.partial_fit | {sk_time:.2f} s | {EPOCHS} | "
          f"{sk_accuracy:.4f} | {sk_peak:.0f} MB (with its imports) |")
    print(f"| Studio full batch (L-BFGS) | {full_time:.2f} s | {full['iterations']} iterations | "
          f"{full['metrics']['accuracy']:.4f} | {full_peak:.0f} MB |")
    print(f"\nStudio --online ÷ scikit-learn: {online_time / sk_time:.2f} in time")


if __name__ == "__main__":
    main()
