//! Studio's logistic regression with the L1 and elastic-net penalties (and none),
//! and with balanced class weights, against scikit-learn's `LogisticRegression`.
//!
//! The reference files `tests/reference/logistic_*.json` are written by
//! `scripts/reference/sklearn_logistic_penalty.py` (scikit-learn 1.9, `saga` at a
//! tolerance of 1e-10; `lbfgs` without a penalty) from the same data, split and
//! preprocessing. Studio must reach the same optimum: the same objective, the
//! same coefficients and intercepts, exact zeros exactly where scikit-learn has
//! them, the same test probabilities and predictions and the same accuracy.
//!
//! Two classes: scikit-learn's one weight vector is the difference of Studio's
//! two rows. Three or more: the intercepts are defined up to a common shift, and
//! are compared centred (the reference's sum to zero).

mod common;

use common::{floats, indices, load, train_as};
use serde_json::Value;
use studio_core::model::logistic::LogisticModel;
use studio_core::train::{Metrics, Task};

/// Coefficients and intercepts agree within this, relative to the largest.
const TOLERANCE: f64 = 1e-5;

fn rows(value: &Value) -> Vec<Vec<f64>> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(floats)
        .collect()
}

fn close(name: &str, got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{name}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= tol, "{name}[{i}]: {g} vs {w} (tol {tol})");
    }
}

/// Studio's model in scikit-learn's shape: one row for two classes (the second
/// row less the first), else every row with the intercepts centred.
fn as_sklearn(model: &LogisticModel) -> (Vec<Vec<f64>>, Vec<f64>) {
    if let ([first, second], [b0, b1]) = (&model.coef[..], &model.intercept[..]) {
        let row = second.iter().zip(first).map(|(s, f)| s - f).collect();
        return (vec![row], vec![b1 - b0]);
    }
    let shift = model.intercept.iter().sum::<f64>() / model.intercept.len() as f64;
    let intercept = model.intercept.iter().map(|b| b - shift).collect();
    (model.coef.clone(), intercept)
}

fn check(reference: &str) {
    let r = load(reference);
    let trained = train_as(&r, "logistic", Task::Classification);
    assert!(trained.converged, "{reference}: did not converge");

    let objective = r["objective_value"].as_f64().expect("objective");
    let last = *trained.loss_curve.last().expect("curve");
    assert!(
        (last - objective).abs() <= 1e-9 * objective,
        "{reference}: objective {last} vs {objective}"
    );

    let model: LogisticModel =
        serde_json::from_value(trained.pipeline.model.model().to_json()).expect("model JSON");
    let classes: Vec<String> = r["classes"]
        .as_array()
        .expect("classes")
        .iter()
        .map(|c| c.as_str().expect("class").to_owned())
        .collect();
    assert_eq!(model.classes, classes, "{reference}: classes");
    let (coef, intercept) = as_sklearn(&model);
    let (want_coef, want_intercept) = (rows(&r["coef"]), floats(&r["intercept"]));
    let largest = want_coef
        .iter()
        .flatten()
        .chain(&want_intercept)
        .fold(1.0f64, |m, v| m.max(v.abs()));
    assert_eq!(coef.len(), want_coef.len(), "{reference}: coefficient rows");
    for (c, ((row, want), zeros)) in coef
        .iter()
        .zip(&want_coef)
        .zip(r["zeros"].as_array().expect("zeros"))
        .enumerate()
    {
        close(&format!("coef[{c}]"), row, want, TOLERANCE * largest);
        let exact: Vec<usize> = (0..row.len()).filter(|&j| row[j] == 0.0).collect();
        assert_eq!(exact, indices(zeros), "{reference}: the zeros of row {c}");
    }
    close(
        "intercept",
        &intercept,
        &want_intercept,
        TOLERANCE * largest,
    );

    let predictions: Vec<&str> = r["test_predictions"]
        .as_array()
        .expect("predictions")
        .iter()
        .map(|p| p.as_str().expect("label"))
        .collect();
    assert_eq!(
        trained.predictions.labels, predictions,
        "{reference}: test predictions"
    );
    for (got, want) in trained
        .predictions
        .probabilities
        .iter()
        .zip(&rows(&r["test_probabilities"]))
    {
        close("test probabilities", got, want, 1e-6);
    }
    let Metrics::Classification(metrics) = &trained.metrics else {
        panic!("{reference}: classification metrics")
    };
    let accuracy = r["metrics"]["accuracy"].as_f64().expect("accuracy");
    assert!(
        (metrics.accuracy - accuracy).abs() < 1e-12,
        "{reference}: accuracy {} vs {accuracy}",
        metrics.accuracy
    );
}

#[test]
fn iris_with_the_l1_penalty_matches_scikit_learn() {
    check("logistic_iris_l1.json");
}

#[test]
fn iris_with_the_elastic_net_matches_scikit_learn() {
    check("logistic_iris_elasticnet.json");
}

#[test]
fn breast_cancer_with_the_l2_penalty_is_scikit_learns_one_weight_vector() {
    check("logistic_breast_cancer_l2.json");
}

#[test]
fn breast_cancer_with_the_l1_penalty_matches_scikit_learn() {
    check("logistic_breast_cancer_l1.json");
}

#[test]
fn breast_cancer_with_the_elastic_net_matches_scikit_learn() {
    check("logistic_breast_cancer_elasticnet.json");
}

#[test]
fn noisy_classes_without_a_penalty_match_scikit_learn() {
    check("logistic_noisy_none.json");
}

#[test]
fn breast_cancer_with_balanced_class_weights_and_the_l1_penalty_matches_scikit_learn() {
    check("logistic_breast_cancer_l1_balanced.json");
}

#[test]
fn wine_with_balanced_class_weights_matches_scikit_learn() {
    check("logistic_wine_l2_balanced.json");
}

#[test]
fn noisy_classes_with_balanced_class_weights_and_no_penalty_match_scikit_learn() {
    check("logistic_noisy_none_balanced.json");
}
