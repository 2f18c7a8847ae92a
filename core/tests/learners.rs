//! The model conformance suite: every family in the registry passes the same
//! checks, instantiated with one line per family at the bottom of this file.
//!
//! Exported ONNX is run in ONNX Runtime against Studio's predictions by
//! `scripts/check-onnx.sh`, for every family on the bundled data.

use std::path::Path;

use pollster::block_on;
use studio_core::compute::{CpuDevice, Device, DeviceKind, GpuDevice};
use studio_core::export::to_onnx;
use studio_core::frame::Frame;
use studio_core::ingest::read_csv;
use studio_core::learner::{Family, ModelSpec, ParamKind, ParamSpec, ParamValue, Params, registry};
use studio_core::train::{
    OnGpuFailure, Pipeline, Task, TrainSpec, Trained, Trainer, train, train_on,
};

fn sample(name: &str) -> Frame {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data/samples")
        .join(name);
    read_csv(&std::fs::read(path).expect("sample exists"), name).expect("reads")
}

/// A family and the bundled data it is checked on.
struct Case {
    family: &'static dyn Family,
    frame: Frame,
    target: Option<&'static str>,
    task: Task,
    params: Params,
}

/// A conformance line's parameter value: a number, a switch or a choice.
trait Param {
    fn value(self) -> ParamValue;
}

impl Param for f64 {
    fn value(self) -> ParamValue {
        ParamValue::Number(self)
    }
}

impl Param for bool {
    fn value(self) -> ParamValue {
        ParamValue::Bool(self)
    }
}

impl Param for &str {
    fn value(self) -> ParamValue {
        ParamValue::Text(self.to_owned())
    }
}

impl Case {
    fn new(
        name: &str,
        data: &str,
        target: Option<&'static str>,
        params: &[(&str, ParamValue)],
    ) -> Self {
        let family = registry::family(name).expect("in the registry");
        let frame = sample(data);
        let task = target.map_or(family.tasks()[0], |t| {
            Task::infer(frame.column(t).expect("the target is in the data"))
        });
        assert!(family.tasks().contains(&task), "{name} serves {task:?}");
        Self {
            family,
            frame,
            target,
            task,
            params: params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        }
    }

    fn spec(&self) -> TrainSpec {
        let mut model = ModelSpec::new(self.family);
        model.params = self.params.clone();
        TrainSpec {
            target: self.target.map(str::to_owned),
            task: self.task,
            model,
            test_size: 0.2,
            seed: 7,
        }
    }

    fn train(&self) -> Trained {
        block_on(train(&self.frame, None, self.spec())).expect("trains")
    }
}

/// A value just outside `spec`'s rule, where its kind has one.
fn out_of_range(spec: &ParamSpec) -> Option<ParamValue> {
    match spec.kind {
        ParamKind::Float { min, .. } => Some(ParamValue::Number(min - 1.0)),
        ParamKind::Integer { min, .. } => Some(ParamValue::Number(min as f64 - 1.0)),
        ParamKind::Integers { min, .. } => Some(ParamValue::Integers(vec![min - 1])),
        ParamKind::Choice(_) => Some(ParamValue::Text("no such choice".into())),
        ParamKind::Boolean => Some(ParamValue::Number(2.0)),
        ParamKind::ChoiceOrFraction(_) => Some(ParamValue::Number(1.5)),
    }
}

fn parameter_errors(case: &Case) {
    let family = case.family;
    assert!(
        family.check(&Params::new()).is_ok(),
        "{}: the defaults are valid",
        family.name()
    );
    for spec in family.params() {
        assert!(
            !spec.help.is_empty() && !spec.label.is_empty(),
            "{}: documented",
            spec.name
        );
        let Some(bad) = out_of_range(spec) else {
            continue;
        };
        let params: Params = [(spec.name.to_owned(), bad.clone())].into();
        let message = family
            .check(&params)
            .expect_err("an out-of-range value is refused")
            .to_string();
        assert!(
            message.contains(spec.name) && message.contains(&spec.rule()),
            "{}: {message}",
            spec.name
        );
    }
    let unknown: Params = [("no_such_param".to_owned(), ParamValue::Number(1.0))].into();
    let message = family.check(&unknown).expect_err("refused").to_string();
    assert!(message.contains("no_such_param"), "{message}");
    // The defaults must start a fit: a family reading a parameter it does not
    // declare fails here.
    let mut spec = case.spec();
    spec.model.params = Params::new();
    block_on(train(&case.frame, None, spec)).expect("trains with the defaults");
}

fn same_seed_same_model(case: &Case) {
    let (a, b) = (case.train(), case.train());
    assert_eq!(a.pipeline, b.pipeline);
    assert_eq!(a.predictions, b.predictions);
}

fn json_round_trip(case: &Case) {
    let trained = case.train();
    let json = serde_json::to_string(&trained.pipeline).expect("serializes");
    let back: Pipeline = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back, trained.pipeline);
    let x = trained
        .pipeline
        .preprocessing
        .transform_as(&case.frame, &trained.split.test, case.family.arithmetic())
        .expect("transforms");
    assert_eq!(back.model.predict(&x), trained.pipeline.model.predict(&x));
    // The export reads the same pipeline.
    assert!(!to_onnx(&back).expect("exports").is_empty());
}

fn cpu_against_gpu(case: &Case) {
    let gpu = block_on(GpuDevice::request()).unwrap_or_else(|e| {
        panic!("GPU tests need an adapter (install mesa-vulkan-drivers for lavapipe): {e}")
    });
    let cpu = case.train();
    let on_gpu = block_on(train_on(
        &case.frame,
        None,
        case.spec(),
        &Device::Gpu(Box::new(gpu)),
        OnGpuFailure::Stop,
    ))
    .expect("trains where a GPU is offered");
    if on_gpu.device == DeviceKind::Cpu {
        // No GPU path: the same CPU run.
        assert_eq!(on_gpu.pipeline, cpu.pipeline);
        return;
    }
    let agree = cpu
        .predictions
        .labels
        .iter()
        .zip(&on_gpu.predictions.labels)
        .filter(|(a, b)| a == b)
        .count();
    let n = cpu.predictions.labels.len();
    match case.task {
        Task::Regression => {
            for (a, b) in cpu
                .predictions
                .values
                .iter()
                .zip(&on_gpu.predictions.values)
            {
                assert!((a - b).abs() <= 1e-3 * a.abs().max(1.0), "{a} vs {b}");
            }
        }
        Task::Classification | Task::Clustering | Task::Decomposition => {
            assert!(agree * 100 >= n * 98, "{agree} of {n} predictions agree");
        }
    }
}

fn stop_after_one_step(case: &Case) {
    let cpu = Device::Cpu(CpuDevice::default());
    let mut trainer = block_on(Trainer::start(
        &case.frame,
        None,
        case.spec(),
        &cpu,
        OnGpuFailure::Stop,
    ))
    .expect("starts");
    block_on(trainer.step()).expect("steps");
    let stopped = block_on(trainer.finish());
    let p = &stopped.predictions;
    assert_eq!(
        p.labels.len().max(p.components.len()),
        stopped.split.test.len(),
        "a stopped fit still predicts every test row"
    );
    assert!(!to_onnx(&stopped.pipeline).expect("exports").is_empty());
}

/// One line per family: `conformance!(module, family, sample, target, [params])`.
macro_rules! conformance {
    ($module:ident, $family:literal, $data:literal, $target:expr, [$($k:literal = $v:expr),*]) => {
        mod $module {
            use super::*;

            fn case() -> Case {
                Case::new($family, $data, $target, &[$(($k, Param::value($v))),*])
            }

            #[test]
            fn parameter_errors() {
                super::parameter_errors(&case());
            }

            #[test]
            fn same_seed_same_model() {
                super::same_seed_same_model(&case());
            }

            #[test]
            fn json_round_trip() {
                super::json_round_trip(&case());
            }

            #[test]
            fn cpu_against_gpu() {
                super::cpu_against_gpu(&case());
            }

            #[test]
            fn stop_after_one_step() {
                super::stop_after_one_step(&case());
            }
        }
    };
}

#[test]
fn every_registered_family_has_a_conformance_case() {
    let covered = [
        "logistic",
        "linear",
        "lasso",
        "elastic_net",
        "tree",
        "random_forest",
        "gbdt",
        "gaussian_nb",
        "categorical_nb",
        "knn",
        "linear_svm",
        "mlp",
        "kmeans",
        "pca",
    ];
    for family in registry::FAMILIES {
        assert!(
            covered.contains(&family.name()),
            "{} has no conformance!(…) line",
            family.name()
        );
    }
}

conformance!(logistic, "logistic", "iris.csv", Some("species"), []);
conformance!(
    logistic_l1,
    "logistic",
    "breast_cancer.csv",
    Some("diagnosis"),
    ["penalty" = "l1", "C" = 0.1]
);
conformance!(
    logistic_elasticnet,
    "logistic",
    "iris.csv",
    Some("species"),
    ["penalty" = "elasticnet", "l1_ratio" = 0.5]
);
conformance!(
    logistic_balanced,
    "logistic",
    "penguins.csv",
    Some("species"),
    ["class_weight" = "balanced"]
);
conformance!(linear, "linear", "diabetes.csv", Some("progression"), []);
conformance!(
    lasso,
    "lasso",
    "diabetes.csv",
    Some("progression"),
    ["alpha" = 0.1]
);
conformance!(
    elastic_net,
    "elastic_net",
    "diabetes.csv",
    Some("progression"),
    ["alpha" = 0.1, "l1_ratio" = 0.5]
);
conformance!(tree, "tree", "wine.csv", Some("class"), ["max_depth" = 4.0]);
conformance!(
    tree_regression,
    "tree",
    "diabetes.csv",
    Some("progression"),
    ["min_samples_leaf" = 5.0]
);
conformance!(
    random_forest,
    "random_forest",
    "wine.csv",
    Some("class"),
    ["n_estimators" = 12.0]
);
conformance!(
    random_forest_regression,
    "random_forest",
    "diabetes.csv",
    Some("progression"),
    ["n_estimators" = 6.0, "max_depth" = 6.0]
);
conformance!(gbdt, "gbdt", "wine.csv", Some("class"), ["max_iter" = 15.0]);
conformance!(
    gbdt_balanced,
    "gbdt",
    "penguins.csv",
    Some("island"),
    ["max_iter" = 10.0, "class_weight" = "balanced"]
);
conformance!(
    gbdt_binary,
    "gbdt",
    "breast_cancer.csv",
    Some("diagnosis"),
    ["max_iter" = 10.0, "max_leaf_nodes" = 8.0]
);
conformance!(
    gbdt_regression,
    "gbdt",
    "diabetes.csv",
    Some("progression"),
    ["max_iter" = 20.0]
);
conformance!(
    gaussian_nb,
    "gaussian_nb",
    "penguins.csv",
    Some("species"),
    []
);
conformance!(
    categorical_nb,
    "categorical_nb",
    "penguins.csv",
    Some("species"),
    []
);
conformance!(
    categorical_nb_uniform,
    "categorical_nb",
    "wine.csv",
    Some("class"),
    ["n_bins" = 8.0, "strategy" = "uniform", "alpha" = 0.3]
);
conformance!(
    knn,
    "knn",
    "penguins.csv",
    Some("species"),
    ["n_neighbors" = 7.0]
);
conformance!(
    knn_regression,
    "knn",
    "diabetes.csv",
    Some("progression"),
    ["n_neighbors" = 10.0]
);
conformance!(linear_svm, "linear_svm", "wine.csv", Some("class"), []);
conformance!(
    linear_svm_binary,
    "linear_svm",
    "breast_cancer.csv",
    Some("diagnosis"),
    ["C" = 0.5]
);
conformance!(mlp, "mlp", "iris.csv", Some("species"), ["max_iter" = 30.0]);
conformance!(
    mlp_binary,
    "mlp",
    "breast_cancer.csv",
    Some("diagnosis"),
    ["max_iter" = 20.0, "activation" = "tanh"]
);
conformance!(
    mlp_regression,
    "mlp",
    "diabetes.csv",
    Some("progression"),
    [
        "max_iter" = 20.0,
        "solver" = "sgd",
        "learning_rate_init" = 0.01
    ]
);
conformance!(
    mlp_dropout,
    "mlp",
    "wine.csv",
    Some("class"),
    [
        "max_iter" = 25.0,
        "dropout" = 0.3,
        "activation" = "logistic"
    ]
);
conformance!(kmeans, "kmeans", "iris.csv", None, ["n_clusters" = 3.0]);
conformance!(pca, "pca", "penguins.csv", None, ["n_components" = 3.0]);
conformance!(pca_whitened, "pca", "wine.csv", None, ["whiten" = true]);
