//! `studio predict`: a fitted pipeline over a new file, streamed, with the
//! columns checked first and values that do not fit reported, not fatal.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{sample, scratch, studio, succeeded};
use serde_json::Value;

fn text(path: &Path) -> String {
    path.display().to_string()
}

/// `studio predict` with `model`, `data` and `out`, and any more arguments.
fn predict(model: &Path, data: &str, out: &Path, more: &[&str]) -> Output {
    studio()
        .args([
            "predict",
            "--model",
            &text(model),
            "--data",
            data,
            "--out",
            &text(out),
        ])
        .args(more)
        .output()
        .expect("runs")
}

/// The `--json` report of a run that must succeed.
fn report(output: &Output) -> Value {
    succeeded(output);
    serde_json::from_slice(&output.stdout).expect("JSON")
}

/// Trains logistic regression on the penguins and writes its model.json.
fn penguin_model(dir: &std::path::Path) -> PathBuf {
    let model = dir.join("model.json");
    let predictions = dir.join("test.csv");
    let output = studio()
        .args([
            "train",
            "--data",
            &sample("penguins.csv"),
            "--target",
            "species",
            "--model",
            "logistic",
        ])
        .args([
            "--model-json",
            &text(&model),
            "--predictions",
            &text(&predictions),
            "--force",
        ])
        .output()
        .expect("runs");
    succeeded(&output);
    model
}

#[test]
fn predicts_every_row_with_the_input_columns_and_each_class_probability() {
    let dir = scratch("rows");
    let model = penguin_model(&dir);
    let out = dir.join("predictions.csv");
    let v = report(&predict(
        &model,
        &sample("penguins.csv"),
        &out,
        &["--force", "--json"],
    ));
    assert_eq!(v["rows"], 344);
    assert!(v["rows_per_second"].as_f64().expect("rate") > 0.0);
    assert_eq!(v["ignored_columns"], serde_json::json!(["species"]));
    let mut reader = csv::Reader::from_path(&out).expect("the predictions");
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "species",
            "island",
            "bill_length_mm",
            "bill_depth_mm",
            "flipper_length_mm",
            "body_mass_g",
            "sex",
            "year",
            "prediction",
            "proba_Adelie",
            "proba_Chinstrap",
            "proba_Gentoo"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
    assert_eq!(rows.len(), 344);
    let right = rows.iter().filter(|r| r[0] == r[8]).count();
    assert!(right >= 330, "{right} of 344 right");
    for row in &rows {
        let total: f64 = (9..12)
            .map(|i| row[i].parse::<f64>().expect("a probability"))
            .sum();
        assert!((total - 1.0).abs() < 1e-9, "{row:?}");
    }
}

#[test]
fn a_value_that_does_not_fit_is_reported_and_its_row_predicted_without_it() {
    let dir = scratch("values");
    let model = penguin_model(&dir);
    let data = dir.join("new.csv");
    std::fs::write(
        &data,
        "island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year,note\n\
         Biscoe,45,15,210,heavy,male,2008,a\nDream,39,18,190,3700,female,2009,b\n",
    )
    .expect("writes");
    let out = dir.join("out.csv");
    let v = report(&predict(&model, &text(&data), &out, &["--force", "--json"]));
    assert_eq!(v["rows"], 2);
    assert_eq!(v["ignored_columns"], serde_json::json!(["note"]));
    assert_eq!(v["problems"][0]["column"], "body_mass_g");
    assert_eq!(v["problems"][0]["examples"][0]["value"], "heavy");
    let written = std::fs::read_to_string(&out).expect("the predictions");
    assert!(
        written
            .lines()
            .nth(1)
            .expect("a row")
            .starts_with("Biscoe,45,15,210,,male,2008,a,Gentoo,"),
        "{written}"
    );
}

#[test]
fn missing_columns_and_onnx_models_are_refused_with_the_reason() {
    let dir = scratch("refused");
    let model = penguin_model(&dir);
    let data = dir.join("few.csv");
    std::fs::write(&data, "island,bill_length_mm\nBiscoe,45\n").expect("writes");
    let out = dir.join("never.csv");
    let output = predict(&model, &text(&data), &out, &[]);
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("has no columns \"bill_depth_mm\", \"flipper_length_mm\", \"body_mass_g\", \"sex\", \"year\", which the model reads"), "{error}");
    assert!(!out.exists() && !dir.join(".never.csv.partial").exists());
    let output = predict(Path::new("model.onnx"), &text(&data), &out, &[]);
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("is an ONNX model: studio predict runs a model.json")
    );
    // An existing output is kept unless --force.
    std::fs::write(&out, "keep").expect("writes");
    let output = predict(&model, &sample("penguins.csv"), &out, &[]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("already exists; pass --force"));
    assert_eq!(std::fs::read_to_string(&out).expect("kept"), "keep");
}
