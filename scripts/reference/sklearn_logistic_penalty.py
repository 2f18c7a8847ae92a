"""Outside oracle: scikit-learn's LogisticRegression with the L1 and elastic-net
penalties (and none) for Studio's `logistic` family's `penalty` and `l1_ratio`,
and with `class_weight="balanced"` (each row's loss weighed by n / (k n_class)).

Per case, fits the model on the data preprocessed as Studio does and writes
`core/tests/reference/logistic_<case>.json`; `core/tests/logistic_penalty_reference.rs`
trains Studio's pipeline on the same rows and compares the coefficients, which of
them are exactly zero, the intercepts, the objective, the test probabilities and
predictions, and the test accuracy.

  Split     the same SplitMix64 Fisher-Yates split as sklearn_reference.py.
  Preproc   every column but the target, in file order; fitted on the train rows:
            missing -> train mean, then (x - mean) / population std, std 0 -> 1.
  Model     LogisticRegression(solver="saga", tol=1e-10, max_iter=100000,
            random_state=0), so that it stops at the optimum rather than at its
            own tolerance (without a penalty saga crawls, and lbfgs at tol=1e-12
            stands in). scikit-learn 1.9 spells Studio's penalty="l1" as
            l1_ratio=1, "elasticnet" as the l1_ratio itself, and none as C=inf
            (its `penalty` is deprecated). The objective is
            sum_i log-loss_i + (l1_ratio ||W||_1 + (1 - l1_ratio) ||W||^2 / 2) / C,
            intercepts unpenalized: multinomial for three classes or more, one
            weight vector for two.

Rerun from the repository root (deterministic; overwrites the JSON files):

    .tools/venv/bin/python scripts/reference/sklearn_logistic_penalty.py
"""

import math
import platform
import sys
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sklearn_reference import (  # noqa: E402
    OUT_DIR,
    REPO,
    dumps,
    fit_scaler,
    floats,
    parse_number,
    read_csv,
    softmax,
    split,
    transform,
)

TOL = 1e-10
MAX_ITER = 100_000

IRIS = ("data/samples/iris.csv", "species")
CANCER = ("data/samples/breast_cancer.csv", "diagnosis")
NOISY = ("core/tests/fixtures/forest_classes.csv", "label")
WINE = ("data/samples/wine.csv", "class")

CASES = [
    # (case, (dataset, target), Studio's params, seed, test_size)
    ("iris_l1", IRIS, {"penalty": "l1", "C": 0.5}, 42, 0.2),
    ("iris_elasticnet", IRIS, {"penalty": "elasticnet", "C": 1.0, "l1_ratio": 0.5}, 7, 0.2),
    ("breast_cancer_l1", CANCER, {"penalty": "l1", "C": 0.1}, 42, 0.2),
    (
        "breast_cancer_elasticnet",
        CANCER,
        {"penalty": "elasticnet", "C": 0.5, "l1_ratio": 0.3},
        42,
        0.2,
    ),
    ("noisy_none", NOISY, {"penalty": "none"}, 42, 0.2),
    ("breast_cancer_l1_balanced", CANCER, {"penalty": "l1", "C": 0.1, "class_weight": "balanced"}, 42, 0.2),
    ("breast_cancer_l2", CANCER, {"penalty": "l2", "C": 0.5}, 42, 0.2),
    ("wine_l2_balanced", WINE, {"penalty": "l2", "C": 0.5, "class_weight": "balanced"}, 42, 0.2),
    ("noisy_none_balanced", NOISY, {"penalty": "none", "class_weight": "balanced"}, 7, 0.2),
]


def sklearn_params(params):
    """Studio's penalty and l1_ratio as scikit-learn 1.9 spells them, and the solver."""
    penalty = params["penalty"]
    weights = {"class_weight": params["class_weight"]} if "class_weight" in params else {}
    if penalty == "none":
        return {"C": math.inf, "l1_ratio": 0.0, "solver": "lbfgs", "tol": 1e-12, **weights}
    if penalty == "l2":
        return {"C": params["C"], "l1_ratio": 0.0, "solver": "lbfgs", "tol": 1e-12, **weights}
    l1_ratio = 1.0 if penalty == "l1" else params["l1_ratio"]
    return {"C": params["C"], "l1_ratio": l1_ratio, "solver": "saga", "tol": TOL, **weights}


def row_weights(y_labels, classes, class_weight):
    """Each row's weight: its class's n / (k n_class) with balanced, else 1."""
    if class_weight != "balanced":
        return np.ones(len(y_labels))
    y = np.array(y_labels)
    counts = {c: int((y == c).sum()) for c in classes}
    return np.array([len(y) / (len(classes) * counts[v]) for v in y_labels])


def objective_and_check(model, x, y_labels, classes, c, l1_ratio, class_weight=None):
    """The objective at scikit-learn's solution, and its optimality by hand: each
    nonzero weight's gradient balances its L1 slope, each zero weight's gradient
    lies within it, and the intercepts' gradients vanish."""
    w, b = model.coef_, model.intercept_
    if len(classes) == 2:
        t = (np.array(y_labels) == classes[1]).astype(float)
        z = x @ w[0] + b[0]
        losses = np.logaddexp(0.0, z) - t * z
        residual = (1.0 / (1.0 + np.exp(-z)) - t)[:, None]
    else:
        y_idx = np.array([classes.index(v) for v in y_labels])
        z = x @ w.T + b
        p = softmax(z)
        losses = -np.log(p[np.arange(len(y_idx)), y_idx])
        residual = p - np.eye(len(classes))[y_idx]
    sw = row_weights(y_labels, classes, class_weight)
    losses = sw * losses
    residual = sw[:, None] * residual
    l1 = l1_ratio / c if math.isfinite(c) else 0.0
    l2 = (1.0 - l1_ratio) / c if math.isfinite(c) else 0.0
    objective = float(losses.sum() + l1 * np.abs(w).sum() + 0.5 * l2 * (w * w).sum())
    grad_w = residual.T @ x + l2 * w
    grad_b = residual.sum(axis=0)
    tolerance = 1e-6 * max(1.0, objective)
    balance = np.where(w != 0, np.abs(grad_w + l1 * np.sign(w)), np.maximum(0, np.abs(grad_w) - l1))
    assert balance.max() < tolerance, f"not at the optimum: {balance.max()}"
    assert np.abs(grad_b).max() < tolerance, f"intercepts not at the optimum: {np.abs(grad_b).max()}"
    return objective


def run_case(case, data, params, seed, test_size, versions):
    dataset, target = data
    header, rows = read_csv(REPO / dataset)
    t = header.index(target)
    feat_cols = [i for i in range(len(header)) if i != t]
    train, test = split(len(rows), seed, test_size)
    x_all = np.array([[parse_number(r[i]) for i in feat_cols] for r in rows], dtype=float)
    impute, mean, scale = fit_scaler(x_all[train])
    x_train = transform(x_all[train], impute, mean, scale)
    x_test = transform(x_all[test], impute, mean, scale)
    y_all = [r[t] for r in rows]
    y_train = [y_all[i] for i in train]
    y_test = [y_all[i] for i in test]

    sk = sklearn_params(params)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = LogisticRegression(max_iter=MAX_ITER, random_state=0, **sk)
        model.fit(x_train, np.array(y_train, dtype=object))
    classes = [str(c) for c in model.classes_]
    assert classes == sorted(set(y_train)), classes
    objective = objective_and_check(
        model, x_train, y_train, classes, sk["C"], sk["l1_ratio"], sk.get("class_weight")
    )
    pred = [str(v) for v in model.predict(x_test)]
    out = {
        "dataset": dataset,
        "target": target,
        "params": {**params, "max_iter": MAX_ITER},
        # JSON has no infinity: C=inf is written as text.
        "sklearn_params": {k: ("inf" if v == math.inf else v) for k, v in sk.items()},
        "seed": seed,
        "test_size": test_size,
        "test_indices": test,
        "classes": classes,
        "coef": [floats(row) for row in model.coef_],
        "intercept": floats(model.intercept_),
        "zeros": [[int(j) for j in np.flatnonzero(row == 0)] for row in model.coef_],
        "objective_value": objective,
        "n_iter": int(model.n_iter_[0]),
        "test_predictions": pred,
        "test_probabilities": [floats(row) for row in model.predict_proba(x_test)],
        "metrics": {"accuracy": float(accuracy_score(y_test, pred))},
        "versions": versions,
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with open(OUT_DIR / f"logistic_{case}.json", "w", encoding="utf-8", newline="\n") as f:
        f.write(dumps(out) + "\n")
    zeros = sum(len(z) for z in out["zeros"])
    print(
        f"logistic_{case}.json: train={len(train)} test={len(test)} n_iter={out['n_iter']} "
        f"zeros={zeros} objective={objective!r} metrics={out['metrics']}"
    )


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
