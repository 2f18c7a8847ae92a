//! The learner interface: what a model family declares, how it fits step by step,
//! and the fitted model it leaves behind.
//!
//! A family ([`Family`]) is a folder under `model/` and one line in
//! [`registry`]. Everything that lists models (the page's model select and its
//! hyperparameter form, `studio train --param`, `studio models`, the ONNX export)
//! reads the registry, so none of them names a family.
//!
//! Fitting is a [`Fit`]: started on the CPU, optionally moved to the GPU, then
//! stepped until done. Between two steps the caller reports progress, may stop,
//! and takes the model as it stands ([`Fit::model`]). The GPU→CPU fallback is
//! written once, in [`run`], for every family that has a GPU path.

pub mod incremental;
pub mod params;
pub mod registry;
pub mod run;
mod spec;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use params::{
    ParamDefault, ParamError, ParamKind, ParamSpec, ParamValue, Params, Resolved, Share,
};
pub use spec::{ModelSpec, SpecError};

use crate::compute::{ComputeError, DeviceKind, GpuDevice};
use crate::export::graph::Graph;
use crate::export::onnx::ExportError;
use crate::prep::{Arithmetic, Numbers};
use crate::train::Task;

/// A future a family returns from a trait object; not `Send`, as the browser's
/// WebGPU handles are not.
pub type Local<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// A model family: its name, tasks and hyperparameters, and how to fit it.
pub trait Family: Sync {
    /// The name the CLI, notebooks and pipeline JSON spell (`logistic`, `tree`).
    fn name(&self) -> &'static str;
    /// A human label for the page.
    fn label(&self) -> &'static str;
    fn tasks(&self) -> &'static [Task];
    fn params(&self) -> &'static [ParamSpec];
    /// Begins fitting `data` with checked `params`, on the CPU.
    fn start(&self, params: &Resolved, data: TrainingSet) -> Result<Box<dyn Fit>, FitError>;
    /// Reads a fitted model back from the JSON [`Model::to_json`] wrote.
    fn model_from_json(&self, value: serde_json::Value) -> Result<Box<dyn Model>, String>;

    /// The arithmetic its inputs are standardized in: f64, or as the ONNX graph
    /// computes them for a family whose predictions turn on exact comparisons.
    fn arithmetic(&self) -> Arithmetic {
        Arithmetic::F64
    }

    /// What the preprocessing does to number inputs for this family, with these
    /// hyperparameters.
    fn numbers(&self, _params: &Resolved) -> Result<Numbers, ParamError> {
        Ok(Numbers::Standardized)
    }

    /// An incremental fit on minibatches that stream past, for a family that has
    /// one; `None` for a family that needs every row at once.
    fn incremental(
        &self,
        _params: &Resolved,
        _stream: &incremental::Stream,
    ) -> Option<Result<Box<dyn incremental::Incremental>, FitError>> {
        None
    }

    /// Checks hyperparameters as a person wrote them.
    fn check(&self, params: &Params) -> Result<Resolved, ParamError> {
        Resolved::check(self.name(), self.params(), params)
    }
}

/// The rows a model learns from, after preprocessing.
#[derive(Debug, Clone)]
pub struct TrainingSet {
    /// Row-major, `rows × inputs`; shared so that a GPU fit and its CPU fallback
    /// hold one copy.
    pub x: Arc<[f64]>,
    pub inputs: usize,
    /// How many inputs each feature column became, in order (one for a number,
    /// one per category or bin): for a family that reads a column's inputs as one.
    pub widths: Vec<usize>,
    pub target: Target,
}

impl TrainingSet {
    pub fn rows(&self) -> usize {
        self.x.len().checked_div(self.inputs).unwrap_or(0)
    }
}

/// What the rows are labelled with.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A class index per row into `classes`, which are spelled as in the data.
    Classes {
        labels: Vec<usize>,
        classes: Vec<String>,
    },
    Values(Vec<f64>),
    /// Clustering and decomposition: no target.
    None,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    #[error(transparent)]
    Param(#[from] ParamError),
    /// The data cannot be fitted with these parameters, such as more clusters
    /// than rows; `param` names the parameter to change, if one would help.
    #[error("{message}")]
    Data {
        message: String,
        param: Option<&'static str>,
    },
    #[error(transparent)]
    Compute(#[from] ComputeError),
}

/// Where a fit stands between two steps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Steps done: iterations, trees or tree levels, as [`Progress::unit`] says.
    pub done: usize,
    /// The most steps the fit will take, where it is known.
    pub total: Option<usize>,
    /// The objective, for families that minimize one.
    pub loss: Option<f64>,
    pub unit: &'static str,
    /// What the fit measures on rows it does not learn from, where it holds
    /// some out (early stopping) or has some left out (a forest's bootstrap).
    pub held_out: Option<HeldOut>,
}

/// A fit's measure of rows it did not learn from, after a step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeldOut {
    /// The loss on them, in the units of [`Progress::loss`] (without any penalty
    /// term), where the fit computes one.
    pub loss: Option<f64>,
    /// A score on them, named as the page shows it (`validation accuracy`,
    /// `out-of-bag R²`), where the fit computes one.
    pub score: Option<Score>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    pub name: &'static str,
    pub value: f64,
}

/// A held-out score after each step, named as [`Score::name`].
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreCurve {
    pub name: &'static str,
    pub values: Vec<f64>,
}

/// The multiply-adds per step below which a GPU chosen by `auto` is passed over.
/// A step on the GPU costs a few dispatches and a read-back of its loss and
/// state, about a millisecond on a discrete GPU and more in a browser, whatever
/// its size; in that time Studio's CPU path does a few million multiply-adds on
/// two threads. 2²² is where the GPU starts to pay by that count: iris, the
/// penguins and a small network stay on the CPU, logistic regression on a
/// million rows goes to the GPU. Not yet measured on a real GPU (BENCHMARKS.md:
/// `bench/gpu.sh` times the break-even when a device is lent).
pub const GPU_MIN_WORK: u64 = 1 << 22;

/// A fit in progress.
pub trait Fit {
    /// Runs one step; `Ok(false)` once there is nothing left to do. A
    /// [`ComputeError`] on the GPU leaves the state as it was before the step,
    /// so that the step can be taken again on the CPU.
    fn step(&mut self) -> Local<'_, Result<bool, ComputeError>>;
    fn progress(&self) -> Progress;
    /// Whether the fit ended by converging (rather than by its step limit).
    fn converged(&self) -> bool;
    /// The model as it stands: after the last step, or part way when stopped.
    fn model(&self) -> Fitted;
    fn device(&self) -> DeviceKind {
        DeviceKind::Cpu
    }
    /// About how many multiply-adds one step does on the device, for a fit with
    /// a GPU path: what `auto` weighs against [`GPU_MIN_WORK`].
    fn work_per_step(&self) -> u64 {
        0
    }
    /// The fitted model's outputs for `x` (preprocessed rows), worked out on the
    /// fit's device: for a family whose predictions are its heavy part (kNN's
    /// search), once the fit is on the GPU. `None` predicts through
    /// [`Model::predict`] on the CPU.
    fn predict_on_device<'a>(
        &'a mut self,
        _x: &'a [f64],
    ) -> Option<Local<'a, Result<Output, ComputeError>>> {
        None
    }
    /// Why a fit whose family has a GPU path turned one down (`to_gpu`
    /// answering `Ok(false)`): said in the metrics' device line.
    fn why_not_gpu(&self) -> Option<String> {
        None
    }
    /// Moves the work that has a GPU path onto `gpu`; `Ok(false)` for a family
    /// that has none, which stays on the CPU.
    fn to_gpu<'a>(&'a mut self, _gpu: &'a GpuDevice) -> Local<'a, Result<bool, ComputeError>> {
        Box::pin(async { Ok(false) })
    }
    /// Goes on on the CPU from the state reached; the GPU's buffers are let go.
    fn leave_gpu(&mut self) -> Local<'_, Result<(), ComputeError>> {
        Box::pin(async { Ok(()) })
    }
}

/// What a fitted model says about rows of preprocessed inputs.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Class probabilities per row, columns in the model's class order.
    Classes {
        classes: Vec<String>,
        probabilities: Vec<Vec<f64>>,
    },
    Values(Vec<f64>),
    /// The nearest cluster of each row and its squared distances to every centre.
    Clusters {
        labels: Vec<usize>,
        distances: Vec<Vec<f64>>,
    },
    /// Each row's coordinates along the components, with the variance the fitted
    /// components explain of the training rows (each, and as a share of the total).
    Projection {
        rows: Vec<Vec<f64>>,
        explained_variance: Vec<f64>,
        explained_variance_ratio: Vec<f64>,
    },
}

impl Output {
    /// Per-row answers of a classifier (class probabilities) or, with no
    /// `classes`, of a regressor (the value first in each row).
    pub fn per_row(classes: &[String], rows: Vec<Vec<f64>>) -> Output {
        if classes.is_empty() {
            Output::Values(
                rows.into_iter()
                    .map(|r| r.first().copied().unwrap_or(f64::NAN))
                    .collect(),
            )
        } else {
            Output::Classes {
                classes: classes.to_vec(),
                probabilities: rows,
            }
        }
    }
}

/// A fitted model, separate from the spec that made it.
pub trait Model: std::fmt::Debug + Send + Sync {
    /// The family's [`Family::name`], which tags its JSON.
    fn family(&self) -> &'static str;
    /// How many inputs it reads per row.
    fn inputs(&self) -> usize;
    /// The classes it predicts, spelled as in the data; empty unless it classifies.
    fn classes(&self) -> &[String] {
        &[]
    }
    /// Its answer for each row of `x` (row-major, [`Model::inputs`] wide).
    fn predict(&self, x: &[f64]) -> Output;
    /// Its fields as a JSON object, without the family tag.
    fn to_json(&self) -> serde_json::Value;
    /// The ONNX output names it writes, so inputs can be kept clear of them.
    fn outputs(&self) -> &'static [&'static str];
    /// Adds the nodes from the `[N, inputs]` float tensor `features` to its
    /// outputs, and declares them; returns a one-sentence description.
    fn write_onnx(&self, graph: &mut Graph, features: &str) -> Result<String, ExportError>;
    fn clone_box(&self) -> Box<dyn Model>;
    /// Figures the model knows of itself beyond the test metrics, such as a
    /// forest's out-of-bag score.
    fn facts(&self) -> Vec<Fact> {
        Vec::new()
    }
}

/// A figure a fitted model reports of itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    /// Its name in JSON (`oob_score`).
    pub key: String,
    /// Its name for people (`Out-of-bag score`).
    pub label: String,
    pub value: f64,
}

/// A fitted model of any family: what a pipeline holds.
///
/// Its JSON is the model's fields with `"kind"` naming the family, read back
/// through the [registry](registry::family).
#[derive(Debug)]
pub struct Fitted(Box<dyn Model>);

impl Fitted {
    pub fn new(model: impl Model + 'static) -> Self {
        Self(Box::new(model))
    }

    pub fn model(&self) -> &dyn Model {
        self.0.as_ref()
    }

    fn json(&self) -> serde_json::Value {
        let mut value = self.0.to_json();
        if let serde_json::Value::Object(fields) = &mut value {
            fields.insert("kind".into(), self.0.family().into());
        }
        value
    }
}

impl std::ops::Deref for Fitted {
    type Target = dyn Model;

    fn deref(&self) -> &Self::Target {
        self.0.as_ref()
    }
}

impl Clone for Fitted {
    fn clone(&self) -> Self {
        Self(self.0.clone_box())
    }
}

impl PartialEq for Fitted {
    fn eq(&self, other: &Self) -> bool {
        self.json() == other.json()
    }
}

impl Serialize for Fitted {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.json().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Fitted {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut value = serde_json::Value::deserialize(deserializer)?;
        let kind = value
            .as_object_mut()
            .and_then(|fields| fields.remove("kind"))
            .ok_or_else(|| D::Error::custom("a fitted model needs a \"kind\""))?;
        let name = kind
            .as_str()
            .ok_or_else(|| D::Error::custom("a fitted model's \"kind\" is a family name"))?;
        let family = registry::family(name).map_err(D::Error::custom)?;
        family
            .model_from_json(value)
            .map(Fitted)
            .map_err(|e| D::Error::custom(format!("a fitted {name} model: {e}")))
    }
}
