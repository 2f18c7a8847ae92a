//! Studio's linear SVM against scikit-learn's `LinearSVC` (`dual=True`).
//!
//! The reference files `tests/reference/svm_*.json` are written by
//! `scripts/reference/sklearn_svm.py` (scikit-learn 1.9) from the same data, split
//! and preprocessing, both sides run to a tolerance of 1e-10. The coordinates are
//! visited in other orders than liblinear's, but the primal is strictly convex, so
//! Studio must find the same coefficients and intercepts and the same test
//! decision values (to 1e-6 of the largest weight), the same predictions, the
//! same distributions made of the decision values, and the same accuracy.

mod common;

use common::{floats, frame, load, train_as};
use serde_json::Value;
use studio_core::learner::registry;
use studio_core::model::linear_svm::LinearSvmModel;
use studio_core::train::{Metrics, Task};

const TOLERANCE: f64 = 1e-6;

fn rows(value: &Value) -> Vec<Vec<f64>> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(floats)
        .collect()
}

/// Every entry within `TOLERANCE` of `scale`, which is at least 1.
fn close(name: &str, got: &[Vec<f64>], want: &[Vec<f64>], scale: f64) {
    assert_eq!(got.len(), want.len(), "{name}: rows");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g.len(), w.len(), "{name}[{i}]: columns");
        for (j, (g, w)) in g.iter().zip(w).enumerate() {
            assert!(
                (g - w).abs() <= TOLERANCE * scale.max(1.0),
                "{name}[{i}][{j}]: {g} vs {w}"
            );
        }
    }
}

fn check(reference: &str) {
    let r = load(reference);
    let trained = train_as(&r, "linear_svm", Task::Classification);
    let fitted: LinearSvmModel =
        serde_json::from_value(trained.pipeline.model.model().to_json()).expect("model JSON");
    let classes: Vec<String> = r["classes"]
        .as_array()
        .expect("classes")
        .iter()
        .map(|c| c.as_str().expect("class").to_owned())
        .collect();
    assert_eq!(fitted.classes, classes, "{reference}: classes");

    let coef = rows(&r["coef"]);
    let intercept = floats(&r["intercept"]);
    let largest = coef
        .iter()
        .flatten()
        .chain(&intercept)
        .fold(0.0f64, |m, v| m.max(v.abs()));
    close("coef", &fitted.coef, &coef, largest);
    close(
        "intercept",
        std::slice::from_ref(&fitted.intercept),
        std::slice::from_ref(&intercept),
        largest,
    );

    let family = registry::family("linear_svm").expect("registered");
    let x = trained
        .pipeline
        .preprocessing
        .transform_as(&frame(&r), &trained.split.test, family.arithmetic())
        .expect("transforms");
    let decision = rows(&r["test_decision"]);
    let scale = decision
        .iter()
        .flatten()
        .fold(0.0f64, |m, v| m.max(v.abs()));
    close(
        "test decision values",
        &fitted.decision_function(&x),
        &decision,
        scale,
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
    close(
        "test probabilities",
        &trained.predictions.probabilities,
        &rows(&r["test_probabilities"]),
        1.0,
    );
    assert!(trained.converged, "{reference}: converged");
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
fn iris_with_the_squared_hinge_matches_scikit_learn() {
    check("svm_iris.json");
}

#[test]
fn iris_with_the_hinge_matches_scikit_learn() {
    check("svm_iris_hinge.json");
}

#[test]
fn wine_with_balanced_class_weights_matches_scikit_learn() {
    check("svm_wine_balanced.json");
}

#[test]
fn wine_without_an_intercept_matches_scikit_learn() {
    check("svm_wine_hinge_no_intercept.json");
}

#[test]
fn breast_cancer_with_a_scaled_intercept_matches_scikit_learn() {
    check("svm_breast_cancer.json");
}

#[test]
fn breast_cancer_with_the_hinge_and_balanced_weights_matches_scikit_learn() {
    check("svm_breast_cancer_hinge_balanced.json");
}
