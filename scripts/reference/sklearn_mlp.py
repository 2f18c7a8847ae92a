"""Outside oracle: scikit-learn's MLPClassifier and MLPRegressor for Studio's
`mlp` family.

Per case, fits the model on the bundled data preprocessed as Studio does and
writes `core/tests/reference/mlp_<case>.json`; `core/tests/mlp_reference.rs`
trains Studio's pipeline on the same rows and compares.

Two kinds of case:

  replay    scikit-learn starts from Studio's own initial weights (drawn from
            SplitMix64 as `model/mlp/mod.rs` draws them, rounded to f32) and
            visits the rows in order (shuffle=False), so both take the same
            steps: Studio's loss curve, final weights and test outputs must
            follow scikit-learn's to within f32 rounding (Studio trains in
            f32, scikit-learn in f64).
  quality   both at their own defaults with their own random draws: Studio's
            test metric must be as good as scikit-learn's, within a margin.

  Split     the same SplitMix64 Fisher-Yates split as sklearn_reference.py.
  Preproc   every column but the target, in file order; fitted on the train rows:
            missing -> train mean, then (x - mean) / population std, std 0 -> 1.

Rerun from the repository root (deterministic; overwrites the JSON files):

    .tools/venv/bin/python scripts/reference/sklearn_mlp.py
"""

import os

# Before NumPy starts its thread pools: sums in one order, run to run.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import sys  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.metrics import accuracy_score, r2_score  # noqa: E402
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sklearn_reference import (  # noqa: E402
    OUT_DIR,
    REPO,
    SplitMix64,
    dumps,
    fit_scaler,
    floats,
    parse_number,
    read_csv,
    split,
    transform,
    versions,
)

IRIS = ("data/samples/iris.csv", "species", "classification")
WINE = ("data/samples/wine.csv", "class", "classification")
CANCER = ("data/samples/breast_cancer.csv", "diagnosis", "classification")
DIABETES = ("data/samples/diabetes.csv", "progression", "regression")

CASES = [
    # (case, kind, data, params, seed, test_size)
    ("iris_adam_relu", "replay", IRIS,
     {"hidden_layer_sizes": [16], "batch_size": 32, "max_iter": 25, "random_state": 3}, 42, 0.2),
    ("wine_adam_two_layers", "replay", WINE,
     {"hidden_layer_sizes": [24, 12], "max_iter": 20, "alpha": 0.01,
      "learning_rate_init": 0.003, "random_state": 5}, 42, 0.2),
    ("cancer_sgd_tanh", "replay", CANCER,
     {"hidden_layer_sizes": [32, 16], "activation": "tanh", "solver": "sgd",
      "learning_rate_init": 0.01, "batch_size": 64, "max_iter": 15, "random_state": 1}, 7, 0.25),
    ("cancer_sgd_plain_logistic", "replay", CANCER,
     {"hidden_layer_sizes": [10], "activation": "logistic", "solver": "sgd",
      "nesterovs_momentum": False, "momentum": 0.5, "learning_rate_init": 0.05,
      "max_iter": 12, "random_state": 2}, 42, 0.2),
    ("diabetes_adam_identity", "replay", DIABETES,
     {"hidden_layer_sizes": [8], "activation": "identity", "learning_rate_init": 0.05,
      "batch_size": 50, "max_iter": 30, "random_state": 4}, 42, 0.2),
    ("iris_defaults", "quality", IRIS, {}, 42, 0.2),
    ("wine_defaults", "quality", WINE, {}, 42, 0.2),
    ("cancer_early_stopping", "quality", CANCER,
     {"early_stopping": True, "max_iter": 500}, 42, 0.2),
    ("diabetes_tanh", "quality", DIABETES,
     {"hidden_layer_sizes": [32], "activation": "tanh", "learning_rate_init": 0.01,
      "max_iter": 1000, "alpha": 0.1}, 42, 0.2),
    # L-BFGS from Studio's starting weights: the same objective from the same
    # point, minimized by another line search (scipy's L-BFGS-B).
    ("iris_lbfgs", "lbfgs", IRIS,
     {"solver": "lbfgs", "hidden_layer_sizes": [16], "alpha": 0.01, "random_state": 3},
     42, 0.2),
    ("cancer_lbfgs_tanh", "lbfgs", CANCER,
     {"solver": "lbfgs", "hidden_layer_sizes": [32], "activation": "tanh", "alpha": 1.0,
      "random_state": 1}, 7, 0.25),
    ("wine_lbfgs_two_layers", "lbfgs", WINE,
     {"solver": "lbfgs", "hidden_layer_sizes": [20, 10], "alpha": 0.1, "max_iter": 300,
      "random_state": 5}, 42, 0.2),
    ("diabetes_lbfgs", "lbfgs", DIABETES,
     {"solver": "lbfgs", "hidden_layer_sizes": [8], "activation": "identity",
      "alpha": 10.0, "max_iter": 500, "random_state": 4}, 42, 0.2),
]


def next_unit(rng: SplitMix64) -> float:
    """SplitMix64's `next_unit`: uniform in [-1, 1) from the top 24 bits."""
    return (rng.next_u64() >> 40) / float(1 << 23) - 1.0


def studio_init(widths, activation, seed):
    """Studio's Glorot-uniform draw, weights then biases per layer, in f32."""
    rng = SplitMix64(seed)
    factor = 2.0 if activation == "logistic" else 6.0
    layers = []
    for fan_in, fan_out in zip(widths, widths[1:]):
        bound = np.sqrt(factor / (fan_in + fan_out))
        w = np.array([next_unit(rng) * bound for _ in range(fan_in * fan_out)], dtype=np.float32)
        b = np.array([next_unit(rng) * bound for _ in range(fan_out)], dtype=np.float32)
        layers.append((w.reshape(fan_in, fan_out).astype(float), b.astype(float)))
    return layers


def replaying(model, widths, activation, seed):
    """`model` drawing Studio's initial weights instead of its own."""
    layers = iter(studio_init(widths, activation, seed))

    def init_coef(fan_in, fan_out, dtype):
        w, b = next(layers)
        assert w.shape == (fan_in, fan_out), (w.shape, fan_in, fan_out)
        return w.astype(dtype), b.astype(dtype)

    model._init_coef = init_coef
    return model


def run_case(case, kind, data, params, seed, test_size, versions):
    dataset, target, task = data
    header, rows = read_csv(REPO / dataset)
    t = header.index(target)
    feat_cols = [i for i in range(len(header)) if i != t]
    train, test = split(len(rows), seed, test_size)
    x_all = np.array([[parse_number(r[i]) for i in feat_cols] for r in rows], dtype=float)
    impute, mean, scale = fit_scaler(x_all[train])
    x_train = transform(x_all[train], impute, mean, scale)
    x_test = transform(x_all[test], impute, mean, scale)
    if task == "classification":
        y_all = np.array([r[t] for r in rows], dtype=object)
    else:
        y_all = np.array([parse_number(r[t]) for r in rows], dtype=float)
    y_train, y_test = y_all[train], y_all[test]

    sk_params = dict(params)
    sk_params["hidden_layer_sizes"] = tuple(params.get("hidden_layer_sizes", [100]))
    if kind == "replay":
        sk_params["shuffle"] = False
    elif kind == "quality":
        sk_params["random_state"] = 0
    estimator = MLPClassifier if task == "classification" else MLPRegressor
    model = estimator(**sk_params)
    if kind in ("replay", "lbfgs"):
        classes = sorted(set(str(v) for v in y_train)) if task == "classification" else []
        outputs = 1 if len(classes) in (0, 2) else len(classes)
        widths = [x_train.shape[1], *sk_params["hidden_layer_sizes"], outputs]
        replaying(model, widths, params.get("activation", "relu"), params["random_state"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(x_train, y_train)

    out = {
        "kind": kind,
        "dataset": dataset,
        "target": target,
        "task": task,
        "params": {**params, "shuffle": False} if kind == "replay" else params,
        "seed": seed,
        "test_size": test_size,
        "train_indices": train,
        "test_indices": test,
        "n_iter": int(model.n_iter_),
        # scikit-learn keeps no loss curve for lbfgs.
        "loss_curve": floats(getattr(model, "loss_curve_", [])),
    }
    if task == "classification":
        out["classes"] = [str(c) for c in model.classes_]
        out["test_probabilities"] = [floats(r) for r in model.predict_proba(x_test)]
        out["metrics"] = {"accuracy": float(accuracy_score(y_test, model.predict(x_test)))}
    else:
        out["test_predictions"] = floats(model.predict(x_test))
        out["metrics"] = {"r2": float(r2_score(y_test, model.predict(x_test)))}
    if kind == "replay":
        out["coefs"] = [[floats(row) for row in w] for w in model.coefs_]
        out["intercepts"] = [floats(b) for b in model.intercepts_]
    if kind == "lbfgs":
        out["loss"] = float(model.loss_)
    out["versions"] = versions
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with open(OUT_DIR / f"mlp_{case}.json", "w", encoding="utf-8", newline="\n") as f:
        f.write(dumps(out) + "\n")
    print(f"mlp_{case}.json: {kind} n_iter={model.n_iter_} metrics={out['metrics']}")


def main() -> int:
    for case in CASES:
        run_case(*case, versions=versions())
    return 0


if __name__ == "__main__":
    sys.exit(main())
