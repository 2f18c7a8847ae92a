//! Multinomial logistic regression, as scikit-learn's `LogisticRegression`.
//!
//! The objective is scikit-learn's: the log-losses plus
//! `(ρ ‖W‖₁ + (1 − ρ) ‖W‖² / 2) / C`, `ρ` the `l1_ratio` (0 for `l2`), intercepts
//! unpenalized. Two classes are scikit-learn's one weight vector (`binary.rs`),
//! carried in the model as the second class's row beside a row of zeros; three or
//! more are multinomial (`objective.rs`).
//!
//! With the L2 penalty (the default) or none, fitted by L-BFGS on the CPU (f64)
//! or the GPU (f32 kernels, multinomial: two classes run there as two rows with
//! the first held at zero). With `l1` or `elasticnet`, fitted by OWL-QN, so
//! weights the optimum zeroes are exactly zero, on the CPU only, wherever a GPU is
//! offered.

mod binary;
mod objective;

pub use binary::{BinaryCrossEntropy, SecondRow};
pub use objective::SoftmaxCrossEntropy;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::class_weight::{self, CLASS_WEIGHT};
use super::convex::{ConvexLoss, LbfgsFit, OwlqnFit};
use super::{GpuSoftmaxCrossEntropy, MAX_ITER, Objective, softmax};
use crate::compute::{ComputeError, GpuDevice};
use crate::export::graph::{self, Graph, ML_DOMAIN, batch, finite, fixed};
use crate::export::onnx::{ExportError, LABEL, PROBABILITIES, check_width};
use crate::export::onnx_proto::tensor_proto::DataType;
use crate::learner::incremental::{Incremental, Stream};
use crate::learner::{
    Family, Fit, FitError, Fitted, Model, Output, ParamDefault, ParamKind, ParamSpec, Resolved,
    Target, TrainingSet,
};
use crate::model::sgd::{self, Makes, Minibatches, SampleLoss, Setup, SgdFit};
use crate::train::Task;

#[derive(Debug)]
pub struct Logistic;

const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "C",
        aliases: &["c"],
        label: "C (inverse regularization)",
        kind: ParamKind::Float {
            min: 0.0,
            max: f64::INFINITY,
            min_exclusive: true,
        },
        default: ParamDefault::Float(1.0),
        optional: false,
        log_scale: true,
        help: "Inverse regularization strength: smaller values keep the weights small and the model simpler.",
    },
    ParamSpec {
        name: "penalty",
        aliases: &[],
        label: "Penalty",
        kind: ParamKind::Choice(&["l2", "l1", "elasticnet"]),
        default: ParamDefault::Choice("l2"),
        optional: true,
        log_scale: false,
        help: "What keeps the weights small: l2 their squares, l1 their sizes (setting some to \
               exactly zero), elasticnet a mix of the two by l1_ratio; none leaves them free and \
               C unused. l1 and elasticnet train on the CPU.",
    },
    ParamSpec {
        name: "l1_ratio",
        aliases: &[],
        label: "L1 ratio",
        kind: ParamKind::Float {
            min: 0.0,
            max: 1.0,
            min_exclusive: false,
        },
        default: ParamDefault::Float(0.5),
        optional: false,
        log_scale: false,
        help: "With the elasticnet penalty, its L1 share: 1 is l1, 0 is l2, between them a mix.",
    },
    CLASS_WEIGHT,
    MAX_ITER,
    sgd::solver(
        &["lbfgs", sgd::ADAM],
        "How the weights are fitted: lbfgs over every row at once (OWL-QN with l1 or \
         elasticnet), or adam on minibatches of rows, an epoch per step (max_iter epochs, l2 \
         or no penalty), for tables too large to go over whole at every step.",
    ),
    super::BATCH_SIZE,
    sgd::LEARNING_RATE_INIT,
];

/// The penalty on the weights.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Penalty {
    /// `strength · ‖W‖² / 2`: `1 / C`, or 0 for no penalty (scikit-learn's `None`).
    L2 { strength: f64 },
    /// `(ρ ‖W‖₁ + (1 − ρ) ‖W‖² / 2) / C`; `l1` is `ρ = 1`.
    ElasticNet { c: f64, l1_ratio: f64 },
}

/// Checked hyperparameters.
struct LogisticParams {
    penalty: Penalty,
    balanced: bool,
    max_iter: usize,
}

impl LogisticParams {
    fn from(params: &Resolved) -> Result<Self, FitError> {
        let c = params.float("C")?;
        let penalty = match params.choice("penalty")? {
            Some("l2") => Penalty::L2 { strength: 1.0 / c },
            None => Penalty::L2 { strength: 0.0 },
            Some("l1") => Penalty::ElasticNet { c, l1_ratio: 1.0 },
            _ => Penalty::ElasticNet {
                c,
                l1_ratio: params.float("l1_ratio")?,
            },
        };
        Ok(Self {
            penalty,
            balanced: class_weight::is_balanced(params)?,
            max_iter: params.count("max_iter")?,
        })
    }
}

impl Family for Logistic {
    fn name(&self) -> &'static str {
        "logistic"
    }

    fn label(&self) -> &'static str {
        "Logistic regression"
    }

    fn tasks(&self) -> &'static [Task] {
        &[Task::Classification]
    }

    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }

    fn start(&self, params: &Resolved, data: TrainingSet) -> Result<Box<dyn Fit>, FitError> {
        if params.choice("solver")? == Some(sgd::ADAM) {
            let classes = match &data.target {
                Target::Classes { classes, .. } => classes.len(),
                _ => 0,
            };
            let minibatches = Minibatches::from(params, 0)?;
            let setup = online_setup(params, classes)?;
            return Ok(Box::new(SgdFit::new(setup, data, minibatches)?));
        }
        let p = LogisticParams::from(params)?;
        let Target::Classes { labels, classes } = data.target else {
            return Err(FitError::Data {
                message: "logistic regression needs class labels to learn from".into(),
                param: None,
            });
        };
        let weights = if p.balanced {
            class_weight::balanced(&labels, classes.len())
        } else {
            Vec::new()
        };
        let rows = Rows {
            x: data.x,
            inputs: data.inputs,
            labels,
            classes,
            weights,
        };
        Ok(match p.penalty {
            Penalty::L2 { strength } => l2_fit(rows, strength, p.max_iter),
            Penalty::ElasticNet { c, l1_ratio } => {
                let (l2, l1) = ((1.0 - l1_ratio) / c, l1_ratio / c);
                l1_fit(rows, l2, l1, p.max_iter)
            }
        })
    }

    fn incremental(
        &self,
        params: &Resolved,
        stream: &Stream,
    ) -> Option<Result<Box<dyn Incremental>, FitError>> {
        sgd::incremental(online_setup(params, stream.classes.len()), stream)
    }

    fn model_from_json(&self, value: serde_json::Value) -> Result<Box<dyn Model>, String> {
        let model: LogisticModel = serde_json::from_value(value).map_err(|e| e.to_string())?;
        if model.coef.len() != model.classes.len() || model.intercept.len() != model.classes.len() {
            return Err(format!(
                "{} classes, but {} coefficient rows and {} intercepts",
                model.classes.len(),
                model.coef.len(),
                model.intercept.len()
            ));
        }
        Ok(Box::new(model))
    }
}

/// How minibatches fit `classes` classes: the full-batch objective with the L2
/// penalty (or none); L1's exact zeros need every row at once.
fn online_setup(params: &Resolved, classes: usize) -> Result<Setup, FitError> {
    let p = LogisticParams::from(params)?;
    let Penalty::L2 { strength } = p.penalty else {
        return Err(FitError::Data {
            message: "logistic regression learns from minibatches with the l2 penalty or none: \
                      choose penalty l2, or train on every row at once"
                .into(),
            param: Some("penalty"),
        });
    };
    Ok(Setup {
        makes: Makes::Logistic,
        loss: if classes == 2 {
            SampleLoss::Logistic
        } else {
            SampleLoss::Softmax
        },
        l2: strength,
        intercept: true,
        balanced: p.balanced,
        units: 1.0,
    })
}

/// The training rows and their classes' weights (empty: all one).
struct Rows {
    x: Arc<[f64]>,
    inputs: usize,
    labels: Vec<usize>,
    classes: Vec<String>,
    weights: Vec<f64>,
}

/// L-BFGS on the objective with an L2 penalty of `strength`, on the GPU where
/// one is offered (and the rows are not weighed by class).
fn l2_fit(rows: Rows, strength: f64, max_iter: usize) -> Box<dyn Fit> {
    if rows.classes.len() == 2 {
        return Box::new(LbfgsFit::new(
            binary(rows, strength),
            max_iter,
            binary_model,
        ));
    }
    let objective = multinomial(rows, strength);
    Box::new(LbfgsFit::new(objective, max_iter, multinomial_model))
}

/// OWL-QN on scikit-learn's objective with an L2 penalty of `l2` and an L1
/// weight of `l1` on every weight (none on the intercepts), on the CPU.
fn l1_fit(rows: Rows, l2: f64, l1: f64, max_iter: usize) -> Box<dyn Fit> {
    // One class's parameters: its weights, then its intercept.
    let mut weights = vec![l1; rows.inputs];
    weights.push(0.0);
    if rows.classes.len() == 2 {
        let objective = binary(rows, l2);
        return Box::new(OwlqnFit::new(objective, weights, max_iter, binary_model));
    }
    let weights = weights.repeat(rows.classes.len());
    let objective = multinomial(rows, l2);
    Box::new(OwlqnFit::new(
        objective,
        weights,
        max_iter,
        multinomial_model,
    ))
}

/// The two-class objective over `rows` with an L2 penalty of `l2`.
fn binary(rows: Rows, l2: f64) -> Classes<BinaryCrossEntropy> {
    Classes {
        loss: BinaryCrossEntropy {
            x: rows.x,
            inputs: rows.inputs,
            positive: rows.labels.iter().map(|&c| c == 1).collect(),
            penalty: l2,
            class_weights: rows.weights,
        },
        classes: rows.classes,
    }
}

/// The multinomial objective over `rows` with an L2 penalty of `l2`.
fn multinomial(rows: Rows, l2: f64) -> Classes<SoftmaxCrossEntropy> {
    Classes {
        loss: SoftmaxCrossEntropy {
            x: rows.x,
            inputs: rows.inputs,
            classes: rows.classes.len(),
            labels: rows.labels,
            penalty: l2,
            class_weights: rows.weights,
        },
        classes: rows.classes,
    }
}

/// The model at multinomial parameters, laid out class by class.
fn multinomial_model(o: &Classes<SoftmaxCrossEntropy>, params: &[f64]) -> Fitted {
    let (d, k) = (o.loss.inputs, o.classes.len());
    let stride = d + 1;
    Fitted::new(LogisticModel {
        coef: (0..k)
            .map(|c| params[c * stride..c * stride + d].to_vec())
            .collect(),
        intercept: (0..k).map(|c| params[c * stride + d]).collect(),
        classes: o.classes.clone(),
    })
}

/// The model at two-class parameters `[v, c]`: the first class's row zero, the
/// second's `v` and `c`, so that the softmax is `[1 − σ(z), σ(z)]`.
fn binary_model(o: &Classes<BinaryCrossEntropy>, params: &[f64]) -> Fitted {
    let d = o.loss.inputs;
    Fitted::new(LogisticModel {
        coef: vec![vec![0.0; d], params[..d].to_vec()],
        intercept: vec![0.0, params[d]],
        classes: o.classes.clone(),
    })
}

/// An objective with the class names the model will carry.
struct Classes<L> {
    loss: L,
    classes: Vec<String>,
}

impl<L: Objective> Objective for Classes<L> {
    fn dim(&self) -> usize {
        self.loss.dim()
    }

    async fn eval(&self, params: &[f64], grad: &mut [f64]) -> Result<f64, ComputeError> {
        self.loss.eval(params, grad).await
    }
}

impl ConvexLoss for Classes<SoftmaxCrossEntropy> {
    type OnGpu = GpuSoftmaxCrossEntropy;

    /// The fused GPU kernels weigh every row alike.
    fn has_gpu_path(&self) -> bool {
        self.loss.class_weights.is_empty()
    }

    async fn upload(&self, gpu: &GpuDevice) -> Result<Self::OnGpu, ComputeError> {
        GpuSoftmaxCrossEntropy::upload(gpu, &self.loss).await
    }

    fn rows(&self) -> usize {
        self.loss.labels.len()
    }
}

impl ConvexLoss for Classes<BinaryCrossEntropy> {
    type OnGpu = SecondRow<GpuSoftmaxCrossEntropy>;

    /// The fused GPU kernels weigh every row alike.
    fn has_gpu_path(&self) -> bool {
        self.loss.class_weights.is_empty()
    }

    async fn upload(&self, gpu: &GpuDevice) -> Result<Self::OnGpu, ComputeError> {
        let rows = SoftmaxCrossEntropy {
            x: self.loss.x.clone(),
            inputs: self.loss.inputs,
            labels: self.loss.positive.iter().map(|&p| usize::from(p)).collect(),
            classes: 2,
            penalty: self.loss.penalty,
            class_weights: Vec::new(),
        };
        Ok(SecondRow(GpuSoftmaxCrossEntropy::upload(gpu, &rows).await?))
    }

    fn rows(&self) -> usize {
        self.loss.positive.len()
    }
}

/// `softmax(W x + b)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticModel {
    pub classes: Vec<String>,
    /// `classes × inputs`.
    pub coef: Vec<Vec<f64>>,
    pub intercept: Vec<f64>,
}

impl Model for LogisticModel {
    fn family(&self) -> &'static str {
        "logistic"
    }

    fn inputs(&self) -> usize {
        self.coef.first().map_or(0, Vec::len)
    }

    fn classes(&self) -> &[String] {
        &self.classes
    }

    fn predict(&self, x: &[f64]) -> Output {
        let probabilities = x
            .chunks(self.inputs().max(1))
            .map(|row| {
                let z: Vec<f64> = self
                    .coef
                    .iter()
                    .zip(&self.intercept)
                    .map(|(w, b)| w.iter().zip(row).map(|(w, x)| w * x).sum::<f64>() + b)
                    .collect();
                softmax(&z)
            })
            .collect();
        Output::Classes {
            classes: self.classes.clone(),
            probabilities,
        }
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    fn outputs(&self) -> &'static [&'static str] {
        &[LABEL, PROBABILITIES]
    }

    fn write_onnx(&self, graph: &mut Graph, features: &str) -> Result<String, ExportError> {
        let (classes, width) = (&self.classes, self.inputs());
        if classes.len() < 2 {
            return Err(ExportError::Inconsistent(format!(
                "a classifier needs at least two classes, and this one has {}",
                classes.len()
            )));
        }
        let mut coefficients = Vec::with_capacity(classes.len() * width);
        for (class, row) in classes.iter().zip(&self.coef) {
            check_width(row.len(), width)?;
            for (j, &w) in row.iter().enumerate() {
                coefficients.push(finite(&format!("coefficient {j} of class \"{class}\""), w)?);
            }
        }
        let intercepts = classes
            .iter()
            .zip(&self.intercept)
            .map(|(class, &b)| finite(&format!("the intercept of class \"{class}\""), b))
            .collect::<Result<Vec<_>, _>>()?;
        graph.node(
            "LinearClassifier",
            ML_DOMAIN,
            &[features],
            &[LABEL, PROBABILITIES],
            vec![
                graph::floats("coefficients", coefficients),
                graph::floats("intercepts", intercepts),
                graph::strings("classlabels_strings", classes),
                // Multinomial: one softmax over all classes' scores.
                graph::int("multi_class", 1),
                graph::string("post_transform", "SOFTMAX"),
            ],
        );
        graph.output(LABEL, DataType::String, &[batch()]);
        graph.output(
            PROBABILITIES,
            DataType::Float,
            &[batch(), fixed(classes.len())],
        );
        Ok(format!(
            "multinomial logistic regression into {} classes: {}. Outputs: label, the predicted \
             class (string, [N]); probabilities, one column per class in that order (float, [N, {}]).",
            classes.len(),
            classes.join(", "),
            classes.len()
        ))
    }

    fn clone_box(&self) -> Box<dyn Model> {
        Box::new(self.clone())
    }
}
