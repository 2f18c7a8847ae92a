"""Outside oracle: scikit-learn's Lasso and ElasticNet for Studio's `lasso` and
`elastic_net` families.

Per case, fits the model on the bundled data preprocessed as Studio does and
writes `core/tests/reference/sparse_<case>.json`; `core/tests/sparse_reference.rs`
trains Studio's pipeline on the same rows and compares the coefficients, which
inputs are exactly zero, the intercept and the test R^2.

  Split     the same SplitMix64 Fisher-Yates split as sklearn_reference.py.
  Preproc   every column but the target, in file order; fitted on the train rows:
            missing -> train mean, then (x - mean) / population std, std 0 -> 1.
  Model     Lasso(alpha) / ElasticNet(alpha, l1_ratio) with tol=1e-10 and
            max_iter=100000, so both sides stop at the optimum rather than at
            their own tolerances; every other parameter at its default.

Rerun from the repository root (deterministic; overwrites the JSON files):

    .tools/venv/bin/python scripts/reference/sklearn_sparse.py
"""

import platform
import sys
from pathlib import Path

import numpy as np
import sklearn
from sklearn.linear_model import ElasticNet, Lasso
from sklearn.metrics import r2_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sklearn_reference import (  # noqa: E402
    OUT_DIR,
    REPO,
    dumps,
    fit_scaler,
    floats,
    parse_number,
    read_csv,
    split,
    transform,
)

TOL = 1e-10
MAX_ITER = 100_000

CASES = [
    # (case, model, params, seed, test_size)
    ("diabetes_lasso", "lasso", {"alpha": 0.5}, 42, 0.2),
    ("diabetes_lasso_sparse", "lasso", {"alpha": 5.0}, 3, 0.2),
    ("diabetes_elastic_net", "elastic_net", {"alpha": 0.1, "l1_ratio": 0.3}, 42, 0.2),
]


def run_case(case, family, params, seed, test_size, versions):
    dataset, target = "data/samples/diabetes.csv", "progression"
    header, rows = read_csv(REPO / dataset)
    t = header.index(target)
    feat_cols = [i for i in range(len(header)) if i != t]
    train, test = split(len(rows), seed, test_size)
    x_all = np.array([[parse_number(r[i]) for i in feat_cols] for r in rows], dtype=float)
    impute, mean, scale = fit_scaler(x_all[train])
    x_train = transform(x_all[train], impute, mean, scale)
    x_test = transform(x_all[test], impute, mean, scale)
    y_all = np.array([parse_number(r[t]) for r in rows], dtype=float)
    make = Lasso if family == "lasso" else ElasticNet
    model = make(**params, tol=TOL, max_iter=MAX_ITER).fit(x_train, y_all[train])
    out = {
        "dataset": dataset,
        "target": target,
        "model": family,
        "params": {**params, "tol": TOL, "max_iter": MAX_ITER},
        "seed": seed,
        "test_size": test_size,
        "test_indices": test,
        "coef": floats(model.coef_),
        "intercept": float(model.intercept_),
        "zeros": [int(i) for i in np.flatnonzero(model.coef_ == 0)],
        "metrics": {"r2": float(r2_score(y_all[test], model.predict(x_test)))},
        "versions": versions,
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with open(OUT_DIR / f"sparse_{case}.json", "w", encoding="utf-8", newline="\n") as f:
        f.write(dumps(out) + "\n")
    print(f"sparse_{case}.json: zeros={out['zeros']} metrics={out['metrics']}")


def main() -> int:
    versions = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
    }
    for case in CASES:
        run_case(*case, versions=versions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
