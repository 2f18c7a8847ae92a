//! Every operation on both devices against NumPy and SciPy.
//!
//! `tests/reference/compute.json` is written by `scripts/reference/numpy_compute.py`:
//! float32 inputs and what NumPy computes from them in float64. Each output element
//! must be within `TOLERANCE · (1 + |expected|)`; indices and counts exactly equal.

use pollster::block_on;
use serde_json::Value;
use studio_core::compute::ops::{
    Adam, ColumnStats, Distances, Gemm, Gemv, Histogram, Loss, Reduce, Sgd, Shape,
};
use studio_core::compute::{Compute, CpuDevice, GpuDevice};

const TOLERANCE: f32 = 1e-5;

fn reference() -> Vec<Value> {
    let text = include_str!("reference/compute.json");
    let json: Value = serde_json::from_str(text).expect("the reference file is JSON");
    json["cases"].as_array().expect("a list of cases").clone()
}

fn floats(value: &Value) -> Vec<f32> {
    value
        .as_array()
        .expect("a list of numbers")
        .iter()
        // null is how the reference writes NaN.
        .map(|v| v.as_f64().map_or(f32::NAN, |v| v as f32))
        .collect()
}

fn from<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).expect("parameters in Studio's own names")
}

fn usize_of(params: &Value, key: &str) -> usize {
    params[key].as_u64().expect("a count") as usize
}

/// Runs one reference case and returns each named output.
fn run<D: Compute>(device: &D, case: &Value) -> Vec<(String, Vec<f32>)> {
    let params = &case["params"];
    let input = |name: &str| {
        device
            .upload(&floats(&case["inputs"][name]))
            .expect("upload")
    };
    let shape = || Shape::new(usize_of(params, "rows"), usize_of(params, "cols"));
    let read = |name: &str, buffer: &D::Buffer| {
        (
            name.to_owned(),
            block_on(device.read(buffer)).expect("read"),
        )
    };
    let zeros = |name: &str| {
        let len = case["outputs"][name].as_array().expect("output").len();
        device.zeros(len).expect("buffer")
    };
    let op = case["op"].as_str().expect("op");
    match op {
        "gemm" => {
            let mut c = input("c");
            device
                .gemm(from::<Gemm>(params), &input("a"), &input("b"), &mut c)
                .expect("gemm");
            vec![read("c", &c)]
        }
        "gemv" => {
            let mut y = input("y");
            device
                .gemv(from::<Gemv>(params), &input("a"), &input("x"), &mut y)
                .expect("gemv");
            vec![read("y", &y)]
        }
        "unary" => {
            let mut y = zeros("y");
            device
                .unary(from(&params["op"]), &input("x"), &mut y)
                .expect("unary");
            vec![read("y", &y)]
        }
        "binary" => {
            let mut out = zeros("out");
            device
                .binary(from(&params["op"]), &input("a"), &input("b"), &mut out)
                .expect("binary");
            vec![read("out", &out)]
        }
        "add_row" => {
            let mut x = input("x");
            device
                .add_row(shape(), &mut x, &input("v"))
                .expect("add_row");
            vec![read("x", &x)]
        }
        "softmax" => {
            let mut y = zeros("y");
            device
                .softmax(shape(), &input("x"), &mut y)
                .expect("softmax");
            vec![read("y", &y)]
        }
        "reduce" => {
            let op = Reduce {
                op: from(&params["op"]),
                per: from(&params["per"]),
                shape: shape(),
            };
            let mut out = zeros("out");
            device.reduce(op, &input("x"), &mut out).expect("reduce");
            vec![read("out", &out)]
        }
        "loss" => {
            let op = Loss {
                kind: from(&params["kind"]),
                shape: shape(),
            };
            let (mut grad, mut row_loss) = (zeros("grad"), zeros("row_loss"));
            device
                .loss(op, &input("z"), &input("targets"), &mut grad, &mut row_loss)
                .expect("loss");
            vec![read("grad", &grad), read("row_loss", &row_loss)]
        }
        "distances" => {
            let mut out = zeros("out");
            device
                .distances(
                    from::<Distances>(params),
                    &input("x"),
                    &input("y"),
                    &mut out,
                )
                .expect("distances");
            vec![read("out", &out)]
        }
        "histogram" => {
            let op = Histogram {
                bins: usize_of(params, "bins"),
                lo: params["lo"].as_f64().expect("lo") as f32,
                hi: params["hi"].as_f64().expect("hi") as f32,
            };
            let weights = params["weighted"]
                .as_bool()
                .expect("weighted")
                .then(|| input("weights"));
            let mut out = zeros("out");
            device
                .histogram(op, &input("x"), weights.as_ref(), &mut out)
                .expect("histogram");
            vec![read("out", &out)]
        }
        "column_stats" => {
            let mut out = zeros("out");
            device
                .column_stats(ColumnStats { shape: shape() }, &input("x"), &mut out)
                .expect("column_stats");
            vec![read("out", &out)]
        }
        "sgd" => {
            let (mut p, mut v) = (input("params"), input("velocity"));
            let op: Sgd = from(params);
            let g = input("grads");
            for _ in 0..2 {
                device.sgd(op, &mut p, &g, &mut v).expect("sgd");
            }
            vec![read("params", &p), read("velocity", &v)]
        }
        "adam" => {
            let (mut p, mut m, mut v) = (input("params"), input("m"), input("v"));
            let op: Adam = from(params);
            let g = input("grads");
            for step in [op.step, op.step + 1] {
                device
                    .adam(Adam { step, ..op }, &mut p, &g, &mut m, &mut v)
                    .expect("adam");
            }
            vec![read("params", &p), read("m", &m), read("v", &v)]
        }
        other => panic!("the reference has an operation Studio lacks: {other}"),
    }
}

fn exact(case: &Value) -> bool {
    let op = case["op"].as_str().unwrap_or_default();
    let reduction = case["params"]["op"].as_str().unwrap_or_default();
    (op == "reduce" && ["min", "max", "arg_min", "arg_max"].contains(&reduction))
        || (op == "histogram" && case["params"]["weighted"] == Value::Bool(false))
}

fn check<D: Compute>(device: &D, name: &str) {
    let mut failures = Vec::new();
    let cases = reference();
    for case in &cases {
        for (output, got) in run(device, case) {
            let want = floats(&case["outputs"][output.as_str()]);
            assert_eq!(got.len(), want.len(), "{case}");
            for (i, (&g, &w)) in got.iter().zip(&want).enumerate() {
                let ok = if w.is_nan() {
                    g.is_nan()
                } else if exact(case) {
                    g == w
                } else {
                    (g - w).abs() <= TOLERANCE * (1.0 + w.abs())
                };
                if !ok {
                    failures.push(format!(
                        "{} {} {output}[{i}]: {name} {g}, NumPy {w}",
                        case["op"], case["params"]
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn cpu_agrees_with_numpy() {
    check(&CpuDevice::default(), "CPU");
}

#[test]
fn gpu_agrees_with_numpy() {
    let gpu = block_on(GpuDevice::request()).unwrap_or_else(|e| {
        panic!("GPU tests need an adapter (install mesa-vulkan-drivers for lavapipe): {e}")
    });
    check(&gpu, "GPU");
}
