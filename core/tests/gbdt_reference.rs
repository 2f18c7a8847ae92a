//! Studio's histogram gradient boosting against scikit-learn's
//! `HistGradientBoostingClassifier` / `HistGradientBoostingRegressor`.
//!
//! The reference files `tests/reference/gbdt_*.json` are written by
//! `scripts/reference/sklearn_gbdt.py` (scikit-learn 1.9) on the same rows and
//! inputs (numbers as they are, missing ones as NaN; categories one-hot).
//!
//! Without early stopping nothing random enters either fit, and Studio bins,
//! sums and breaks ties as scikit-learn does, so squared error and binary
//! log-loss give the same trees: predictions agree to rounding. With several
//! classes, two features that separate the same rows tie in exact arithmetic and
//! the last bit of rounding picks one; there the test scores agree within 0.01
//! and the probabilities closely on average. With early stopping the rows held
//! out differ, so the score is compared with scikit-learn's over ten seeds.
//! Balanced class weights are checked where every feature has fewer than 255
//! distinct values: scikit-learn 1.9 weighs its quantile bins by the rows'
//! weights, and Studio's bins are unweighted.

mod common;
mod roc;

use common::{floats, load, train_as};
use serde_json::Value;
use studio_core::train::{Metrics, Task, Trained};

/// How closely the test predictions must agree: the largest difference and
/// the mean one.
#[derive(Clone, Copy)]
struct Agree {
    max: f64,
    mean: f64,
}

const SAME_TREES: Agree = Agree {
    max: 1e-9,
    mean: 1e-10,
};

fn close(case: &str, what: &str, got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol,
        "{case}: {what} {got:.6} against scikit-learn's {want:.6} (± {tol:.4})"
    );
}

fn agree(case: &str, got: &[f64], want: &[f64], bound: Agree) {
    assert_eq!(got.len(), want.len(), "{case}: predictions");
    let d: Vec<f64> = got.iter().zip(want).map(|(g, w)| (g - w).abs()).collect();
    let max = d.iter().copied().fold(0.0, f64::max);
    let mean = d.iter().sum::<f64>() / d.len().max(1) as f64;
    assert!(
        max <= bound.max && mean <= bound.mean,
        "{case}: predictions differ by {max:.2e} at most and {mean:.2e} on average"
    );
}

fn train(r: &Value) -> Trained {
    let task = match r["task"].as_str() {
        Some("classification") => Task::Classification,
        _ => Task::Regression,
    };
    train_as(r, "gbdt", task)
}

/// The test score (accuracy or R²) and the test predictions, flattened.
fn score_and_predictions(trained: &Trained) -> (f64, Vec<f64>) {
    match &trained.metrics {
        Metrics::Classification(m) => (
            m.accuracy,
            trained
                .predictions
                .probabilities
                .iter()
                .flatten()
                .copied()
                .collect(),
        ),
        Metrics::Regression(m) => (m.r2, trained.predictions.values.clone()),
        Metrics::Clustering(_) | Metrics::Decomposition(_) => panic!("boosting learns a target"),
    }
}

fn check(case: &str, bound: Agree) {
    let r = load(&format!("gbdt_{case}.json"));
    let trained = train(&r);
    let (score, predictions) = score_and_predictions(&trained);
    let step = 1.0 / trained.split.test.len() as f64;
    let (want_score, want) = match r.get("accuracy") {
        Some(accuracy) => (
            accuracy.as_f64().expect("accuracy"),
            r["test_probabilities"]
                .as_array()
                .expect("rows")
                .iter()
                .flat_map(floats)
                .collect(),
        ),
        None => (
            r["r2"].as_f64().expect("r2"),
            floats(&r["test_predictions"]),
        ),
    };
    close(case, "test score", score, want_score, 0.01 + step);
    agree(case, &predictions, &want, bound);
    assert_eq!(
        trained.loss_curve.len() - 1,
        r["n_iter"].as_u64().expect("n_iter") as usize,
        "{case}: iterations"
    );
    if let Some(auc) = r.get("roc_auc") {
        let positive = second_class(&r, &trained);
        let scores: Vec<f64> = trained
            .predictions
            .probabilities
            .iter()
            .map(|p| p[1])
            .collect();
        close(
            case,
            "ROC-AUC",
            roc::auc(&scores, &positive),
            auc.as_f64().expect("auc"),
            0.01,
        );
    }
}

/// Whether each test row's target is the model's second class.
fn second_class(r: &Value, trained: &Trained) -> Vec<bool> {
    let frame = common::frame(r);
    let target = frame
        .column(r["target"].as_str().expect("target"))
        .expect("target column");
    let second = &trained.pipeline.model.classes()[1];
    trained
        .split
        .test
        .iter()
        .map(|&row| target.text(row).as_deref() == Some(second.as_str()))
        .collect()
}

#[test]
fn binary_log_loss_gives_scikit_learns_trees() {
    check("breast_cancer", SAME_TREES);
}

#[test]
fn squared_error_gives_scikit_learns_trees() {
    check("diabetes", SAME_TREES);
}

#[test]
fn quantile_bins_give_scikit_learns_trees() {
    check("values_bins", SAME_TREES);
}

#[test]
fn several_classes_agree_but_for_tied_features() {
    let bound = Agree {
        max: 0.1,
        mean: 2e-3,
    };
    check("wine_small_trees", bound);
    // Missing values: each split learned which way they go.
    check("penguins_missing", bound);
    // Balanced class weights scale each row's gradient and hessian, the
    // baseline's shares and the losses.
    check("penguins_island_balanced", bound);
}

#[test]
fn early_stopping_stops_and_scores_as_scikit_learn_does() {
    let r = load("gbdt_classes_early.json");
    let trained = train(&r);
    let (score, _) = score_and_predictions(&trained);
    let seeds = &r["seeds"];
    let band = (3.0 * seeds["std"].as_f64().expect("std")).max(0.01)
        + 1.0 / trained.split.test.len() as f64;
    close(
        "classes_early",
        "test accuracy",
        score,
        seeds["mean"].as_f64().expect("mean"),
        band,
    );
    let iterations = trained.loss_curve.len() - 1;
    assert!(
        iterations < 300 && trained.converged,
        "stopped early after {iterations} of 300 iterations"
    );
    // The validation loss at every point of the training loss, and the stop
    // where none of the last five beat the one before them by tol (1e-7).
    let held_out = &trained.held_out_loss_curve;
    assert_eq!(held_out.len(), trained.loss_curve.len());
    let reference = held_out[held_out.len() - 6];
    assert!(
        held_out[held_out.len() - 5..]
            .iter()
            .all(|l| *l >= reference - 1e-7),
        "stopped while the validation loss improved: {:?}",
        &held_out[held_out.len() - 6..]
    );
}

#[test]
fn class_weights_on_a_regression_are_refused_at_the_parameter() {
    let frame = common::frame(&load("gbdt_diabetes.json"));
    let mut model = studio_core::learner::ModelSpec::new(
        studio_core::learner::registry::family("gbdt").expect("registered"),
    );
    model.params.insert(
        "class_weight".into(),
        studio_core::learner::ParamValue::Text("balanced".into()),
    );
    let spec = studio_core::train::TrainSpec {
        target: Some("progression".into()),
        task: Task::Regression,
        model,
        test_size: 0.2,
        seed: 42,
    };
    let error = pollster::block_on(studio_core::train::train(&frame, None, spec))
        .expect_err("refused")
        .to_string();
    assert!(error.contains("class weights are for classes"), "{error}");
}
