"""Outside oracle: scikit-learn's LinearSVC for Studio's `linear_svm` family.

Per case, fits `LinearSVC` on the bundled data preprocessed as Studio does and
writes `core/tests/reference/svm_<case>.json`; `core/tests/linear_svm_reference.rs`
trains Studio's pipeline on the same rows and compares the coefficients and
intercepts, the test decision values, predictions and distributions, and the
test accuracy.

  Split     the same SplitMix64 Fisher-Yates split as sklearn_reference.py.
  Preproc   every column but the target, in file order; fitted on the train rows:
            missing -> train mean, then (x - mean) / population std, std 0 -> 1.
  Model     LinearSVC(dual=True, C, loss, class_weight, fit_intercept,
            intercept_scaling) with tol=1e-10 and max_iter=100000, so that both
            sides stop at the optimum rather than at their own tolerances: the
            primal is strictly convex (the intercept is a penalized weight), so the
            coordinates' visiting order, which differs, does not change the answer.
  Scores    Studio's `probabilities` are the decision values made into a
            distribution: the softmax of the one-vs-rest values, or
            [1 - sigmoid(s), sigmoid(s)] for two classes; not calibrated.

Rerun from the repository root (deterministic; overwrites the JSON files):

    .tools/venv/bin/python scripts/reference/sklearn_svm.py
"""

import platform
import sys
import warnings
from pathlib import Path

import numpy as np
import sklearn
from scipy.optimize import lsq_linear
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score
from sklearn.svm import LinearSVC
from sklearn.utils.class_weight import compute_class_weight

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
WINE = ("data/samples/wine.csv", "class")
CANCER = ("data/samples/breast_cancer.csv", "diagnosis")

CASES = [
    # (case, (dataset, target), params, seed, test_size)
    ("iris", IRIS, {}, 42, 0.2),
    ("iris_hinge", IRIS, {"loss": "hinge", "C": 0.5}, 7, 0.2),
    ("wine_balanced", WINE, {"C": 0.1, "class_weight": "balanced"}, 42, 0.2),
    ("wine_hinge_no_intercept", WINE, {"loss": "hinge", "fit_intercept": False}, 3, 0.25),
    ("breast_cancer", CANCER, {"intercept_scaling": 2.0}, 42, 0.2),
    (
        "breast_cancer_hinge_balanced",
        CANCER,
        {"loss": "hinge", "C": 0.1, "class_weight": "balanced"},
        7,
        0.25,
    ),
]


def distribution(decision: np.ndarray) -> np.ndarray:
    if decision.ndim == 1:
        return softmax(np.stack([np.zeros_like(decision), decision], axis=1))
    return softmax(decision)


def check_optimum(model, x, y, classes, params):
    """Each one-vs-rest problem at its optimum, by hand. Squared hinge: the
    primal's gradient vanishes. Hinge: the subgradient condition holds, some
    0 <= alpha_i <= C_i with w = sum alpha_i y_i x_i, alpha_i = C_i inside the
    margin and 0 outside it (found by bounded least squares on the margin rows)."""
    c = params.get("C", 1.0)
    weights = (
        compute_class_weight("balanced", classes=np.array(classes), y=y)
        if params.get("class_weight") == "balanced"
        else np.ones(len(classes))
    )
    fit_intercept = params.get("fit_intercept", True)
    scaling = params.get("intercept_scaling", 1.0)
    xa = np.hstack([x, np.full((len(x), 1), scaling)]) if fit_intercept else x
    positives = [classes[1]] if len(classes) == 2 else classes
    for row, positive in enumerate(positives):
        w = model.coef_[row]
        if fit_intercept:
            w = np.append(w, model.intercept_[row] / scaling)
        sign = np.where(y == positive, 1.0, -1.0)
        if len(classes) == 2:
            cost = np.where(sign > 0, c * weights[1], c * weights[0])
        else:
            # liblinear's one-vs-rest weighs the positive class only.
            cost = np.where(sign > 0, c * weights[classes.index(positive)], c)
        margin = sign * (xa @ w)
        tolerance = 1e-6 * max(1.0, np.abs(w).max())
        if params.get("loss", "squared_hinge") == "squared_hinge":
            grad = w - 2.0 * (cost * sign * np.maximum(0.0, 1.0 - margin)) @ xa
            assert np.abs(grad).max() < tolerance, np.abs(grad).max()
        else:
            on = np.abs(margin - 1.0) < 1e-6
            fixed = np.where(margin < 1.0, cost, 0.0) * ~on
            rest = w - (fixed * sign) @ xa
            free = lsq_linear((sign[on, None] * xa[on]).T, rest, bounds=(0.0, cost[on]))
            assert np.abs(free.fun).max() < tolerance, np.abs(free.fun).max()


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
    y_all = np.array([r[t] for r in rows], dtype=object)
    y_train, y_test = y_all[train], y_all[test]

    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = LinearSVC(dual=True, tol=TOL, max_iter=MAX_ITER, random_state=0, **params)
        model.fit(x_train, y_train)
    classes = [str(c) for c in model.classes_]
    assert classes == sorted(set(str(v) for v in y_train)), classes
    check_optimum(model, x_train, y_train, classes, params)
    decision = model.decision_function(x_test)
    out = {
        "dataset": dataset,
        "target": target,
        "params": {**params, "tol": TOL, "max_iter": MAX_ITER},
        "seed": seed,
        "test_size": test_size,
        "test_indices": test,
        "classes": classes,
        "coef": [floats(row) for row in model.coef_],
        # Without an intercept scikit-learn's `intercept_` is one 0.0, not one per row.
        "intercept": floats(np.broadcast_to(model.intercept_, len(model.coef_))),
        "n_iter": int(model.n_iter_),
        "test_decision": [floats(np.atleast_1d(row)) for row in decision],
        "test_predictions": [str(v) for v in model.predict(x_test)],
        "test_probabilities": [floats(row) for row in distribution(decision)],
        "metrics": {"accuracy": float(accuracy_score(y_test, model.predict(x_test)))},
        "versions": versions,
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with open(OUT_DIR / f"svm_{case}.json", "w", encoding="utf-8", newline="\n") as f:
        f.write(dumps(out) + "\n")
    print(
        f"svm_{case}.json: train={len(train)} test={len(test)} n_iter={out['n_iter']} "
        f"metrics={out['metrics']}"
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
