//! Linear regression with an L2 penalty (ridge; `alpha = 0` is ordinary least
//! squares), fitted by L-BFGS on the CPU (f64) or the GPU (f32 kernels).

mod objective;

pub use objective::SquaredError;

use serde::{Deserialize, Serialize};

use super::convex::{ConvexLoss, LbfgsFit};
use super::{GpuSquaredError, MAX_ITER};
use crate::compute::{ComputeError, GpuDevice};
use crate::export::graph::{self, Graph, ML_DOMAIN, batch, finite, fixed};
use crate::export::onnx::{ExportError, PREDICTION};
use crate::export::onnx_proto::tensor_proto::DataType;
use crate::learner::incremental::{Incremental, Stream};
use crate::learner::{
    Family, Fit, FitError, Fitted, Model, Output, ParamDefault, ParamKind, ParamSpec, Resolved,
    Target, TrainingSet,
};
use crate::model::sgd::{self, Makes, Minibatches, SampleLoss, Setup, SgdFit};
use crate::train::Task;

#[derive(Debug)]
pub struct Linear;

const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "alpha",
        aliases: &[],
        label: "Alpha (regularization)",
        kind: ParamKind::Float {
            min: 0.0,
            max: f64::INFINITY,
            min_exclusive: false,
        },
        default: ParamDefault::Float(1.0),
        optional: false,
        log_scale: true,
        help: "Regularization strength: larger values shrink the weights towards zero; 0 is ordinary least squares.",
    },
    MAX_ITER,
    sgd::solver(
        &["lbfgs", sgd::ADAM],
        "How the weights are fitted: lbfgs over every row at once, or adam on minibatches of \
         rows, an epoch per step (max_iter epochs), for tables too large to go over whole at \
         every step.",
    ),
    super::BATCH_SIZE,
    sgd::LEARNING_RATE_INIT,
];

/// How minibatches fit ridge: its `‖y − Xw‖² + alpha ‖w‖²`, halved.
fn online_setup(params: &Resolved) -> Result<Setup, FitError> {
    Ok(Setup {
        makes: Makes::Linear,
        loss: SampleLoss::Squared,
        l2: params.float("alpha")?,
        intercept: true,
        balanced: false,
        units: 2.0,
    })
}

impl Family for Linear {
    fn name(&self) -> &'static str {
        "linear"
    }

    fn label(&self) -> &'static str {
        "Linear regression"
    }

    fn tasks(&self) -> &'static [Task] {
        &[Task::Regression]
    }

    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }

    fn start(&self, params: &Resolved, data: TrainingSet) -> Result<Box<dyn Fit>, FitError> {
        let (alpha, max_iter) = (params.float("alpha")?, params.count("max_iter")?);
        if params.choice("solver")? == Some(sgd::ADAM) {
            let minibatches = Minibatches::from(params, 0)?;
            return Ok(Box::new(SgdFit::new(
                online_setup(params)?,
                data,
                minibatches,
            )?));
        }
        let Target::Values(y) = data.target else {
            return Err(FitError::Data {
                message: "linear regression needs number targets to learn from".into(),
                param: None,
            });
        };
        let objective = SquaredError {
            x: data.x,
            inputs: data.inputs,
            y,
            alpha,
        };
        Ok(Box::new(LbfgsFit::new(objective, max_iter, |o, params| {
            Fitted::new(LinearModel {
                coef: params[..o.inputs].to_vec(),
                intercept: params[o.inputs],
            })
        })))
    }

    fn incremental(
        &self,
        params: &Resolved,
        stream: &Stream,
    ) -> Option<Result<Box<dyn Incremental>, FitError>> {
        sgd::incremental(online_setup(params), stream)
    }

    fn model_from_json(&self, value: serde_json::Value) -> Result<Box<dyn Model>, String> {
        let model: LinearModel = serde_json::from_value(value).map_err(|e| e.to_string())?;
        Ok(Box::new(model))
    }
}

impl ConvexLoss for SquaredError {
    type OnGpu = GpuSquaredError;

    async fn upload(&self, gpu: &GpuDevice) -> Result<Self::OnGpu, ComputeError> {
        GpuSquaredError::upload(gpu, self).await
    }

    fn rows(&self) -> usize {
        self.y.len()
    }
}

/// `w · x + b`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearModel {
    pub coef: Vec<f64>,
    pub intercept: f64,
}

impl Model for LinearModel {
    fn family(&self) -> &'static str {
        "linear"
    }

    fn inputs(&self) -> usize {
        self.coef.len()
    }

    fn predict(&self, x: &[f64]) -> Output {
        Output::Values(
            x.chunks(self.inputs().max(1))
                .map(|row| {
                    self.coef.iter().zip(row).map(|(w, x)| w * x).sum::<f64>() + self.intercept
                })
                .collect(),
        )
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    fn outputs(&self) -> &'static [&'static str] {
        &[PREDICTION]
    }

    fn write_onnx(&self, graph: &mut Graph, features: &str) -> Result<String, ExportError> {
        let coefficients = self
            .coef
            .iter()
            .enumerate()
            .map(|(j, &w)| finite(&format!("coefficient {j}"), w))
            .collect::<Result<Vec<_>, _>>()?;
        let intercept = finite("the intercept", self.intercept)?;
        graph.node(
            "LinearRegressor",
            ML_DOMAIN,
            &[features],
            &[PREDICTION],
            vec![
                graph::floats("coefficients", coefficients),
                graph::floats("intercepts", vec![intercept]),
                graph::int("targets", 1),
            ],
        );
        graph.output(PREDICTION, DataType::Float, &[batch(), fixed(1)]);
        Ok(
            "ridge linear regression. Output: prediction, the predicted value (float, [N, 1])."
                .into(),
        )
    }

    fn clone_box(&self) -> Box<dyn Model> {
        Box::new(self.clone())
    }
}
