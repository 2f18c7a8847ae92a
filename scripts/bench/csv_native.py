"""CSV loading benchmark: `studio inspect` against pandas and a bare `csv` loop, in one run.

Three (or four) readers load the same ~100 MB file from disk:

- `studio inspect --json FILE` (the release binary): sniffs the dialect and types,
  streams the file through the loader into typed columns, prints the schema.
- `pandas.read_csv(FILE)` in this process (C engine; also `engine="pyarrow"` when
  pyarrow is importable).
- `byterecord FILE` (cli/examples/byterecord.rs): the `csv` crate's reader splitting
  the file into byte records and counting them, with no types and no columns. The floor.

Runs are interleaved (one of each, then again), after one warm-up of each so that the
file is in the page cache; the figure is the median. The data is synthetic, seeded, and
written once under target/bench-data/.

    cargo build --release -p studio-cli --bin studio --example byterecord
    .tools/venv/bin/python scripts/bench/csv_native.py [--runs 7] [--files numeric,mixed]

Targets: studio faster than pandas.read_csv, and within 1.3x of the byte-record loop.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STUDIO = os.path.join(ROOT, "target", "release", "studio")
BYTERECORD = os.path.join(ROOT, "target", "release", "examples", "byterecord")
DATA = os.path.join(ROOT, "target", "bench-data")

# Bytes per row of each file, measured, to aim at the requested size.
ROW_BYTES = {"numeric": 230, "mixed": 138}
FORMAT_VERSION = 1


def formatted(values, fmt):
    return np.char.mod(fmt, values)


def numeric_columns(rng, rows):
    """20 floats with 6 to 10 significant digits at different scales, and 2 integers."""
    columns = {}
    for i in range(20):
        digits = 6 + i % 5
        scale = 10.0 ** (i % 7 - 2)
        x = rng.normal(loc=scale * (i % 3), scale=scale, size=rows)
        columns[f"x{i}"] = formatted(x, f"%.{digits}g")
    columns["count"] = formatted(rng.integers(0, 100_000, size=rows), "%d")
    columns["offset"] = formatted(rng.integers(-5_000_000, 5_000_000, size=rows), "%d")
    return columns


def mixed_columns(rng, rows):
    """10 floats (one with 1 % "NA"), an integer, a categorical and a free-text column
    (some of whose values hold the delimiter or quotes, so they are quoted)."""
    columns = {}
    for i in range(10):
        digits = 6 + i % 5
        x = rng.normal(scale=10.0 ** (i % 5 - 1), size=rows)
        column = formatted(x, f"%.{digits}g")
        if i == 3:
            column[rng.random(rows) < 0.01] = "NA"
        columns[f"x{i}"] = column
    columns["count"] = formatted(rng.integers(0, 1000, size=rows), "%d")
    levels = np.array(["red", "green", "blue", "cyan", "magenta", "yellow", "black", "white"])
    columns["colour"] = levels[rng.integers(0, len(levels), size=rows)]
    words = np.array(["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"])
    first = words[rng.integers(0, len(words), size=rows)]
    second = words[rng.integers(0, len(words), size=rows)]
    number = formatted(rng.integers(0, 1_000_000, size=rows), "%d")
    text = np.char.add(np.char.add(np.char.add(first, " "), second), np.char.add(" ", number))
    quoted = rng.random(rows) < 0.05
    text = text.astype(object)
    text[quoted] = ['"' + t.replace(" ", ", ", 1) + ' ""q"""' for t in text[quoted]]
    columns["note"] = text
    return columns


def make_file(kind, megabytes, seed=0):
    rows = int(megabytes * 1e6 / ROW_BYTES[kind])
    path = os.path.join(DATA, f"csv-{kind}-{megabytes}mb-s{seed}-v{FORMAT_VERSION}.csv")
    if os.path.exists(path):
        return path
    os.makedirs(DATA, exist_ok=True)
    rng = np.random.default_rng(seed)
    columns = numeric_columns(rng, rows) if kind == "numeric" else mixed_columns(rng, rows)
    names = list(columns)
    cells = [columns[n].astype(object) for n in names]
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as out:
        out.write(",".join(names) + "\n")
        block = 50_000
        for start in range(0, rows, block):
            part = [c[start:start + block] for c in cells]
            out.write("\n".join(",".join(row) for row in zip(*part)))
            out.write("\n")
    os.replace(tmp, path)
    return path


def run_studio(path):
    done = subprocess.run([STUDIO, "inspect", "--json", path], check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout)["rows"]


def run_byterecord(path):
    done = subprocess.run([BYTERECORD, path], check=True, capture_output=True, text=True)
    return int(done.stdout.split()[0])


def run_pandas(path):
    return len(pd.read_csv(path))


def run_pyarrow(path):
    return len(pd.read_csv(path, engine="pyarrow"))


def timed(fn, path):
    start = time.perf_counter()
    rows = fn(path)
    return time.perf_counter() - start, rows


def machine():
    model, cores = platform.processor() or platform.machine(), os.cpu_count()
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "Model name":
                model = value.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    memory = ""
    try:
        with open("/proc/meminfo") as f:
            kib = int(f.readline().split()[1])
            memory = f", {kib / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{model}, {cores} cores{memory}, {platform.system()} {platform.release()}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--megabytes", type=int, default=100)
    parser.add_argument("--files", default="numeric,mixed",
                        help="comma-separated: numeric, mixed")
    args = parser.parse_args()

    for binary, build in [(STUDIO, "--bin studio"), (BYTERECORD, "--example byterecord")]:
        if not os.path.exists(binary):
            sys.exit(f"{binary} is missing: cargo build --release -p studio-cli {build}")

    contenders = [("studio inspect", run_studio), ("csv ByteRecord loop", run_byterecord),
                  ("pandas.read_csv (C)", run_pandas)]
    try:
        import pyarrow  # noqa: F401
        contenders.append(("pandas.read_csv (pyarrow)", run_pyarrow))
        pyarrow_version = pyarrow.__version__
    except ImportError:
        pyarrow_version = None

    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    print(f"machine: {machine()}")
    print(f"python {platform.python_version()}, pandas {pd.__version__}, numpy {np.__version__}, "
          f"pyarrow {pyarrow_version or 'not installed'}; {rustc}")
    print(f"{args.runs} interleaved runs after one warm-up each; medians; MB = 10^6 bytes\n")

    results = {}
    for kind in args.files.split(","):
        path = make_file(kind, args.megabytes)
        size = os.path.getsize(path)
        times = {name: [] for name, _ in contenders}
        rows = {}
        for name, fn in contenders:
            _, rows[name] = timed(fn, path)
        if len(set(rows.values())) != 1:
            sys.exit(f"{kind}: the readers disagree on the row count: {rows}")
        for _ in range(args.runs):
            for name, fn in contenders:
                seconds, _ = timed(fn, path)
                times[name].append(seconds)
        medians = {name: statistics.median(t) for name, t in times.items()}
        results[kind] = medians
        studio = medians["studio inspect"]
        floor = medians["csv ByteRecord loop"]
        pandas_c = medians["pandas.read_csv (C)"]
        print(f"## {kind}: {os.path.relpath(path, ROOT)}, {size / 1e6:.1f} MB, "
              f"{next(iter(rows.values()))} rows")
        print("| reader | median | MB/s | studio ÷ reader | runs (s) |")
        print("|---|---|---|---|---|")
        for name, _ in contenders:
            m = medians[name]
            spread = " ".join(f"{t:.3f}" for t in times[name])
            print(f"| {name} | {m:.3f} s | {size / 1e6 / m:.0f} | {studio / m:.2f} | {spread} |")
        fast = studio < pandas_c
        near = studio <= 1.3 * floor
        print(f"\nstudio ÷ pandas (C) = {studio / pandas_c:.2f} (target < 1: "
              f"{'met' if fast else 'NOT met'}); studio ÷ ByteRecord = {studio / floor:.2f} "
              f"(target ≤ 1.3: {'met' if near else 'NOT met'})\n")
    return results


if __name__ == "__main__":
    main()
