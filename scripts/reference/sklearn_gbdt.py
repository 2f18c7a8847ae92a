"""Outside oracle: scikit-learn's histogram gradient boosting for Studio's `gbdt` family.

Per case, fits `HistGradientBoostingClassifier` / `HistGradientBoostingRegressor` with
matched hyperparameters on the same rows and inputs as Studio, and writes
`core/tests/reference/gbdt_<case>.json`: the test predictions (class probabilities or
values), the test accuracy (and ROC-AUC for two classes) or R², and the iterations run.
`core/tests/gbdt_reference.rs` trains Studio's pipeline on the same rows and compares.

  Split     the same SplitMix64 Fisher-Yates split as sklearn_reference.py.
  Inputs    as Studio gives them to gbdt: number columns as they are, missing ones as
            NaN (boosting learns where they go; no imputation, no scaling); category
            columns one-hot (sorted categories seen in the train rows), in column order.
  Model     the case's parameters; early_stopping False unless the case says otherwise,
            every other parameter at scikit-learn's default.

Without early stopping and below 200,000 rows nothing random enters either fit, so
the trees agree except where two splits gain exactly the same (and by float32 gradient
sums in scikit-learn): predictions agree closely, scores within 0.01. With early
stopping the held-out rows differ (both seeded, different generators), so the script
also writes the mean and spread of the score over ten seeds.

Rerun from the repository root (deterministic; overwrites the JSON files):

    .tools/venv/bin/python scripts/reference/sklearn_gbdt.py
"""

import sys
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import accuracy_score, r2_score, roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sklearn_knn import missing, number, one_hot  # noqa: E402
from sklearn_reference import OUT_DIR, REPO, dumps, floats, read_csv, split, versions  # noqa: E402

CASES = [
    # (case, dataset, target, task, params, seed, test_size)
    ("breast_cancer", "data/samples/breast_cancer.csv", "diagnosis", "classification",
     {}, 42, 0.2),
    ("wine_small_trees", "data/samples/wine.csv", "class", "classification",
     {"max_iter": 50, "max_leaf_nodes": 8, "min_samples_leaf": 5, "learning_rate": 0.2}, 7, 0.2),
    ("penguins_missing", "data/samples/penguins.csv", "species", "classification",
     {"max_iter": 40, "max_depth": 3, "l2_regularization": 1.0}, 42, 0.25),
    ("diabetes", "data/samples/diabetes.csv", "progression", "regression",
     {"max_iter": 60, "learning_rate": 0.05}, 42, 0.2),
    ("classes_early", "core/tests/fixtures/forest_classes.csv", "label", "classification",
     {"early_stopping": True, "max_iter": 300, "n_iter_no_change": 5}, 42, 0.2),
    ("values_bins", "core/tests/fixtures/forest_values.csv", "y", "regression",
     {"max_bins": 31, "max_iter": 150}, 42, 0.2),
    # Balanced class weights (islands of 168, 124 and 52 penguins); every feature
    # has fewer than 255 distinct values, so the bins are midpoints, which the
    # weights do not move.
    ("penguins_island_balanced", "data/samples/penguins.csv", "island", "classification",
     {"max_iter": 30, "max_depth": 3, "class_weight": "balanced"}, 42, 0.2),
]


def inputs(header, rows, target, train, test):
    """Studio's gbdt inputs for the train and test rows, each column's in column order."""
    blocks_train, blocks_test = [], []
    for j, _ in enumerate(header):
        if j == target:
            continue
        cells = [r[j] for r in rows]
        values = [number(c) for c in cells]
        if all(v is not None for v in values):
            x = np.array(values, dtype=float)[:, None]
            blocks_train.append(x[train])
            blocks_test.append(x[test])
        else:
            categories = sorted({cells[i].strip() for i in train if not missing(cells[i])})
            blocks_train.append(one_hot(cells, train, categories))
            blocks_test.append(one_hot(cells, test, categories))
    return np.hstack(blocks_train), np.hstack(blocks_test)


def run_case(case, dataset, target, task, params, seed, test_size, versions):
    header, rows = read_csv(REPO / dataset)
    t = header.index(target)
    train, test = split(len(rows), seed, test_size)
    x_train, x_test = inputs(header, rows, t, train, test)
    fitted = {"early_stopping": False, **params}
    if task == "classification":
        y_all = np.array([r[t].strip() for r in rows], dtype=object)
        model = HistGradientBoostingClassifier(**fitted, random_state=0)
    else:
        y_all = np.array([float(r[t]) for r in rows], dtype=float)
        model = HistGradientBoostingRegressor(**fitted, random_state=0)
    y_train, y_test = y_all[train], y_all[test]
    model.fit(x_train, y_train)
    out = {
        "dataset": dataset,
        "target": target,
        "task": task,
        "params": {
            k: ("true" if v is True else "false" if v is False else v) for k, v in fitted.items()
        },
        "seed": seed,
        "test_size": test_size,
        "test_indices": test,
        "n_iter": int(model.n_iter_),
        "versions": versions,
    }
    if fitted["early_stopping"]:
        # The rows held out depend on the generator: the spread over seeds says how
        # far another generator's choice may move the score.
        metric = accuracy_score if task == "classification" else r2_score
        scores = [
            metric(y_test, type(model)(**fitted, random_state=s).fit(x_train, y_train).predict(x_test))
            for s in range(10)
        ]
        out["seeds"] = {"mean": float(np.mean(scores)), "std": float(np.std(scores))}
    if task == "classification":
        proba = model.predict_proba(x_test)
        out["classes"] = [str(c) for c in model.classes_]
        out["test_probabilities"] = [floats(p) for p in proba]
        out["accuracy"] = float(accuracy_score(y_test, model.predict(x_test)))
        if len(model.classes_) == 2:
            out["roc_auc"] = float(roc_auc_score(y_test == model.classes_[1], proba[:, 1]))
        shown = {k: round(out[k], 4) for k in ("accuracy", "roc_auc") if k in out}
    else:
        predicted = model.predict(x_test)
        out["test_predictions"] = floats(predicted)
        out["r2"] = float(r2_score(y_test, predicted))
        shown = {"r2": round(out["r2"], 4)}
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with open(OUT_DIR / f"gbdt_{case}.json", "w", encoding="utf-8", newline="\n") as f:
        f.write(dumps(out) + "\n")
    print(f"gbdt_{case}.json: train={len(train)} test={len(test)} n_iter={out['n_iter']} {shown}")


def main() -> int:
    for case in CASES:
        run_case(*case, versions=versions())
    return 0


if __name__ == "__main__":
    sys.exit(main())
