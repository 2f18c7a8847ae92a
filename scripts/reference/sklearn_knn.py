"""Outside oracle: scikit-learn's KNeighborsClassifier and KNeighborsRegressor for
Studio's `knn` family.

Per case, fits the model on the bundled data preprocessed as Studio does and
writes `core/tests/reference/knn_<case>.json`; `core/tests/knn_reference.rs`
trains Studio's pipeline on the same rows and compares each test row's
neighbours (as a set of train positions), the test probabilities or predictions
(to 1e-6) and the test metric.

  Split     the same SplitMix64 Fisher-Yates split as sklearn_reference.py.
  Preproc   every column but the target, in file order, fitted on the train
            rows: a number column's missing cells -> train mean, then
            (x - mean) / population std, std 0 -> 1; a category column (any
            cell that is not a number) -> one input per category seen in the
            train rows, sorted, a missing or unseen cell all zeros.
  Model     KNeighbors*(n_neighbors, weights, metric, algorithm="brute"): the
            brute-force search, whose ties Studio breaks the same way (a tree
            search breaks them otherwise). One OpenMP thread, so that the search
            pushes the train rows onto its heaps in order.

Rerun from the repository root (deterministic; overwrites the JSON files):

    .tools/venv/bin/python scripts/reference/sklearn_knn.py
"""

import os

# Before scikit-learn starts its thread pools.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import platform  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.metrics import accuracy_score, r2_score  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sklearn_reference import (  # noqa: E402
    OUT_DIR,
    REPO,
    dumps,
    fit_scaler,
    floats,
    read_csv,
    split,
    transform,
)

MISSING = {"", "na", "n/a", "null", "nan", "?", "-"}

CASES = [
    # (case, dataset, target, task, params, seed, test_size)
    ("iris", "data/samples/iris.csv", "species", "classification",
     {"n_neighbors": 5, "weights": "uniform", "metric": "euclidean"}, 42, 0.2),
    ("iris_distance_manhattan", "data/samples/iris.csv", "species", "classification",
     {"n_neighbors": 10, "weights": "distance", "metric": "manhattan"}, 7, 0.3),
    ("wine_distance", "data/samples/wine.csv", "class", "classification",
     {"n_neighbors": 7, "weights": "distance", "metric": "euclidean"}, 42, 0.2),
    ("penguins_manhattan", "data/samples/penguins.csv", "species", "classification",
     {"n_neighbors": 5, "weights": "uniform", "metric": "manhattan"}, 3, 0.25),
    ("breast_cancer", "data/samples/breast_cancer.csv", "diagnosis", "classification",
     {"n_neighbors": 15, "weights": "uniform", "metric": "euclidean"}, 42, 0.2),
    ("diabetes", "data/samples/diabetes.csv", "progression", "regression",
     {"n_neighbors": 5, "weights": "uniform", "metric": "euclidean"}, 42, 0.2),
    ("diabetes_distance", "data/samples/diabetes.csv", "progression", "regression",
     {"n_neighbors": 8, "weights": "distance", "metric": "euclidean"}, 7, 0.2),
    ("diabetes_distance_manhattan", "data/samples/diabetes.csv", "progression", "regression",
     {"n_neighbors": 10, "weights": "distance", "metric": "manhattan"}, 3, 0.25),
]


def missing(cell):
    return cell.strip().lower() in MISSING


def number(cell):
    """The cell as a float (NaN when missing), or None when it is not a number."""
    if missing(cell):
        return float("nan")
    try:
        return float(cell)
    except ValueError:
        return None


def one_hot(cells, indices, categories):
    """One column per category; a missing or unseen cell is all zeros."""
    out = np.zeros((len(indices), len(categories)))
    for row, i in enumerate(indices):
        cell = cells[i].strip()
        if not missing(cell) and cell in categories:
            out[row, categories.index(cell)] = 1.0
    return out


def inputs(header, rows, target, train, test):
    """Studio's model inputs for the train and test rows, each column's inputs in
    feature order."""
    blocks_train, blocks_test = [], []
    for j, _ in enumerate(header):
        if j == target:
            continue
        cells = [r[j] for r in rows]
        values = [number(c) for c in cells]
        if all(v is not None for v in values):
            x = np.array(values, dtype=float)[:, None]
            impute, mean, scale = fit_scaler(x[train])
            blocks_train.append(transform(x[train], impute, mean, scale))
            blocks_test.append(transform(x[test], impute, mean, scale))
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
    make = KNeighborsClassifier if task == "classification" else KNeighborsRegressor
    if task == "classification":
        y_all = np.array([r[t] for r in rows], dtype=object)
    else:
        y_all = np.array([float(r[t]) for r in rows], dtype=float)
    y_train, y_test = y_all[train], y_all[test]
    model = make(**params, algorithm="brute").fit(x_train, y_train)
    neighbors = model.kneighbors(x_test, return_distance=False)
    out = {
        "dataset": dataset,
        "target": target,
        "task": task,
        "params": params,
        "seed": seed,
        "test_size": test_size,
        "train_indices": train,
        "test_indices": test,
        # Positions among the train rows, ascending: the order within a row's
        # neighbours does not change its answer.
        "test_neighbors": [sorted(int(i) for i in row) for row in neighbors],
    }
    if task == "classification":
        classes = [str(c) for c in model.classes_]
        assert classes == sorted(set(str(v) for v in y_train)), classes
        predicted = model.predict(x_test)
        out["classes"] = classes
        out["test_probabilities"] = [floats(row) for row in model.predict_proba(x_test)]
        out["test_predictions"] = [str(v) for v in predicted]
        out["metrics"] = {"accuracy": float(accuracy_score(y_test, predicted))}
    else:
        predicted = model.predict(x_test)
        out["test_predictions"] = floats(predicted)
        out["metrics"] = {"r2": float(r2_score(y_test, predicted))}
    out["versions"] = versions
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with open(OUT_DIR / f"knn_{case}.json", "w", encoding="utf-8", newline="\n") as f:
        f.write(dumps(out) + "\n")
    print(f"knn_{case}.json: train={len(train)} test={len(test)} metrics={out['metrics']}")


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
