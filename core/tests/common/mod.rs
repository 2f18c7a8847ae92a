//! What the scikit-learn reference tests share: reading a reference file, and
//! training Studio's whole pipeline on the data, split and parameters it names.

use std::path::Path;

use serde_json::Value;
use studio_core::frame::Frame;
use studio_core::ingest::read_csv;
use studio_core::learner::{ModelSpec, ParamValue, registry};
use studio_core::train::{Task, TrainSpec, Trained, train};

/// `tests/reference/<reference>`, written by a script in `scripts/reference/`.
pub fn load(reference: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference")
        .join(reference);
    serde_json::from_str(&std::fs::read_to_string(path).expect("reference exists")).expect("json")
}

pub fn floats(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_f64().expect("number"))
        .collect()
}

pub fn indices(value: &Value) -> Vec<usize> {
    floats(value).into_iter().map(|v| v as usize).collect()
}

/// The reference's `dataset`, read as Studio reads it.
pub fn frame(r: &Value) -> Frame {
    let data = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(r["dataset"].as_str().expect("path"));
    read_csv(&std::fs::read(&data).expect("data exists"), "data.csv").expect("reads")
}

/// Family `family` trained for `task` on the reference's `dataset` and `target`,
/// with its `params` (numbers, switches or words), `test_size` and split `seed`; the test rows
/// are the reference's.
pub fn train_as(r: &Value, family: &str, task: Task) -> Trained {
    let frame = frame(r);
    let spec = TrainSpec {
        target: Some(r["target"].as_str().expect("target").to_owned()),
        task,
        model: model_spec(r, family),
        test_size: r["test_size"].as_f64().expect("test size"),
        seed: r["seed"].as_u64().expect("seed"),
    };
    let trained = pollster::block_on(train(&frame, None, spec)).expect("trains");
    assert_eq!(
        trained.split.test,
        indices(&r["test_indices"]),
        "{}: test rows",
        r["dataset"]
    );
    trained
}

/// Family `family` with the reference's `params` (numbers, switches, words or
/// lists of whole numbers).
pub fn model_spec(r: &Value, family: &str) -> ModelSpec {
    let mut model = ModelSpec::new(registry::family(family).expect("registered"));
    for (name, value) in r["params"].as_object().expect("params") {
        let value = match value {
            Value::Bool(b) => ParamValue::Bool(*b),
            Value::String(s) => ParamValue::Text(s.clone()),
            Value::Array(list) => ParamValue::Integers(
                list.iter()
                    .map(|v| v.as_i64().expect("a whole number"))
                    .collect(),
            ),
            other => ParamValue::Number(other.as_f64().expect("number")),
        };
        model.params.insert(name.clone(), value);
    }
    model
}
