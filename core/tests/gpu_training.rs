//! Training on the GPU against the CPU reference.
//!
//! The GPU evaluates the objectives in f32 with WGSL kernels; the CPU in f64. Both
//! must reach the same optimum on the bundled data, to the precision f32 allows,
//! and predict the same. Like the conformance suite, these tests run on whatever
//! adapter wgpu finds (lavapipe on CI) and fail, never skip, without one.

use std::path::Path;

use pollster::block_on;
use studio_core::compute::{ComputeError, CpuDevice, Device, DeviceKind, GpuDevice};
use studio_core::frame::Frame;
use studio_core::ingest::read_csv;
use studio_core::learner::{Fitted, ModelSpec, ParamValue, registry};
use studio_core::model::GpuLinearLoss;
use studio_core::model::linear::LinearModel;
use studio_core::model::logistic::LogisticModel;
use studio_core::model::{
    GpuSoftmaxCrossEntropy, GpuSquaredError, Objective, SoftmaxCrossEntropy, SquaredError,
};
use studio_core::rng::SplitMix64;
use studio_core::synthetic::Synthetic;
use studio_core::train::{
    Metrics, OnGpuFailure, Task, TrainError, TrainSpec, Trained, Trainer, train_on,
};

fn gpu() -> GpuDevice {
    block_on(GpuDevice::request()).unwrap_or_else(|e| {
        panic!("GPU tests need an adapter (install mesa-vulkan-drivers for lavapipe): {e}")
    })
}

fn sample(name: &str) -> Frame {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data/samples")
        .join(name);
    read_csv(&std::fs::read(path).expect("sample exists"), name).expect("reads")
}

fn spec(target: &str, task: Task, family: &str) -> TrainSpec {
    TrainSpec {
        target: Some(target.to_owned()),
        task,
        model: ModelSpec::new(registry::family(family).expect("known")),
        test_size: 0.2,
        seed: 42,
    }
}

/// A fitted model read back as its family's own type.
fn as_model<T: serde::de::DeserializeOwned>(fitted: &Fitted) -> T {
    serde_json::from_value(serde_json::to_value(fitted).expect("json")).expect("the family's model")
}

fn on_cpu(frame: &Frame, spec: TrainSpec) -> Trained {
    block_on(train_on(
        frame,
        None,
        spec,
        &Device::Cpu(CpuDevice::default()),
        OnGpuFailure::Stop,
    ))
    .expect("trains on the CPU")
}

/// The same run on the CPU and on the GPU.
fn both(frame: &Frame, spec: TrainSpec) -> (Trained, Trained) {
    let cpu = on_cpu(frame, spec.clone());
    let gpu = block_on(train_on(
        frame,
        None,
        spec,
        &Device::Gpu(Box::new(gpu())),
        OnGpuFailure::Stop,
    ))
    .expect("trains on the GPU");
    assert_eq!(gpu.fallback, None);
    assert_eq!(cpu.device, DeviceKind::Cpu);
    assert_eq!(gpu.device, DeviceKind::Gpu);
    assert!(cpu.converged, "the CPU run did not converge");
    assert!(gpu.converged, "the GPU run did not converge");
    assert_eq!(cpu.split, gpu.split);
    (cpu, gpu)
}

fn relative(got: f64, want: f64) -> f64 {
    (got - want).abs() / want.abs().max(f64::MIN_POSITIVE)
}

/// Both runs reach the same minimum: the final objectives within 1e-4, relatively.
fn same_objective(cpu: &Trained, gpu: &Trained) -> f64 {
    let (c, g) = (
        *cpu.loss_curve.last().expect("curve"),
        *gpu.loss_curve.last().expect("curve"),
    );
    let error = relative(g, c);
    assert!(error <= 1e-4, "objective: GPU {g} vs CPU {c} ({error:e})");
    error
}

/// Largest `|gpu − cpu| / max(|cpu|, 1)` over the coefficients, checked against `tol`.
fn same_coefficients(name: &str, cpu: &[f64], gpu: &[f64], tol: f64) -> f64 {
    assert_eq!(cpu.len(), gpu.len(), "{name}: lengths");
    let mut worst = 0.0f64;
    for (i, (c, g)) in cpu.iter().zip(gpu).enumerate() {
        let error = (g - c).abs() / c.abs().max(1.0);
        assert!(
            error <= tol,
            "{name}[{i}]: GPU {g} vs CPU {c} (tolerance {tol})"
        );
        worst = worst.max(error);
    }
    worst
}

/// The coefficients agree to this, scaled by `max(|w|, 1)` (intercepts of the
/// logistic model after removing their common shift). An f32 run stops where its
/// gradient reaches its rounding floor, `ε₃₂·Σ|terms|`; the weights are then off by
/// about that over the objective's curvature. Measured on lavapipe: 2e-7 (Iris) and
/// 5e-5 (Diabetes, whose objective is a sum of squares near 10⁶).
const LOGISTIC_COEF_TOLERANCE: f64 = 1e-4;
const RIDGE_COEF_TOLERANCE: f64 = 1e-3;

#[test]
fn iris_logistic_trains_to_the_same_model_on_the_gpu() {
    let frame = sample("iris.csv");
    let (cpu, gpu) = both(&frame, spec("species", Task::Classification, "logistic"));
    let objective = same_objective(&cpu, &gpu);
    assert_eq!(gpu.predictions.labels, cpu.predictions.labels);
    let (
        LogisticModel {
            coef: cpu_coef,
            intercept: cpu_intercept,
            ..
        },
        LogisticModel {
            coef: gpu_coef,
            intercept: gpu_intercept,
            ..
        },
    ) = (as_model(&cpu.pipeline.model), as_model(&gpu.pipeline.model));
    let mut worst = 0.0f64;
    for (c, g) in cpu_coef.iter().zip(gpu_coef) {
        worst = worst.max(same_coefficients("coef", c, &g, LOGISTIC_COEF_TOLERANCE));
    }
    // Intercepts are defined up to a common shift.
    let centred = |b: &[f64]| {
        let mean = b.iter().sum::<f64>() / b.len() as f64;
        b.iter().map(|v| v - mean).collect::<Vec<_>>()
    };
    worst = worst.max(same_coefficients(
        "intercept",
        &centred(&cpu_intercept),
        &centred(&gpu_intercept),
        LOGISTIC_COEF_TOLERANCE,
    ));
    let (Metrics::Classification(c), Metrics::Classification(g)) = (&cpu.metrics, &gpu.metrics)
    else {
        panic!("both are classifiers");
    };
    assert_eq!(c.accuracy, g.accuracy);
    eprintln!(
        "iris: objective {objective:.1e}, coefficients {worst:.1e}; {} CPU and {} GPU iterations",
        cpu.loss_curve.len() - 1,
        gpu.loss_curve.len() - 1
    );
}

#[test]
fn l1_and_elastic_net_logistic_regression_stay_on_the_cpu_where_a_gpu_is_offered() {
    let frame = sample("iris.csv");
    for penalty in ["l1", "elasticnet"] {
        let mut spec = spec("species", Task::Classification, "logistic");
        spec.model
            .params
            .insert("penalty".into(), ParamValue::Text(penalty.into()));
        let cpu = block_on(train_on(
            &frame,
            None,
            spec.clone(),
            &Device::Cpu(CpuDevice::default()),
            OnGpuFailure::Stop,
        ))
        .expect("trains on the CPU");
        let offered = block_on(train_on(
            &frame,
            None,
            spec,
            &Device::Gpu(Box::new(gpu())),
            OnGpuFailure::Stop,
        ))
        .expect("trains where a GPU is offered");
        assert_eq!(offered.device, DeviceKind::Cpu, "{penalty}");
        assert_eq!(offered.fallback, None, "{penalty}");
        assert_eq!(offered.pipeline, cpu.pipeline, "{penalty}");
    }
}

#[test]
fn a_gpu_chosen_by_auto_takes_only_fits_large_enough_to_pay_for_it() {
    let auto = |frame: &Frame, spec: TrainSpec| {
        let gpu = Device::Gpu(Box::new(gpu().only_where_it_pays()));
        block_on(train_on(frame, None, spec, &gpu, OnGpuFailure::GoOnOnCpu)).expect("trains")
    };
    // Iris: 120 rows × 15 parameters, far below the GPU's break-even.
    let iris = sample("iris.csv");
    let small = auto(&iris, spec("species", Task::Classification, "logistic"));
    assert_eq!(small.device, DeviceKind::Cpu);
    let reason = small.cpu_reason.expect("a reason");
    assert!(
        reason.starts_with("about 3 600 multiply-adds an iteration are too few to pay for the GPU"),
        "{reason}"
    );
    // A tree has no GPU path at any size.
    let tree = auto(&iris, spec("species", Task::Classification, "tree"));
    assert_eq!(tree.device, DeviceKind::Cpu);
    assert_eq!(
        tree.cpu_reason.as_deref(),
        Some("Decision tree has no GPU path, so it ran on the CPU")
    );
    // Boosting's largest histogram is its root's: 120 rows × 4 features.
    let boosted = auto(&iris, spec("species", Task::Classification, "gbdt"));
    assert_eq!(boosted.device, DeviceKind::Cpu);
    let reason = boosted.cpu_reason.expect("a reason");
    assert!(
        reason.starts_with("about 480 multiply-adds an iteration"),
        "{reason}"
    );
    // Asked for by name, the GPU is turned down by the fit itself, which says why.
    let named = Device::Gpu(Box::new(gpu()));
    let boosted = block_on(train_on(
        &iris,
        None,
        spec("species", Task::Classification, "gbdt"),
        &named,
        OnGpuFailure::Stop,
    ))
    .expect("trains");
    assert_eq!(boosted.device, DeviceKind::Cpu);
    assert_eq!(
        boosted.cpu_reason.as_deref(),
        Some(
            "gradient boosting's largest histogram, 120 rows × 4 features, is too small to pay \
             for a wait on the GPU (that takes from 4 194 304 additions), so it ran on the CPU"
        )
    );
    // 40 000 training rows × 3 classes × 21 parameters, twice: above it.
    let large = Synthetic {
        rows: 50_000,
        features: 20,
        task: Task::Classification,
        seed: 3,
    }
    .generate()
    .expect("generates");
    let mut spec = spec("class", Task::Classification, "logistic");
    spec.model
        .params
        .insert("max_iter".into(), ParamValue::Number(2.0));
    let trained = auto(&large, spec);
    assert_eq!(
        (trained.device, trained.cpu_reason),
        (DeviceKind::Gpu, None)
    );
}

#[test]
fn diabetes_ridge_trains_to_the_same_model_on_the_gpu() {
    let frame = sample("diabetes.csv");
    let (cpu, gpu) = both(&frame, spec("progression", Task::Regression, "linear"));
    let objective = same_objective(&cpu, &gpu);
    let (
        LinearModel {
            coef: cpu_coef,
            intercept: cpu_intercept,
        },
        LinearModel {
            coef: gpu_coef,
            intercept: gpu_intercept,
        },
    ) = (as_model(&cpu.pipeline.model), as_model(&gpu.pipeline.model));
    let worst = same_coefficients("coef", &cpu_coef, &gpu_coef, RIDGE_COEF_TOLERANCE).max(
        same_coefficients(
            "intercept",
            &[cpu_intercept],
            &[gpu_intercept],
            RIDGE_COEF_TOLERANCE,
        ),
    );
    let (Metrics::Regression(c), Metrics::Regression(g)) = (&cpu.metrics, &gpu.metrics) else {
        panic!("both are regressors");
    };
    for (name, c, g) in [
        ("rmse", c.rmse, g.rmse),
        ("mae", c.mae, g.mae),
        ("r2", c.r2, g.r2),
    ] {
        assert!(relative(g, c) <= 1e-3, "{name}: GPU {g} vs CPU {c}");
    }
    eprintln!(
        "diabetes: objective {objective:.1e}, coefficients {worst:.1e}; {} CPU and {} GPU iterations",
        cpu.loss_curve.len() - 1,
        gpu.loss_curve.len() - 1
    );
}

/// Uniform in [-1, 1) from a seed.
fn uniform(rng: &mut SplitMix64, n: usize) -> Vec<f64> {
    (0..n).map(|_| f64::from(rng.next_unit())).collect()
}

/// `|gpu − cpu| <= EVAL_TOLERANCE · scale` for the value and each gradient entry,
/// where `scale` is the sum of the magnitudes of the terms summed into it (rows
/// × features, all of size about 1 here): f32 sums in another order differ by a
/// few ulps of that magnitude.
const EVAL_TOLERANCE: f64 = 1e-6;

fn compare_eval<C: Objective, G: Objective>(cpu: &C, gpu: &G, params: &[f64], scale: f64) {
    let (mut want, mut got) = (vec![0.0; params.len()], vec![0.0; params.len()]);
    let value_cpu = block_on(cpu.eval(params, &mut want)).expect("the CPU answers");
    let value_gpu = block_on(gpu.eval(params, &mut got)).expect("the GPU answers");
    assert_eq!(gpu.dim(), cpu.dim());
    assert_eq!(gpu.precision(), f64::from(f32::EPSILON));
    let mut worst = (value_gpu - value_cpu).abs() / scale;
    assert!(
        worst <= EVAL_TOLERANCE,
        "value: GPU {value_gpu} vs CPU {value_cpu}"
    );
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        let error = (g - w).abs() / scale;
        assert!(error <= EVAL_TOLERANCE, "gradient[{i}]: GPU {g} vs CPU {w}");
        worst = worst.max(error);
    }
    eprintln!("one evaluation: largest scaled difference {worst:.1e}");
}

#[test]
fn one_gpu_evaluation_matches_the_cpu_objectives() {
    let gpu = gpu();
    // Ragged sizes: rows span several workgroups with a partial last one.
    let (rows, inputs, classes) = (300, 7, 4);
    let mut rng = SplitMix64::new(7);
    let x = uniform(&mut rng, rows * inputs);
    let labels = (0..rows)
        .map(|_| (rng.next_u64() % classes as u64) as usize)
        .collect();
    let y = uniform(&mut rng, rows).iter().map(|v| 3.0 * v).collect();
    let scale = (rows * (inputs + 1)) as f64;

    let softmax = SoftmaxCrossEntropy {
        x: x.clone().into(),
        inputs,
        labels,
        classes,
        penalty: 0.5,
        class_weights: Vec::new(),
    };
    let on_gpu = block_on(GpuSoftmaxCrossEntropy::upload(&gpu, &softmax)).expect("uploads");
    assert_eq!(on_gpu.parts(), 1);
    let params = uniform(&mut rng, classes * (inputs + 1));
    compare_eval(&softmax, &on_gpu, &params, scale);
    // As rows beyond one binding are: in parts, the last one short.
    let in_parts = block_on(GpuSoftmaxCrossEntropy::upload_in_parts(&gpu, &softmax, 70))
        .expect("uploads in parts");
    assert_eq!(in_parts.parts(), 5);
    compare_eval(&softmax, &in_parts, &params, scale);

    let squared = SquaredError {
        x: x.into(),
        inputs,
        y,
        alpha: 2.0,
    };
    let on_gpu = block_on(GpuSquaredError::upload(&gpu, &squared)).expect("uploads");
    let params = uniform(&mut rng, inputs + 1);
    compare_eval(&squared, &on_gpu, &params, scale);
    let in_parts =
        block_on(GpuSquaredError::upload_in_parts(&gpu, &squared, 64)).expect("uploads in parts");
    assert_eq!(in_parts.parts(), 5);
    compare_eval(&squared, &in_parts, &params, scale);
}

#[test]
fn training_rows_beyond_one_binding_are_cut_into_parts_that_fit() {
    let gpu = gpu();
    let limits = gpu.limits();
    let binding = limits
        .max_storage_buffer_binding_size
        .min(limits.max_buffer_size);
    let rows = GpuLinearLoss::max_rows(&gpu, 64, 3).expect("a row fits") as u64;
    // The inputs are the widest buffer: the most whole rows within one binding.
    assert!(rows * 64 * 4 <= binding, "{rows} rows");
    // And no more: one more row would break a binding, a u32 index or the grid.
    let more = rows + 1;
    let groups = u64::from(limits.max_compute_workgroups_per_dimension).pow(2);
    assert!(
        more * 64 * 4 > binding || more * 64 > u64::from(u32::MAX) || more.div_ceil(64) > groups,
        "{rows} rows is not the most"
    );
    // Sizes only: nothing this large is allocated. A row wider than a binding
    // cannot be cut, and says so.
    let wide = usize::try_from(binding / 4 + 1).expect("fits usize");
    let error = GpuLinearLoss::max_rows(&gpu, wide, 3).expect_err("too wide");
    assert!(matches!(error, ComputeError::TooLarge { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("the training inputs"), "{message}");
    assert!(message.contains("use fewer rows or the CPU"), "{message}");
}

fn iris() -> (Frame, TrainSpec) {
    let spec = spec("species", Task::Classification, "logistic");
    (sample("iris.csv"), spec)
}

/// A run started on a GPU of its own, which the test may then destroy.
fn on_gpu(frame: &Frame, spec: &TrainSpec, on_failure: OnGpuFailure) -> (GpuDevice, Trainer) {
    let gpu = gpu();
    let device = Device::Gpu(Box::new(gpu.clone()));
    let trainer = block_on(Trainer::start(
        frame,
        None,
        spec.clone(),
        &device,
        on_failure,
    ))
    .expect("starts on the GPU");
    (gpu, trainer)
}

/// A GPU lost part way through a run: the CPU goes on from the iteration the GPU
/// reached (nothing is done again), and the run ends where a CPU-only run does.
#[test]
fn a_gpu_lost_mid_run_hands_the_run_to_the_cpu_without_losing_iterations() {
    let (frame, spec) = iris();
    let (gpu, mut trainer) = on_gpu(&frame, &spec, OnGpuFailure::GoOnOnCpu);
    // The first step evaluates the starting point; three iterations follow.
    for _ in 0..4 {
        assert!(block_on(trainer.step()).expect("steps on the GPU"));
    }
    assert_eq!(trainer.device(), DeviceKind::Gpu);
    let loss = |t: &Trainer| t.progress().loss.expect("a loss");
    let before = loss(&trainer);
    gpu.destroy();
    assert!(block_on(trainer.step()).expect("goes on on the CPU"));
    let fallback = trainer
        .fallback()
        .expect("the fallback is recorded")
        .clone();
    assert_eq!(fallback.iteration, 3);
    assert!(
        matches!(fallback.error, ComputeError::DeviceLost(_)),
        "{fallback:?}"
    );
    assert_eq!(trainer.device(), DeviceKind::Cpu);
    assert_eq!(
        trainer.progress().done,
        4,
        "the fourth iteration, not the first again"
    );
    assert!(loss(&trainer) < before, "{} after {before}", loss(&trainer));
    while block_on(trainer.step()).expect("steps on the CPU") {}
    let trained = block_on(trainer.finish());
    assert_eq!(trained.device, DeviceKind::Cpu);
    assert_eq!(trained.fallback, Some(fallback));
    assert!(trained.converged);
    // One curve, kept from the start: the GPU's first points are still in it.
    assert!(trained.loss_curve.len() > 4);
    assert_eq!(trained.loss_curve[3], before);
    let cpu = on_cpu(&frame, spec);
    same_objective(&cpu, &trained);
    assert_eq!(trained.metrics, cpu.metrics);
}

/// Asked for by name, a lost GPU stops the run with the reason instead.
#[test]
fn a_gpu_lost_mid_run_stops_a_run_that_asked_for_the_gpu() {
    let (frame, spec) = iris();
    let (gpu, mut trainer) = on_gpu(&frame, &spec, OnGpuFailure::Stop);
    assert!(block_on(trainer.step()).expect("steps on the GPU"));
    gpu.destroy();
    let error = block_on(trainer.step()).expect_err("stops");
    assert!(
        matches!(error, TrainError::Gpu(ComputeError::DeviceLost(_))),
        "{error:?}"
    );
    assert!(
        error.to_string().starts_with("training on the GPU failed"),
        "{error}"
    );
}

/// Rows enough that boosting's root histogram (the training rows × 20 features)
/// pays for the GPU, and the nodes near it too; the smaller ones stay on the CPU.
fn large(task: Task) -> Frame {
    Synthetic {
        rows: 320_000,
        features: 20,
        task,
        seed: 5,
    }
    .generate()
    .expect("generates")
}

fn boosting(task: Task, iterations: f64) -> TrainSpec {
    let target = if task == Task::Classification {
        "class"
    } else {
        "y"
    };
    let mut spec = spec(target, task, "gbdt");
    for (name, value) in [("max_iter", iterations), ("max_leaf_nodes", 8.0)] {
        spec.model
            .params
            .insert(name.into(), ParamValue::Number(value));
    }
    spec
}

/// Boosting's histograms on the GPU are fixed-point sums, exact in any order; the
/// CPU's are f64. Gains then differ only in their last bits, so the trees split
/// alike wherever no two gains tie that closely, and predict alike.
#[test]
fn gradient_boosting_builds_its_histograms_on_the_gpu_to_the_same_predictions() {
    for task in [Task::Classification, Task::Regression] {
        let frame = large(task);
        let (cpu, gpu) = both(&frame, boosting(task, 3.0));
        assert_eq!(cpu.loss_curve.len(), gpu.loss_curve.len(), "{task:?}");
        for (c, g) in cpu.loss_curve.iter().zip(&gpu.loss_curve) {
            assert!(
                relative(*g, *c) < 1e-6,
                "{task:?}: loss {g} on the GPU, {c} on the CPU"
            );
        }
        if task == Task::Classification {
            let labels = &cpu.predictions.labels;
            let same = labels
                .iter()
                .zip(&gpu.predictions.labels)
                .filter(|(c, g)| c == g)
                .count();
            assert!(
                same as f64 >= 0.999 * labels.len() as f64,
                "{same} of {}",
                labels.len()
            );
        }
        let close = |c: f64, g: f64| (c - g).abs() < 1e-4 * (1.0 + c.abs());
        let values = cpu.predictions.values.iter().zip(&gpu.predictions.values);
        let near = values.filter(|(c, g)| close(**c, **g)).count();
        assert!(
            near as f64 >= 0.999 * cpu.predictions.values.len() as f64,
            "{task:?}: {near}"
        );
    }
}

/// A GPU lost after two boosting iterations (three trees each) hands the fit to
/// the CPU, which takes the third and goes on to the model a CPU-only run reaches.
#[test]
fn a_gpu_lost_mid_boosting_hands_the_fit_to_the_cpu() {
    let frame = large(Task::Classification);
    let spec = boosting(Task::Classification, 4.0);
    let (gpu, mut trainer) = on_gpu(&frame, &spec, OnGpuFailure::GoOnOnCpu);
    for _ in 0..2 {
        assert!(block_on(trainer.step()).expect("steps on the GPU"));
    }
    assert_eq!(trainer.device(), DeviceKind::Gpu);
    gpu.destroy();
    while block_on(trainer.step()).expect("goes on on the CPU") {}
    let trained = block_on(trainer.finish());
    assert_eq!(trained.device, DeviceKind::Cpu);
    assert_eq!(trained.fallback.as_ref().map(|f| f.iteration), Some(2));
    assert_eq!(trained.progress.done, 4);
    let cpu = on_cpu(&frame, spec);
    assert_eq!(trained.loss_curve.len(), cpu.loss_curve.len());
    for (c, g) in cpu.loss_curve.iter().zip(&trained.loss_curve) {
        assert!(relative(*g, *c) < 1e-6, "loss {g} against {c}");
    }
}

/// kNN searches the test rows on the GPU, picking neighbours by f32 distances and
/// weighing them by f64 ones: the same neighbours and predictions as the CPU's
/// search wherever no two distances tie that closely. A Manhattan search has no
/// GPU form and stays on the CPU.
#[test]
fn knn_searches_the_test_rows_on_the_gpu_to_the_same_predictions() {
    let cases = [
        (
            "breast_cancer.csv",
            "diagnosis",
            Task::Classification,
            "uniform",
        ),
        ("penguins.csv", "species", Task::Classification, "distance"),
        ("diabetes.csv", "progression", Task::Regression, "distance"),
    ];
    for (file, target, task, weights) in cases {
        let frame = sample(file);
        let mut spec = spec(target, task, "knn");
        spec.model
            .params
            .insert("weights".into(), ParamValue::Text(weights.into()));
        let (cpu, gpu) = both(&frame, spec);
        assert_eq!(gpu.metrics, cpu.metrics, "{file}");
        if task == Task::Classification {
            assert_eq!(gpu.predictions.labels, cpu.predictions.labels, "{file}");
        }
        for (c, g) in cpu.predictions.values.iter().zip(&gpu.predictions.values) {
            assert!(
                (c - g).abs() < 1e-9 * (1.0 + c.abs()),
                "{file}: {g} against {c}"
            );
        }
    }
    let frame = sample("iris.csv");
    let mut manhattan = spec("species", Task::Classification, "knn");
    manhattan
        .model
        .params
        .insert("metric".into(), ParamValue::Text("manhattan".into()));
    let device = Device::Gpu(Box::new(gpu()));
    let trained = block_on(train_on(
        &frame,
        None,
        manhattan,
        &device,
        OnGpuFailure::Stop,
    ))
    .expect("trains");
    assert_eq!(trained.device, DeviceKind::Cpu);
}
