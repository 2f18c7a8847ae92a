//! Studio's lasso and elastic net against scikit-learn's `Lasso` and `ElasticNet`.
//!
//! The reference files `tests/reference/sparse_*.json` are written by
//! `scripts/reference/sklearn_sparse.py` (scikit-learn 1.9) with a tolerance so
//! tight that both sides stop at the optimum. Studio's whole pipeline must pick
//! the same rows and reach the same coefficients (to 1e-6 of the largest), set
//! the same inputs to exactly zero, and score the same test R².

mod common;

use common::{floats, load, train_as};
use studio_core::model::linear::LinearModel;
use studio_core::train::{Metrics, Task};

fn check(reference: &str) {
    let r = load(reference);
    let trained = train_as(&r, r["model"].as_str().expect("model"), Task::Regression);
    assert!(trained.converged, "{reference}: did not converge");

    let fitted: LinearModel =
        serde_json::from_value(trained.pipeline.model.model().to_json()).expect("model JSON");
    let want = floats(&r["coef"]);
    let largest = want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    for (j, (got, want)) in fitted.coef.iter().zip(&want).enumerate() {
        assert!(
            (got - want).abs() <= 1e-6 * largest,
            "{reference}: coef[{j}] {got} vs {want}"
        );
    }
    let zeros: Vec<usize> = (0..fitted.coef.len())
        .filter(|&j| fitted.coef[j] == 0.0)
        .collect();
    let want_zeros: Vec<usize> = floats(&r["zeros"]).iter().map(|&v| v as usize).collect();
    assert_eq!(zeros, want_zeros, "{reference}: inputs set to zero");
    let intercept = r["intercept"].as_f64().expect("intercept");
    assert!(
        (fitted.intercept - intercept).abs() <= 1e-6 * intercept.abs().max(1.0),
        "{reference}: intercept {} vs {intercept}",
        fitted.intercept
    );
    let Metrics::Regression(metrics) = &trained.metrics else {
        panic!("{reference}: regression metrics")
    };
    let r2 = r["metrics"]["r2"].as_f64().expect("r2");
    assert!(
        (metrics.r2 - r2).abs() < 1e-6,
        "{reference}: R² {} vs {r2}",
        metrics.r2
    );
}

#[test]
fn the_lasso_matches_scikit_learn() {
    check("sparse_diabetes_lasso.json");
}

#[test]
fn a_strong_lasso_zeroes_the_same_inputs_as_scikit_learn() {
    check("sparse_diabetes_lasso_sparse.json");
}

#[test]
fn the_elastic_net_matches_scikit_learn() {
    check("sparse_diabetes_elastic_net.json");
}
