//! `studio train` as a person runs it, on the bundled samples and on broken files.

mod common;

use common::{sample, scratch, studio, succeeded};
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let output = studio().args(args).arg("--json").output().expect("runs");
    succeeded(&output);
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

fn failure(args: &[&str]) -> String {
    let output = studio().args(args).output().expect("runs");
    assert!(!output.status.success(), "should fail: {args:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn trains_a_classifier_and_prints_the_contracted_json() {
    let iris = sample("iris.csv");
    let v = json(&["train", "--data", &iris, "--target", "species"]);
    assert_eq!(v["task"], "classification");
    assert_eq!(v["model"], "logistic");
    // The default, --device auto: the GPU where one passes verification.
    assert!(
        v["device"] == "gpu" || v["device"] == "cpu",
        "{}",
        v["device"]
    );
    assert_eq!(
        (v["n_train"].as_u64(), v["n_test"].as_u64()),
        (Some(120), Some(30))
    );
    // scikit-learn's accuracy on the same split (tests/reference/iris_logistic.json).
    assert!((v["metrics"]["accuracy"].as_f64().expect("accuracy") - 28.0 / 30.0).abs() < 1e-12);
    assert!(v["metrics"]["f1_macro"].is_number());
    // The optimizer's record: its iterations and the objective it ended on.
    assert_eq!(v["converged"], true);
    assert!(v["iterations"].as_u64().expect("iterations") > 1);
    // Below the loss at the start: 120 rows at ln 3 each.
    let loss = v["training_loss"].as_f64().expect("training loss");
    assert!(loss > 0.0 && loss < 120.0 * 3f64.ln(), "{loss}");
}

#[test]
fn the_gpu_and_the_cpu_train_the_same_classifier() {
    let iris = sample("iris.csv");
    let run = |device| {
        json(&[
            "train", "--data", &iris, "--target", "species", "--device", device,
        ])
    };
    let (cpu, gpu) = (run("cpu"), run("gpu"));
    assert_eq!(cpu["device"], "cpu");
    assert_eq!(cpu["device_reason"], "the CPU was requested");
    // A GPU asked for by name takes every fit with a GPU path, however small.
    assert_eq!(gpu.get("device_reason"), None);
    // The GPU tests run on lavapipe; without an adapter this fails rather than skips.
    assert_eq!(gpu["device"], "gpu");
    assert_eq!(gpu["metrics"]["accuracy"], cpu["metrics"]["accuracy"]);
    assert_eq!(gpu["metrics"]["f1_macro"], cpu["metrics"]["f1_macro"]);
    assert!((gpu["metrics"]["accuracy"].as_f64().expect("accuracy") - 28.0 / 30.0).abs() < 1e-12);
}

#[test]
fn without_a_gpu_auto_trains_on_the_cpu_and_gpu_fails_with_the_reason() {
    let iris = sample("iris.csv");
    let args = ["train", "--data", &iris, "--target", "species"];
    // Metal is not built in, so this backend offers no adapter.
    let no_gpu = || {
        let mut command = studio();
        command.env("WGPU_BACKEND", "metal").args(args);
        command
    };
    let output = no_gpu().arg("--json").output().expect("runs");
    assert!(output.status.success());
    let v: Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    assert_eq!(v["device"], "cpu");
    let output = no_gpu().args(["--device", "gpu"]).output().expect("runs");
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("there is no GPU to train on: no GPU adapter was found"),
        "{message}"
    );
}

#[test]
fn an_unknown_device_is_refused() {
    let iris = sample("iris.csv");
    let message = failure(&[
        "train", "--data", &iris, "--target", "species", "--device", "tpu",
    ]);
    assert!(
        message.contains("possible values: auto, gpu, cpu"),
        "{message}"
    );
}

#[test]
fn trains_a_regressor_with_parameters_and_a_seed() {
    let diabetes = sample("diabetes.csv");
    let v = json(&[
        "train",
        "--data",
        &diabetes,
        "--target",
        "progression",
        "--param",
        "alpha=10",
        "--seed",
        "3",
        "--test-size",
        "0.25",
    ]);
    assert_eq!(v["task"], "regression");
    assert_eq!(v["model"], "linear");
    for key in ["rmse", "mae", "r2"] {
        assert!(v["metrics"][key].is_number(), "{key}");
    }
    assert_eq!(v["n_test"], 111);
}

#[test]
fn writes_predictions_and_the_model_json() {
    let dir = scratch("outputs");
    let (predictions, model) = (dir.join("p.csv"), dir.join("model.json"));
    let iris = sample("iris.csv");
    json(&[
        "train",
        "--data",
        &iris,
        "--target",
        "species",
        "--predictions",
        predictions.to_str().expect("utf-8"),
        "--model-json",
        model.to_str().expect("utf-8"),
    ]);
    let text = std::fs::read_to_string(&predictions).expect("predictions written");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("prediction,proba_setosa,proba_versicolor,proba_virginica")
    );
    assert_eq!(lines.count(), 30);
    let pipeline: Value =
        serde_json::from_str(&std::fs::read_to_string(&model).expect("model written"))
            .expect("json");
    assert_eq!(pipeline["target"], "species");
    assert_eq!(pipeline["model"]["kind"], "logistic");
    // Four number columns: each read, imputed and standardized.
    assert_eq!(
        pipeline["preprocessing"]["inputs"].as_array().map(Vec::len),
        Some(4)
    );
    let steps: Vec<&str> = pipeline["preprocessing"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(|s| s["step"].as_str())
        .collect();
    assert_eq!(steps, ["impute_mean", "standardize"]);
    assert_eq!(
        pipeline["preprocessing"]["steps"][1]["columns"]
            .as_array()
            .map(Vec::len),
        Some(4)
    );
}

#[test]
fn a_separate_test_file_is_held_out_whole() {
    let dir = scratch("test-data");
    let iris = std::fs::read_to_string(sample("iris.csv")).expect("sample");
    let mut lines = iris.lines();
    let header = lines.next().expect("header");
    let rows: Vec<&str> = lines.collect();
    // Every fifth row tests; the rest train.
    let part = |test: bool| -> Vec<&str> {
        let picked = rows
            .iter()
            .enumerate()
            .filter(|(i, _)| (i % 5 == 0) == test);
        std::iter::once(header)
            .chain(picked.map(|(_, r)| *r))
            .collect()
    };
    let write = |name: &str, lines: Vec<&str>| {
        let path = dir.join(name);
        std::fs::write(&path, lines.join("\n")).expect("write");
        path
    };
    let (train, test) = (
        write("train.csv", part(false)),
        write("test.csv", part(true)),
    );
    let v = json(&[
        "train",
        "--data",
        train.to_str().expect("utf-8"),
        "--target",
        "species",
        "--test-data",
        test.to_str().expect("utf-8"),
    ]);
    assert_eq!(
        (v["n_train"].as_u64(), v["n_test"].as_u64()),
        (Some(120), Some(30))
    );
}

#[test]
fn bad_input_fails_with_a_message_that_says_what_and_where() {
    let dir = scratch("bad");
    let file = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        path.to_str().expect("utf-8").to_owned()
    };
    let cases = [
        (file("empty.csv", b""), "y", "empty.csv is empty"),
        (
            file("header.csv", b"x,y\n"),
            "y",
            "has a header but no data rows",
        ),
        (file("blank.csv", b"  \n\n"), "y", "blank.csv is empty"),
        (
            file("one.csv", b"x,y\n1,a\n2,a\n3,a\n4,a\n5,a\n"),
            "y",
            "only one class",
        ),
        (
            file("missing.csv", b"x,y\n1,NA\n2,NA\n3,\n"),
            "y",
            "is empty in every row",
        ),
    ];
    for (path, target, expected) in cases {
        let message = failure(&["train", "--data", &path, "--target", target]);
        assert!(message.contains(expected), "{path}: {message}");
    }
    let iris = sample("iris.csv");
    let message = failure(&[
        "train", "--data", &iris, "--target", "species", "--param", "c=-1",
    ]);
    assert!(
        message.contains("c should be a positive number"),
        "{message}"
    );
    let message = failure(&[
        "train", "--data", &iris, "--target", "species", "--param", "c",
    ]);
    assert!(message.contains("NAME=VALUE"), "{message}");
}

/// The names in `dir`, sorted.
fn listing(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("lists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn an_output_that_names_an_input_is_refused_and_the_input_kept() {
    let dir = scratch("clobber");
    let data = dir.join("iris.csv");
    std::fs::copy(sample("iris.csv"), &data).expect("copy");
    let before = std::fs::read(&data).expect("reads");
    // Spelled differently from --data, so only the canonical paths are equal.
    let same = dir.join(".").join("iris.csv");
    for flag in ["--predictions", "--model-json", "--onnx"] {
        let message = failure(&[
            "train",
            "--data",
            data.to_str().expect("utf-8"),
            "--target",
            "species",
            flag,
            same.to_str().expect("utf-8"),
            "--force",
        ]);
        assert!(
            message.contains(&format!("{flag} {}", same.display()))
                && message.contains("is the input file"),
            "{message}"
        );
    }
    assert_eq!(std::fs::read(&data).expect("reads"), before);
}

#[test]
fn an_existing_output_is_replaced_only_with_force() {
    let dir = scratch("force");
    let model = dir.join("model.json");
    std::fs::write(&model, "old").expect("write");
    let iris = sample("iris.csv");
    let args = [
        "train",
        "--data",
        &iris,
        "--target",
        "species",
        "--model-json",
        model.to_str().expect("utf-8"),
    ];
    let message = failure(&args);
    assert!(
        message.contains(&format!("{} already exists", model.display()))
            && message.contains("--force"),
        "{message}"
    );
    assert_eq!(std::fs::read_to_string(&model).expect("reads"), "old");
    let output = studio().args(args).arg("--force").output().expect("runs");
    assert!(output.status.success(), "{output:?}");
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(&model).expect("reads")).expect("json");
    assert_eq!(written["target"], "species");
    assert_eq!(listing(&dir), ["model.json"], "no temporary file is left");
}

#[test]
fn an_output_that_cannot_be_written_leaves_no_other_output() {
    let dir = scratch("half");
    let (model, onnx) = (dir.join("model.json"), dir.join("model.onnx"));
    let unwritable = dir.join("no-such-dir").join("p.csv");
    let iris = sample("iris.csv");
    let message = failure(&[
        "train",
        "--data",
        &iris,
        "--target",
        "species",
        "--model-json",
        model.to_str().expect("utf-8"),
        "--onnx",
        onnx.to_str().expect("utf-8"),
        "--predictions",
        unwritable.to_str().expect("utf-8"),
    ]);
    assert!(
        message.contains(&unwritable.display().to_string()),
        "{message}"
    );
    assert_eq!(listing(&dir), Vec::<String>::new(), "nothing is written");
}

#[test]
fn a_failed_training_writes_no_output() {
    let dir = scratch("failed");
    let onnx = dir.join("model.onnx");
    let iris = sample("iris.csv");
    let message = failure(&[
        "train",
        "--data",
        &iris,
        "--target",
        "species",
        "--param",
        "c=-1",
        "--onnx",
        onnx.to_str().expect("utf-8"),
    ]);
    assert!(message.contains("c should be"), "{message}");
    assert_eq!(listing(&dir), Vec::<String>::new());
}

#[test]
fn every_output_is_written_and_no_temporary_is_left() {
    let dir = scratch("all-outputs");
    let path = |name: &str| dir.join(name).to_str().expect("utf-8").to_owned();
    let iris = sample("iris.csv");
    json(&[
        "train",
        "--data",
        &iris,
        "--target",
        "species",
        "--onnx",
        &path("m.onnx"),
        "--model-json",
        &path("m.json"),
        "--predictions",
        &path("p.csv"),
    ]);
    assert_eq!(listing(&dir), ["m.json", "m.onnx", "p.csv"]);
}

#[test]
fn predictions_of_a_yes_no_target_are_yes_and_no() {
    let dir = scratch("yes-no");
    let data = dir.join("shop.csv");
    let mut csv = String::from("x,bought\n");
    for i in 0..40 {
        csv.push_str(&format!("{i},{}\n", if i % 2 == 0 { "Yes" } else { "No" }));
    }
    std::fs::write(&data, csv).expect("writes");
    let predictions = dir.join("p.csv");
    let output = studio()
        .args([
            "train",
            "--data",
            data.to_str().expect("utf-8"),
            "--target",
            "bought",
        ])
        .args([
            "--model",
            "tree",
            "--predictions",
            predictions.to_str().expect("utf-8"),
        ])
        .output()
        .expect("runs");
    succeeded(&output);
    let text = std::fs::read_to_string(&predictions).expect("predictions");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("prediction,proba_No,proba_Yes"));
    assert!(
        lines.all(|l| l.starts_with("Yes,") || l.starts_with("No,")),
        "{text}"
    );
}

#[test]
fn online_streams_the_file_and_writes_the_same_outputs() {
    let dir = scratch("online");
    // Forty thousand rows; reading a file in many chunks is tested in core
    // (tests/online_training.rs), with smaller chunks.
    let mut csv = String::from("x1,x2,group,label\n");
    for i in 0..40_000u64 {
        let x1 = ((i * 7919) % 1000) as f64 / 100.0;
        let x2 = ((i * 104_729) % 997) as f64 / 50.0;
        let group = ["north", "south"][(i % 2) as usize];
        let score = x1 - 0.5 * x2 + if group == "north" { 1.0 } else { -1.0 };
        let label = if score + ((i * 31) % 7) as f64 * 0.3 > 1.0 {
            "yes"
        } else {
            "no"
        };
        if i == 1234 {
            // One value that is not a number: read as missing, and said once.
            csv.push_str(&format!("oops,{x2},{group},{label}\n"));
        } else {
            csv.push_str(&format!("{x1},{x2},{group},{label}\n"));
        }
    }
    let data = dir.join("big.csv");
    std::fs::write(&data, csv).expect("writes the data");
    let (onnx, model) = (dir.join("online.onnx"), dir.join("online.json"));
    let predictions = dir.join("online-predictions.csv");
    let data = data.to_str().expect("a UTF-8 path");
    let v = json(&[
        "train",
        "--data",
        data,
        "--target",
        "label",
        "--online",
        "--epochs",
        "3",
        "--onnx",
        onnx.to_str().expect("a UTF-8 path"),
        "--model-json",
        model.to_str().expect("a UTF-8 path"),
        "--predictions",
        predictions.to_str().expect("a UTF-8 path"),
        "--force",
    ]);
    assert_eq!(v["task"], "classification");
    assert_eq!(v["model"], "logistic");
    assert_eq!(v["device"], "cpu");
    let n_train = v["n_train"].as_u64().expect("n_train");
    let n_test = v["n_test"].as_u64().expect("n_test");
    assert_eq!(n_train + n_test, 40_000);
    assert!(
        (7_000..=9_000).contains(&n_test),
        "{n_test} held out at 0.2"
    );
    assert!(v["iterations"].as_u64().expect("epochs") <= 3);
    assert!(v["training_loss"].as_f64().expect("a loss") > 0.0);
    assert!(
        v["metrics"]["accuracy"].as_f64().expect("accuracy") > 0.85,
        "{v}"
    );
    assert!(std::fs::metadata(&onnx).expect("the ONNX model").len() > 0);
    let pipeline: Value =
        serde_json::from_slice(&std::fs::read(&model).expect("the model JSON")).expect("JSON");
    assert_eq!(pipeline["model"]["kind"], "logistic");
    let lines = std::fs::read_to_string(&predictions).expect("the predictions");
    assert_eq!(lines.lines().next(), Some("prediction,proba_no,proba_yes"));
    assert_eq!(lines.lines().count() as u64, n_test + 1);

    // The load report is told once, on stderr, however many passes read the file.
    let output = studio()
        .args([
            "train", "--data", data, "--target", "label", "--online", "--epochs", "2",
        ])
        .output()
        .expect("runs");
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.matches("could not be read").count(), 1, "{stderr}");
    assert!(stderr.contains("\"oops\""), "{stderr}");

    // A family that needs every row at once is refused with the ones that stream.
    let refused = failure(&[
        "train", "--data", data, "--target", "label", "--online", "--model", "tree",
    ]);
    assert!(
        refused.contains("tree") && refused.contains("linear_svm"),
        "{refused}"
    );
    // A test file without the training file's columns is refused before training.
    let other = dir.join("other.csv");
    std::fs::write(&other, "x1,group,label\n1,north,yes\n2,south,no\n").expect("writes");
    let refused = failure(&[
        "train",
        "--data",
        data,
        "--test-data",
        other.to_str().expect("a UTF-8 path"),
        "--target",
        "label",
        "--online",
    ]);
    assert!(refused.contains("no column \"x2\""), "{refused}");
    assert!(!refused.contains("epoch"), "{refused}");
    // The optimizer's flags belong to --online.
    let alone = failure(&[
        "train", "--data", data, "--target", "label", "--epochs", "2",
    ]);
    assert!(alone.contains("--online"), "{alone}");
}
