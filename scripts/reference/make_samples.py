"""Write Studio's bundled sample datasets from scikit-learn's shipped copies.

Writes:
    data/samples/iris.csv      150 rows x 5 columns (4 measurements + species name)
    data/samples/diabetes.csv  442 rows x 11 columns (10 raw, unscaled features + progression)

Sources (inside the installed scikit-learn package, `sklearn/datasets/data/`):
    iris.csv                  first line is a count line "150,4,setosa,versicolor,virginica",
                              then rows "x1,x2,x3,x4,class_index"
    diabetes_data_raw.csv.gz  442 space-separated rows of 10 unscaled features
    diabetes_target.csv.gz    442 targets written as "1.510000000000000000e+02"

Conversion rules:
    * Feature values are copied verbatim as text (no float round trip), so e.g.
      diabetes `bp` keeps "101.0" next to "93.33": the ".0" is not consistent
      within any diabetes feature column, so nothing is stripped there.
    * The diabetes targets are all integers written in numpy `%.18e` form; that
      notation is consistent noise, so they are written as plain integers
      (checked exact before writing).
    * Iris class indices are replaced by the names given in the count line.
    * LF line endings, source row order, no index column.

Rerun (deterministic, overwrites both files), from the repository root:
    .tools/venv/bin/python scripts/reference/make_samples.py
"""

import gzip
import os
import sys
from decimal import Decimal
from pathlib import Path

import sklearn

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "data" / "samples"
SRC_DIR = Path(sklearn.__file__).resolve().parent / "datasets" / "data"

IRIS_HEADER = ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]
DIABETES_HEADER = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6", "progression"]


def write_lines(path: Path, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(",".join(r) + "\n" for r in rows)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def make_iris() -> list:
    lines = (SRC_DIR / "iris.csv").read_text(encoding="utf-8").splitlines()
    count = lines[0].split(",")
    n_rows, n_features, names = int(count[0]), int(count[1]), count[2:]
    assert n_features == 4 and names == ["setosa", "versicolor", "virginica"], count
    rows = [IRIS_HEADER]
    for line in lines[1:]:
        if not line.strip():
            continue
        fields = line.strip().split(",")
        assert len(fields) == n_features + 1, line
        for v in fields[:n_features]:
            float(v)  # must parse as a number; text is kept verbatim
        rows.append(fields[:n_features] + [names[int(fields[n_features])]])
    assert len(rows) - 1 == n_rows == 150, len(rows)
    return rows


def make_diabetes() -> list:
    with gzip.open(SRC_DIR / "diabetes_data_raw.csv.gz", "rt", encoding="utf-8") as f:
        data = [line.split() for line in f if line.strip()]
    with gzip.open(SRC_DIR / "diabetes_target.csv.gz", "rt", encoding="utf-8") as f:
        target = [line.strip() for line in f if line.strip()]
    assert len(data) == len(target) == 442, (len(data), len(target))
    rows = [DIABETES_HEADER]
    for feats, t in zip(data, target):
        assert len(feats) == 10, feats
        for v in feats:
            float(v)
        d = Decimal(t)
        assert d == d.to_integral_value(), t  # exact integer, so the rewrite is lossless
        rows.append(feats + [str(int(d))])
    return rows


def main() -> int:
    iris = make_iris()
    diabetes = make_diabetes()
    write_lines(OUT_DIR / "iris.csv", iris)
    write_lines(OUT_DIR / "diabetes.csv", diabetes)
    print(f"scikit-learn {sklearn.__version__} data from {SRC_DIR}")
    print(f"wrote {os.path.relpath(OUT_DIR / 'iris.csv', REPO)}: {len(iris) - 1} rows x {len(iris[0])} columns")
    print(f"wrote {os.path.relpath(OUT_DIR / 'diabetes.csv', REPO)}: {len(diabetes) - 1} rows x {len(diabetes[0])} columns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
