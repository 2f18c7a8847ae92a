//! Studio's random forests against scikit-learn's.
//!
//! The reference files `tests/reference/forest_*.json` are written by
//! `scripts/reference/sklearn_forest.py` (scikit-learn 1.9): for each case, the
//! mean and spread over ten seeds of scikit-learn's test accuracy (and ROC-AUC) or
//! R², and of its out-of-bag score, with matched hyperparameters on the same rows.
//! A forest's trees turn on its random draws, which differ between the two, so
//! Studio's scores must land within 0.01 of scikit-learn's mean, or within three
//! of its seed-to-seed standard deviations where one seed moves it more than that
//! (the small bundled samples).

mod common;
mod roc;

use common::{indices, load, train_as};
use serde_json::Value;
use studio_core::train::{Metrics, Task, Trained};

fn within(case: &str, what: &str, got: f64, reference: &Value, rows: usize) {
    let mean = reference["mean"].as_f64().expect("mean");
    let band = (3.0 * reference["std"].as_f64().expect("std")).max(0.01) + 1.0 / rows as f64;
    assert!(
        (got - mean).abs() <= band,
        "{case}: {what} {got:.4} against scikit-learn's {mean:.4} ± {band:.4}"
    );
}

/// The reference's `target` on its test rows, as text.
fn test_labels(r: &Value) -> Vec<String> {
    let frame = common::frame(r);
    let target = frame
        .column(r["target"].as_str().expect("target"))
        .expect("target column");
    indices(&r["test_indices"])
        .into_iter()
        .map(|row| target.text(row).unwrap_or_default())
        .collect()
}

/// scikit-learn's `balanced_accuracy_score`: the mean of the classes' recalls.
fn balanced_accuracy(confusion: &[Vec<usize>]) -> f64 {
    let recalls: Vec<f64> = confusion
        .iter()
        .enumerate()
        .filter(|(_, row)| row.iter().sum::<usize>() > 0)
        .map(|(k, row)| row[k] as f64 / row.iter().sum::<usize>() as f64)
        .collect();
    recalls.iter().sum::<f64>() / recalls.len() as f64
}

fn oob_score(trained: &Trained) -> f64 {
    trained
        .pipeline
        .model
        .facts()
        .iter()
        .find(|f| f.key == "oob_score")
        .expect("a bootstrapped forest reports its out-of-bag score")
        .value
}

fn check(case: &str) {
    let r = load(&format!("forest_{case}.json"));
    let task = match r["task"].as_str() {
        Some("classification") => Task::Classification,
        _ => Task::Regression,
    };
    let trained = train_as(&r, "random_forest", task);
    let (train, test) = (trained.split.train.len(), trained.split.test.len());
    let oob = oob_score(&trained);
    within(case, "out-of-bag score", oob, &r["oob_score"], train);
    // The out-of-bag score after every step, the last the forest's own.
    let curve = trained.score_curve.as_ref().expect("an out-of-bag curve");
    assert_eq!(
        curve.values.last(),
        Some(&oob),
        "{case}: the curve ends at the score"
    );
    match &trained.metrics {
        Metrics::Classification(m) => {
            within(case, "accuracy", m.accuracy, &r["accuracy"], test);
            if let Some(reference) = r.get("balanced_accuracy") {
                within(
                    case,
                    "balanced accuracy",
                    balanced_accuracy(&m.confusion),
                    reference,
                    test,
                );
            }
            if let Some(reference) = r.get("roc_auc") {
                let classes = trained.pipeline.model.classes();
                let truth = test_labels(&r);
                let positive: Vec<bool> = truth.iter().map(|t| *t == classes[1]).collect();
                let scores: Vec<f64> = trained
                    .predictions
                    .probabilities
                    .iter()
                    .map(|p| p[1])
                    .collect();
                within(
                    case,
                    "ROC-AUC",
                    roc::auc(&scores, &positive),
                    reference,
                    test,
                );
            }
        }
        Metrics::Regression(m) => within(case, "R²", m.r2, &r["r2"], test),
        Metrics::Clustering(_) | Metrics::Decomposition(_) => {
            panic!("{case}: a forest learns a target")
        }
    }
}

#[test]
fn synthetic_classes() {
    check("classes");
}

#[test]
fn synthetic_values() {
    check("values");
}

#[test]
fn breast_cancer() {
    check("breast_cancer");
}

#[test]
fn wine_log2_features() {
    check("wine_log2");
}

#[test]
fn diabetes_half_the_features() {
    check("diabetes_leaf5");
}

#[test]
fn imbalanced_classes_with_balanced_weights() {
    check("imbalanced_balanced");
}

#[test]
fn imbalanced_classes_with_weights_per_bootstrap_sample() {
    check("imbalanced_subsample");
}

#[test]
fn imbalanced_classes_unweighted() {
    check("imbalanced_unweighted");
}
