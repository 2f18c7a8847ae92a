//! Studio's Gaussian naive Bayes against scikit-learn's `GaussianNB`.
//!
//! The reference files `tests/reference/nb_*.json` are written by
//! `scripts/reference/sklearn_nb.py` (scikit-learn 1.9) from the same data, split
//! and preprocessing. Naive Bayes is exact: Studio's whole pipeline must pick the
//! same rows and fit the same priors, means and variances to 1e-6, give the same
//! test probabilities, and score the same accuracy.

use std::path::Path;

use serde_json::Value;
use studio_core::ingest::read_csv;
use studio_core::learner::{ModelSpec, ParamValue, registry};
use studio_core::model::naive_bayes::GaussianNbModel;
use studio_core::train::{Metrics, Task, TrainSpec, train};

fn load(reference: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference")
        .join(reference);
    serde_json::from_str(&std::fs::read_to_string(path).expect("reference exists")).expect("json")
}

fn floats(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_f64().expect("number"))
        .collect()
}

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

fn check(reference: &str) {
    let r = load(reference);
    let data = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(r["dataset"].as_str().expect("path"));
    let frame = read_csv(&std::fs::read(&data).expect("data exists"), "data.csv").expect("reads");
    let mut model = ModelSpec::new(registry::family("gaussian_nb").expect("registered"));
    model.params.insert(
        "var_smoothing".into(),
        ParamValue::Number(r["params"]["var_smoothing"].as_f64().expect("number")),
    );
    let spec = TrainSpec {
        target: Some(r["target"].as_str().expect("target").to_owned()),
        task: Task::Classification,
        model,
        test_size: r["test_size"].as_f64().expect("test size"),
        seed: r["seed"].as_u64().expect("seed"),
    };
    let trained = pollster::block_on(train(&frame, None, spec)).expect("trains");
    let want_test: Vec<usize> = floats(&r["test_indices"])
        .iter()
        .map(|&v| v as usize)
        .collect();
    assert_eq!(trained.split.test, want_test, "{reference}: test rows");

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
