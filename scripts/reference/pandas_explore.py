"""Outside oracle: pandas' summary statistics and correlation matrices for
Studio's Explore statistics (`frame::statistics`, `frame::correlation`).

Per file, reads the CSV with pandas and writes
`core/tests/reference/explore_<name>.json`: for every numeric column pandas'
count, mean, std (ddof=1), min, 25 %, 50 %, 75 %, max (NumPy's linear
quantiles), nunique, skew and kurt; for every column the missing count,
nunique and the value counts of the most common values; and
`DataFrame.corr(method)` for pearson and spearman over the numeric columns
(pairwise-complete rows), and SciPy's Cramér's V (`association(method="cramer",
correction=False)`) of every two other columns' crosstab. `core/tests/explore_reference.rs` computes the same
from Studio's reading of the file and compares to 1e-9 relative.

Besides the bundled samples it writes a seeded fixture with gaps, ties, a
constant column and skewed values, `core/tests/fixtures/gaps.csv`.

Rerun from the repository root (deterministic; overwrites the files):

    .tools/venv/bin/python scripts/reference/pandas_explore.py
"""

import json
import math
import platform
from pathlib import Path

import numpy as np
import pandas as pd
import scipy
from scipy.stats.contingency import association

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
OUT = ROOT / "core" / "tests" / "reference"
FIXTURE = ROOT / "core" / "tests" / "fixtures" / "gaps.csv"
TOP = 5


def gaps_fixture():
    rng = np.random.default_rng(11)
    n = 600
    frame = pd.DataFrame({
        "normal": rng.normal(3.0, 2.0, n),
        # Rounded, so that Spearman's ranks tie.
        "tied": np.round(rng.normal(0.0, 1.0, n), 1),
        "skewed": rng.lognormal(0.0, 1.0, n),
        "count": rng.poisson(4.0, n),
        "constant": np.full(n, 7.5),
        "group": rng.choice(["north", "south", "east", "west"], n, p=[0.4, 0.3, 0.2, 0.1]),
    })
    for column, share in [("normal", 0.05), ("tied", 0.1), ("skewed", 0.02), ("group", 0.03)]:
        frame.loc[rng.random(n) < share, column] = np.nan
    frame.to_csv(FIXTURE, index=False, float_format="%.6f")


def number(x):
    x = float(x)
    return None if math.isnan(x) else x


def reference(path):
    frame = pd.read_csv(path)
    numeric = frame.select_dtypes(include="number")
    columns = {}
    for name in frame.columns:
        series = frame[name]
        counts = series.value_counts(dropna=True)
        entry = {
            "missing": int(series.isna().sum()),
            "unique": int(series.nunique()),
            "top_counts": [int(c) for c in counts.iloc[:TOP]],
        }
        if name in numeric.columns:
            values = series.dropna().to_numpy(dtype=float)
            q = np.percentile(values, [0, 25, 50, 75, 100]) if len(values) else [math.nan] * 5
            entry.update({
                "count": int(series.count()),
                "mean": number(series.mean()),
                "std": number(series.std()),
                "min": number(q[0]),
                "q1": number(q[1]),
                "median": number(q[2]),
                "q3": number(q[3]),
                "max": number(q[4]),
                "skew": number(series.skew()),
                "kurtosis": number(series.kurt()),
            })
        columns[name] = entry
    corr = {}
    categories = [c for c in frame.columns if c not in numeric.columns]
    cramer = []
    for a in categories:
        row = []
        for b in categories:
            keep = frame[a].notna() & frame[b].notna()
            table = pd.crosstab(frame[a][keep].to_numpy(), frame[b][keep].to_numpy()).to_numpy()
            small = min(table.shape) if table.size else 0
            row.append(None if small < 2 else
                       float(association(table, method="cramer", correction=False)))
        cramer.append(row)
    corr["cramers_v"] = {"columns": categories, "matrix": cramer}
    for method in ["pearson", "spearman"]:
        matrix = numeric.corr(method=method)
        corr[method] = {
            "columns": list(matrix.columns),
            "matrix": [[number(v) for v in row] for row in matrix.to_numpy()],
        }
    return {"file": str(path.relative_to(ROOT)), "columns": columns, "corr": corr}


def main():
    gaps_fixture()
    files = sorted(SAMPLES.glob("*.csv")) + [FIXTURE]
    for path in files:
        out = OUT / f"explore_{path.stem}.json"
        data = reference(path)
        data["versions"] = {"pandas": pd.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
                            "python": platform.python_version()}
        out.write_text(json.dumps(data, indent=1) + "\n")
        print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
