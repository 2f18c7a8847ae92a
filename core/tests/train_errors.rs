//! Bad training input gives a message that says what is wrong and what to do.

use studio_core::ingest::read_csv;
use studio_core::learner::{ModelSpec, ParamValue, registry};
use studio_core::train::{Task, TrainSpec, train};

fn error(csv: &str, target: &str, task: Task, model: &str) -> String {
    let frame = read_csv(csv.as_bytes(), "t.csv").expect("reads");
    let spec = TrainSpec {
        target: Some(target.to_owned()),
        task,
        model: ModelSpec::new(registry::family(model).expect("known")),
        test_size: 0.25,
        seed: 1,
    };
    pollster::block_on(train(&frame, None, spec))
        .expect_err("training must fail")
        .to_string()
}

const ONE_CLASS: &str = "x,y\n1,a\n2,a\n3,a\n4,a\n5,a\n6,a\n7,a\n8,a\n";
const NO_TARGET: &str = "x,y\n1,NA\n2,\n3,NA\n4,NA\n";

#[test]
fn a_target_with_one_class_is_refused() {
    let message = error(ONE_CLASS, "y", Task::Classification, "logistic");
    assert!(message.contains("only one class (\"a\")"), "{message}");
}

#[test]
fn an_entirely_missing_target_is_refused() {
    let message = error(NO_TARGET, "y", Task::Classification, "logistic");
    assert!(message.contains("\"y\" is empty in every row"), "{message}");
}

#[test]
fn an_unknown_target_and_a_mismatched_model_are_refused() {
    let message = error(ONE_CLASS, "z", Task::Classification, "logistic");
    assert!(message.contains("no column \"z\""), "{message}");
    let message = error(ONE_CLASS, "x", Task::Regression, "logistic");
    assert!(message.contains("choose linear"), "{message}");
}

#[test]
fn bad_hyperparameters_are_refused_before_fitting() {
    let frame = read_csv(b"x,y\n1,2\n2,4\n3,6\n4,8\n", "t.csv").expect("reads");
    let mut model = ModelSpec::new(registry::family("linear").expect("linear"));
    model
        .params
        .insert("alpha".into(), ParamValue::Number(-2.0));
    let spec = TrainSpec {
        target: Some("y".into()),
        task: Task::Regression,
        model,
        test_size: 0.25,
        seed: 1,
    };
    let message = pollster::block_on(train(&frame, None, spec))
        .expect_err("fails")
        .to_string();
    assert!(
        message.contains("alpha should be zero or a positive number"),
        "{message}"
    );
}
