"""Outside oracle: scikit-learn's CategoricalNB for Studio's `categorical_nb` family.

Per case, bins the number columns with `KBinsDiscretizer` and codes the category
columns with `OrdinalEncoder`, fits `CategoricalNB` on the training rows and writes
`core/tests/reference/categorical_nb_<case>.json`; `core/tests/naive_bayes_reference.rs`
trains Studio's pipeline on the same rows and compares the bin edges, the class
log priors and per-category log likelihoods (to 1e-9), the test probabilities
(to 1e-9) and the test accuracy.

  Split     the same SplitMix64 Fisher-Yates split as sklearn_reference.py.
  Columns   every column but the target, in file order; a column whose every
            value is a number is binned, the others are categories.
  Binning   KBinsDiscretizer(n_bins, encode="ordinal", strategy) at its defaults
            otherwise (quantile_method="averaged_inverted_cdf"), fitted on the
            train rows; no case has more than 200,000 rows, so nothing is subsampled.
  Model     CategoricalNB(alpha, fit_prior) with min_categories set to each
            column's bins or training categories, so that a bin no training row
            fell in still counts (Studio's columns have one input per bin).

scikit-learn refuses missing values in both steps, so the penguins case reads
`core/tests/fixtures/penguins_complete.csv`, the bundled penguins without the
rows that miss a value, which this script writes first.

Rerun from the repository root (deterministic; overwrites the JSON files):

    .tools/venv/bin/python scripts/reference/sklearn_categorical_nb.py
"""

import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score
from sklearn.naive_bayes import CategoricalNB
from sklearn.preprocessing import KBinsDiscretizer, OrdinalEncoder

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sklearn_reference import (  # noqa: E402
    OUT_DIR,
    REPO,
    dumps,
    floats,
    read_csv,
    split,
    versions,
)

PENGUINS_COMPLETE = "core/tests/fixtures/penguins_complete.csv"

CASES = [
    # (case, dataset, target, params, seed, test_size)
    ("penguins", PENGUINS_COMPLETE, "species",
     {"alpha": 1.0, "fit_prior": True, "n_bins": 5, "strategy": "quantile"}, 42, 0.2),
    ("iris_small_alpha", "data/samples/iris.csv", "species",
     {"alpha": 0.5, "fit_prior": True, "n_bins": 4, "strategy": "quantile"}, 7, 0.3),
    ("wine_uniform_flat_prior", "data/samples/wine.csv", "class",
     {"alpha": 1.0, "fit_prior": False, "n_bins": 6, "strategy": "uniform"}, 42, 0.2),
    ("breast_cancer_ten_bins", "data/samples/breast_cancer.csv", "diagnosis",
     {"alpha": 2.0, "fit_prior": True, "n_bins": 10, "strategy": "quantile"}, 3, 0.25),
]


def write_penguins_complete():
    header, rows = read_csv(REPO / "data/samples/penguins.csv")
    complete = [r for r in rows if all(v.strip() != "" for v in r)]
    with open(REPO / PENGUINS_COMPLETE, "w", encoding="utf-8", newline="\n") as f:
        f.write(",".join(header) + "\n")
        for r in complete:
            f.write(",".join(r) + "\n")


def is_number(values) -> bool:
    try:
        for v in values:
            float(v)
        return True
    except ValueError:
        return False


def run_case(case, dataset, target, params, seed, test_size, versions):
    header, rows = read_csv(REPO / dataset)
    t = header.index(target)
    feat_cols = [i for i in range(len(header)) if i != t]
    train, test = split(len(rows), seed, test_size)

    codes_train, codes_test, widths, edges = [], [], [], []
    for j in feat_cols:
        column = [r[j] for r in rows]
        if is_number(column):
            x = np.array(column, dtype=float).reshape(-1, 1)
            bins = KBinsDiscretizer(
                n_bins=params["n_bins"], encode="ordinal", strategy=params["strategy"]
            ).fit(x[train])
            codes_train.append(bins.transform(x[train])[:, 0])
            codes_test.append(bins.transform(x[test])[:, 0])
            widths.append(int(bins.n_bins_[0]))
            edges.append(floats(bins.bin_edges_[0][1:-1]))
        else:
            x = np.array(column, dtype=object).reshape(-1, 1)
            encoder = OrdinalEncoder().fit(x[train])
            seen = set(encoder.categories_[0])
            assert all(v in seen for v in x[test][:, 0]), f"{case}: unseen category"
            codes_train.append(encoder.transform(x[train])[:, 0])
            codes_test.append(encoder.transform(x[test])[:, 0])
            widths.append(len(encoder.categories_[0]))
            edges.append(None)
    x_train = np.column_stack(codes_train).astype(int)
    x_test = np.column_stack(codes_test).astype(int)
    y_all = np.array([r[t] for r in rows], dtype=object)
    y_train, y_test = y_all[train], y_all[test]

    model = CategoricalNB(
        alpha=params["alpha"], fit_prior=params["fit_prior"], min_categories=widths
    ).fit(x_train, y_train)
    classes = [str(c) for c in model.classes_]
    assert classes == sorted(set(str(v) for v in y_train)), classes
    out = {
        "dataset": dataset,
        "target": target,
        "params": params,
        "seed": seed,
        "test_size": test_size,
        "train_indices": train,
        "test_indices": test,
        "classes": classes,
        "bin_edges": [e for e in edges if e is not None],
        "class_log_prior": floats(model.class_log_prior_),
        "feature_log_prob": [[floats(row) for row in f] for f in model.feature_log_prob_],
        "test_probabilities": [floats(row) for row in model.predict_proba(x_test)],
        "metrics": {"accuracy": float(accuracy_score(y_test, model.predict(x_test)))},
        "versions": versions,
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with open(OUT_DIR / f"categorical_nb_{case}.json", "w", encoding="utf-8", newline="\n") as f:
        f.write(dumps(out) + "\n")
    print(
        f"categorical_nb_{case}.json: train={len(train)} test={len(test)} "
        f"widths={widths} metrics={out['metrics']}"
    )


def main() -> int:
    write_penguins_complete()
    for case in CASES:
        run_case(*case, versions=versions())
    return 0


if __name__ == "__main__":
    sys.exit(main())
