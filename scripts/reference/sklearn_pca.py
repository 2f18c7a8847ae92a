"""Outside oracle: scikit-learn's PCA for Studio's `pca` family.

Per case, fits `PCA` on the bundled data preprocessed as Studio does and writes
`core/tests/reference/pca_<case>.json`; `core/tests/pca_reference.rs` trains
Studio's pipeline on the same rows and compares the mean, the components, the
explained variance and its ratio, the singular values and the projected rows
(to 1e-6).

  Rows      every row: a decomposition has no target and holds nothing out.
  Preproc   every column in file order but `drop`; fitted on every row:
            missing -> mean, then (x - mean) / population std, std 0 -> 1.
  Model     PCA(n_components, whiten, svd_solver="full"). scikit-learn flips
            each component so that its largest entry in absolute value is
            positive (svd_flip with u_based_decision=False), as Studio does.

Rerun from the repository root (deterministic; overwrites the JSON files):

    .tools/venv/bin/python scripts/reference/sklearn_pca.py
"""

import sys
from pathlib import Path

import numpy as np
from sklearn.decomposition import PCA

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sklearn_reference import (  # noqa: E402
    OUT_DIR,
    REPO,
    dumps,
    fit_scaler,
    floats,
    parse_number,
    read_csv,
    transform,
    versions,
)

CASES = [
    # (case, dataset, columns left out, n_components, whiten)
    ("iris", "data/samples/iris.csv", ["species"], None, False),
    ("wine_two_whitened", "data/samples/wine.csv", ["class"], 2, True),
    ("breast_cancer_five", "data/samples/breast_cancer.csv", ["diagnosis"], 5, False),
    ("diabetes_with_target", "data/samples/diabetes.csv", [], None, False),
]


def run_case(case, dataset, drop, n_components, whiten, versions):
    header, rows = read_csv(REPO / dataset)
    columns = [i for i, name in enumerate(header) if name not in drop]
    x = np.array([[parse_number(r[i]) for i in columns] for r in rows], dtype=float)
    impute, mean, scale = fit_scaler(x)
    x = transform(x, impute, mean, scale)

    model = PCA(n_components=n_components, whiten=whiten, svd_solver="full").fit(x)
    projection = model.transform(x)
    # The flip Studio applies, checked here so a change in scikit-learn shows.
    for component in model.components_:
        assert component[np.argmax(np.abs(component))] > 0, case
    params = {"whiten": whiten}
    if n_components is not None:
        params["n_components"] = n_components
    out = {
        "dataset": dataset,
        "drop": drop,
        "params": params,
        "mean": floats(model.mean_),
        "components": [floats(row) for row in model.components_],
        "explained_variance": floats(model.explained_variance_),
        "explained_variance_ratio": floats(model.explained_variance_ratio_),
        "singular_values": floats(model.singular_values_),
        "projection": [floats(row) for row in projection],
        "versions": versions,
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with open(OUT_DIR / f"pca_{case}.json", "w", encoding="utf-8", newline="\n") as f:
        f.write(dumps(out) + "\n")
    ratio = ", ".join(f"{r:.3f}" for r in model.explained_variance_ratio_[:3])
    print(f"pca_{case}.json: {x.shape[0]} rows x {x.shape[1]} inputs, ratio {ratio}, ...")


def main() -> int:
    for case in CASES:
        run_case(*case, versions=versions())
    return 0


if __name__ == "__main__":
    sys.exit(main())
