//! `studio bench`: the contracted JSON keys, both devices, and clear refusals.

use assert_cmd::Command;
use serde_json::Value;

fn studio() -> Command {
    Command::cargo_bin("studio").expect("the studio binary is built")
}

fn bench_json(args: &[&str]) -> Value {
    let output = studio()
        .arg("bench")
        .args(args)
        .arg("--json")
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

#[test]
fn gemm_on_the_cpu_prints_the_contracted_keys() {
    let value = bench_json(&[
        "gemm", "--size", "96", "--device", "cpu", "--budget", "0.05",
    ]);
    let mut keys: Vec<&str> = value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    let mut contract = [
        "op", "device", "adapter", "m", "n", "k", "seconds", "gflops",
    ];
    contract.sort_unstable();
    assert_eq!(keys, contract);
    assert_eq!(value["op"], "gemm");
    assert_eq!(value["device"], "cpu");
    assert_eq!(
        (
            value["m"].as_u64(),
            value["n"].as_u64(),
            value["k"].as_u64()
        ),
        (Some(96), Some(96), Some(96))
    );
    let seconds = value["seconds"].as_f64().expect("seconds");
    let gflops = value["gflops"].as_f64().expect("gflops");
    assert!(seconds > 0.0, "{value}");
    // The rate is the FLOP count over the time: 2·96³ per run.
    let expected = 2.0 * 96f64.powi(3) / seconds / 1e9;
    assert!((gflops - expected).abs() <= 1e-9 * expected, "{value}");
}

#[test]
fn the_logistic_step_runs_on_the_gpu() {
    let value = bench_json(&[
        "logistic_step",
        "--size",
        "5000",
        "--device",
        "gpu",
        "--budget",
        "0.05",
    ]);
    assert_eq!(value["device"], "gpu");
    assert_eq!(
        (value["m"].as_u64(), value["n"].as_u64()),
        (Some(5000), Some(32))
    );
    assert!(
        !value["adapter"].as_str().unwrap_or_default().is_empty(),
        "{value}"
    );
    assert!(value["gflops"].as_f64().is_some_and(|g| g > 0.0), "{value}");
}

#[test]
fn the_training_objective_runs_on_both_devices() {
    for device in ["cpu", "gpu"] {
        let value = bench_json(&[
            "logistic_objective",
            "--size",
            "4000",
            "--device",
            device,
            "--budget",
            "0.05",
        ]);
        assert_eq!(value["op"], "logistic_objective");
        assert_eq!(value["device"], device);
        // Rows × inputs × classes.
        assert_eq!(
            (
                value["m"].as_u64(),
                value["n"].as_u64(),
                value["k"].as_u64()
            ),
            (Some(4000), Some(32), Some(2))
        );
        let seconds = value["seconds"].as_f64().expect("seconds");
        let gflops = value["gflops"].as_f64().expect("gflops");
        let expected = (4.0 * 4000.0 * 32.0 * 2.0 + 10.0 * 4000.0 * 2.0) / seconds / 1e9;
        assert!((gflops - expected).abs() <= 1e-9 * expected, "{value}");
    }
}

#[test]
fn the_text_table_names_the_operation_and_device() {
    let output = studio()
        .args([
            "bench",
            "histogram",
            "--size",
            "2000",
            "--device",
            "cpu",
            "--budget",
            "0.02",
        ])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.starts_with("op "), "{text}");
    assert!(
        text.contains("histogram          cpu  2000 × 32 × 1"),
        "{text}"
    );
}

#[test]
fn bad_requests_fail_with_a_reason() {
    for (args, reason) in [
        (vec!["bench", "fft"], "unknown operation `fft`"),
        (vec!["bench", "all", "--size", "10"], "default size"),
        (vec!["bench", "gemm", "--size", "0"], "at least 1"),
        (
            vec!["bench", "gemm", "--budget", "0"],
            "positive number of seconds",
        ),
    ] {
        let output = studio().args(&args).output().expect("runs");
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(reason), "{args:?}: {stderr}");
    }
}
