//! Linear models learned from minibatches: the incremental fit of linear
//! regression, logistic regression and the linear SVM, for data that streams
//! past a chunk at a time ([`crate::online`]).
//!
//! Each family's objective is scikit-learn's, divided by its training rows: a
//! mean loss over the rows plus `λ ‖W‖² / 2` with `λ` the penalty's share per
//! row (`alpha / n` for ridge, `1 / (C n)` for logistic regression and the
//! SVM), intercepts unpenalized. Minibatch gradients of it drive Adam, whose
//! step size shrinks as `1 / √(1 + passes)`, so that later passes settle
//! towards the minimum a fit on every row at once finds. The model left
//! behind is the family's own, exported and served as any other.

mod fit;
mod loss;

pub(crate) use fit::{LEARNING_RATE_INIT, Minibatches, SgdFit};
pub use loss::{SampleLoss, SampleTarget};

use crate::learner::params::{ParamDefault, ParamKind, ParamSpec};

/// The name `solver=…` gives minibatch training.
pub(crate) const ADAM: &str = "adam";

/// `solver`: the family's full-batch solver (the default) or minibatches (`adam`).
pub(crate) const fn solver(choices: &'static [&'static str], help: &'static str) -> ParamSpec {
    ParamSpec {
        name: "solver",
        aliases: &[],
        label: "Solver",
        kind: ParamKind::Choice(choices),
        default: ParamDefault::Choice(choices[0]),
        optional: false,
        log_scale: false,
        help,
    }
}

use crate::learner::incremental::{Batch, Incremental, Stream};
use crate::learner::{FitError, Fitted};
use crate::model::linear::LinearModel;
use crate::model::linear_svm::LinearSvmModel;
use crate::model::logistic::LogisticModel;
use crate::model::vector;

const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const EPSILON: f64 = 1e-8;

/// Which model the weights make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Makes {
    Linear,
    Logistic,
    LinearSvm,
}

/// A linear model learning from minibatches.
#[derive(Debug, Clone)]
pub struct Sgd {
    makes: Makes,
    loss: SampleLoss,
    inputs: usize,
    /// Weight rows, each `inputs` weights then its intercept.
    outputs: usize,
    params: Vec<f64>,
    /// The penalty's share per row.
    penalty: f64,
    /// From the mean objective per row to the family's objective over every
    /// training row: `Setup::units` times the rows.
    report: f64,
    intercept: bool,
    /// Each class's weight (empty: all one).
    class_weights: Vec<f64>,
    classes: Vec<String>,
    /// A regression target's mean and scale: the weights learn the standardized
    /// target, whose slopes are then of one size whatever the target's units.
    centre: f64,
    scale: f64,
    learning_rate: f64,
    updates_per_pass: usize,
    /// Adam's moments and its step count.
    first: Vec<f64>,
    second: Vec<f64>,
    t: u64,
    /// Scratch: a minibatch's gradient and a row's scores and slopes.
    gradient: Vec<f64>,
    scores: Vec<f64>,
    slopes: Vec<f64>,
}

/// How a family's incremental fit is set up.
#[derive(Debug, Clone)]
pub struct Setup {
    pub makes: Makes,
    pub loss: SampleLoss,
    /// The L2 penalty scikit-learn puts over the whole training set
    /// (`alpha`, or `1 / C`); shared among the rows here.
    pub l2: f64,
    pub intercept: bool,
    /// Weigh classes by `n / (k · nₖ)`, as scikit-learn's `balanced`.
    pub balanced: bool,
    /// The family's full-batch objective per row over the mean loss here: 2 for
    /// ridge's `‖y − Xw‖²`, `C` for the SVM's `C Σ losses`, 1 for logistic
    /// regression's; objectives are reported in those units.
    pub units: f64,
}

/// A family's incremental fit from its setup, or the reason there is none.
pub fn incremental(
    setup: Result<Setup, FitError>,
    stream: &Stream,
) -> Option<Result<Box<dyn Incremental>, FitError>> {
    Some(setup.and_then(|setup| Ok(Box::new(Sgd::new(setup, stream)?) as Box<dyn Incremental>)))
}

impl Sgd {
    pub fn new(setup: Setup, stream: &Stream) -> Result<Self, FitError> {
        let k = stream.classes.len();
        let outputs = match setup.loss {
            SampleLoss::Squared | SampleLoss::Logistic => 1,
            SampleLoss::Softmax => k,
            SampleLoss::Hinge { .. } if k == 2 => 1,
            SampleLoss::Hinge { .. } => k,
        };
        let classifier = setup.makes != Makes::Linear;
        if classifier && k < 2 {
            return Err(FitError::Data {
                message: "a classifier needs training rows of at least two classes".into(),
                param: None,
            });
        }
        if !(stream.learning_rate > 0.0 && stream.learning_rate.is_finite()) {
            return Err(FitError::Data {
                message: format!(
                    "the learning rate must be a positive number, not {}",
                    stream.learning_rate
                ),
                param: None,
            });
        }
        let n = stream.rows.max(1) as f64;
        let class_weights = if setup.balanced {
            stream
                .classes
                .iter()
                .map(|&(_, count)| n / (k as f64 * count.max(1) as f64))
                .collect()
        } else {
            Vec::new()
        };
        let width = outputs * (stream.inputs + 1);
        Ok(Self {
            makes: setup.makes,
            loss: setup.loss,
            inputs: stream.inputs,
            outputs,
            params: vec![0.0; width],
            penalty: setup.l2 / n,
            report: setup.units * n,
            intercept: setup.intercept,
            class_weights,
            classes: stream.classes.iter().map(|(c, _)| c.clone()).collect(),
            centre: stream.values.map_or(0.0, |(mean, _)| mean),
            scale: stream
                .values
                .map(|(_, std)| std)
                .filter(|&std| std > 0.0 && std.is_finite())
                .unwrap_or(1.0),
            learning_rate: stream.learning_rate,
            updates_per_pass: stream.updates_per_pass(),
            first: vec![0.0; width],
            second: vec![0.0; width],
            t: 0,
            gradient: vec![0.0; width],
            scores: vec![0.0; outputs],
            slopes: vec![0.0; outputs],
        })
    }

    fn weight(&self, target: SampleTarget) -> f64 {
        match target {
            SampleTarget::Class(c) => self.class_weights.get(c).copied().unwrap_or(1.0),
            SampleTarget::Value(_) => 1.0,
        }
    }

    fn rows(&self) -> impl Iterator<Item = &[f64]> {
        self.params.chunks_exact(self.inputs + 1)
    }

    /// `λ ‖W‖² / 2` in the standardized target's units.
    fn penalty_term(&self) -> f64 {
        let squares: f64 = self
            .rows()
            .map(|row| vector::dot(&row[..self.inputs], &row[..self.inputs]))
            .sum();
        0.5 * self.penalty * squares
    }
}

impl Sgd {
    /// The objective at the weights as they stand, estimated from one minibatch
    /// for every training row in the family's units, with its gradient left in
    /// `gradient`.
    fn gradient(&mut self, x: &[f64], batch: Batch<'_>) -> f64 {
        let (d, stride) = (self.inputs, self.inputs + 1);
        let rows = batch.len();
        self.gradient.fill(0.0);
        if rows == 0 {
            return self.penalty_term() * self.scale * self.scale * self.report;
        }
        let mut loss = 0.0;
        for (i, row) in x.chunks_exact(d.max(1)).take(rows).enumerate() {
            let target = match batch {
                Batch::Classes(labels) => SampleTarget::Class(labels[i]),
                Batch::Values(values) => {
                    SampleTarget::Value((values[i] - self.centre) / self.scale)
                }
            };
            for (score, w) in self.scores.iter_mut().zip(self.params.chunks_exact(stride)) {
                *score = vector::dot(&w[..d], &row[..d]) + w[d];
            }
            let weight = self.weight(target);
            loss += self
                .loss
                .eval(&self.scores, target, weight, &mut self.slopes);
            for (g, &slope) in self.gradient.chunks_exact_mut(stride).zip(&self.slopes) {
                if slope != 0.0 {
                    vector::axpy(slope, &row[..d], &mut g[..d]);
                    g[d] += slope;
                }
            }
        }
        let scale = 1.0 / rows as f64;
        for (g, w) in self
            .gradient
            .chunks_exact_mut(stride)
            .zip(self.params.chunks_exact(stride))
        {
            for (g, &w) in g[..d].iter_mut().zip(&w[..d]) {
                *g = *g * scale + self.penalty * w;
            }
            g[d] = if self.intercept { g[d] * scale } else { 0.0 };
        }
        // In the target's own units: the standardized objective times scale².
        (loss * scale + self.penalty_term()) * self.scale * self.scale * self.report
    }

    /// The objective over `x`'s rows at the weights as they stand, as
    /// [`Incremental::update`] reports it, without a step.
    pub fn objective(&mut self, x: &[f64], batch: Batch<'_>) -> f64 {
        self.gradient(x, batch)
    }

    /// One Adam step along the gradient last computed.
    fn step(&mut self) {
        self.t += 1;
        let passes = (self.t - 1) as f64 / self.updates_per_pass as f64;
        let rate = self.learning_rate / (1.0 + passes).sqrt();
        let t = self.t as f64;
        let (unbias1, unbias2) = (1.0 - BETA1.powf(t), 1.0 - BETA2.powf(t));
        for (((w, &g), m), v) in self
            .params
            .iter_mut()
            .zip(&self.gradient)
            .zip(&mut self.first)
            .zip(&mut self.second)
        {
            *m = BETA1 * *m + (1.0 - BETA1) * g;
            *v = BETA2 * *v + (1.0 - BETA2) * g * g;
            *w -= rate * (*m / unbias1) / ((*v / unbias2).sqrt() + EPSILON);
        }
    }
}

impl Incremental for Sgd {
    fn update(&mut self, x: &[f64], batch: Batch<'_>) -> f64 {
        let objective = self.gradient(x, batch);
        if !batch.is_empty() {
            self.step();
        }
        objective
    }

    fn model(&self) -> Fitted {
        let d = self.inputs;
        let coef: Vec<Vec<f64>> = self.rows().map(|row| row[..d].to_vec()).collect();
        let intercept: Vec<f64> = self.rows().map(|row| row[d]).collect();
        match self.makes {
            Makes::Linear => Fitted::new(LinearModel {
                coef: coef
                    .into_iter()
                    .next()
                    .unwrap_or_default()
                    .iter()
                    .map(|w| w * self.scale)
                    .collect(),
                intercept: intercept.first().copied().unwrap_or(0.0) * self.scale + self.centre,
            }),
            // Two classes are one score, carried as the second class's row
            // beside a row of zeros, as the full-batch fit leaves them.
            Makes::Logistic if self.outputs == 1 => Fitted::new(LogisticModel {
                coef: vec![vec![0.0; d], coef.into_iter().next().unwrap_or_default()],
                intercept: vec![0.0, intercept.first().copied().unwrap_or(0.0)],
                classes: self.classes.clone(),
            }),
            Makes::Logistic => Fitted::new(LogisticModel {
                coef,
                intercept,
                classes: self.classes.clone(),
            }),
            Makes::LinearSvm => Fitted::new(LinearSvmModel {
                coef,
                intercept,
                classes: self.classes.clone(),
            }),
        }
    }
}
