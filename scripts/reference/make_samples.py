"""Write Studio's bundled sample datasets from the copies shipped in scikit-learn and palmerpenguins.

Writes:
    data/samples/iris.csv           150 rows x 5 columns (4 measurements + species name)
    data/samples/diabetes.csv       442 rows x 11 columns (10 raw, unscaled features + progression)
    data/samples/penguins.csv       344 rows x 8 columns (species, island, 4 measurements, sex, year;
                                    with missing values)
    data/samples/wine.csv           178 rows x 14 columns (13 measurements + class name)
    data/samples/breast_cancer.csv  569 rows x 31 columns (30 features + diagnosis name)

Sources (inside the installed scikit-learn package, `sklearn/datasets/data/`):
    iris.csv                  first line is a count line "150,4,setosa,versicolor,virginica",
                              then rows "x1,x2,x3,x4,class_index"
    diabetes_data_raw.csv.gz  442 space-separated rows of 10 unscaled features
    diabetes_target.csv.gz    442 targets written as "1.510000000000000000e+02"
    wine_data.csv             count line "178,13,class_0,class_1,class_2", then rows as iris.csv
    breast_cancer.csv         count line "569,30,malignant,benign", then rows as iris.csv
and inside the installed palmerpenguins package (`palmerpenguins/data/`):
    penguins.csv              the table `load_penguins()` returns: a header row, then rows
                              with "NA" for a missing value

Conversion rules:
    * Feature values are copied verbatim as text (no float round trip), so e.g.
      diabetes `bp` keeps "101.0" next to "93.33": the ".0" is not consistent
      within any diabetes feature column, so nothing is stripped there.
    * The diabetes targets are all integers written in numpy `%.18e` form; that
      notation is consistent noise, so they are written as plain integers
      (checked exact before writing).
    * Iris, wine and breast cancer class indices are replaced by the names given
      in the count line. Wine and breast cancer take their column names from
      `load_wine()` / `load_breast_cancer()` `feature_names` as they are (the
      breast cancer names contain spaces, e.g. "mean radius"; none contains a
      comma or quote, which is checked).
    * Penguins, wine and breast cancer number text is checked to be already the
      shortest round-trip form of its value (Python's repr), except that whole
      numbers carry no ".0" (wine `proline` "1065", breast cancer `mean area`
      "1001"), so the verbatim copy is as exact as writing repr would be; and
      to parse to exactly what load_penguins() / load_wine() /
      load_breast_cancer() return.
    * Penguins' "NA" becomes an empty cell, the usual CSV spelling of a missing
      value; everything else in that file is copied verbatim.
    * LF line endings, source row order, no index column.

Rerun (deterministic, overwrites all five files), from the repository root:
    .tools/venv/bin/python scripts/reference/make_samples.py
"""

import gzip
import math
import os
import sys
from decimal import Decimal
from pathlib import Path

import palmerpenguins
import sklearn
from sklearn.datasets import load_breast_cancer, load_wine

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "data" / "samples"
SRC_DIR = Path(sklearn.__file__).resolve().parent / "datasets" / "data"
PENGUINS_SRC = Path(palmerpenguins.__file__).resolve().parent / "data" / "penguins.csv"

IRIS_HEADER = ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]
DIABETES_HEADER = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6", "progression"]
PENGUINS_HEADER = [
    "species", "island", "bill_length_mm", "bill_depth_mm",
    "flipper_length_mm", "body_mass_g", "sex", "year",
]
PENGUINS_NUMERIC = {"bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "year"}


def write_lines(path: Path, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(",".join(r) + "\n" for r in rows)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def check_header(header: list) -> None:
    # Unquoted fields are all the writer makes, so a name must not need quoting.
    for name in header:
        assert name and not any(c in name for c in ',"\r\n'), name


def check_shortest(v: str) -> None:
    # The text must be repr's, give or take a whole number's ".0", so that the
    # verbatim copy is not less exact (or longer) than writing repr would be.
    r = repr(float(v))
    assert v == r or v + ".0" == r, (v, r)


def make_counted(file: str, header: list, n_features: int, names: list, n_rows: int) -> list:
    """A scikit-learn file of the iris.csv kind: a count line, then numbers and a class index."""
    lines = (SRC_DIR / file).read_text(encoding="utf-8").splitlines()
    count = lines[0].split(",")
    assert [int(count[0]), int(count[1])] + count[2:] == [n_rows, n_features] + names, count
    check_header(header)
    assert len(header) == n_features + 1, header
    rows = [header]
    for line in lines[1:]:
        if not line.strip():
            continue
        fields = line.strip().split(",")
        assert len(fields) == n_features + 1, line
        for v in fields[:n_features]:
            float(v)  # must parse as a number; text is kept verbatim
        rows.append(fields[:n_features] + [names[int(fields[n_features])]])
    assert len(rows) - 1 == n_rows, len(rows)
    return rows


def check_against_loader(rows: list, bunch) -> None:
    """The written table must hold exactly the values scikit-learn's loader returns."""
    n = len(bunch.feature_names)
    assert rows[0][:n] == list(bunch.feature_names), rows[0]
    assert len(rows) - 1 == bunch.data.shape[0] and bunch.data.shape[1] == n
    for row, x, y in zip(rows[1:], bunch.data, bunch.target):
        for v, want in zip(row[:n], x):
            check_shortest(v)
            assert float(v) == want, (v, want)
        assert row[n] == bunch.target_names[y], (row, y)


def make_iris() -> list:
    return make_counted("iris.csv", IRIS_HEADER, 4, ["setosa", "versicolor", "virginica"], 150)


def make_wine() -> list:
    bunch = load_wine()
    header = list(bunch.feature_names) + ["class"]
    rows = make_counted("wine_data.csv", header, 13, ["class_0", "class_1", "class_2"], 178)
    check_against_loader(rows, bunch)
    return rows


def make_breast_cancer() -> list:
    bunch = load_breast_cancer()
    header = list(bunch.feature_names) + ["diagnosis"]
    rows = make_counted("breast_cancer.csv", header, 30, ["malignant", "benign"], 569)
    check_against_loader(rows, bunch)
    return rows


def make_penguins() -> list:
    lines = PENGUINS_SRC.read_text(encoding="utf-8").splitlines()
    assert lines[0].split(",") == PENGUINS_HEADER, lines[0]
    rows = [PENGUINS_HEADER]
    for line in lines[1:]:
        if not line.strip():
            continue
        fields = line.split(",")
        assert len(fields) == len(PENGUINS_HEADER) and '"' not in line, line
        for name, v in zip(PENGUINS_HEADER, fields):
            if v != "NA" and name in PENGUINS_NUMERIC:
                check_shortest(v)
        rows.append(["" if v == "NA" else v for v in fields])
    assert len(rows) - 1 == 344, len(rows)

    # Same table as the package's documented loader, missing cells included.
    frame = palmerpenguins.load_penguins()
    assert list(frame.columns) == PENGUINS_HEADER and frame.shape == (344, 8), frame.shape
    for row, (_, want) in zip(rows[1:], frame.iterrows()):
        for name, v in zip(PENGUINS_HEADER, row):
            w = want[name]
            if v == "":
                assert isinstance(w, float) and math.isnan(w), (name, w)
            elif name in PENGUINS_NUMERIC:
                assert float(v) == w, (name, v, w)
            else:
                assert v == w, (name, v, w)
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
    # Build every table before writing any, so a failed check leaves the old files intact.
    tables = {
        "iris.csv": make_iris(),
        "diabetes.csv": make_diabetes(),
        "penguins.csv": make_penguins(),
        "wine.csv": make_wine(),
        "breast_cancer.csv": make_breast_cancer(),
    }
    for name, rows in tables.items():
        write_lines(OUT_DIR / name, rows)
    print(f"scikit-learn {sklearn.__version__} data from {SRC_DIR}")
    print(f"palmerpenguins data from {PENGUINS_SRC}")
    for name, rows in tables.items():
        print(f"wrote {os.path.relpath(OUT_DIR / name, REPO)}: {len(rows) - 1} rows x {len(rows[0])} columns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
