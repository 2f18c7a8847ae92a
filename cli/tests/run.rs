//! `studio run` executes a notebook saved from the browser.

use assert_cmd::Command;
use serde_json::{Value, json};

fn studio() -> Command {
    Command::cargo_bin("studio").expect("the studio binary is built")
}

fn notebook(source: Value, target: &str, task: &str, model: Value, seed: u64) -> String {
    json!({
        "schema_version": 1,
        "title": "t",
        "cells": [
            {"id": 1, "kind": "note", "title": "Hi", "text": "a note"},
            {"id": 2, "kind": "data", "source": source},
            {"id": 3, "kind": "train", "target": target, "task": task, "model": model,
             "test_size": 0.2, "seed": seed}
        ]
    })
    .to_string()
}

fn write(name: &str, text: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("studio-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path.to_str().expect("utf-8").to_owned()
}

#[test]
fn runs_a_sample_notebook_and_prints_the_same_metrics_as_train() {
    let nb = notebook(
        json!({"type": "sample", "name": "iris.csv"}),
        "species",
        "classification",
        json!({"kind": "logistic", "params": {"c": 0.5}}),
        7,
    );
    let path = write("iris-notebook.json", nb.as_bytes());
    let output = studio()
        .args(["run", &path, "--json"])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let v: Value = serde_json::from_slice(&output.stdout).expect("json");
    // scikit-learn on seed 7, C = 0.5 (core/tests/reference/iris_logistic_seed7.json).
    assert!((v["metrics"]["accuracy"].as_f64().expect("accuracy") - 28.0 / 30.0).abs() < 1e-12);
    assert!((v["metrics"]["f1_macro"].as_f64().expect("f1") - 0.9166666666666666).abs() < 1e-9);
}

#[test]
fn a_local_file_notebook_needs_the_file_and_checks_it() {
    let data = b"x,y\n1,a\n2,b\n3,a\n4,b\n5,a\n6,b\n7,a\n8,b\n9,a\n10,b\n";
    let csv = write("local.csv", data);
    let nb = notebook(
        json!({"type": "local", "name": "local.csv", "rows": 10, "columns": 2, "sha256": "00"}),
        "y",
        "classification",
        json!({"kind": "logistic"}),
        1,
    );
    let path = write("local-notebook.json", nb.as_bytes());
    let output = studio().args(["run", &path]).output().expect("runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("pass it with --data local.csv"));

    let output = studio()
        .args(["run", &path, "--data", &csv])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("is not the file this notebook was made with")
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("accuracy"));
}

#[test]
fn a_notebook_from_a_newer_studio_is_refused() {
    let path = write(
        "new.json",
        br#"{"schema_version": 9, "title": "x", "cells": []}"#,
    );
    let output = studio().args(["run", &path]).output().expect("runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("written by a newer Studio"));
}

#[test]
fn a_synthetic_notebook_too_large_to_generate_is_refused_without_a_panic() {
    for features in ["4294967295", "18446744073709551615"] {
        let nb = notebook(
            serde_json::from_str(&format!(
                r#"{{"type": "synthetic", "rows": 1000, "features": {features}, "task": "classification", "seed": 1}}"#
            ))
            .expect("json"),
            "class",
            "classification",
            json!({"kind": "logistic"}),
            1,
        );
        let path = write(&format!("synthetic-{features}.json"), nb.as_bytes());
        let output = studio().args(["run", &path]).output().expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "cell 2 (data), source: 1000 rows × {features} features need"
            )) && stderr.contains("choose fewer rows or features"),
            "{stderr}"
        );
    }
}

#[test]
fn a_notebook_that_breaks_a_rule_is_refused_with_the_cell_and_field() {
    let nb = notebook(
        json!({"type": "sample", "name": "iris.csv"}),
        "species",
        "classification",
        json!({"kind": "logistic"}),
        1,
    )
    .replace("\"test_size\":0.2", "\"test_size\":1.5");
    let path = write("bad-test-size.json", nb.as_bytes());
    let output = studio().args(["run", &path]).output().expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cell 3 (split), test_size: should be a fraction between 0 and 1"),
        "{stderr}"
    );
}

#[test]
fn two_train_cells_on_one_split_each_report_under_cells() {
    let nb = json!({
        "schema_version": 2,
        "title": "two models",
        "cells": [
            {"id": 1, "kind": "data", "source": {"type": "sample", "name": "iris.csv"}},
            {"id": 2, "kind": "split", "inputs": [1], "test_size": 0.2, "seed": 7},
            {"id": 3, "kind": "train", "inputs": [2], "target": "species",
             "task": "classification", "model": {"kind": "logistic", "params": {"C": 0.5}}},
            {"id": 4, "kind": "train", "inputs": [2], "target": "species",
             "task": "classification", "model": {"kind": "tree", "params": {"max_depth": 3}}}
        ]
    })
    .to_string();
    let path = write("two-models.json", nb.as_bytes());
    let output = studio()
        .args(["run", &path, "--json"])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let v: Value = serde_json::from_slice(&output.stdout).expect("json");
    // The object today's scripts read is the first train cell's.
    assert_eq!(v["model"], "logistic");
    assert!((v["metrics"]["accuracy"].as_f64().expect("accuracy") - 28.0 / 30.0).abs() < 1e-12);
    let cells = v["cells"].as_array().expect("cells");
    assert_eq!(cells.len(), 2);
    assert_eq!(
        (cells[0]["id"].clone(), cells[1]["id"].clone()),
        (json!(3), json!(4))
    );
    assert_eq!(cells[1]["model"], "tree");
    assert_eq!(cells[1]["title"], "Train · tree → species");
    assert_eq!(cells[1]["n_test"], 30);
    assert!(
        cells[1]["metrics"]["accuracy"]
            .as_f64()
            .is_some_and(|a| a > 0.8)
    );
}
