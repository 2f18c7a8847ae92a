"""Outside oracle: scikit-learn reference results for Studio's tabular pipeline.

Studio's Rust pipeline (seeded train/test split -> train-fitted imputation and
standardization -> logistic regression or ridge -> test metrics) is checked
against the JSON files this script writes to `core/tests/reference/`. The
script re-implements the same spec independently in numpy / scikit-learn:

  Split     SplitMix64(seed) drives a Fisher-Yates shuffle of [0, n):
            for i = n-1 down to 1: j = next_u64() % (i + 1); swap perm[i], perm[j].
            n_test = ceil(n * test_size); test = sorted(perm[:n_test]),
            train = sorted(perm[n_test:]). Indices are 0-based data rows.
  Preproc   Features = every column but the target, in file order. Fitted on
            the train rows only: missing -> train mean, then
            (x - mean) / std with population std (ddof 0), std 0 -> 1.
  Models    classification: LogisticRegression(C, lbfgs, multinomial, L2 on
            weights only), objective sum_i CE_i + 1/(2C) ||W||_F^2.
            regression: Ridge(alpha) with intercept, objective
            ||y - Xw - b||^2 + alpha ||w||^2.
  Metrics   on the test rows: accuracy, macro F1 | RMSE, MAE, R^2.

Rerun from the repository root (deterministic; overwrites the JSON files):

    python3 -m venv .tools/venv
    .tools/venv/bin/pip install -r scripts/reference/requirements.txt
    .tools/venv/bin/python scripts/reference/make_samples.py      # data/samples/*.csv
    .tools/venv/bin/python scripts/reference/sklearn_reference.py

The pins in requirements.txt are the versions the committed references were
made with; the versions used are also recorded in each JSON file.
"""

import csv
import json
import math
import platform
import sys
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    mean_absolute_error,
    mean_squared_error,
    r2_score,
)
from sklearn.preprocessing import StandardScaler

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "core" / "tests" / "reference"

MASK64 = 0xFFFFFFFFFFFFFFFF

LOGISTIC_OBJECTIVE = (
    "sum_i cross_entropy_i + (1/(2C)) * ||W||_F^2, over the train rows; "
    "p_i = softmax(W x_i + b) with W n_classes x n_features, "
    "cross_entropy_i = -log p_i[y_i]; the intercept b is not penalized "
    "(b is only defined up to a common shift; the reference b sums to 0)"
)
RIDGE_OBJECTIVE = (
    "||y - X w - b||^2 + alpha * ||w||^2, over the train rows; "
    "X standardized, the intercept b is not penalized"
)

CASES = [
    # (output file, dataset, target, task, model, params, seed, test_size)
    ("iris_logistic.json", "data/samples/iris.csv", "species", "classification", "logistic", {"c": 1.0}, 42, 0.2),
    ("iris_logistic_seed7.json", "data/samples/iris.csv", "species", "classification", "logistic", {"c": 0.5}, 7, 0.2),
    ("diabetes_ridge.json", "data/samples/diabetes.csv", "progression", "regression", "linear", {"alpha": 1.0}, 42, 0.2),
    ("diabetes_ridge_alpha10.json", "data/samples/diabetes.csv", "progression", "regression", "linear", {"alpha": 10.0}, 3, 0.25),
]


# ---------------------------------------------------------------- split


class SplitMix64:
    def __init__(self, seed: int):
        self.state = seed & MASK64

    def next_u64(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)


def permutation(n: int, seed: int) -> list:
    rng = SplitMix64(seed)
    perm = list(range(n))
    for i in range(n - 1, 0, -1):
        j = rng.next_u64() % (i + 1)
        perm[i], perm[j] = perm[j], perm[i]
    return perm


def split(n: int, seed: int, test_size: float):
    perm = permutation(n, seed)
    n_test = math.ceil(n * test_size)
    return sorted(perm[n_test:]), sorted(perm[:n_test])


# ---------------------------------------------------------------- data


def read_csv(path: Path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def parse_number(text: str) -> float:
    text = text.strip()
    return float("nan") if text == "" else float(text)


def fit_scaler(x_train: np.ndarray):
    """Train mean (ignoring missing) for imputation, then mean / population std."""
    impute = np.nanmean(x_train, axis=0)
    filled = np.where(np.isnan(x_train), impute, x_train)
    mean = filled.mean(axis=0)
    std = np.sqrt(((filled - mean) ** 2).mean(axis=0))
    scale = np.where(std == 0.0, 1.0, std)
    return impute, mean, scale


def transform(x: np.ndarray, impute, mean, scale) -> np.ndarray:
    filled = np.where(np.isnan(x), impute, x)
    return (filled - mean) / scale


# ---------------------------------------------------------------- models


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_logistic(x, y_labels, c):
    classes = sorted(set(y_labels))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = LogisticRegression(C=c, solver="lbfgs", max_iter=100000, tol=1e-12)
        model.fit(x, np.array(y_labels, dtype=object))
    assert list(model.classes_) == classes, (model.classes_, classes)
    w, b = model.coef_, model.intercept_
    assert w.shape == (len(classes), x.shape[1]), w.shape

    # Objective and its gradient at the solution, by hand.
    y_idx = np.array([classes.index(v) for v in y_labels])
    onehot = np.eye(len(classes))[y_idx]
    p = softmax(x @ w.T + b)
    ce = -np.log(p[np.arange(len(y_idx)), y_idx])
    objective = float(ce.sum() + (w * w).sum() / (2.0 * c))
    grad_w = (p - onehot).T @ x + w / c
    grad_b = (p - onehot).sum(axis=0)
    grad = max(np.abs(grad_w).max(), np.abs(grad_b).max())
    assert grad < 1e-6 * max(1.0, objective), f"logistic not at optimum: |grad| = {grad}"
    assert np.allclose(p, model.predict_proba(x), rtol=0, atol=1e-12)
    return model, classes, objective, grad


def fit_ridge(x, y, alpha):
    model = Ridge(alpha=alpha, solver="auto")
    model.fit(x, y)
    w, b = model.coef_, float(model.intercept_)

    # Closed form on centred data (the intercept is unpenalized) as a cross-check.
    xc = x - x.mean(axis=0)
    yc = y - y.mean()
    w_ref = np.linalg.solve(xc.T @ xc + alpha * np.eye(x.shape[1]), xc.T @ yc)
    b_ref = y.mean() - x.mean(axis=0) @ w_ref
    assert np.allclose(w, w_ref, rtol=1e-10, atol=1e-8), (w, w_ref)
    assert abs(b - b_ref) < 1e-8 * max(1.0, abs(b_ref)), (b, b_ref)

    r = y - x @ w - b
    objective = float(r @ r + alpha * (w @ w))
    grad = max(np.abs(-2 * x.T @ r + 2 * alpha * w).max(), abs(-2 * r.sum()))
    assert grad < 1e-6 * max(1.0, objective), f"ridge not at optimum: |grad| = {grad}"
    return model, objective, grad


# ---------------------------------------------------------------- cases


def versions() -> dict:
    """The versions a reference file was written with."""
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
    }


def dumps(value, indent: int = 0) -> str:
    """JSON with one key per line but each list of scalars on one line."""
    pad = "  " * indent
    if isinstance(value, dict):
        items = [f'{pad}  {json.dumps(k)}: {dumps(v, indent + 1)}' for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and any(isinstance(v, (list, dict)) for v in value):
        items = [f"{pad}  {dumps(v, indent + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(value, allow_nan=False)


def floats(a) -> list:
    return [float(v) for v in np.asarray(a, dtype=float).ravel()]


def run_case(fname, dataset, target, task, model_kind, params, seed, test_size, versions):
    header, rows = read_csv(REPO / dataset)
    t = header.index(target)
    features = [h for i, h in enumerate(header) if i != t]
    feat_cols = [i for i in range(len(header)) if i != t]
    n = len(rows)
    train, test = split(n, seed, test_size)
    assert len(set(train) | set(test)) == n and not set(train) & set(test)

    x_all = np.array([[parse_number(r[i]) for i in feat_cols] for r in rows], dtype=float)
    impute, mean, scale = fit_scaler(x_all[train])
    x_train = transform(x_all[train], impute, mean, scale)
    x_test = transform(x_all[test], impute, mean, scale)

    sk = StandardScaler().fit(x_all[train])
    assert np.allclose(sk.mean_, mean, rtol=1e-14, atol=0)
    assert np.allclose(np.where(sk.scale_ == 0, 1.0, sk.scale_), scale, rtol=1e-12, atol=0)
    assert np.allclose(sk.transform(x_all[test]), x_test, rtol=1e-12, atol=1e-12)

    out = {
        "dataset": dataset,
        "target": target,
        "task": task,
        "model": model_kind,
        "params": params,
        "seed": seed,
        "test_size": test_size,
        "objective": LOGISTIC_OBJECTIVE if model_kind == "logistic" else RIDGE_OBJECTIVE,
        "train_indices": train,
        "test_indices": test,
        "features": features,
        "scaler": {"mean": floats(mean), "scale": floats(scale)},
    }

    if task == "classification":
        y_all = [r[t] for r in rows]
        y_train = [y_all[i] for i in train]
        y_test = [y_all[i] for i in test]
        model, classes, objective, grad = fit_logistic(x_train, y_train, params["c"])
        pred = [str(v) for v in model.predict(x_test)]
        proba = model.predict_proba(x_test)
        out["classes"] = classes
        out["coef"] = [floats(row) for row in model.coef_]
        out["intercept"] = floats(model.intercept_)
        out["objective_value"] = objective
        out["test_predictions"] = pred
        out["test_probabilities"] = [floats(row) for row in proba]
        out["metrics"] = {
            "accuracy": float(accuracy_score(y_test, pred)),
            "f1_macro": float(f1_score(y_test, pred, average="macro")),
        }
    else:
        y_all = np.array([parse_number(r[t]) for r in rows], dtype=float)
        y_train, y_test = y_all[train], y_all[test]
        model, objective, grad = fit_ridge(x_train, y_train, params["alpha"])
        pred = model.predict(x_test)
        out["coef"] = floats(model.coef_)
        out["intercept"] = float(model.intercept_)
        out["objective_value"] = objective
        out["test_predictions"] = floats(pred)
        out["metrics"] = {
            "rmse": float(math.sqrt(mean_squared_error(y_test, pred))),
            "mae": float(mean_absolute_error(y_test, pred)),
            "r2": float(r2_score(y_test, pred)),
        }
    out["versions"] = versions

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with open(OUT_DIR / fname, "w", encoding="utf-8", newline="\n") as f:
        text = dumps(out)
        assert json.loads(text) == out
        f.write(text + "\n")
    print(
        f"{fname}: n={n} train={len(train)} test={len(test)} "
        f"objective={objective!r} max|grad|={grad:.2e} metrics={out['metrics']}"
    )


def self_check() -> None:
    perm = permutation(10, 42)
    print(f"self-check: SplitMix64 permutation for seed 42, n = 10: {perm}")
    rng = SplitMix64(42)
    print(f"self-check: first next_u64() for seed 42: {rng.next_u64()}")
    assert sorted(perm) == list(range(10))
    # Imputation path (unused by the bundled data, which has no gaps).
    x = np.array([[1.0, 5.0], [np.nan, 5.0], [3.0, 5.0]])
    impute, mean, scale = fit_scaler(x)
    assert impute.tolist() == [2.0, 5.0] and mean.tolist() == [2.0, 5.0]
    assert scale[1] == 1.0 and abs(scale[0] - math.sqrt(2.0 / 3.0)) < 1e-15
    assert transform(x, impute, mean, scale)[1].tolist() == [0.0, 0.0]


def main() -> int:
    versions = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
    }
    print(f"versions: {versions}")
    self_check()
    for case in CASES:
        run_case(*case, versions=versions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
