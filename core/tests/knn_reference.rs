//! Studio's k-nearest neighbours against scikit-learn's `KNeighborsClassifier`
//! and `KNeighborsRegressor` (brute force).
//!
//! The reference files `tests/reference/knn_*.json` are written by
//! `scripts/reference/sklearn_knn.py` (scikit-learn 1.9) from the same data,
//! split and preprocessing (standardized numbers, one-hot categories), for both
//! weightings and both metrics. The search is exact: Studio's whole pipeline
//! must find the same neighbours for every test row, give the same test
//! probabilities or predictions to 1e-6, and score the same metric. How exact
//! ties are broken is checked in `brute.rs`'s own tests: these data have none at
//! the k-th distance.

mod common;

use common::{floats, frame, load, train_as};
use studio_core::learner::Model;
use studio_core::model::knn::KnnModel;
use studio_core::train::{Metrics, Task};

fn close(name: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{name}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-6 * w.abs().max(1.0),
            "{name}[{i}]: {g} vs {w}"
        );
    }
}

fn check(reference: &str) {
    let r = load(reference);
    let task = match r["task"].as_str() {
        Some("classification") => Task::Classification,
        _ => Task::Regression,
    };
    let trained = train_as(&r, "knn", task);
    let model: KnnModel =
        serde_json::from_value(trained.pipeline.model.model().to_json()).expect("model JSON");

    let x = trained
        .pipeline
        .preprocessing
        .transform(&frame(&r), &trained.split.test)
        .expect("transforms");
    let neighbors = model.neighbors(&x);
    let want = r["test_neighbors"].as_array().expect("neighbours");
    assert_eq!(neighbors.len(), want.len(), "{reference}: test rows");
    for (i, (got, want)) in neighbors.iter().zip(want).enumerate() {
        let mut got: Vec<usize> = got.iter().map(|n| n.row).collect();
        got.sort_unstable();
        assert_eq!(got, common::indices(want), "{reference}: test row {i}");
    }

    match &trained.metrics {
        Metrics::Classification(metrics) => {
            let classes: Vec<String> = r["classes"]
                .as_array()
                .expect("classes")
                .iter()
                .map(|c| c.as_str().expect("class").to_owned())
                .collect();
            assert_eq!(model.classes(), classes, "{reference}: classes");
            let want = r["test_probabilities"].as_array().expect("probabilities");
            assert_eq!(trained.predictions.probabilities.len(), want.len());
            for (i, (got, want)) in trained
                .predictions
                .probabilities
                .iter()
                .zip(want)
                .enumerate()
            {
                close(
                    &format!("{reference}: probabilities[{i}]"),
                    got,
                    &floats(want),
                );
            }
            let labels: Vec<&str> = r["test_predictions"]
                .as_array()
                .expect("predictions")
                .iter()
                .map(|c| c.as_str().expect("label"))
                .collect();
            assert_eq!(trained.predictions.labels, labels, "{reference}: labels");
            let accuracy = r["metrics"]["accuracy"].as_f64().expect("accuracy");
            assert!(
                (metrics.accuracy - accuracy).abs() < 1e-12,
                "{reference}: accuracy {} vs {accuracy}",
                metrics.accuracy
            );
        }
        Metrics::Regression(metrics) => {
            close(
                &format!("{reference}: predictions"),
                &trained.predictions.values,
                &floats(&r["test_predictions"]),
            );
            let r2 = r["metrics"]["r2"].as_f64().expect("r2");
            assert!(
                (metrics.r2 - r2).abs() < 1e-9,
                "{reference}: R² {} vs {r2}",
                metrics.r2
            );
        }
        Metrics::Clustering(_) | Metrics::Decomposition(_) => {
            panic!("{reference}: k-nearest neighbours learns a target")
        }
    }
}

#[test]
fn iris_matches_scikit_learn() {
    check("knn_iris.json");
}

#[test]
fn iris_with_distance_weights_and_manhattan_distance_matches_scikit_learn() {
    check("knn_iris_distance_manhattan.json");
}

#[test]
fn wine_with_distance_weights_matches_scikit_learn() {
    check("knn_wine_distance.json");
}

#[test]
fn penguins_with_categories_and_missing_values_match_scikit_learn() {
    check("knn_penguins_manhattan.json");
}

#[test]
fn breast_cancer_matches_scikit_learn() {
    check("knn_breast_cancer.json");
}

#[test]
fn diabetes_regression_matches_scikit_learn() {
    check("knn_diabetes.json");
}

#[test]
fn diabetes_with_distance_weights_matches_scikit_learn() {
    check("knn_diabetes_distance.json");
}

#[test]
fn diabetes_with_distance_weights_and_manhattan_distance_matches_scikit_learn() {
    check("knn_diabetes_distance_manhattan.json");
}
