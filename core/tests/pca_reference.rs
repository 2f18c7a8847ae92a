//! Studio's PCA against scikit-learn's `PCA` (full solver).
//!
//! The reference files `tests/reference/pca_*.json` are written by
//! `scripts/reference/sklearn_pca.py` (scikit-learn 1.9) from the same data and
//! preprocessing, fitted on every row. PCA is exact: the mean, the components
//! (signs included), the explained variance and its ratio, the singular values
//! and every row's projection agree to 1e-6.

#[allow(dead_code)] // A decomposition has no target: train_as and its split go unused.
mod common;

use common::{floats, frame, load, model_spec};
use serde_json::Value;
use studio_core::frame::Role;
use studio_core::model::pca::PcaModel;
use studio_core::train::{Metrics, Task, TrainSpec, train};

fn rows(value: &Value) -> Vec<Vec<f64>> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(floats)
        .collect()
}

fn close(name: &str, got: &[Vec<f64>], want: &[Vec<f64>]) {
    assert_eq!(got.len(), want.len(), "{name}: rows");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g.len(), w.len(), "{name}[{i}]: columns");
        for (j, (g, w)) in g.iter().zip(w).enumerate() {
            assert!(
                (g - w).abs() <= 1e-6 * w.abs().max(1.0),
                "{name}[{i}][{j}]: {g} vs {w}"
            );
        }
    }
}

fn check(reference: &str) {
    let r = load(reference);
    let mut frame = frame(&r);
    for name in r["drop"].as_array().expect("drop") {
        assert!(frame.set_role(name.as_str().expect("a name"), Role::Ignore));
    }
    let spec = TrainSpec {
        target: None,
        task: Task::Decomposition,
        model: model_spec(&r, "pca"),
        test_size: 0.2,
        seed: 42,
    };
    let trained = pollster::block_on(train(&frame, None, spec)).expect("trains");
    assert_eq!(trained.split.test, (0..frame.rows()).collect::<Vec<_>>());
    let fitted: PcaModel =
        serde_json::from_value(trained.pipeline.model.model().to_json()).expect("model JSON");
    close(
        "mean",
        std::slice::from_ref(&fitted.mean),
        &[floats(&r["mean"])],
    );
    close("components", &fitted.components, &rows(&r["components"]));
    for key in [
        "explained_variance",
        "explained_variance_ratio",
        "singular_values",
    ] {
        let got = match key {
            "explained_variance" => &fitted.explained_variance,
            "explained_variance_ratio" => &fitted.explained_variance_ratio,
            _ => &fitted.singular_values,
        };
        close(key, std::slice::from_ref(got), &[floats(&r[key])]);
    }
    close(
        "projection",
        &trained.predictions.components,
        &rows(&r["projection"]),
    );
    let Metrics::Decomposition(metrics) = &trained.metrics else {
        panic!("{reference}: decomposition metrics")
    };
    close(
        "metrics",
        std::slice::from_ref(&metrics.explained_variance_ratio),
        &[floats(&r["explained_variance_ratio"])],
    );
}

#[test]
fn iris_matches_scikit_learn() {
    check("pca_iris.json");
}

#[test]
fn wine_with_two_whitened_components_matches_scikit_learn() {
    check("pca_wine_two_whitened.json");
}

#[test]
fn breast_cancer_with_five_components_matches_scikit_learn() {
    check("pca_breast_cancer_five.json");
}

#[test]
fn diabetes_with_every_column_matches_scikit_learn() {
    check("pca_diabetes_with_target.json");
}
