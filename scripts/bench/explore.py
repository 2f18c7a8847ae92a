"""Explore statistics: `studio inspect --stats --corr pearson` against pandas, side by
side in one run.

A seeded CSV of 1 000 000 rows × 20 number columns (normal, skewed and rounded
values, about 1 % missing in every fifth column). Studio reads the file and computes
each column's summary (count, missing, mean, std, quartiles, min, max, distinct and
most common values, skewness, kurtosis) and the Pearson matrix over pairwise-complete
rows, printing JSON (`studio inspect FILE --stats --corr pearson --json`, timed as a
process). pandas 3 reads the file with `read_csv` and computes `describe()`, `skew()`,
`kurt()`, `nunique()`, the top `value_counts` of each column, a 16-bin
`np.histogram` of each column and `corr()`, timed inside its process (imports not
counted). Best of `--repeats`.

    .tools/venv/bin/python scripts/bench/explore.py [--rows 1000000] [--repeats 3]

Needs a release build of the CLI (`cargo build --release -p studio-cli`) and the
reference environment (scripts/reference/requirements.txt). Prints a Markdown table
for BENCHMARKS.md.
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

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STUDIO = os.path.join(ROOT, "target", "release", "studio")
COLUMNS = 20


def make_data(rows, seed=3):
    rng = np.random.default_rng(seed)
    data = {}
    for j in range(COLUMNS):
        kind = j % 4
        if kind == 0:
            values = rng.normal(j, 1.0 + j / 10, rows)
        elif kind == 1:
            values = rng.lognormal(0.0, 0.8, rows)
        elif kind == 2:
            values = np.round(rng.normal(0.0, 3.0, rows), 1)
        else:
            values = rng.uniform(-5.0, 5.0, rows)
        if j % 5 == 0:
            values[rng.random(rows) < 0.01] = np.nan
        data[f"x{j}"] = values
    return pd.DataFrame(data)


def time_studio(path):
    start = time.perf_counter()
    out = subprocess.run([STUDIO, "inspect", path, "--stats", "--corr", "pearson", "--json"],
                         check=True, capture_output=True, text=True).stdout
    elapsed = time.perf_counter() - start
    report = json.loads(out)
    return elapsed, report["columns"][0]["mean"], report["corr"]["matrix"][0][4]


def time_pandas(path):
    start = time.perf_counter()
    frame = pd.read_csv(path)
    described = frame.describe()
    frame.skew()
    frame.kurt()
    frame.nunique()
    for name in frame.columns:
        frame[name].value_counts().iloc[:5]
        values = frame[name].to_numpy()
        np.histogram(values[~np.isnan(values)], bins=16)
    corr = frame.corr()
    elapsed = time.perf_counter() - start
    return elapsed, described.loc["mean", "x0"], corr.iloc[0, 4]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not os.path.exists(STUDIO):
        sys.exit("build the CLI first: cargo build --release -p studio-cli")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "numbers.csv")
        make_data(args.rows).to_csv(path, index=False, float_format="%.6f")
        size = os.path.getsize(path)
        results = {}
        for name, run in [("Studio", time_studio), ("pandas", time_pandas)]:
            runs = [run(path) for _ in range(args.repeats)]
            results[name] = (min(t for t, _, _ in runs), runs[-1][1], runs[-1][2])
    print(f"{args.rows} rows × {COLUMNS} columns ({size / 1e6:.0f} MB) · best of {args.repeats} · "
          f"{os.cpu_count()} × {platform.processor() or platform.machine()} · pandas {pd.__version__}")
    print("| contender | time | Studio ÷ it | mean of x0 | r(x0, x4) |")
    print("|---|---|---|---|---|")
    studio = results["Studio"][0]
    for name, (t, mean, r) in results.items():
        print(f"| {name} | {t:.2f} s | {studio / t:.2f} | {mean:.6f} | {r:.6f} |")


if __name__ == "__main__":
    main()
