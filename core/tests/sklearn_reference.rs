//! Studio's training pipeline against scikit-learn on the bundled data.
//!
//! The reference files in `tests/reference/` are written by
//! `scripts/reference/sklearn_reference.py` (scikit-learn 1.9) from the same data,
//! split seed and hyperparameters. Studio must pick the same rows, fit the same
//! scaler, reach the same optimum and predict the same labels.

mod common;

use common::{floats, indices, load, train_as};
use studio_core::model::linear::LinearModel;
use studio_core::model::logistic::LogisticModel;
use studio_core::prep::Step;
use studio_core::train::{Metrics, Task};

fn close(name: &str, got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{name}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= tol * w.abs().max(1.0),
            "{name}[{i}]: {g} vs {w} (tol {tol})"
        );
    }
}

fn check(reference: &str) {
    let r = load(reference);
    let task = if r["task"] == "classification" {
        Task::Classification
    } else {
        Task::Regression
    };
    let trained = train_as(&r, r["model"].as_str().expect("model"), task);
    assert!(trained.converged, "{reference}: did not converge");

    assert_eq!(
        trained.split.train,
        indices(&r["train_indices"]),
        "{reference}: train rows"
    );

    let (means, scales) = trained
        .pipeline
        .preprocessing
        .steps
        .iter()
        .find_map(|step| match step {
            Step::Standardize(s) => Some((s.means.clone(), s.scales.clone())),
            _ => None,
        })
        .expect("the numbers are standardized");
    assert!(
        !trained
            .pipeline
            .preprocessing
            .steps
            .iter()
            .any(|s| matches!(s, Step::OneHot(_))),
        "the reference data are all numbers"
    );
    close("scaler mean", &means, &floats(&r["scaler"]["mean"]), 1e-12);
    close(
        "scaler scale",
        &scales,
        &floats(&r["scaler"]["scale"]),
        1e-12,
    );

    let objective = r["objective_value"].as_f64().expect("objective");
    let last = *trained.loss_curve.last().expect("curve");
    assert!(
        (last - objective).abs() <= 1e-8 * objective,
        "{reference}: objective {last} vs {objective}"
    );

    let model = serde_json::to_value(&trained.pipeline.model).expect("json");
    match (model["kind"].as_str(), &trained.metrics) {
        (Some("logistic"), Metrics::Classification(m)) => {
            let LogisticModel {
                classes,
                coef,
                intercept,
            } = serde_json::from_value(model.clone()).expect("a logistic model");
            let want: Vec<String> = r["classes"]
                .as_array()
                .expect("classes")
                .iter()
                .map(|c| c.as_str().expect("s").to_owned())
                .collect();
            assert_eq!(classes, want);
            for (c, row) in coef.iter().enumerate() {
                close("coef", row, &floats(&r["coef"][c]), 1e-4);
            }
            // Intercepts are defined up to a common shift; the reference's sum to zero.
            let shift = intercept.iter().sum::<f64>() / intercept.len() as f64;
            let centred: Vec<f64> = intercept.iter().map(|b| b - shift).collect();
            close("intercept", &centred, &floats(&r["intercept"]), 1e-4);
            let labels: Vec<&str> = r["test_predictions"]
                .as_array()
                .expect("p")
                .iter()
                .map(|v| v.as_str().expect("s"))
                .collect();
            assert_eq!(
                trained.predictions.labels, labels,
                "{reference}: predicted labels"
            );
            for (got, want) in trained
                .predictions
                .probabilities
                .iter()
                .zip(r["test_probabilities"].as_array().expect("probs"))
            {
                close("probabilities", got, &floats(want), 1e-5);
            }
            close(
                "accuracy",
                &[m.accuracy],
                &[r["metrics"]["accuracy"].as_f64().expect("acc")],
                1e-12,
            );
            close(
                "f1",
                &[m.f1_macro],
                &[r["metrics"]["f1_macro"].as_f64().expect("f1")],
                1e-12,
            );
        }
        (Some("linear"), Metrics::Regression(m)) => {
            let LinearModel { coef, intercept } =
                serde_json::from_value(model.clone()).expect("a linear model");
            close("coef", &coef, &floats(&r["coef"]), 1e-6);
            close(
                "intercept",
                &[intercept],
                &[r["intercept"].as_f64().expect("b")],
                1e-6,
            );
            close(
                "predictions",
                &trained.predictions.values,
                &floats(&r["test_predictions"]),
                1e-6,
            );
            close(
                "rmse",
                &[m.rmse],
                &[r["metrics"]["rmse"].as_f64().expect("rmse")],
                1e-6,
            );
            close(
                "mae",
                &[m.mae],
                &[r["metrics"]["mae"].as_f64().expect("mae")],
                1e-6,
            );
            close(
                "r2",
                &[m.r2],
                &[r["metrics"]["r2"].as_f64().expect("r2")],
                1e-6,
            );
        }
        other => panic!("{reference}: unexpected model and metrics {other:?}"),
    }
}

#[test]
fn iris_logistic_matches_scikit_learn() {
    check("iris_logistic.json");
}

#[test]
fn iris_logistic_with_another_seed_and_c_matches_scikit_learn() {
    check("iris_logistic_seed7.json");
}

#[test]
fn diabetes_ridge_matches_scikit_learn() {
    check("diabetes_ridge.json");
}

#[test]
fn diabetes_ridge_with_strong_penalty_matches_scikit_learn() {
    check("diabetes_ridge_alpha10.json");
}
