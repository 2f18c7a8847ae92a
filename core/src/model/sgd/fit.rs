//! Minibatch training on rows in memory: [`Sgd`] stepped an epoch at a time over
//! a training set, for `solver=adam` on the linear models (in the page,
//! notebooks and `studio train`), with the loss curve an epoch at a time.

use std::sync::Arc;

use super::{Setup, Sgd};
use crate::compute::ComputeError;
use crate::learner::incremental::{Batch, Incremental, Stream};
use crate::learner::params::{ParamDefault, ParamError, ParamKind, ParamSpec, Resolved};
use crate::learner::{Fit, FitError, Fitted, Local, Progress, Target, TrainingSet};
use crate::model::BATCH_SIZE;
use crate::rng::SplitMix64;

/// Rows per update unless the person says otherwise (scikit-learn's MLP takes
/// as many).
const DEFAULT_BATCH: usize = 200;
/// An epoch that lowers the objective by less than this share of it ends the fit.
const TOL: f64 = 1e-4;

/// `learning_rate_init`, as the MLP's, for a convex objective.
pub(crate) const LEARNING_RATE_INIT: ParamSpec = ParamSpec {
    name: "learning_rate_init",
    aliases: &[],
    label: "Initial learning rate",
    kind: ParamKind::Float {
        min: 0.0,
        max: 10.0,
        min_exclusive: true,
    },
    default: ParamDefault::Float(0.01),
    optional: false,
    log_scale: true,
    help: "With solver adam, the size of the first updates; it shrinks with each epoch.",
};

/// How `solver=adam` reads its hyperparameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Minibatches {
    batch_size: Option<usize>,
    learning_rate: f64,
    max_iter: usize,
    seed: u64,
}

impl Minibatches {
    /// `batch_size`, `learning_rate_init` and `max_iter` (epochs), with the seed
    /// of the rows' order.
    pub(crate) fn from(params: &Resolved, seed: u64) -> Result<Self, ParamError> {
        Ok(Self {
            batch_size: params.optional_count(BATCH_SIZE.name)?,
            learning_rate: params.float(LEARNING_RATE_INIT.name)?,
            max_iter: params.count("max_iter")?,
            seed,
        })
    }
}

/// A linear model's minibatch fit over rows in memory.
pub(crate) struct SgdFit {
    sgd: Sgd,
    x: Arc<[f64]>,
    inputs: usize,
    target: Target,
    batch_size: usize,
    max_iter: usize,
    rng: SplitMix64,
    epochs: usize,
    /// The objective at the start, then each epoch's estimate of it.
    loss: f64,
    converged: bool,
    /// A minibatch's rows, gathered in the epoch's order.
    batch: Vec<f64>,
}

impl SgdFit {
    pub(crate) fn new(
        setup: Setup,
        data: TrainingSet,
        minibatches: Minibatches,
    ) -> Result<Self, FitError> {
        let rows = data.rows();
        let classes = match &data.target {
            Target::Classes { labels, classes } => classes
                .iter()
                .enumerate()
                .map(|(c, name)| (name.clone(), labels.iter().filter(|&&l| l == c).count()))
                .collect(),
            _ => Vec::new(),
        };
        let values = match &data.target {
            Target::Values(y) => {
                let n = y.len().max(1) as f64;
                let mean = y.iter().sum::<f64>() / n;
                let var = y.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
                Some((mean, var.sqrt()))
            }
            _ => None,
        };
        let batch_size = minibatches
            .batch_size
            .unwrap_or(DEFAULT_BATCH)
            .clamp(1, rows.max(1));
        let stream = Stream {
            inputs: data.inputs,
            rows,
            classes,
            values,
            batch_size,
            learning_rate: minibatches.learning_rate,
        };
        let mut sgd = Sgd::new(setup, &stream)?;
        let loss = sgd.objective(&data.x, batch(&data.target, 0..rows));
        Ok(Self {
            sgd,
            inputs: data.inputs,
            x: data.x,
            target: data.target,
            batch_size,
            max_iter: minibatches.max_iter,
            rng: SplitMix64::new(minibatches.seed),
            epochs: 0,
            loss,
            converged: false,
            batch: Vec::new(),
        })
    }

    fn epoch(&mut self) -> bool {
        if self.converged || self.epochs >= self.max_iter {
            return false;
        }
        let d = self.inputs.max(1);
        let rows = self.x.len() / d;
        let order = self.rng.permutation(rows);
        let (mut labels, mut values) = (Vec::new(), Vec::new());
        let mut total = 0.0;
        for chunk in order.chunks(self.batch_size) {
            self.batch.clear();
            labels.clear();
            values.clear();
            for &r in chunk {
                self.batch.extend_from_slice(&self.x[r * d..(r + 1) * d]);
                match &self.target {
                    Target::Classes { labels: all, .. } => labels.push(all[r]),
                    Target::Values(all) => values.push(all[r]),
                    Target::None => {}
                }
            }
            let batch = if labels.is_empty() {
                Batch::Values(&values)
            } else {
                Batch::Classes(&labels)
            };
            total += self.sgd.update(&self.batch, batch) * chunk.len() as f64;
        }
        let loss = total / rows.max(1) as f64;
        self.converged = self.loss - loss < TOL * loss.abs();
        self.loss = loss;
        self.epochs += 1;
        !self.converged && self.epochs < self.max_iter
    }
}

/// Every row's targets, as one minibatch.
fn batch(target: &Target, rows: std::ops::Range<usize>) -> Batch<'_> {
    match target {
        Target::Classes { labels, .. } => Batch::Classes(&labels[rows]),
        Target::Values(values) => Batch::Values(&values[rows]),
        Target::None => Batch::Values(&[]),
    }
}

impl Fit for SgdFit {
    fn step(&mut self) -> Local<'_, Result<bool, ComputeError>> {
        let more = self.epoch();
        Box::pin(async move { Ok(more) })
    }

    fn progress(&self) -> Progress {
        Progress {
            done: self.epochs,
            total: Some(self.max_iter),
            loss: Some(self.loss),
            unit: "epoch",
            held_out: None,
        }
    }

    fn converged(&self) -> bool {
        self.converged
    }

    fn model(&self) -> Fitted {
        self.sgd.model()
    }
}
