"""Outside oracle: scikit-learn's GaussianNB for Studio's `gaussian_nb` family.

Per case, fits `GaussianNB` on the bundled data preprocessed as Studio does and
writes `core/tests/reference/nb_<case>.json`; `core/tests/naive_bayes_reference.rs`
trains Studio's pipeline on the same rows and compares the class priors, means
and variances (to 1e-6), the test probabilities and the test accuracy.

  Split     the same SplitMix64 Fisher-Yates split as sklearn_reference.py.
  Preproc   every column but the target, in file order; fitted on the train rows:
            missing -> train mean, then (x - mean) / population std, std 0 -> 1.
  Model     GaussianNB(var_smoothing=...), every other parameter at its default.

Rerun from the repository root (deterministic; overwrites the JSON files):

    .tools/venv/bin/python scripts/reference/sklearn_nb.py
"""

import platform
import sys
from pathlib import Path

import numpy as np
import sklearn
from sklearn.metrics import accuracy_score
from sklearn.naive_bayes import GaussianNB

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

CASES = [
    # (case, dataset, target, var_smoothing, seed, test_size)
    ("iris", "data/samples/iris.csv", "species", 1e-9, 42, 0.2),
    ("wine", "data/samples/wine.csv", "class", 1e-9, 42, 0.2),
    ("breast_cancer_smooth", "data/samples/breast_cancer.csv", "diagnosis", 1e-2, 7, 0.25),
]


def run_case(case, dataset, target, var_smoothing, seed, test_size, versions):
    header, rows = read_csv(REPO / dataset)
    t = header.index(target)
    feat_cols = [i for i in range(len(header)) if i != t]
    train, test = split(len(rows), seed, test_size)
    x_all = np.array([[parse_number(r[i]) for i in feat_cols] for r in rows], dtype=float)
    impute, mean, scale = fit_scaler(x_all[train])
    x_train = transform(x_all[train], impute, mean, scale)
    x_test = transform(x_all[test], impute, mean, scale)
    y_all = np.array([r[t] for r in rows], dtype=object)
    y_train, y_test = y_all[train], y_all[test]

    model = GaussianNB(var_smoothing=var_smoothing).fit(x_train, y_train)
    classes = [str(c) for c in model.classes_]
    assert classes == sorted(set(str(v) for v in y_train)), classes
    out = {
        "dataset": dataset,
        "target": target,
        "params": {"var_smoothing": var_smoothing},
        "seed": seed,
        "test_size": test_size,
        "train_indices": train,
        "test_indices": test,
        "classes": classes,
        "priors": floats(model.class_prior_),
        "means": [floats(row) for row in model.theta_],
        "variances": [floats(row) for row in model.var_],
        "test_probabilities": [floats(row) for row in model.predict_proba(x_test)],
        "metrics": {"accuracy": float(accuracy_score(y_test, model.predict(x_test)))},
        "versions": versions,
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with open(OUT_DIR / f"nb_{case}.json", "w", encoding="utf-8", newline="\n") as f:
        f.write(dumps(out) + "\n")
    print(f"nb_{case}.json: train={len(train)} test={len(test)} metrics={out['metrics']}")


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
