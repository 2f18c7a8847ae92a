#!/usr/bin/env bash
# Checks exported ONNX models in ONNX Runtime against `studio train`'s own
# predictions, on the bundled samples and a fixture with categories and missing
# values: labels exactly, probabilities within 1e-5 (scripts/reference/check_onnx.py).
set -euo pipefail
cd "$(dirname "$0")/.."
python=.tools/onnx-venv/bin/python
studio=${CARGO_TARGET_DIR:-target}/debug/studio
cargo build --quiet --locked -p studio-cli
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

check() { # data target model [--param NAME=VALUE ...]; target "-" for clustering
  local data=$1 target=$2 model=$3 name
  shift 3
  local target_args=(--target "$target")
  [[ $target == - ]] && target_args=()
  name=$(basename "$data" .csv)-$model
  # Every fifth row is held out, as a separate test file.
  awk -v out="$work/$name" 'NR == 1 { print > (out "-train.csv"); print > (out "-test.csv"); next }
       (NR - 2) % 5 == 0 { print > (out "-test.csv"); next } { print > (out "-train.csv") }' "$data"
  "$studio" train --data "$work/$name-train.csv" --test-data "$work/$name-test.csv" \
    "${target_args[@]}" --model "$model" "$@" --onnx "$work/$name.onnx" --predictions "$work/$name-p.csv" >/dev/null
  printf '%s: ' "$name"
  "$python" scripts/reference/check_onnx.py "$work/$name.onnx" "$work/$name-test.csv" "$work/$name-p.csv"
}

check data/samples/iris.csv species logistic
check data/samples/diabetes.csv progression linear
check data/samples/diabetes.csv progression lasso --param alpha=0.5
check data/samples/diabetes.csv progression elastic_net --param alpha=0.1 --param l1_ratio=0.3
check core/tests/fixtures/mixed.csv label logistic
check data/samples/breast_cancer.csv diagnosis logistic --param penalty=l1 --param C=0.1
check data/samples/wine.csv class logistic --param penalty=elasticnet --param l1_ratio=0.5
check data/samples/penguins.csv species logistic --param penalty=l1 --param C=0.5
check data/samples/wine.csv class tree
check data/samples/breast_cancer.csv diagnosis tree --param max_depth=5
check data/samples/diabetes.csv progression tree --param min_samples_leaf=5
check core/tests/fixtures/mixed.csv label tree
check data/samples/breast_cancer.csv diagnosis random_forest --param n_estimators=30
check data/samples/iris.csv species random_forest --param n_estimators=20 --param max_features=log2
check data/samples/diabetes.csv progression random_forest --param n_estimators=25 --param min_samples_leaf=3
check data/samples/breast_cancer.csv diagnosis gbdt
check data/samples/wine.csv class gbdt --param max_iter=40 --param max_leaf_nodes=8
check data/samples/diabetes.csv progression gbdt --param max_iter=50
check data/samples/penguins.csv species gbdt --param max_iter=30
check core/tests/fixtures/mixed.csv label gbdt --param max_iter=20 --param min_samples_leaf=3
check core/tests/fixtures/mixed.csv label random_forest --param n_estimators=10 --param bootstrap=false --param max_features=0.5
check data/samples/iris.csv species gaussian_nb
check data/samples/penguins.csv species gaussian_nb
check core/tests/fixtures/mixed.csv label gaussian_nb
check data/samples/penguins.csv species categorical_nb
check data/samples/wine.csv class categorical_nb --param n_bins=8 --param strategy=uniform --param fit_prior=false
check core/tests/fixtures/mixed.csv label categorical_nb --param alpha=0.5
check data/samples/iris.csv species knn
check data/samples/diabetes.csv progression knn --param weights=distance
check data/samples/wine.csv class knn --param metric=manhattan --param weights=distance
check core/tests/fixtures/mixed.csv label knn
check data/samples/iris.csv species linear_svm
check data/samples/wine.csv class linear_svm --param loss=hinge --param class_weight=balanced
check data/samples/breast_cancer.csv diagnosis linear_svm --param C=0.1 --param intercept_scaling=2
check core/tests/fixtures/mixed.csv label linear_svm --param fit_intercept=false
check data/samples/iris.csv species mlp
check data/samples/breast_cancer.csv diagnosis mlp --param hidden_layer_sizes=32,16 --param activation=tanh
check data/samples/diabetes.csv progression mlp --param activation=logistic --param learning_rate_init=0.01
check core/tests/fixtures/mixed.csv label mlp --param activation=identity --param max_iter=50
check data/samples/iris.csv - kmeans --param n_clusters=3
check data/samples/penguins.csv - kmeans --param n_clusters=3
check data/samples/iris.csv - pca
check data/samples/penguins.csv - pca --param n_components=3 --param whiten=true
check core/tests/fixtures/mixed.csv - pca --param n_components=2
