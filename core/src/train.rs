//! The training pipeline: target and task, seeded split, preprocessing fitted on
//! the training rows, a model family fitted step by step, and test metrics.
//!
//! Nothing here names a family: the model comes from the
//! [registry](crate::learner::registry) and is driven through [`Run`].

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use crate::learner::run::{Fallback, OnGpuFailure};

use crate::boundary::{self, Boundary, BoundaryError, BoundarySpec};
use crate::compute::{ComputeError, CpuDevice, Device, DeviceKind};
use crate::eval::{
    self, ClassificationMetrics, ClusteringMetrics, DecompositionMetrics, RegressionMetrics,
};
use crate::frame::{Column, ColumnType, Frame, Role};
use crate::learner::run::{Run, RunError};
use crate::learner::{
    FitError, Fitted, ModelSpec, Output, Progress, ScoreCurve, SpecError, Target, TrainingSet,
    registry,
};
use crate::model::argmax;
use crate::prep::{PrepError, Preprocessor};
use crate::split::{Split, SplitError};

/// What the model does with the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    Classification,
    Regression,
    /// Groups the rows; there is no target.
    Clustering,
    /// Finds fewer directions that hold most of the rows' variance; there is no target.
    Decomposition,
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

    pub const ALL: &'static [Task] = &[
        Task::Classification,
        Task::Regression,
        Task::Clustering,
        Task::Decomposition,
    ];

    /// The model a task uses unless the person picks another.
    pub fn default_model(self) -> ModelSpec {
        ModelSpec::new(registry::default_for(self))
    }

    /// Whether the task learns from a target column.
    pub fn has_target(self) -> bool {
        !matches!(self, Task::Clustering | Task::Decomposition)
    }

    pub fn name(self) -> &'static str {
        match self {
            Task::Classification => "classification",
            Task::Regression => "regression",
            Task::Clustering => "clustering",
            Task::Decomposition => "decomposition",
        }
    }
}

/// Everything that decides a training run; with the data, it reproduces the numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainSpec {
    /// The column to predict; `None` for clustering and decomposition.
    pub target: Option<String>,
    pub task: Task,
    pub model: ModelSpec,
    pub test_size: f64,
    pub seed: u64,
}

/// The fitted pipeline: what `model.json` holds and what ONNX export reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pipeline {
    /// The predicted column; `None` for clustering and decomposition.
    pub target: Option<String>,
    pub task: Task,
    pub preprocessing: Preprocessor,
    pub model: Fitted,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Metrics {
    Classification(ClassificationMetrics),
    Regression(RegressionMetrics),
    Clustering(ClusteringMetrics),
    Decomposition(DecompositionMetrics),
}

/// Predictions for the test rows (every row, for clustering and decomposition), in
/// ascending row order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Predictions {
    pub rows: Vec<usize>,
    /// Class labels, numbers written as text, or cluster numbers; empty for a decomposition.
    pub labels: Vec<String>,
    /// Regression predictions; empty for other tasks.
    pub values: Vec<f64>,
    /// Class probabilities, columns in the model's class order; empty for regressors.
    pub probabilities: Vec<Vec<f64>>,
    /// Clustering: the Euclidean distance to each centre; empty for other tasks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub distances: Vec<Vec<f64>>,
    /// Decomposition: each row's coordinates along the components; empty for other tasks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Vec<f64>>,
}

/// The result of a finished run.
#[derive(Debug, Clone, PartialEq)]
pub struct Trained {
    pub pipeline: Pipeline,
    pub split: Split,
    pub metrics: Metrics,
    pub predictions: Predictions,
    /// The objective after each step, the first entry at the starting point; empty
    /// for families that minimize none.
    pub loss_curve: Vec<f64>,
    /// The loss on the rows the fit held out, at the same points; empty where it
    /// holds none out (early stopping off).
    pub held_out_loss_curve: Vec<f64>,
    /// A score on held-out rows after each step (the MLP's validation score, a
    /// forest's out-of-bag score), where the fit measures one.
    pub score_curve: Option<ScoreCurve>,
    pub converged: bool,
    /// Stopped by the person before it was done: the model as it stood.
    pub stopped: bool,
    /// Where the fit stood after its last step.
    pub progress: Progress,
    /// The device that ran the last step.
    pub device: DeviceKind,
    /// Where and why the run left the GPU, if it did.
    pub fallback: Option<Fallback>,
    /// Why a run offered a GPU trained on the CPU from the start, if it did.
    pub cpu_reason: Option<String>,
}

impl Trained {
    /// The finished model's decision boundary over `frame`, the data it was
    /// trained and tested on.
    pub fn boundary(&self, frame: &Frame, spec: &BoundarySpec) -> Result<Boundary, BoundaryError> {
        boundary::boundary(
            &self.pipeline,
            frame,
            &self.split.train,
            &self.split.test,
            &self.predictions.labels,
            spec,
        )
    }
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum TrainError {
    #[error("there is no column \"{0}\" to predict; choose one of the data's columns")]
    NoTarget(String),
    #[error("{0} needs a target column: choose the column to predict")]
    TargetNeeded(&'static str),
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
    #[error("{model} cannot do {}; choose {suggest}", .task.name())]
    WrongModel {
        model: &'static str,
        task: Task,
        suggest: String,
    },
    #[error("the data has no rows to learn from")]
    NoRows,
    #[error(transparent)]
    Spec(#[from] SpecError),
    #[error(transparent)]
    Split(#[from] SplitError),
    #[error(transparent)]
    Prep(#[from] PrepError),
    /// The data cannot be fitted with these hyperparameters; `param` names the
    /// one to change, where one would help.
    #[error("{message}")]
    Fit {
        message: String,
        param: Option<&'static str>,
    },
    /// The GPU could not hold the data or failed while training (device lost, out
    /// of memory), and the run was told to stop rather than go on on the CPU.
    #[error("training on the GPU failed: {0}")]
    Gpu(ComputeError),
    /// The CPU's fitting failed (it has no device to lose).
    #[error("the model could not be fitted: {0}")]
    Compute(ComputeError),
}

impl From<FitError> for TrainError {
    fn from(error: FitError) -> Self {
        match error {
            FitError::Param(e) => TrainError::Spec(SpecError::Param(e)),
            FitError::Data { message, param } => TrainError::Fit { message, param },
            FitError::Compute(e) => TrainError::Compute(e),
        }
    }
}

impl From<RunError> for TrainError {
    fn from(error: RunError) -> Self {
        match error {
            RunError::Fit(e) => e.into(),
            RunError::Compute(e) => TrainError::Compute(e),
            RunError::Gpu(e) => TrainError::Gpu(e),
        }
    }
}

/// What the test rows are compared with.
enum Problem {
    Classes {
        test_labels: Vec<usize>,
    },
    Values {
        test_values: Vec<f64>,
    },
    /// Clustering and decomposition: nothing to compare with.
    Unlabelled,
}

/// A training run, advanced one step at a time.
pub struct Trainer {
    spec: TrainSpec,
    split: Split,
    prep: Preprocessor,
    test_x: Vec<f64>,
    problem: Problem,
    run: Run,
}

impl std::fmt::Debug for Trainer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trainer")
            .field("spec", &self.spec)
            .field("run", &self.run)
            .finish_non_exhaustive()
    }
}

/// Rows with a value in `target`: rows without one can neither train nor test.
fn labelled(frame: &Frame, target: Option<&Column>) -> Vec<usize> {
    match target {
        Some(target) => (0..frame.rows())
            .filter(|&r| !target.is_missing(r))
            .collect(),
        None => (0..frame.rows()).collect(),
    }
}

impl Trainer {
    /// Validates the spec, splits, fits the preprocessing and starts the model.
    ///
    /// With `test`, every labelled row of `frame` trains and `test`'s rows are held
    /// out; otherwise `frame` is split by `spec.test_size` and `spec.seed`.
    /// Clustering and decomposition have nothing to hold out: they fit every row
    /// of `frame` and score the rows of `test`, or of `frame` without one.
    ///
    /// The model runs on `device` where its family has a GPU path. A GPU that
    /// cannot hold the rows, or fails later, hands the run to the CPU or stops
    /// it, as `on_failure` says; the CPU goes on from the state the GPU reached
    /// ([`Trainer::fallback`]).
    pub async fn start(
        frame: &Frame,
        test: Option<&Frame>,
        spec: TrainSpec,
        device: &Device,
        on_failure: OnGpuFailure,
    ) -> Result<Self, TrainError> {
        let (family, params) = spec.model.check()?;
        if !family.tasks().contains(&spec.task) {
            return Err(TrainError::WrongModel {
                model: family.name(),
                task: spec.task,
                suggest: registry::names(registry::for_task(spec.task)),
            });
        }
        let target_name = match (&spec.target, spec.task.has_target()) {
            (Some(name), true) => Some(name.as_str()),
            (None, true) => return Err(TrainError::TargetNeeded(family.name())),
            (_, false) => None,
        };
        fn column<'f>(
            frame: &'f Frame,
            name: Option<&str>,
            suffix: &str,
        ) -> Result<Option<&'f Column>, TrainError> {
            name.map(|name| {
                frame
                    .column(name)
                    .ok_or_else(|| TrainError::NoTarget(format!("{name}{suffix}")))
            })
            .transpose()
        }
        let target = column(frame, target_name, "")?;
        let rows = labelled(frame, target);
        if rows.is_empty() {
            return Err(match target_name {
                Some(name) => TrainError::EmptyTarget(name.to_owned()),
                None => TrainError::NoRows,
            });
        }
        let (test_frame, test_target) = match test {
            Some(test) => (test, column(test, target_name, " (in the test data)")?),
            None => (frame, target),
        };
        let split = match (test, spec.task) {
            (Some(_), _) => Split {
                train: rows,
                test: labelled(test_frame, test_target),
            },
            (None, task) if !task.has_target() => Split {
                test: rows.clone(),
                train: rows,
            },
            (None, _) => {
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
            .filter(|c| Some(c.name.as_str()) != target_name && c.role == Role::Feature)
            .map(|c| c.name.clone())
            .collect();
        let numbers = family.numbers(&params).map_err(SpecError::from)?;
        let prep = Preprocessor::fit(frame, &features, &split.train, numbers)?;
        let inputs = prep.width();
        let train_x = prep.transform_as(frame, &split.train, family.arithmetic())?;
        let test_x = prep.transform_as(test_frame, &split.test, family.arithmetic())?;

        let (problem, target) = match (spec.task, target, test_target) {
            (Task::Classification, Some(target), Some(test_target)) => {
                let (labels, classes, test_labels) =
                    encode_classes(target, test_target, &split, target_name.unwrap_or_default())?;
                (
                    Problem::Classes { test_labels },
                    Target::Classes { labels, classes },
                )
            }
            (Task::Regression, Some(target), Some(test_target)) => {
                if !target.kind().is_numeric() || !test_target.kind().is_numeric() {
                    return Err(TrainError::NotNumeric(
                        target.name.clone(),
                        target.kind().name(),
                    ));
                }
                let values = |column: &Column, rows: &[usize]| -> Vec<f64> {
                    rows.iter()
                        .map(|&r| column.number(r).unwrap_or(f64::NAN))
                        .collect()
                };
                (
                    Problem::Values {
                        test_values: values(test_target, &split.test),
                    },
                    Target::Values(values(target, &split.train)),
                )
            }
            _ => (Problem::Unlabelled, Target::None),
        };
        let widths = prep.layout()?.slots().iter().map(|s| s.width).collect();
        let data = TrainingSet {
            x: Arc::from(train_x),
            inputs,
            widths,
            target,
        };
        let run = Run::start(family, &params, data, device, on_failure).await?;
        Ok(Self {
            spec,
            split,
            prep,
            test_x,
            problem,
            run,
        })
    }

    /// Runs one step; `Ok(false)` once training has finished.
    ///
    /// If the GPU fails, the step is taken again on the CPU from the same state
    /// (or the run stops with [`TrainError::Gpu`], as it was started).
    pub async fn step(&mut self) -> Result<bool, TrainError> {
        Ok(self.run.step().await?)
    }

    /// Where and why the run left the GPU for the CPU, once it has.
    pub fn fallback(&self) -> Option<&Fallback> {
        self.run.fallback()
    }

    /// The kind of device running the steps.
    pub fn device(&self) -> DeviceKind {
        self.run.device()
    }

    pub fn progress(&self) -> Progress {
        self.run.progress()
    }

    /// The decision boundary of the model as it stands, over `frame` (the data
    /// the run trains on): what the page redraws while a classifier trains.
    pub fn boundary(&self, frame: &Frame, spec: &BoundarySpec) -> Result<Boundary, BoundaryError> {
        let pipeline = Pipeline {
            target: self.spec.target.clone(),
            task: self.spec.task,
            preprocessing: self.prep.clone(),
            model: self.run.model(),
        };
        let predicted: Vec<String> = match pipeline.model.predict(&self.test_x) {
            Output::Classes {
                classes,
                probabilities,
            } => probabilities
                .iter()
                .map(|p| classes[argmax(p)].clone())
                .collect(),
            _ => Vec::new(),
        };
        boundary::boundary(
            &pipeline,
            frame,
            &self.split.train,
            &self.split.test,
            &predicted,
            spec,
        )
    }

    /// Ends the run where it stands, before it is done: the model so far.
    pub async fn stop(self) -> Trained {
        Trained {
            stopped: true,
            ..self.finish().await
        }
    }

    /// Ends the run (finished or stopped early) with the model as it stands,
    /// its test rows predicted on the fit's device where its family does so.
    pub async fn finish(mut self) -> Trained {
        let model = self.run.model();
        let rows = self.split.test.clone();
        let output = self.run.predict(&model, &self.test_x).await;
        let (metrics, predictions) = match (output, &self.problem) {
            (
                Output::Classes {
                    classes,
                    probabilities,
                },
                Problem::Classes { test_labels },
            ) => {
                let predicted: Vec<usize> = probabilities.iter().map(|p| argmax(p)).collect();
                let metrics = eval::classification(test_labels, &predicted, classes.len());
                let labels = predicted.iter().map(|&c| classes[c].clone()).collect();
                (
                    Metrics::Classification(metrics),
                    Predictions {
                        rows,
                        labels,
                        values: Vec::new(),
                        probabilities,
                        distances: Vec::new(),
                        components: Vec::new(),
                    },
                )
            }
            (Output::Values(values), Problem::Values { test_values }) => (
                Metrics::Regression(eval::regression(test_values, &values)),
                Predictions {
                    rows,
                    labels: values.iter().map(|v| v.to_string()).collect(),
                    values,
                    probabilities: Vec::new(),
                    distances: Vec::new(),
                    components: Vec::new(),
                },
            ),
            (Output::Clusters { labels, distances }, _) => {
                let k = distances.first().map_or(0, Vec::len);
                let metrics = eval::clustering(
                    &self.test_x,
                    self.prep.width(),
                    &labels,
                    &distances,
                    k,
                    self.spec.seed,
                );
                (
                    Metrics::Clustering(metrics),
                    Predictions {
                        rows,
                        labels: labels.iter().map(usize::to_string).collect(),
                        values: Vec::new(),
                        probabilities: Vec::new(),
                        distances,
                        components: Vec::new(),
                    },
                )
            }
            (
                Output::Projection {
                    rows: components,
                    explained_variance,
                    explained_variance_ratio,
                },
                _,
            ) => (
                Metrics::Decomposition(DecompositionMetrics {
                    explained_variance,
                    explained_variance_ratio,
                }),
                Predictions {
                    rows,
                    labels: Vec::new(),
                    values: Vec::new(),
                    probabilities: Vec::new(),
                    distances: Vec::new(),
                    components,
                },
            ),
            // A family answers for the task it was checked to serve.
            (_, _) => (
                Metrics::Clustering(ClusteringMetrics {
                    inertia: f64::NAN,
                    silhouette: None,
                    sizes: Vec::new(),
                }),
                Predictions {
                    rows,
                    labels: Vec::new(),
                    values: Vec::new(),
                    probabilities: Vec::new(),
                    distances: Vec::new(),
                    components: Vec::new(),
                },
            ),
        };
        Trained {
            pipeline: Pipeline {
                target: self
                    .spec
                    .target
                    .clone()
                    .filter(|_| self.spec.task.has_target()),
                task: self.spec.task,
                preprocessing: self.prep,
                model,
            },
            split: self.split,
            metrics,
            predictions,
            loss_curve: self.run.loss_curve().to_vec(),
            held_out_loss_curve: self.run.held_out_loss_curve().to_vec(),
            score_curve: self.run.score_curve().cloned(),
            converged: self.run.converged(),
            stopped: false,
            progress: self.run.progress(),
            device: self.run.device(),
            fallback: self.run.fallback().cloned(),
            cpu_reason: self.run.cpu_reason().map(str::to_owned),
        }
    }
}

/// The training rows' class indices, the classes, and the test rows' indices.
type Encoded = (Vec<usize>, Vec<String>, Vec<usize>);

/// Class indices for the training and test rows, with the classes sorted and
/// spelled as in the data. A test label never seen in training can never be
/// predicted right; it counts as a miss (`usize::MAX` matches no class).
fn encode_classes(
    target: &Column,
    test_target: &Column,
    split: &Split,
    name: &str,
) -> Result<Encoded, TrainError> {
    let mut classes: Vec<String> = split.train.iter().filter_map(|&r| target.text(r)).collect();
    classes.sort();
    classes.dedup();
    if classes.len() < 2 {
        return Err(TrainError::OneClass {
            column: name.to_owned(),
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
    let test_labels = split
        .test
        .iter()
        .map(|&r| index(test_target, r).unwrap_or(usize::MAX))
        .collect();
    Ok((labels, classes, test_labels))
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
    Ok(trainer.finish().await)
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
