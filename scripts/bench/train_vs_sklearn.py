"""Training benchmark: `studio train` against scikit-learn, side by side in one run.

Both read the same CSV from disk, standardize the features, fit multinomial logistic
regression (L2, C = 1, L-BFGS) or ridge regression (`--models linear`), or a CART decision
tree grown to purity with the same defaults (`--models tree`: gini or squared error,
`random_state=0`), a random forest of 100 such trees (`--models forest`: bootstrap samples,
scikit-learn's default `max_features`, `n_jobs=2` for scikit-learn, two threads for Studio
on a 2-core machine), Gaussian naive Bayes (`--models nb`, classification only), the lasso
(`--models lasso`, regression only, alpha = 1), k-nearest neighbours (`--models knn`: 5
neighbours, uniform weights, Euclidean, brute-force search on both sides; its time is nearly
all in predicting the held-out rows) or a linear SVM (`--models svm`, classification only:
`LinearSVC`'s defaults with `dual=True`, liblinear's dual coordinate descent on both sides)
or a multi-layer perceptron (`--models mlp`: both at their defaults, one hidden layer of 100
ReLU units, Adam, batches of 200, at most 200 epochs with the same stopping rule),
and score the held-out rows.
The data is synthetic and seeded, written once to a temporary directory.

    .tools/venv/bin/python scripts/bench/train_vs_sklearn.py [--rows 200000] [--features 20] [--models linear,tree]

Needs a release build of the CLI (`cargo build --release -p studio-cli`) and the
reference environment (scripts/reference/requirements.txt). Prints a Markdown table for
BENCHMARKS.md.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import Lasso, LogisticRegression, Ridge
from sklearn.naive_bayes import GaussianNB
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STUDIO = os.path.join(ROOT, "target", "release", "studio")


def make_data(path, rows, features, task, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, features))
    w = rng.normal(size=features)
    score = x @ w + rng.normal(scale=0.5, size=rows)
    if task == "classification":
        y = np.where(score > 0.5, "high", np.where(score < -0.5, "low", "mid"))
    else:
        y = score * 10 + 100
    frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(features)])
    frame["target"] = y
    frame.to_csv(path, index=False, float_format="%.6f")


def time_studio(path, device, repeats, family):
    best = float("inf")
    out = None
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run(
            [STUDIO, "train", "--data", path, "--target", "target", "--device", device, "--json"]
            + (["--model", STUDIO_NAMES[family]] if family in STUDIO_NAMES else []),
            check=True, capture_output=True, text=True,
        )
        best = min(best, time.perf_counter() - start)
        out = json.loads(done.stdout)
    return best, out


# Studio's name for each family the script knows besides the linear default.
STUDIO_NAMES = {"tree": "tree", "forest": "random_forest", "nb": "gaussian_nb", "lasso": "lasso",
                "knn": "knn", "svm": "linear_svm", "mlp": "mlp"}
# The task each family serves, where it serves only one.
ONLY = {"nb": "classification", "lasso": "regression", "svm": "classification"}


def sklearn_model(task, family):
    if family == "nb":
        return make_pipeline(StandardScaler(), GaussianNB())
    if family == "lasso":
        return make_pipeline(StandardScaler(), Lasso(alpha=1.0))
    if family == "forest":
        forest = RandomForestClassifier if task == "classification" else RandomForestRegressor
        return make_pipeline(StandardScaler(), forest(n_estimators=100, random_state=0, n_jobs=2))
    if family == "knn":
        knn = KNeighborsClassifier if task == "classification" else KNeighborsRegressor
        return make_pipeline(StandardScaler(), knn(n_neighbors=5, algorithm="brute"))
    if family == "mlp":
        mlp = MLPClassifier if task == "classification" else MLPRegressor
        return make_pipeline(StandardScaler(), mlp(random_state=0))
    if family == "svm":
        return make_pipeline(StandardScaler(), LinearSVC(dual=True))
    if family == "tree":
        tree = DecisionTreeClassifier if task == "classification" else DecisionTreeRegressor
        return make_pipeline(StandardScaler(), tree(random_state=0))
    if task == "classification":
        return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))
    return make_pipeline(StandardScaler(), Ridge(alpha=1.0))


def time_sklearn(path, task, repeats, family):
    best = float("inf")
    score = None
    for _ in range(repeats):
        start = time.perf_counter()
        frame = pd.read_csv(path)
        x, y = frame.drop(columns="target").to_numpy(), frame["target"].to_numpy()
        xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.2, random_state=42)
        model = sklearn_model(task, family)
        model.fit(xtr, ytr)
        metric = accuracy_score if task == "classification" else r2_score
        score = metric(yte, model.predict(xte))
        best = min(best, time.perf_counter() - start)
    return best, score


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--devices", default="cpu,gpu")
    parser.add_argument("--models", default="linear")
    parser.add_argument("--tasks", default="classification,regression")
    args = parser.parse_args()
    if not os.path.exists(STUDIO):
        sys.exit("build the CLI first: cargo build --release -p studio-cli")

    print(f"{args.rows} rows × {args.features} features · best of {args.repeats} · "
          f"{os.cpu_count()} × {platform.processor() or platform.machine()} · "
          f"scikit-learn {sklearn.__version__}, numpy {np.__version__}")
    print("| model | task | Studio device | Studio | scikit-learn | Studio ÷ scikit-learn | Studio metric | scikit-learn metric |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for task in args.tasks.split(","):
            path = os.path.join(tmp, f"{task}.csv")
            make_data(path, args.rows, args.features, task)
            for family in args.models.split(","):
                if ONLY.get(family, task) != task:
                    continue
                sk_time, sk_score = time_sklearn(path, task, args.repeats, family)
                for device in args.devices.split(","):
                    st_time, out = time_studio(path, device, args.repeats, family)
                    metric = out["metrics"]["accuracy" if task == "classification" else "r2"]
                    print(f"| {out['model']} | {task} | {out['device']} | {st_time:.2f} s | "
                          f"{sk_time:.2f} s | {st_time / sk_time:.2f} | {metric:.4f} | {sk_score:.4f} |")


if __name__ == "__main__":
    main()
