"""Outside oracle: scikit-learn's random forests for Studio's `random_forest` family.

A forest's trees depend on its random generator, which Studio cannot reproduce,
so the comparison is of quality: per case the script fits
`RandomForestClassifier` / `RandomForestRegressor` with matched hyperparameters
under ten seeds and writes the mean and spread of the test accuracy (and ROC-AUC
for two classes) or R², and of the out-of-bag score, to
`core/tests/reference/forest_<case>.json`. `core/tests/forest_reference.rs`
trains Studio's pipeline on the same rows and checks its scores against them.

  Data      the bundled samples, and two seeded synthetic sets written here as
            core/tests/fixtures/forest_{classes,values}.csv (make_classification
            and make_friedman1), large enough that one test row moves the score
            by under 0.002.
  Split     the same SplitMix64 Fisher-Yates split as sklearn_reference.py.
  Preproc   every column but the target, in file order; fitted on the train rows:
            missing -> train mean, then (x - mean) / population std, std 0 -> 1.
  Model     n_estimators, max_features, min_samples_leaf as the case says;
            bootstrap=True, oob_score=True, every other parameter at its default.

Rerun from the repository root (deterministic but for the last bit of a spread, which
scikit-learn sums on two threads; overwrites the JSON and CSV files):

    .tools/venv/bin/python scripts/reference/sklearn_forest.py
"""

import csv
import sys
from pathlib import Path

import numpy as np
from sklearn.datasets import make_classification, make_friedman1
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import accuracy_score, balanced_accuracy_score, r2_score, roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sklearn_reference import (  # noqa: E402
    OUT_DIR,
    REPO,
    dumps,
    fit_scaler,
    parse_number,
    read_csv,
    split,
    transform,
    versions,
)

FIXTURES = REPO / "core" / "tests" / "fixtures"
SEEDS = range(10)

CASES = [
    # (case, dataset, target, task, params, seed, test_size)
    ("classes", "core/tests/fixtures/forest_classes.csv", "label", "classification",
     {"n_estimators": 100}, 42, 0.2),
    ("values", "core/tests/fixtures/forest_values.csv", "y", "regression",
     {"n_estimators": 100}, 42, 0.2),
    ("breast_cancer", "data/samples/breast_cancer.csv", "diagnosis", "classification",
     {"n_estimators": 100}, 42, 0.2),
    ("wine_log2", "data/samples/wine.csv", "class", "classification",
     {"n_estimators": 50, "max_features": "log2", "min_samples_leaf": 2}, 7, 0.25),
    ("diabetes_leaf5", "data/samples/diabetes.csv", "progression", "regression",
     {"n_estimators": 100, "min_samples_leaf": 5, "max_features": 0.5}, 42, 0.2),
    # One row in ten is of the small class: weights move the trees' leaves toward it.
    ("imbalanced_balanced", "core/tests/fixtures/forest_imbalanced.csv", "label",
     "classification",
     {"n_estimators": 100, "min_samples_leaf": 10, "class_weight": "balanced"}, 42, 0.2),
    ("imbalanced_subsample", "core/tests/fixtures/forest_imbalanced.csv", "label",
     "classification",
     {"n_estimators": 100, "min_samples_leaf": 10, "class_weight": "balanced_subsample"},
     42, 0.2),
    ("imbalanced_unweighted", "core/tests/fixtures/forest_imbalanced.csv", "label",
     "classification", {"n_estimators": 100, "min_samples_leaf": 10}, 42, 0.2),
]


def write_fixtures() -> None:
    x, y = make_classification(
        n_samples=3000, n_features=10, n_informative=6, n_redundant=2,
        n_classes=2, flip_y=0.03, random_state=0,
    )
    write_csv(FIXTURES / "forest_classes.csv", x, ["yes" if v else "no" for v in y], "label")
    x, y = make_friedman1(n_samples=2000, n_features=6, noise=1.0, random_state=0)
    write_csv(FIXTURES / "forest_values.csv", x, [f"{v:.4f}" for v in y], "y")
    x, y = make_classification(
        n_samples=3000, n_features=8, n_informative=4, n_redundant=2,
        n_classes=2, weights=[0.9, 0.1], flip_y=0.05, class_sep=0.6, random_state=1,
    )
    write_csv(FIXTURES / "forest_imbalanced.csv", x, ["rare" if v else "common" for v in y],
              "label")


def write_csv(path: Path, x, y, target: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow([f"x{j}" for j in range(x.shape[1])] + [target])
        for row, label in zip(x, y):
            out.writerow([f"{v:.4f}" for v in row] + [label])


def out_of_bag(model, y_train, task) -> float:
    """The out-of-bag score over the rows some tree left out, as Studio scores it.

    scikit-learn's `oob_score_` also counts the rows every tree drew (it warns
    that "some inputs do not have OOB scores"), predicting the first class for
    them. That happens with `class_weight="balanced"`, whose bootstrap draws a
    small class's rows so often that some are in every sample.
    """
    if task != "classification":
        return float(model.oob_score_)
    scores = model.oob_decision_function_
    seen = scores.sum(axis=1) > 0
    predicted = model.classes_[np.argmax(scores[seen], axis=1)]
    return float(accuracy_score(y_train[seen], predicted))


def summary(values) -> dict:
    return {"mean": float(np.mean(values)), "std": float(np.std(values))}


def run_case(case, dataset, target, task, params, seed, test_size, versions):
    header, rows = read_csv(REPO / dataset)
    t = header.index(target)
    feat_cols = [i for i in range(len(header)) if i != t]
    train, test = split(len(rows), seed, test_size)
    x_all = np.array([[parse_number(r[i]) for i in feat_cols] for r in rows], dtype=float)
    impute, mean, scale = fit_scaler(x_all[train])
    # Studio's trees compare f32 inputs, as scikit-learn's do.
    x_train = transform(x_all[train], impute, mean, scale).astype(np.float32)
    x_test = transform(x_all[test], impute, mean, scale).astype(np.float32)
    if task == "classification":
        y_all = np.array([r[t] for r in rows], dtype=object)
        make = RandomForestClassifier
    else:
        y_all = np.array([parse_number(r[t]) for r in rows], dtype=float)
        make = RandomForestRegressor
    y_train, y_test = y_all[train], y_all[test]

    scores, oob, auc, balanced = [], [], [], []
    for s in SEEDS:
        model = make(**params, bootstrap=True, oob_score=True, random_state=s, n_jobs=2)
        model.fit(x_train, y_train)
        oob.append(out_of_bag(model, y_train, task))
        if task == "classification":
            scores.append(accuracy_score(y_test, model.predict(x_test)))
            balanced.append(balanced_accuracy_score(y_test, model.predict(x_test)))
            if len(model.classes_) == 2:
                auc.append(roc_auc_score(y_test == model.classes_[1],
                                         model.predict_proba(x_test)[:, 1]))
        else:
            scores.append(r2_score(y_test, model.predict(x_test)))
    metric = "accuracy" if task == "classification" else "r2"
    out = {
        "dataset": dataset,
        "target": target,
        "task": task,
        "params": params,
        "seed": seed,
        "test_size": test_size,
        "test_indices": test,
        "seeds": len(SEEDS),
        metric: summary(scores),
        "oob_score": summary(oob),
        "versions": versions,
    }
    if auc:
        out["roc_auc"] = summary(auc)
    if balanced:
        out["balanced_accuracy"] = summary(balanced)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with open(OUT_DIR / f"forest_{case}.json", "w", encoding="utf-8", newline="\n") as f:
        f.write(dumps(out) + "\n")
    shown = {k: round(out[k]["mean"], 4)
             for k in (metric, "balanced_accuracy", "oob_score", "roc_auc") if k in out}
    print(f"forest_{case}.json: train={len(train)} test={len(test)} {shown}")


def main() -> int:
    write_fixtures()
    for case in CASES:
        run_case(*case, versions=versions())
    return 0


if __name__ == "__main__":
    sys.exit(main())
