//! Histogram gradient boosting, as scikit-learn's `HistGradientBoostingClassifier`
//! and `HistGradientBoostingRegressor` (and LightGBM) fit it: features binned once
//! ([`bins`]), then per iteration one tree per raw score grown leaf-wise on the
//! gradients and hessians of the loss ([`grow`], [`loss`]), its leaves shrunk by
//! `learning_rate`. Missing values are not imputed: each split learns which way
//! they go. Early stopping holds out `validation_fraction` of the training rows
//! (stratified for classes) and stops once the validation loss has not improved
//! by `tol` for `n_iter_no_change` iterations, as scikit-learn's `_should_stop`.
//!
//! One [`Fit::step`] is one boosting iteration. Histograms are built on the
//! CPU's threads or, where a GPU is chosen and the data is large enough to pay,
//! on the GPU ([`histograms`]); the rest of the fit stays on the CPU. The trees differ from
//! scikit-learn's where gains tie and where its random draws enter (the rows it
//! holds out for early stopping, the sample it takes quantiles of past 200,000
//! rows); the reference tests compare scores.

mod bins;
mod grow;
mod histograms;
mod loss;

use serde::{Deserialize, Serialize};

use crate::compute::{ComputeError, DeviceKind, GpuDevice};
use crate::export::graph::{Graph, batch, fixed};
use crate::export::onnx::{ExportError, LABEL, PREDICTION, PROBABILITIES};
use crate::export::onnx_proto::tensor_proto::DataType;
use crate::learner::run::grouped;
use crate::learner::{
    Family, Fit, FitError, Fitted, GPU_MIN_WORK, HeldOut, Local, Model, Output, ParamDefault,
    ParamError, ParamKind, ParamSpec, Progress, Resolved, Target, TrainingSet,
};
use crate::model::class_weight::{self, CLASS_WEIGHT};
use crate::model::tree::ensemble::Ensemble;
use crate::model::tree::{MAX_DEPTH, MIN_SAMPLES_LEAF, RANDOM_STATE};
use crate::model::{sigmoid, split};
use crate::parallel;
use crate::prep::{Arithmetic, Numbers};
use crate::train::Task;
use bins::Binner;
use grow::{GrowParams, Grower, Tree};
use histograms::{Histograms, OnGpu};
use loss::{Truth, softmax};

#[derive(Debug)]
pub struct Gbdt;

/// The most training rows the loss curve is measured on.
const CURVE_ROWS: usize = 10_000;

/// scikit-learn's threshold for `early_stopping="auto"`.
const AUTO_EARLY_STOPPING_ROWS: usize = 10_000;

const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "loss",
        aliases: &[],
        label: "Loss",
        kind: ParamKind::Choice(&["log_loss", "squared_error"]),
        default: ParamDefault::Unset,
        optional: true,
        log_scale: false,
        help: "What each tree reduces: log_loss for classes (binary or multinomial), squared_error for numbers; none picks by task.",
    },
    ParamSpec {
        name: "learning_rate",
        aliases: &[],
        label: "Learning rate",
        kind: ParamKind::Float {
            min: 0.0,
            max: f64::INFINITY,
            min_exclusive: true,
        },
        default: ParamDefault::Float(0.1),
        optional: false,
        log_scale: true,
        help: "How much of each tree's correction is kept; smaller values need more iterations and often generalize better.",
    },
    ParamSpec {
        name: "max_iter",
        aliases: &[],
        label: "Iterations",
        kind: ParamKind::Integer {
            min: 1,
            max: 100_000,
        },
        default: ParamDefault::Integer(100),
        optional: false,
        log_scale: true,
        help: "The most boosting iterations: one tree each, or one per class for several classes.",
    },
    ParamSpec {
        name: "max_leaf_nodes",
        aliases: &[],
        label: "Leaves per tree",
        kind: ParamKind::Integer {
            min: 2,
            max: 100_000,
        },
        default: ParamDefault::Integer(31),
        optional: true,
        log_scale: true,
        help: "The most leaves a tree grows, splitting the leaf that gains most first; none leaves it to depth and leaf size.",
    },
    MAX_DEPTH,
    ParamSpec {
        default: ParamDefault::Integer(20),
        ..MIN_SAMPLES_LEAF
    },
    ParamSpec {
        name: "l2_regularization",
        aliases: &[],
        label: "L2 regularization",
        kind: ParamKind::Float {
            min: 0.0,
            max: f64::INFINITY,
            min_exclusive: false,
        },
        default: ParamDefault::Float(0.0),
        optional: false,
        log_scale: false,
        help: "Added to every leaf's hessian sum: larger values shrink the leaves' values.",
    },
    ParamSpec {
        name: "max_bins",
        aliases: &[],
        label: "Bins per feature",
        kind: ParamKind::Integer { min: 2, max: 255 },
        default: ParamDefault::Integer(255),
        optional: false,
        log_scale: false,
        help: "Each feature's values are put in at most this many bins (plus one for missing values) before the trees look at them.",
    },
    ParamSpec {
        name: "early_stopping",
        aliases: &[],
        label: "Early stopping",
        kind: ParamKind::Choice(&["auto", "true", "false"]),
        default: ParamDefault::Choice("auto"),
        optional: false,
        log_scale: false,
        help: "Hold out validation rows and stop when their loss stops improving; auto does so past 10,000 rows.",
    },
    ParamSpec {
        name: "validation_fraction",
        aliases: &[],
        label: "Validation fraction",
        kind: ParamKind::Float {
            min: 0.0,
            max: 0.99,
            min_exclusive: true,
        },
        default: ParamDefault::Float(0.1),
        optional: false,
        log_scale: false,
        help: "The share of the training rows held out to decide when to stop early.",
    },
    ParamSpec {
        name: "n_iter_no_change",
        aliases: &[],
        label: "Patience",
        kind: ParamKind::Integer {
            min: 1,
            max: 10_000,
        },
        default: ParamDefault::Integer(10),
        optional: false,
        log_scale: false,
        help: "Early stopping stops after this many iterations without the validation loss improving by tol.",
    },
    ParamSpec {
        name: "tol",
        aliases: &[],
        label: "Tolerance",
        kind: ParamKind::Float {
            min: 0.0,
            max: f64::INFINITY,
            min_exclusive: false,
        },
        default: ParamDefault::Float(1e-7),
        optional: false,
        log_scale: true,
        help: "How much the validation loss must improve to count as improving.",
    },
    CLASS_WEIGHT,
    RANDOM_STATE,
];

impl Family for Gbdt {
    fn name(&self) -> &'static str {
        "gbdt"
    }

    fn label(&self) -> &'static str {
        "Gradient boosting (histogram)"
    }

    fn tasks(&self) -> &'static [Task] {
        &[Task::Classification, Task::Regression]
    }

    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }

    /// Thresholds are compared in f32, as in ONNX Runtime.
    fn arithmetic(&self) -> Arithmetic {
        Arithmetic::OnnxF32
    }

    /// Splits learn where missing values go, and do not care about scale.
    fn numbers(&self, _: &Resolved) -> Result<Numbers, ParamError> {
        Ok(Numbers::Raw)
    }

    fn start(&self, p: &Resolved, data: TrainingSet) -> Result<Box<dyn Fit>, FitError> {
        let balanced = class_weight::is_balanced(p)?;
        let (owned, classes) = match (&data.target, p.choice("loss")?) {
            (Target::Classes { labels, classes }, None | Some("log_loss")) => {
                // From every training row, before any are held out, as scikit-learn.
                let weights = if balanced {
                    class_weight::balanced(labels, classes.len())
                } else {
                    Vec::new()
                };
                (
                    Owned::Classes(labels.clone(), classes.len(), weights),
                    classes.clone(),
                )
            }
            (Target::Values(_), _) if balanced => return Err(class_weight::refused_for_values()),
            (Target::Values(values), None | Some("squared_error")) => {
                (Owned::Values(values.clone()), Vec::new())
            }
            (Target::None, _) => {
                return Err(FitError::Data {
                    message: "gradient boosting needs a target column to learn from".into(),
                    param: None,
                });
            }
            (Target::Classes { .. }, Some(other)) | (Target::Values(_), Some(other)) => {
                let fits = if classes_target(&data.target) {
                    "log_loss"
                } else {
                    "squared_error"
                };
                return Err(FitError::Data {
                    message: format!("loss {other} does not fit this task; choose {fits}, or none"),
                    param: Some("loss"),
                });
            }
        };
        let rows = data.rows().min(owned.rows());
        let early = match p.choice("early_stopping")? {
            Some("true") => true,
            Some("false") => false,
            _ => rows > AUTO_EARLY_STOPPING_ROWS,
        };
        let seed = p.seed("random_state")?;
        let (train, validation) = if early {
            owned.hold_out(rows, p.float("validation_fraction")?, seed)
        } else {
            ((0..rows).collect(), Vec::new())
        };
        if train.is_empty() || (early && validation.is_empty()) {
            return Err(FitError::Data {
                message: format!(
                    "{rows} rows are too few to hold out validation rows for early stopping; \
                     choose early_stopping false"
                ),
                param: Some("early_stopping"),
            });
        }
        let binner = Binner::fit(&data.x, data.inputs, &train, p.count("max_bins")?, seed);
        let binned = binner.bin(&data.x, data.inputs, &train);
        let has_missing = (0..data.inputs)
            .map(|f| binned.feature(f).contains(&bins::MISSING))
            .collect();
        let bins = (0..data.inputs).map(|f| binner.bins(f)).collect();
        let truth = owned.subset(&train);
        let validation_truth = owned.subset(&validation);
        let step = train.len().div_ceil(CURVE_ROWS).max(1);
        let curve_rows: Vec<usize> = (0..train.len()).step_by(step).collect();
        let curve_truth = truth.subset(&curve_rows);
        let baseline = truth.truth().baseline();
        let targets = truth.truth().targets();
        let raw = baseline.repeat(train.len());
        let validation_raw = baseline.repeat(validation.len());
        let mut fit = GbdtFit {
            x: data.x,
            inputs: data.inputs,
            validation,
            binned,
            bins,
            has_missing,
            edges: binner.edges,
            params: GrowParams {
                max_leaf_nodes: p.optional_count("max_leaf_nodes")?,
                max_depth: p.optional_count("max_depth")?,
                min_samples_leaf: p.count("min_samples_leaf")?,
                l2_regularization: p.float("l2_regularization")?,
                learning_rate: p.float("learning_rate")?,
            },
            truth,
            validation_truth,
            classes,
            targets,
            baseline,
            raw,
            validation_raw,
            trees: Vec::new(),
            scores: Vec::new(),
            train_loss: f64::NAN,
            curve_truth,
            curve_rows,
            early,
            n_iter_no_change: p.count("n_iter_no_change")?,
            tol: p.float("tol")?,
            max_iter: p.count("max_iter")?,
            stopped_early: false,
            histograms: Histograms::Cpu,
        };
        fit.score();
        Ok(Box::new(fit))
    }

    fn model_from_json(&self, value: serde_json::Value) -> Result<Box<dyn Model>, String> {
        let model: GbdtModel = serde_json::from_value(value).map_err(|e| e.to_string())?;
        model.check()?;
        Ok(Box::new(model))
    }
}

fn classes_target(target: &Target) -> bool {
    matches!(target, Target::Classes { .. })
}

/// The targets of the rows a fit holds.
#[derive(Debug, Clone)]
enum Owned {
    Values(Vec<f64>),
    /// Labels, the number of classes, and each class's weight (empty: one).
    Classes(Vec<usize>, usize, Vec<f64>),
}

impl Owned {
    fn rows(&self) -> usize {
        match self {
            Owned::Values(v) => v.len(),
            Owned::Classes(l, ..) => l.len(),
        }
    }

    fn truth(&self) -> Truth<'_> {
        match self {
            Owned::Values(values) => Truth::Values(values),
            Owned::Classes(labels, classes, weights) => Truth::Classes {
                labels,
                classes: *classes,
                weights,
            },
        }
    }

    fn subset(&self, rows: &[usize]) -> Owned {
        match self {
            Owned::Values(v) => Owned::Values(rows.iter().map(|&r| v[r]).collect()),
            Owned::Classes(l, k, w) => {
                Owned::Classes(rows.iter().map(|&r| l[r]).collect(), *k, w.clone())
            }
        }
    }

    /// The first `rows` split into training and validation rows.
    fn hold_out(&self, rows: usize, fraction: f64, seed: u64) -> (Vec<usize>, Vec<usize>) {
        let labels = match self {
            Owned::Values(_) => None,
            Owned::Classes(labels, classes, _) => Some((&labels[..], *classes)),
        };
        split::hold_out(rows, labels, fraction, seed)
    }
}

struct GbdtFit {
    x: std::sync::Arc<[f64]>,
    inputs: usize,
    /// Rows of `x` held out for early stopping.
    validation: Vec<usize>,
    binned: bins::Binned,
    bins: Vec<usize>,
    has_missing: Vec<bool>,
    edges: Vec<Vec<f64>>,
    params: GrowParams,
    truth: Owned,
    validation_truth: Owned,
    classes: Vec<String>,
    targets: usize,
    baseline: Vec<f64>,
    /// Raw scores of the training rows, row-major, `targets` per row.
    raw: Vec<f64>,
    validation_raw: Vec<f64>,
    trees: Vec<Tree>,
    /// The negated loss after every iteration, the first before any: on the
    /// validation rows with early stopping, else on the training rows.
    scores: Vec<f64>,
    /// The mean training loss after the last iteration, on `curve_rows`: at most
    /// [`CURVE_ROWS`] evenly spaced training rows, as scikit-learn scores its
    /// `train_score_` on a 10,000-row sample, so the curve costs little on large data.
    train_loss: f64,
    curve_rows: Vec<usize>,
    curve_truth: Owned,
    early: bool,
    n_iter_no_change: usize,
    tol: f64,
    max_iter: usize,
    stopped_early: bool,
    histograms: Histograms,
}

impl GbdtFit {
    fn iterations(&self) -> usize {
        self.trees.len() / self.targets.max(1)
    }

    /// Takes the training loss (the curve's point) and, with early stopping,
    /// the validation score.
    fn score(&mut self) {
        let k = self.targets;
        let raw: Vec<f64> = self
            .curve_rows
            .iter()
            .flat_map(|&r| self.raw[r * k..(r + 1) * k].iter().copied())
            .collect();
        self.train_loss = self.curve_truth.truth().loss(&raw);
        let loss = if self.early {
            self.validation_truth.truth().loss(&self.validation_raw)
        } else {
            self.train_loss
        };
        self.scores.push(-loss);
    }

    /// scikit-learn's `_should_stop`: none of the last `n_iter_no_change` scores
    /// beat the one before them by more than `tol`.
    fn should_stop(&self) -> bool {
        let n = self.n_iter_no_change;
        if !self.early || self.scores.len() <= n {
            return false;
        }
        let reference = self.scores[self.scores.len() - n - 1];
        !self.scores[self.scores.len() - n..]
            .iter()
            .any(|&s| s > reference + self.tol)
    }

    /// One iteration: a tree per raw score, all grown before any is applied, so
    /// that a GPU failing part way leaves the fit as it was.
    async fn iterate(&mut self) -> Result<(), ComputeError> {
        let n = self.binned.rows;
        let k = self.targets;
        let truth = self.truth.truth();
        // Every target's gradients come from the scores before this iteration.
        let mut gradients = Vec::with_capacity(k);
        for t in 0..k {
            let (mut g, mut h) = (vec![0.0f32; n], vec![0.0f32; n]);
            truth.gradients(&self.raw, t, &mut g, &mut h);
            gradients.push((g, h));
        }
        let grower = Grower {
            binned: &self.binned,
            bins: &self.bins,
            has_missing: &self.has_missing,
            edges: &self.edges,
            params: &self.params,
        };
        let mut grown = Vec::with_capacity(k);
        for (g, h) in &gradients {
            grown.push(grower.grow(g, h, &mut self.histograms).await?);
        }
        for (t, grown) in grown.into_iter().enumerate() {
            for (r, added) in grown.added.iter().enumerate() {
                self.raw[r * k + t] += added;
            }
            for (v, &row) in self.validation.iter().enumerate() {
                let x = &self.x[row * self.inputs..(row + 1) * self.inputs];
                self.validation_raw[v * k + t] += grown.tree.predict(x);
            }
            self.trees.push(grown.tree);
        }
        self.score();
        self.stopped_early = self.should_stop();
        Ok(())
    }
}

impl Fit for GbdtFit {
    fn step(&mut self) -> Local<'_, Result<bool, ComputeError>> {
        Box::pin(async move {
            if self.iterations() < self.max_iter && !self.stopped_early {
                self.iterate().await?;
            }
            Ok(self.iterations() < self.max_iter && !self.stopped_early)
        })
    }

    fn progress(&self) -> Progress {
        Progress {
            done: self.iterations(),
            total: Some(self.max_iter),
            loss: Some(self.train_loss),
            unit: "iteration",
            held_out: match (self.early, self.scores.last()) {
                (true, Some(score)) => Some(HeldOut {
                    loss: Some(-score),
                    score: None,
                }),
                _ => None,
            },
        }
    }

    fn converged(&self) -> bool {
        self.stopped_early || self.iterations() == self.max_iter
    }

    fn model(&self) -> Fitted {
        Fitted::new(GbdtModel {
            classes: self.classes.clone(),
            inputs: self.inputs,
            baseline: self.baseline.clone(),
            trees: self.trees.clone(),
        })
    }

    fn device(&self) -> DeviceKind {
        match self.histograms {
            Histograms::Cpu => DeviceKind::Cpu,
            Histograms::Gpu(_) => DeviceKind::Gpu,
        }
    }

    /// The root's histogram, every row into every feature: the largest a tree builds.
    fn work_per_step(&self) -> u64 {
        self.binned.codes.len() as u64
    }

    fn why_not_gpu(&self) -> Option<String> {
        let (rows, features) = (self.binned.rows, self.bins.len());
        (!histograms::pays_on_gpu(rows, features)).then(|| {
            format!(
                "gradient boosting's largest histogram, {} rows × {} features, is too small to \
                 pay for a wait on the GPU (that takes from {} additions), so it ran on the CPU",
                grouped(rows as u64),
                grouped(features as u64),
                grouped(GPU_MIN_WORK)
            )
        })
    }

    fn to_gpu<'a>(&'a mut self, gpu: &'a GpuDevice) -> Local<'a, Result<bool, ComputeError>> {
        Box::pin(async move {
            if self.why_not_gpu().is_some() {
                return Ok(false);
            }
            let on_gpu = OnGpu::new(gpu, &self.binned, self.bins.len())?;
            self.histograms = Histograms::Gpu(Box::new(on_gpu));
            Ok(true)
        })
    }

    fn leave_gpu(&mut self) -> Local<'_, Result<(), ComputeError>> {
        Box::pin(async move {
            self.histograms = Histograms::Cpu;
            Ok(())
        })
    }
}

/// A fitted boosted ensemble over the model inputs (raw numbers, one-hot
/// categories); `classes` is empty for regression. Tree `i` adds to raw score
/// `i % targets`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GbdtModel {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
    pub inputs: usize,
    /// The raw scores before any tree.
    pub baseline: Vec<f64>,
    pub trees: Vec<Tree>,
}

impl GbdtModel {
    fn targets(&self) -> usize {
        if self.classes.len() > 2 {
            self.classes.len()
        } else {
            1
        }
    }

    fn check(&self) -> Result<(), String> {
        if self.baseline.len() != self.targets() || self.baseline.iter().any(|b| !b.is_finite()) {
            return Err(format!(
                "the baseline holds {} numbers, not {} finite ones",
                self.baseline.len(),
                self.targets()
            ));
        }
        for (t, tree) in self.trees.iter().enumerate() {
            tree.check(self.inputs)
                .map_err(|e| format!("tree {t}: {e}"))?;
        }
        Ok(())
    }

    fn raw(&self, row: &[f64]) -> Vec<f64> {
        let k = self.targets();
        let mut raw = self.baseline.clone();
        for (t, tree) in self.trees.iter().enumerate() {
            raw[t % k] += tree.predict(row);
        }
        raw
    }
}

impl Model for GbdtModel {
    fn family(&self) -> &'static str {
        "gbdt"
    }

    fn inputs(&self) -> usize {
        self.inputs
    }

    fn classes(&self) -> &[String] {
        &self.classes
    }

    fn predict(&self, x: &[f64]) -> Output {
        // Rows are scored on threads, each row on its own.
        let answers = parallel::rows(x, self.inputs, |row| {
            let raw = self.raw(row);
            match self.classes.len() {
                0 => raw,
                2 => {
                    let p = sigmoid(raw[0]);
                    vec![1.0 - p, p]
                }
                _ => softmax(&raw),
            }
        });
        Output::per_row(&self.classes, answers)
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    fn outputs(&self) -> &'static [&'static str] {
        if self.classes.is_empty() {
            &[PREDICTION]
        } else {
            &[LABEL, PROBABILITIES]
        }
    }

    fn write_onnx(&self, graph: &mut Graph, features: &str) -> Result<String, ExportError> {
        self.check().map_err(ExportError::Inconsistent)?;
        let k = self.targets();
        let mut ensemble = Ensemble::new();
        for (t, tree) in self.trees.iter().enumerate() {
            for (i, node) in tree.nodes.iter().enumerate() {
                match node {
                    grow::Node::Split {
                        feature,
                        threshold,
                        missing_left,
                        left,
                        right,
                    } => {
                        ensemble.split(t, i, *feature, *threshold, *left, *right, *missing_left)?
                    }
                    grow::Node::Leaf { value } => ensemble.leaf(t, i, [(t % k, *value)])?,
                }
            }
        }
        if self.trees.is_empty() {
            // An ensemble node needs a tree: one leaf adding nothing.
            ensemble.leaf(0, 0, [(0, 0.0)])?;
        }
        let base = self
            .baseline
            .iter()
            .map(|&b| crate::export::graph::finite("the baseline", b))
            .collect::<Result<Vec<f32>, _>>()?;
        let iterations = self.trees.len() / k;
        if self.classes.is_empty() {
            ensemble.write_regressor(graph, features, PREDICTION, 1, Some(base));
            graph.output(PREDICTION, DataType::Float, &[batch(), fixed(1)]);
            return Ok(format!(
                "gradient boosting, {iterations} regression trees summed onto the mean. Output: \
                 prediction, the predicted value (float, [N, 1])."
            ));
        }
        let raw = graph.internal("boosting_raw");
        ensemble.write_regressor(graph, features, &raw, k, Some(base));
        // Two classes: one raw score, the log-odds of the second.
        graph.classify(&raw, &self.classes);
        let classes = self.classes.len();
        Ok(format!(
            "gradient boosting, {iterations} iterations of {k} tree(s) into {classes} classes: \
             {}; raw scores through {}. Outputs: label, the predicted class (string, [N]); \
             probabilities, one column per class in that order (float, [N, {classes}]).",
            self.classes.join(", "),
            if k == 1 { "Sigmoid" } else { "Softmax" }
        ))
    }

    fn clone_box(&self) -> Box<dyn Model> {
        Box::new(self.clone())
    }
}
