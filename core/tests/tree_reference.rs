//! Studio's CART trees against scikit-learn's on the bundled data.
//!
//! The reference files `tests/reference/tree_*.json` are written by
//! `scripts/reference/sklearn_tree.py` (scikit-learn 1.9): the split rows, the
//! parameters, and what scikit-learn's tree made of the standardized train rows.
//! This test standardizes the same rows itself, fits `cart::fit` with the same
//! parameters and expects the same depth and leaf count, the same test
//! predictions, and the same test metric.

use std::path::Path;

use serde_json::Value;
use studio_core::ingest::read_csv;
use studio_core::model::argmax;
use studio_core::model::tree::cart::{self, ClassWeight, Criterion, Target, TreeParams};

fn load(reference: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference")
        .join(reference);
    serde_json::from_str(&std::fs::read_to_string(path).expect("reference exists")).expect("json")
}

fn indices(value: &Value) -> Vec<usize> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_u64().expect("index") as usize)
        .collect()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_str().expect("string").to_owned())
        .collect()
}

/// The train and test matrices (row-major), preprocessed as the script does:
/// missing values take the train mean, then `(x - mean) / std` with the train
/// rows' population std (1 where it is 0), all in f64 and in row order.
fn matrices(columns: &[Vec<Option<f64>>], train: &[usize], test: &[usize]) -> (Vec<f64>, Vec<f64>) {
    let inputs = columns.len();
    let mut x_train = vec![0.0; train.len() * inputs];
    let mut x_test = vec![0.0; test.len() * inputs];
    for (f, column) in columns.iter().enumerate() {
        let present: Vec<f64> = train.iter().filter_map(|&r| column[r]).collect();
        let impute = present.iter().sum::<f64>() / present.len() as f64;
        let filled = |r: usize| column[r].unwrap_or(impute);
        let n = train.len() as f64;
        let mean = train.iter().map(|&r| filled(r)).sum::<f64>() / n;
        let var = train
            .iter()
            .map(|&r| (filled(r) - mean).powi(2))
            .sum::<f64>()
            / n;
        let scale = if var.sqrt() == 0.0 { 1.0 } else { var.sqrt() };
        for (i, &r) in train.iter().enumerate() {
            x_train[i * inputs + f] = (filled(r) - mean) / scale;
        }
        for (i, &r) in test.iter().enumerate() {
            x_test[i * inputs + f] = (filled(r) - mean) / scale;
        }
    }
    (x_train, x_test)
}

fn check(case: &str) {
    let reference = format!("tree_{case}.json");
    let r = load(&reference);
    let data = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(r["dataset"].as_str().expect("path"));
    let frame = read_csv(&std::fs::read(&data).expect("data exists"), "data.csv").expect("reads");
    let features = strings(&r["features"]);
    let target = frame
        .column(r["target"].as_str().expect("target"))
        .expect("target column");
    let (train, test) = (indices(&r["train_indices"]), indices(&r["test_indices"]));

    let columns: Vec<Vec<Option<f64>>> = features
        .iter()
        .map(|name| {
            let column = frame.column(name).expect("feature column");
            (0..frame.rows()).map(|row| column.number(row)).collect()
        })
        .collect();
    let inputs = columns.len();
    let (x_train, x_test) = matrices(&columns, &train, &test);

    let p = &r["params"];
    let params = TreeParams {
        criterion: serde_json::from_value::<Criterion>(p["criterion"].clone()).expect("criterion"),
        max_depth: p
            .get("max_depth")
            .map(|v| v.as_u64().expect("depth") as usize),
        min_samples_split: p
            .get("min_samples_split")
            .map_or(2, |v| v.as_u64().expect("n") as usize),
        min_samples_leaf: p
            .get("min_samples_leaf")
            .map_or(1, |v| v.as_u64().expect("n") as usize),
        max_features: inputs,
        random_state: 0,
        class_weight: match p.get("class_weight").and_then(Value::as_str) {
            None => ClassWeight::Uniform,
            Some("balanced") => ClassWeight::Balanced,
            Some(other) => panic!("{case}: class_weight {other}"),
        },
    };

    let rows = |x: &[f64]| x.chunks(inputs).map(<[f64]>::to_vec).collect::<Vec<_>>();
    let (matched, metric) = if r["task"] == "classification" {
        let classes = strings(&r["classes"]);
        let label = |row: usize| {
            let text = target.text(row).expect("label");
            classes
                .iter()
                .position(|c| *c == text)
                .expect("known class")
        };
        let labels: Vec<usize> = train.iter().map(|&row| label(row)).collect();
        let tree = cart::fit(
            &x_train,
            inputs,
            Target::Classes {
                labels: &labels,
                classes: classes.len(),
            },
            params,
        );
        assert_shape(case, &r, tree.depth(), tree.leaves());
        let predicted: Vec<&str> = rows(&x_test)
            .iter()
            .map(|row| classes[argmax(tree.predict(row))].as_str())
            .collect();
        let want = strings(&r["test_predictions"]);
        let matched = predicted.iter().zip(&want).filter(|(p, w)| *p == w).count();
        let correct = test
            .iter()
            .zip(&predicted)
            .filter(|(row, p)| classes[label(**row)] == **p)
            .count();
        let accuracy = correct as f64 / test.len() as f64;
        (
            matched,
            (
                accuracy,
                r["metrics"]["accuracy"].as_f64().expect("accuracy"),
            ),
        )
    } else {
        let y = |row: usize| target.number(row).expect("value");
        let values: Vec<f64> = train.iter().map(|&row| y(row)).collect();
        let tree = cart::fit(&x_train, inputs, Target::Values(&values), params);
        assert_shape(case, &r, tree.depth(), tree.leaves());
        let predicted: Vec<f64> = rows(&x_test)
            .iter()
            .map(|row| tree.predict(row)[0])
            .collect();
        let want: Vec<f64> = r["test_predictions"]
            .as_array()
            .expect("predictions")
            .iter()
            .map(|v| v.as_f64().expect("number"))
            .collect();
        let matched = predicted
            .iter()
            .zip(&want)
            .filter(|(p, w)| (*p - *w).abs() <= 1e-9 * w.abs().max(1.0))
            .count();
        let truth: Vec<f64> = test.iter().map(|&row| y(row)).collect();
        let mean = truth.iter().sum::<f64>() / truth.len() as f64;
        let residual: f64 = truth
            .iter()
            .zip(&predicted)
            .map(|(t, p)| (t - p).powi(2))
            .sum();
        let total: f64 = truth.iter().map(|t| (t - mean).powi(2)).sum();
        (
            matched,
            (
                1.0 - residual / total,
                r["metrics"]["r2"].as_f64().expect("r2"),
            ),
        )
    };

    assert!(
        matched as f64 >= 0.99 * test.len() as f64,
        "{case}: {matched} of {} test predictions as scikit-learn's",
        test.len()
    );
    let (got, want) = metric;
    assert!(
        (got - want).abs() <= 0.01,
        "{case}: test metric {got} vs scikit-learn's {want}"
    );
}

fn assert_shape(case: &str, r: &Value, depth: usize, leaves: usize) {
    assert_eq!(
        (depth, leaves),
        (
            r["depth"].as_u64().expect("depth") as usize,
            r["leaves"].as_u64().expect("leaves") as usize
        ),
        "{case}: (depth, leaves) vs scikit-learn's"
    );
}

#[test]
fn iris_gini() {
    check("iris_gini");
}

#[test]
fn wine_entropy_depth4() {
    check("wine_entropy_depth4");
}

#[test]
fn breast_cancer_leaf5() {
    check("breast_cancer_leaf5");
}

#[test]
fn diabetes_depth5() {
    check("diabetes_depth5");
}

#[test]
fn diabetes_split20() {
    check("diabetes_split20");
}

#[test]
fn breast_cancer_with_balanced_class_weights() {
    check("breast_cancer_balanced_depth4");
}

#[test]
fn wine_entropy_with_balanced_class_weights() {
    check("wine_entropy_balanced_leaf3");
}
