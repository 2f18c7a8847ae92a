//! Studio's naive Bayes against scikit-learn's `GaussianNB` and `CategoricalNB`.
//!
//! The reference files `tests/reference/nb_*.json` are written by
//! `scripts/reference/sklearn_nb.py`, and `categorical_nb_*.json` by
//! `scripts/reference/sklearn_categorical_nb.py` (scikit-learn 1.9), from the same
//! data, split and preprocessing. Naive Bayes is exact: Studio's whole pipeline
//! must pick the same rows and fit the same priors, means and variances (or bin
//! edges and category likelihoods) to 1e-6, give the same test probabilities,
//! and score the same accuracy.

mod common;

use common::{floats, load, train_as};
use serde_json::Value;
use studio_core::model::naive_bayes::{CategoricalNbModel, GaussianNbModel};
use studio_core::prep::Step;
use studio_core::train::{Metrics, Task};

fn rows(value: &Value) -> Vec<Vec<f64>> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(floats)
        .collect()
}

fn close(name: &str, got: &[Vec<f64>], want: &[Vec<f64>], tol: f64) {
    assert_eq!(got.len(), want.len(), "{name}: rows");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g.len(), w.len(), "{name}[{i}]: columns");
        for (j, (g, w)) in g.iter().zip(w).enumerate() {
            assert!(
                (g - w).abs() <= tol * w.abs().max(1.0),
                "{name}[{i}][{j}]: {g} vs {w}"
            );
        }
    }
}

fn accuracy_matches(reference: &str, r: &Value, metrics: &Metrics) {
    let Metrics::Classification(metrics) = metrics else {
        panic!("{reference}: classification metrics")
    };
    let accuracy = r["metrics"]["accuracy"].as_f64().expect("accuracy");
    assert!(
        (metrics.accuracy - accuracy).abs() < 1e-12,
        "{reference}: accuracy {} vs {accuracy}",
        metrics.accuracy
    );
}

fn check_categorical(reference: &str) {
    let r = load(reference);
    let trained = train_as(&r, "categorical_nb", Task::Classification);
    let edges: Vec<Vec<f64>> = trained
        .pipeline
        .preprocessing
        .steps
        .iter()
        .find_map(|step| match step {
            Step::Bins(bins) => Some(bins.edges.clone()),
            _ => None,
        })
        .expect("the numbers are binned");
    close("bin edges", &edges, &rows(&r["bin_edges"]), 1e-12);
    let fitted: CategoricalNbModel =
        serde_json::from_value(trained.pipeline.model.model().to_json()).expect("model JSON");
    close(
        "class log priors",
        std::slice::from_ref(&fitted.class_log_prior),
        &[floats(&r["class_log_prior"])],
        1e-12,
    );
    let columns = r["feature_log_prob"].as_array().expect("per column");
    assert_eq!(
        fitted.feature_log_prob.len(),
        columns.len(),
        "{reference}: columns"
    );
    for (got, want) in fitted.feature_log_prob.iter().zip(columns) {
        close("category log likelihoods", got, &rows(want), 1e-9);
    }
    close(
        "test probabilities",
        &trained.predictions.probabilities,
        &rows(&r["test_probabilities"]),
        1e-9,
    );
    accuracy_matches(reference, &r, &trained.metrics);
}

fn check(reference: &str) {
    let r = load(reference);
    let trained = train_as(&r, "gaussian_nb", Task::Classification);

    let fitted: GaussianNbModel =
        serde_json::from_value(trained.pipeline.model.model().to_json()).expect("model JSON");
    let classes: Vec<String> = r["classes"]
        .as_array()
        .expect("classes")
        .iter()
        .map(|c| c.as_str().expect("class").to_owned())
        .collect();
    assert_eq!(fitted.classes, classes, "{reference}: classes");
    close(
        "priors",
        std::slice::from_ref(&fitted.priors),
        &[floats(&r["priors"])],
        1e-12,
    );
    close("means", &fitted.means, &rows(&r["means"]), 1e-6);
    close("variances", &fitted.variances, &rows(&r["variances"]), 1e-6);
    close(
        "test probabilities",
        &trained.predictions.probabilities,
        &rows(&r["test_probabilities"]),
        1e-6,
    );
    accuracy_matches(reference, &r, &trained.metrics);
}

#[test]
fn iris_matches_scikit_learn() {
    check("nb_iris.json");
}

#[test]
fn wine_matches_scikit_learn() {
    check("nb_wine.json");
}

#[test]
fn breast_cancer_with_strong_smoothing_matches_scikit_learn() {
    check("nb_breast_cancer_smooth.json");
}

#[test]
fn categorical_penguins_with_categories_and_merged_bins_matches_scikit_learn() {
    check_categorical("categorical_nb_penguins.json");
}

#[test]
fn categorical_iris_with_small_alpha_matches_scikit_learn() {
    check_categorical("categorical_nb_iris_small_alpha.json");
}

#[test]
fn categorical_wine_with_uniform_bins_and_flat_priors_matches_scikit_learn() {
    check_categorical("categorical_nb_wine_uniform_flat_prior.json");
}

#[test]
fn categorical_breast_cancer_with_ten_bins_matches_scikit_learn() {
    check_categorical("categorical_nb_breast_cancer_ten_bins.json");
}
