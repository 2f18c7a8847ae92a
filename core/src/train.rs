//! The training pipeline: target and task, seeded split, preprocessing fitted on
//! the training rows, model fitting one iteration at a time, and test metrics.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::compute::{ComputeError, CpuDevice, Device, DeviceKind};
use crate::eval::{self, ClassificationMetrics, RegressionMetrics};
use crate::frame::{Column, ColumnType, Frame, Role};
use crate::model::lbfgs::{Lbfgs, Status};
use crate::model::{
    Fitted, GpuSoftmaxCrossEntropy, GpuSquaredError, ModelKind, ModelSpec, Objective,
    SoftmaxCrossEntropy, SpecError, SquaredError, argmax,
};
use crate::prep::{PrepError, Preprocessor};
use crate::split::{Split, SplitError};

/// What the model predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    Classification,
    Regression,
}

/// A number target with at most this many distinct whole values is taken as classes.
pub const MAX_INTEGER_CLASSES: usize = 10;

impl Task {
    /// Classification for categories, text and few whole numbers; regression otherwise.
    pub fn infer(target: &Column) -> Task {
        match target.kind() {
            ColumnType::Integer | ColumnType::Float => {
                // One pass that stops at the first fraction or the first value past
                // the class limit: this runs on every column of every file opened.
                let mut distinct: Vec<f64> = Vec::with_capacity(MAX_INTEGER_CLASSES);
                for x in (0..target.len()).filter_map(|r| target.number(r)) {
                    if x.fract() != 0.0 {
                        return Task::Regression;
                    }
                    if !distinct.contains(&x) {
                        if distinct.len() == MAX_INTEGER_CLASSES {
                            return Task::Regression;
                        }
                        distinct.push(x);
                    }
                }
                Task::Classification
            }
            ColumnType::Date | ColumnType::Datetime => Task::Regression,
            ColumnType::Boolean | ColumnType::Categorical | ColumnType::Text | ColumnType::Id => {
                Task::Classification
            }
        }
    }

    /// The model a task uses unless the person picks another.
    pub fn default_model(self) -> ModelKind {
        match self {
            Task::Classification => ModelKind::Logistic,
            Task::Regression => ModelKind::Linear,
        }
    }
}

/// Everything that decides a training run; with the data, it reproduces the numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainSpec {
    pub target: String,
    pub task: Task,
    pub model: ModelSpec,
    pub test_size: f64,
    pub seed: u64,
}

/// The fitted pipeline: what `model.json` holds and what ONNX export reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pipeline {
    pub target: String,
    pub task: Task,
    pub preprocessing: Preprocessor,
    pub model: Fitted,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Metrics {
    Classification(ClassificationMetrics),
    Regression(RegressionMetrics),
}

/// Predictions for the test rows, in ascending row order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Predictions {
    pub rows: Vec<usize>,
    /// Class labels, or numbers written as text.
    pub labels: Vec<String>,
    /// Regression predictions; empty for classifiers.
    pub values: Vec<f64>,
    /// Class probabilities, columns in the model's class order; empty for regressors.
    pub probabilities: Vec<Vec<f64>>,
}

/// The result of a finished run.
#[derive(Debug, Clone, PartialEq)]
pub struct Trained {
    pub pipeline: Pipeline,
    pub split: Split,
    pub metrics: Metrics,
    pub predictions: Predictions,
    /// The objective after each iteration, the first entry at the starting point.
    pub loss_curve: Vec<f64>,
    pub converged: bool,
    /// The device that evaluated the objective at the end.
    pub device: DeviceKind,
    /// Where and why the run left the GPU, if it did.
    pub fallback: Option<Fallback>,
}

/// What a run does when the GPU fails under it (cannot hold the data, device
/// lost, out of memory).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnGpuFailure {
    /// Go on from the last point reached, evaluating the objective on the CPU.
    GoOnOnCpu,
    /// Stop with [`TrainError::Gpu`]: the GPU was asked for by name.
    Stop,
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum TrainError {
    #[error("there is no column \"{0}\" to predict; choose one of the data's columns")]
    NoTarget(String),
    #[error("the target column \"{0}\" is empty in every row: choose a column with values")]
    EmptyTarget(String),
    #[error(
        "the target column \"{column}\" has only one class (\"{class}\") in the training rows: \
         a classifier needs at least two"
    )]
    OneClass { column: String, class: String },
    #[error(
        "regression needs a number target, but \"{0}\" holds {1} values; choose classification"
    )]
    NotNumeric(String, &'static str),
    #[error("{model} regression cannot do {task:?}; choose {suggest}")]
    WrongModel {
        model: &'static str,
        task: Task,
        suggest: &'static str,
    },
    #[error(transparent)]
    Spec(#[from] SpecError),
    #[error(transparent)]
    Split(#[from] SplitError),
    #[error(transparent)]
    Prep(#[from] PrepError),
    /// The GPU could not hold the data or failed while training (device lost, out
    /// of memory), and the run was told to stop rather than go on on the CPU.
    #[error("training on the GPU failed: {0}")]
    Gpu(ComputeError),
    /// The CPU's evaluation of the objective failed (it has no device to lose).
    #[error("the training objective could not be evaluated: {0}")]
    Compute(ComputeError),
}

/// What the test rows are compared with.
enum Problem {
    Classes {
        classes: Vec<String>,
        test_labels: Vec<usize>,
    },
    Values {
        test_values: Vec<f64>,
    },
}

/// The objective being minimized, on the device that evaluates it. On the GPU the
/// CPU's objective is kept too, so that a run the GPU fails can go on there.
#[derive(Debug)]
enum Loss {
    CpuClasses(SoftmaxCrossEntropy),
    CpuValues(SquaredError),
    GpuClasses(GpuSoftmaxCrossEntropy, SoftmaxCrossEntropy),
    GpuValues(GpuSquaredError, SquaredError),
}

impl Loss {
    /// The objective on `device`; where the GPU cannot take it, on the CPU with
    /// the reason.
    async fn classes(
        objective: SoftmaxCrossEntropy,
        device: &Device,
    ) -> (Self, Option<ComputeError>) {
        match device {
            Device::Cpu(_) => (Loss::CpuClasses(objective), None),
            Device::Gpu(gpu) => match GpuSoftmaxCrossEntropy::upload(gpu, &objective).await {
                Ok(on_gpu) => (Loss::GpuClasses(on_gpu, objective), None),
                Err(error) => (Loss::CpuClasses(objective), Some(error)),
            },
        }
    }

    async fn values(objective: SquaredError, device: &Device) -> (Self, Option<ComputeError>) {
        match device {
            Device::Cpu(_) => (Loss::CpuValues(objective), None),
            Device::Gpu(gpu) => match GpuSquaredError::upload(gpu, &objective).await {
                Ok(on_gpu) => (Loss::GpuValues(on_gpu, objective), None),
                Err(error) => (Loss::CpuValues(objective), Some(error)),
            },
        }
    }

    /// Becomes the same objective on the CPU; the GPU's buffers are let go.
    fn leave_gpu(&mut self) {
        let on_cpu = match self {
            Loss::GpuClasses(_, objective) => Loss::CpuClasses(std::mem::take(objective)),
            Loss::GpuValues(_, objective) => Loss::CpuValues(std::mem::take(objective)),
            Loss::CpuClasses(_) | Loss::CpuValues(_) => return,
        };
        *self = on_cpu;
    }

    fn device(&self) -> DeviceKind {
        match self {
            Loss::CpuClasses(_) | Loss::CpuValues(_) => DeviceKind::Cpu,
            Loss::GpuClasses(..) | Loss::GpuValues(..) => DeviceKind::Gpu,
        }
    }
}

/// Where and why a run left the GPU for the CPU.
#[derive(Debug, Clone, PartialEq)]
pub struct Fallback {
    /// Iterations done on the GPU; the CPU went on from the point they reached.
    pub iteration: usize,
    pub error: ComputeError,
}

impl std::fmt::Display for Fallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.iteration {
            0 => write!(
                f,
                "the GPU failed before training began ({}); trained on the CPU instead",
                self.error
            ),
            n => write!(
                f,
                "the GPU failed after iteration {n} ({}); training went on from there on the CPU",
                self.error
            ),
        }
    }
}

impl Objective for Loss {
    fn dim(&self) -> usize {
        match self {
            Loss::CpuClasses(o) => o.dim(),
            Loss::CpuValues(o) => o.dim(),
            Loss::GpuClasses(o, _) => o.dim(),
            Loss::GpuValues(o, _) => o.dim(),
        }
    }

    async fn eval(&self, params: &[f64], grad: &mut [f64]) -> Result<f64, ComputeError> {
        match self {
            Loss::CpuClasses(o) => o.eval(params, grad).await,
            Loss::CpuValues(o) => o.eval(params, grad).await,
            Loss::GpuClasses(o, _) => o.eval(params, grad).await,
            Loss::GpuValues(o, _) => o.eval(params, grad).await,
        }
    }

    fn precision(&self) -> f64 {
        match self {
            Loss::CpuClasses(o) => o.precision(),
            Loss::CpuValues(o) => o.precision(),
            Loss::GpuClasses(o, _) => o.precision(),
            Loss::GpuValues(o, _) => o.precision(),
        }
    }
}

/// A training run, advanced one optimizer iteration at a time.
pub struct Trainer {
    spec: TrainSpec,
    split: Split,
    prep: Preprocessor,
    test_x: Vec<f64>,
    problem: Problem,
    loss: Loss,
    optimizer: Lbfgs,
    loss_curve: Vec<f64>,
    status: Status,
    fallback: Option<Fallback>,
    on_failure: OnGpuFailure,
}

impl std::fmt::Debug for Trainer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trainer")
            .field("spec", &self.spec)
            .field("device", &self.loss.device())
            .field("iterations", &self.optimizer.iterations())
            .finish_non_exhaustive()
    }
}

impl Trainer {
    /// Validates the spec, splits, fits the preprocessing and evaluates the start point.
    ///
    /// With `test`, every labelled row of `frame` trains and `test`'s rows are held
    /// out; otherwise `frame` is split by `spec.test_size` and `spec.seed`.
    ///
    /// The objective is evaluated on `device`: on a GPU, the training rows are
    /// uploaded here once. A GPU that cannot hold them, or fails later, hands the
    /// run to the CPU or stops it, as `on_failure` says; the CPU goes on from the
    /// last point the GPU reached, so no iteration is lost ([`Trainer::fallback`]).
    pub async fn start(
        frame: &Frame,
        test: Option<&Frame>,
        spec: TrainSpec,
        device: &Device,
        on_failure: OnGpuFailure,
    ) -> Result<Self, TrainError> {
        spec.model.check()?;
        let target = frame
            .column(&spec.target)
            .ok_or_else(|| TrainError::NoTarget(spec.target.clone()))?;
        match (spec.task, spec.model.kind) {
            (Task::Classification, ModelKind::Linear) => {
                return Err(TrainError::WrongModel {
                    model: "linear",
                    task: spec.task,
                    suggest: "logistic",
                });
            }
            (Task::Regression, ModelKind::Logistic) => {
                return Err(TrainError::WrongModel {
                    model: "logistic",
                    task: spec.task,
                    suggest: "linear",
                });
            }
            _ => {}
        }
        // Rows without a target value can neither train nor test a model.
        let labelled = |frame: &Frame, target: &Column| -> Vec<usize> {
            (0..frame.rows())
                .filter(|&r| !target.is_missing(r))
                .collect()
        };
        let rows = labelled(frame, target);
        if rows.is_empty() {
            return Err(TrainError::EmptyTarget(spec.target.clone()));
        }
        let (test_frame, test_target) = match test {
            Some(test) => {
                let target = test.column(&spec.target).ok_or_else(|| {
                    TrainError::NoTarget(format!("{} (in the test data)", spec.target))
                })?;
                (test, target)
            }
            None => (frame, target),
        };
        let split = match test {
            Some(_) => Split {
                train: rows,
                test: labelled(test_frame, test_target),
            },
            None => {
                let positions = Split::seeded(rows.len(), spec.test_size, spec.seed)?;
                Split {
                    train: positions.train.iter().map(|&i| rows[i]).collect(),
                    test: positions.test.iter().map(|&i| rows[i]).collect(),
                }
            }
        };
        let features: Vec<String> = frame
            .columns()
            .iter()
            .filter(|c| c.name != spec.target && c.role == Role::Feature)
            .map(|c| c.name.clone())
            .collect();
        let prep = Preprocessor::fit(frame, &features, &split.train)?;
        let inputs = prep.width();
        let train_x = prep.transform(frame, &split.train)?;
        let test_x = prep.transform(test_frame, &split.test)?;

        let (problem, loss) = match spec.task {
            Task::Classification => {
                let mut classes: Vec<String> =
                    split.train.iter().filter_map(|&r| target.text(r)).collect();
                classes.sort();
                classes.dedup();
                if classes.len() < 2 {
                    return Err(TrainError::OneClass {
                        column: spec.target.clone(),
                        class: classes.pop().unwrap_or_default(),
                    });
                }
                let index = |column: &Column, r: usize| {
                    column
                        .text(r)
                        .and_then(|label| classes.binary_search(&label).ok())
                };
                let labels = split
                    .train
                    .iter()
                    .map(|&r| index(target, r).unwrap_or(0))
                    .collect();
                // A test label never seen in training can never be predicted right;
                // it counts as a miss (usize::MAX matches no class).
                let test_labels = split
                    .test
                    .iter()
                    .map(|&r| index(test_target, r).unwrap_or(usize::MAX))
                    .collect();
                let objective = SoftmaxCrossEntropy {
                    x: train_x,
                    inputs,
                    labels,
                    classes: classes.len(),
                    penalty: 1.0 / spec.model.get("c"),
                };
                (
                    Problem::Classes {
                        classes,
                        test_labels,
                    },
                    Loss::classes(objective, device).await,
                )
            }
            Task::Regression => {
                if !target.kind().is_numeric() || !test_target.kind().is_numeric() {
                    return Err(TrainError::NotNumeric(
                        spec.target.clone(),
                        target.kind().name(),
                    ));
                }
                let values = |column: &Column, rows: &[usize]| -> Vec<f64> {
                    rows.iter()
                        .map(|&r| column.number(r).unwrap_or(f64::NAN))
                        .collect()
                };
                let objective = SquaredError {
                    x: train_x,
                    inputs,
                    y: values(target, &split.train),
                    alpha: spec.model.get("alpha"),
                };
                (
                    Problem::Values {
                        test_values: values(test_target, &split.test),
                    },
                    Loss::values(objective, device).await,
                )
            }
        };
        let (mut loss, failed) = loss;
        let mut fallback = match failed {
            Some(error) if on_failure == OnGpuFailure::Stop => return Err(TrainError::Gpu(error)),
            failed => failed.map(|error| Fallback {
                iteration: 0,
                error,
            }),
        };
        let x0 = vec![0.0; loss.dim()];
        let optimizer = match Lbfgs::start(&loss, x0.clone()).await {
            Err(error)
                if loss.device() == DeviceKind::Gpu && on_failure == OnGpuFailure::GoOnOnCpu =>
            {
                loss.leave_gpu();
                fallback = Some(Fallback {
                    iteration: 0,
                    error,
                });
                Lbfgs::start(&loss, x0).await.map_err(TrainError::Compute)?
            }
            started => started.map_err(|error| match loss.device() {
                DeviceKind::Gpu => TrainError::Gpu(error),
                DeviceKind::Cpu => TrainError::Compute(error),
            })?,
        };
        let loss_curve = vec![optimizer.value()];
        Ok(Self {
            spec,
            split,
            prep,
            test_x,
            problem,
            loss,
            optimizer,
            loss_curve,
            status: Status::Running,
            fallback,
            on_failure,
        })
    }

    /// Runs one iteration; `Ok(false)` once training has finished.
    ///
    /// If the GPU fails, the iteration is taken again on the CPU from the same
    /// point (or the run stops with [`TrainError::Gpu`], as it was started).
    pub async fn step(&mut self) -> Result<bool, TrainError> {
        if self.status != Status::Running
            || self.optimizer.iterations() >= self.spec.model.get("max_iter") as usize
        {
            return Ok(false);
        }
        let status = match self.optimizer.step(&self.loss).await {
            Ok(status) => status,
            Err(error) if self.loss.device() == DeviceKind::Cpu => {
                return Err(TrainError::Compute(error));
            }
            Err(error) if self.on_failure == OnGpuFailure::Stop => {
                return Err(TrainError::Gpu(error));
            }
            Err(error) => {
                self.fallback = Some(Fallback {
                    iteration: self.optimizer.iterations(),
                    error,
                });
                self.loss.leave_gpu();
                self.optimizer
                    .reevaluate(&self.loss)
                    .await
                    .map_err(TrainError::Compute)?;
                self.optimizer
                    .step(&self.loss)
                    .await
                    .map_err(TrainError::Compute)?
            }
        };
        self.status = status;
        if self.status != Status::Stalled {
            self.loss_curve.push(self.optimizer.value());
        }
        Ok(self.status == Status::Running)
    }

    /// Where and why the run left the GPU for the CPU, once it has.
    pub fn fallback(&self) -> Option<&Fallback> {
        self.fallback.as_ref()
    }

    /// The kind of device evaluating the objective.
    pub fn device(&self) -> DeviceKind {
        self.loss.device()
    }

    pub fn iterations(&self) -> usize {
        self.optimizer.iterations()
    }

    pub fn loss(&self) -> f64 {
        self.optimizer.value()
    }

    /// Ends the run (finished or stopped early) with the model as it stands.
    pub fn finish(self) -> Trained {
        let device = self.loss.device();
        let inputs = self.prep.width();
        let params = self.optimizer.params();
        let (model, metrics, predictions) = match self.problem {
            Problem::Classes {
                classes,
                test_labels,
                ..
            } => {
                let stride = inputs + 1;
                let model = Fitted::Logistic {
                    coef: (0..classes.len())
                        .map(|c| params[c * stride..c * stride + inputs].to_vec())
                        .collect(),
                    intercept: (0..classes.len())
                        .map(|c| params[c * stride + inputs])
                        .collect(),
                    classes: classes.clone(),
                };
                let probabilities = model.probabilities(&self.test_x, inputs);
                let predicted: Vec<usize> = probabilities.iter().map(|p| argmax(p)).collect();
                let metrics = eval::classification(&test_labels, &predicted, classes.len());
                let labels = predicted.iter().map(|&c| classes[c].clone()).collect();
                (
                    model,
                    Metrics::Classification(metrics),
                    Predictions {
                        rows: self.split.test.clone(),
                        labels,
                        values: Vec::new(),
                        probabilities,
                    },
                )
            }
            Problem::Values { test_values, .. } => {
                let model = Fitted::Linear {
                    coef: params[..inputs].to_vec(),
                    intercept: params[inputs],
                };
                let values = model.values(&self.test_x, inputs);
                let metrics = eval::regression(&test_values, &values);
                (
                    model,
                    Metrics::Regression(metrics),
                    Predictions {
                        rows: self.split.test.clone(),
                        labels: values.iter().map(|v| v.to_string()).collect(),
                        values,
                        probabilities: Vec::new(),
                    },
                )
            }
        };
        Trained {
            pipeline: Pipeline {
                target: self.spec.target.clone(),
                task: self.spec.task,
                preprocessing: self.prep,
                model,
            },
            split: self.split,
            metrics,
            predictions,
            loss_curve: self.loss_curve,
            converged: self.status == Status::Converged,
            device,
            fallback: self.fallback,
        }
    }
}

/// Trains to the end on the CPU reference without pausing: for the CLI and tests.
pub async fn train(
    frame: &Frame,
    test: Option<&Frame>,
    spec: TrainSpec,
) -> Result<Trained, TrainError> {
    let cpu = Device::Cpu(CpuDevice::default());
    train_on(frame, test, spec, &cpu, OnGpuFailure::Stop).await
}

/// Trains to the end on `device` without pausing; a failing GPU hands the run to
/// the CPU or stops it, as `on_failure` says.
pub async fn train_on(
    frame: &Frame,
    test: Option<&Frame>,
    spec: TrainSpec,
    device: &Device,
    on_failure: OnGpuFailure,
) -> Result<Trained, TrainError> {
    let mut trainer = Trainer::start(frame, test, spec, device, on_failure).await?;
    while trainer.step().await? {}
    Ok(trainer.finish())
}

#[cfg(test)]
mod tests {
    use super::{MAX_INTEGER_CLASSES, Task};
    use crate::frame::Column;

    fn task(values: &[Option<f64>]) -> Task {
        Task::infer(&Column::floats("y", values.iter().copied()))
    }

    #[test]
    fn whole_numbers_with_few_values_are_classes() {
        let few: Vec<Option<f64>> = (0..1000)
            .map(|i| Some((i % MAX_INTEGER_CLASSES) as f64))
            .collect();
        assert_eq!(task(&few), Task::Classification);
        // Missing values do not count as a class.
        let mut gaps = few.clone();
        gaps[3] = None;
        assert_eq!(task(&gaps), Task::Classification);
        let many: Vec<Option<f64>> = (0..1000)
            .map(|i| Some((i % (MAX_INTEGER_CLASSES + 1)) as f64))
            .collect();
        assert_eq!(task(&many), Task::Regression);
        let mut fraction = few;
        fraction[999] = Some(0.5);
        assert_eq!(task(&fraction), Task::Regression);
        assert_eq!(task(&[Some(f64::INFINITY)]), Task::Regression);
    }
}
