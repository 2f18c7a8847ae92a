//! Multinomial logistic regression with an L2 penalty, fitted by L-BFGS on the
//! CPU (f64) or the GPU (f32 kernels), as scikit-learn's `LogisticRegression`.

mod objective;

pub use objective::SoftmaxCrossEntropy;

use serde::{Deserialize, Serialize};

use super::convex::{ConvexLoss, LbfgsFit};
use super::{GpuSoftmaxCrossEntropy, MAX_ITER, softmax};
use crate::compute::{ComputeError, GpuDevice};
use crate::export::graph::{self, Graph, ML_DOMAIN, batch, finite, fixed};
use crate::export::onnx::{ExportError, LABEL, PROBABILITIES, check_width};
use crate::export::onnx_proto::tensor_proto::DataType;
use crate::learner::{
    Family, Fit, FitError, Fitted, Model, Output, ParamDefault, ParamKind, ParamSpec, Resolved,
    Target, TrainingSet,
};
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
    MAX_ITER,
];

/// Checked hyperparameters.
struct LogisticParams {
    c: f64,
    max_iter: usize,
}

impl LogisticParams {
    fn from(params: &Resolved) -> Result<Self, FitError> {
        Ok(Self {
            c: params.float("C")?,
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
        let p = LogisticParams::from(params)?;
        let Target::Classes { labels, classes } = data.target else {
            return Err(FitError::Data {
                message: "logistic regression needs class labels to learn from".into(),
                param: None,
            });
        };
        let objective = Classes {
            loss: SoftmaxCrossEntropy {
                x: data.x,
                inputs: data.inputs,
                labels,
                classes: classes.len(),
                penalty: 1.0 / p.c,
            },
            classes,
        };
        Ok(Box::new(LbfgsFit::new(
            objective,
            p.max_iter,
            |o, params| {
                let (d, k) = (o.loss.inputs, o.classes.len());
                let stride = d + 1;
                Fitted::new(LogisticModel {
                    coef: (0..k)
                        .map(|c| params[c * stride..c * stride + d].to_vec())
                        .collect(),
                    intercept: (0..k).map(|c| params[c * stride + d]).collect(),
                    classes: o.classes.clone(),
                })
            },
        )))
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

/// The objective with the class names the model will carry.
struct Classes {
    loss: SoftmaxCrossEntropy,
    classes: Vec<String>,
}

impl super::Objective for Classes {
    fn dim(&self) -> usize {
        self.loss.dim()
    }

    async fn eval(&self, params: &[f64], grad: &mut [f64]) -> Result<f64, ComputeError> {
        self.loss.eval(params, grad).await
    }
}

impl ConvexLoss for Classes {
    type OnGpu = GpuSoftmaxCrossEntropy;

    async fn upload(&self, gpu: &GpuDevice) -> Result<Self::OnGpu, ComputeError> {
        GpuSoftmaxCrossEntropy::upload(gpu, &self.loss).await
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
