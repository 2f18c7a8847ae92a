"""Outside oracle: scikit-learn's KMeans on the data Studio clusters.

Studio's k-means (core/src/model/kmeans) is checked against the JSON files this
script writes to `core/tests/reference/kmeans_*.json`. Clustering has no target
and nothing held out: every row is fitted, after the preprocessing Studio uses
(train-mean imputation, then (x - mean) / population std over all rows; the
features are every column in file order).

  kmeans_iris.json    Iris without its species column, n_clusters=3, n_init=10:
                      Studio's inertia must be within 1 % of scikit-learn's.
  kmeans_blobs.json   core/tests/fixtures/blobs.csv (written here by make_blobs,
                      well separated): the labels, for an adjusted Rand index of
                      at least 0.99.

Rerun from the repository root (deterministic; overwrites the files):

    .tools/venv/bin/python scripts/reference/sklearn_kmeans.py
"""

import csv
import json
import platform
import sys
from pathlib import Path

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sklearn_reference import dumps, fit_scaler, parse_number, read_csv, transform  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "core" / "tests" / "reference"
BLOBS = REPO / "core" / "tests" / "fixtures" / "blobs.csv"


def write_blobs():
    x, _ = make_blobs(n_samples=600, n_features=3, centers=4, cluster_std=0.6, random_state=11)
    with open(BLOBS, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["a", "b", "c"])
        for row in x:
            w.writerow([f"{v:.6f}" for v in row])


def standardized(dataset, drop):
    header, rows = read_csv(REPO / dataset)
    keep = [i for i, h in enumerate(header) if h not in drop]
    x = np.array([[parse_number(r[i]) for i in keep] for r in rows], dtype=float)
    impute, mean, scale = fit_scaler(x)
    return [header[i] for i in keep], transform(x, impute, mean, scale)


def case(fname, dataset, drop, n_clusters, n_init, versions, labels=False):
    features, x = standardized(dataset, drop)
    model = KMeans(n_clusters=n_clusters, n_init=n_init, random_state=0, max_iter=300, tol=1e-4)
    model.fit(x)
    out = {
        "dataset": dataset,
        "dropped": drop,
        "features": features,
        "params": {"n_clusters": n_clusters, "n_init": n_init},
        "inertia": float(model.inertia_),
        "sizes": sorted(int(s) for s in np.bincount(model.labels_)),
    }
    if labels:
        out["labels"] = [int(v) for v in model.labels_]
    out["versions"] = versions
    with open(OUT_DIR / fname, "w", encoding="utf-8", newline="\n") as f:
        f.write(dumps(out) + "\n")
    print(f"{fname}: n={len(x)} inertia={model.inertia_!r} sizes={out['sizes']}")


def main() -> int:
    versions = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
    }
    write_blobs()
    case("kmeans_iris.json", "data/samples/iris.csv", ["species"], 3, 10, versions)
    case("kmeans_blobs.json", "core/tests/fixtures/blobs.csv", [], 4, 1, versions, labels=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
