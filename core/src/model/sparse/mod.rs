//! Lasso and elastic net: linear regression with an L1 penalty (and, for the
//! elastic net, an L2 one), as scikit-learn's `Lasso` and `ElasticNet`, fitted by
//! coordinate descent (`descent.rs`), one sweep over the coefficients per step.
//! The fitted model is a linear model like ridge's, exported as `LinearRegressor`.

mod descent;

use super::MAX_ITER;
use super::linear::LinearModel;
use crate::compute::ComputeError;
use crate::learner::{
    Family, Fit, FitError, Fitted, Local, Model, ParamDefault, ParamKind, ParamSpec, Progress,
    Resolved, Target, TrainingSet,
};
use crate::train::Task;
use descent::Descent;

#[derive(Debug)]
pub struct Lasso;

#[derive(Debug)]
pub struct ElasticNet;

const ALPHA: ParamSpec = ParamSpec {
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
    help: "Penalty strength: larger values set more weights to exactly zero.",
};

const L1_RATIO: ParamSpec = ParamSpec {
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
    help: "The L1 share of the penalty: 1 is the lasso, 0 is ridge, between them a mix.",
};

const TOL: ParamSpec = ParamSpec {
    name: "tol",
    aliases: &[],
    label: "Tolerance",
    kind: ParamKind::Float {
        min: 0.0,
        max: 1.0,
        min_exclusive: true,
    },
    default: ParamDefault::Float(1e-4),
    optional: false,
    log_scale: true,
    help: "Fitting stops once the duality gap is below this share of the targets' squared norm.",
};

const LASSO_PARAMS: &[ParamSpec] = &[ALPHA, MAX_ITER, TOL];
const ELASTIC_NET_PARAMS: &[ParamSpec] = &[ALPHA, L1_RATIO, MAX_ITER, TOL];

/// Starts a coordinate-descent fit with the L1 share `l1_ratio`.
fn start(
    name: &str,
    params: &Resolved,
    data: TrainingSet,
    l1_ratio: f64,
) -> Result<Box<dyn Fit>, FitError> {
    let Target::Values(y) = &data.target else {
        return Err(FitError::Data {
            message: format!("{name} needs number targets to learn from"),
            param: None,
        });
    };
    let descent = Descent::new(
        &data.x,
        data.inputs,
        y,
        params.float("alpha")?,
        l1_ratio,
        params.float("tol")?,
    );
    Ok(Box::new(DescentFit {
        descent,
        max_iter: params.count("max_iter")?,
    }))
}

impl Family for Lasso {
    fn name(&self) -> &'static str {
        "lasso"
    }

    fn label(&self) -> &'static str {
        "Lasso (L1 linear regression)"
    }

    fn tasks(&self) -> &'static [Task] {
        &[Task::Regression]
    }

    fn params(&self) -> &'static [ParamSpec] {
        LASSO_PARAMS
    }

    fn start(&self, params: &Resolved, data: TrainingSet) -> Result<Box<dyn Fit>, FitError> {
        start("the lasso", params, data, 1.0)
    }

    fn model_from_json(&self, value: serde_json::Value) -> Result<Box<dyn Model>, String> {
        linear_from_json(value)
    }
}

impl Family for ElasticNet {
    fn name(&self) -> &'static str {
        "elastic_net"
    }

    fn label(&self) -> &'static str {
        "Elastic net (L1 + L2 linear regression)"
    }

    fn tasks(&self) -> &'static [Task] {
        &[Task::Regression]
    }

    fn params(&self) -> &'static [ParamSpec] {
        ELASTIC_NET_PARAMS
    }

    fn start(&self, params: &Resolved, data: TrainingSet) -> Result<Box<dyn Fit>, FitError> {
        let l1_ratio = params.float("l1_ratio")?;
        start("the elastic net", params, data, l1_ratio)
    }

    fn model_from_json(&self, value: serde_json::Value) -> Result<Box<dyn Model>, String> {
        linear_from_json(value)
    }
}

/// The fitted model is a linear model: its JSON reads back as one.
fn linear_from_json(value: serde_json::Value) -> Result<Box<dyn Model>, String> {
    let model: LinearModel = serde_json::from_value(value).map_err(|e| e.to_string())?;
    Ok(Box::new(model))
}

struct DescentFit {
    descent: Descent,
    max_iter: usize,
}

impl Fit for DescentFit {
    fn step(&mut self) -> Local<'_, Result<bool, ComputeError>> {
        Box::pin(async move {
            if self.descent.converged || self.descent.sweeps >= self.max_iter {
                return Ok(false);
            }
            self.descent.sweep();
            Ok(!self.descent.converged && self.descent.sweeps < self.max_iter)
        })
    }

    fn progress(&self) -> Progress {
        Progress {
            done: self.descent.sweeps,
            total: Some(self.max_iter),
            loss: Some(self.descent.objective()),
            unit: "sweep",
            held_out: None,
        }
    }

    fn converged(&self) -> bool {
        self.descent.converged
    }

    fn model(&self) -> Fitted {
        Fitted::new(LinearModel {
            coef: self.descent.w.clone(),
            intercept: self.descent.intercept(),
        })
    }
}
