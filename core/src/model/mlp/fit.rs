//! Fitting a perceptron one epoch per step, as scikit-learn's `_fit_stochastic`:
//! the rows shuffled each epoch, the loss curve, the learning-rate schedule,
//! stopping after `n_iter_no_change` epochs without improving by `tol` (on the
//! training loss, or with early stopping on a validation score, keeping the
//! best weights), and the epoch limit.
//!
//! The device keeps the weights and optimizer state during an epoch; after each
//! one they are read back, so that the model can be read at any time and a fit
//! that loses its GPU goes on on the CPU from the last finished epoch.

use super::engine::{Engine, Epoch, Head, Layout, Solver, State};
use super::network::MlpModel;
use crate::compute::{ComputeError, CpuDevice, DeviceKind, GpuDevice};
use crate::learner::{Fit, Fitted, HeldOut, Local, Model, Output, Progress, Score};
use crate::rng::SplitMix64;

/// The learning-rate schedule of the SGD solver.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Schedule {
    Constant,
    /// `learning_rate_init / (t + 1)^power_t` after each epoch, `t` the rows seen.
    InvScaling {
        power_t: f64,
    },
    /// Divided by 5 each time the loss stops improving, until below 1e-6.
    Adaptive,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub max_iter: usize,
    pub tol: f64,
    pub n_iter_no_change: usize,
    pub shuffle: bool,
    pub learning_rate_init: f64,
    pub schedule: Schedule,
}

/// Rows held out for early stopping, in f64 as the model scores them.
pub struct Validation {
    pub x: Vec<f64>,
    pub truth: Truth,
}

pub enum Truth {
    Classes(Vec<usize>),
    Values(Vec<f64>),
}

impl Validation {
    /// scikit-learn's `score` (accuracy for a classifier, R² for a regressor)
    /// and the loss the fit minimizes without its penalty (log-loss, or half the
    /// mean squared error), on the held-out rows.
    fn measure(&self, model: &MlpModel) -> Measured {
        match (&self.truth, model.predict(&self.x)) {
            (Truth::Classes(labels), Output::Classes { probabilities, .. }) => {
                let n = labels.len().max(1) as f64;
                let right = probabilities
                    .iter()
                    .zip(labels)
                    .filter(|(p, l)| super::super::argmax(p) == **l)
                    .count();
                // Clipped as scikit-learn's log_loss clips, so that one sure,
                // wrong row does not make the loss infinite.
                let loss: f64 = probabilities
                    .iter()
                    .zip(labels)
                    .map(|(p, &l)| -p.get(l).copied().unwrap_or(0.0).max(f64::EPSILON).ln())
                    .sum();
                Measured {
                    score: right as f64 / n,
                    loss: loss / n,
                }
            }
            (Truth::Values(values), Output::Values(predicted)) => {
                let n = values.len().max(1) as f64;
                let mean = values.iter().sum::<f64>() / n;
                let total: f64 = values.iter().map(|v| (v - mean).powi(2)).sum();
                let residual: f64 = values
                    .iter()
                    .zip(&predicted)
                    .map(|(v, p)| (v - p).powi(2))
                    .sum();
                Measured {
                    score: if total > 0.0 {
                        1.0 - residual / total
                    } else {
                        0.0
                    },
                    loss: residual / n / 2.0,
                }
            }
            _ => Measured {
                score: f64::NEG_INFINITY,
                loss: f64::INFINITY,
            },
        }
    }
}

/// What the held-out rows say of the network after an epoch.
#[derive(Debug, Clone, Copy)]
struct Measured {
    score: f64,
    loss: f64,
}

/// An engine on the device the fit runs on.
pub(super) enum Runner {
    Cpu(Box<Engine<CpuDevice>>),
    Gpu(Box<Engine<GpuDevice>>),
}

impl Runner {
    /// An engine for `rows` training rows on `gpu`, or on the CPU, loaded with
    /// `state`.
    pub(super) fn new(
        gpu: Option<&GpuDevice>,
        layout: &Layout,
        rows: usize,
        state: &State,
    ) -> Result<Self, ComputeError> {
        Ok(match gpu {
            Some(gpu) => Self::Gpu(Box::new(Engine::new(
                gpu.clone(),
                layout.clone(),
                rows,
                state,
            )?)),
            None => Self::Cpu(Box::new(Engine::new(
                CpuDevice::default(),
                layout.clone(),
                rows,
                state,
            )?)),
        })
    }

    pub(super) fn kind(&self) -> DeviceKind {
        match self {
            Self::Cpu(_) => DeviceKind::Cpu,
            Self::Gpu(_) => DeviceKind::Gpu,
        }
    }

    /// The summed loss and the gradients over every row at `weights` and
    /// `biases` ([`Engine::evaluate`]).
    pub(super) async fn evaluate(
        &mut self,
        x: &[f32],
        targets: &[f32],
        weights: &[Vec<f32>],
        biases: &[Vec<f32>],
    ) -> Result<(f64, Vec<Vec<f32>>), ComputeError> {
        match self {
            Self::Cpu(engine) => {
                engine.evaluate(x, targets, weights, biases)?;
                engine.read_gradients().await
            }
            Self::Gpu(engine) => {
                engine.evaluate(x, targets, weights, biases)?;
                engine.read_gradients().await
            }
        }
    }
}

/// What the host decides between epochs; a step works on a copy and keeps it
/// only once the epoch has finished.
#[derive(Debug, Clone)]
struct Host {
    rng: SplitMix64,
    order: Vec<usize>,
    epochs: usize,
    /// Optimizer steps taken (Adam's bias corrections count them).
    steps: u32,
    /// Rows seen, for the inverse-scaling schedule.
    seen: u64,
    lr: f64,
    loss: f64,
    best_loss: f64,
    best_score: f64,
    /// The held-out rows' measure after the last epoch, with early stopping.
    measured: Option<Measured>,
    no_improvement: usize,
    done: bool,
    converged: bool,
}

pub struct MlpFit {
    layout: Layout,
    classes: Vec<String>,
    x: Vec<f32>,
    targets: Vec<f32>,
    validation: Option<Validation>,
    settings: Settings,
    runner: Runner,
    /// The state after the last finished epoch.
    state: State,
    /// With early stopping, the weights of the best validation score.
    best: Option<State>,
    host: Host,
}

impl MlpFit {
    /// A fit of `layout` from `state` over the training rows `x` (row-major,
    /// f32) with one target each; `rng` goes on from the initialization.
    #[allow(clippy::too_many_arguments)] // One constructor for one family.
    pub fn new(
        layout: Layout,
        classes: Vec<String>,
        x: Vec<f32>,
        targets: Vec<f32>,
        validation: Option<Validation>,
        settings: Settings,
        state: State,
        rng: SplitMix64,
    ) -> Result<Self, ComputeError> {
        let rows = targets.len();
        let runner = Runner::new(None, &layout, rows, &state)?;
        let host = Host {
            rng,
            order: (0..rows).collect(),
            epochs: 0,
            steps: 0,
            seen: 0,
            lr: settings.learning_rate_init,
            loss: f64::NAN,
            best_loss: f64::INFINITY,
            best_score: f64::NEG_INFINITY,
            measured: None,
            no_improvement: 0,
            done: settings.max_iter == 0,
            converged: false,
        };
        let mut fit = Self {
            layout,
            classes,
            x,
            targets,
            validation,
            settings,
            runner,
            state,
            best: None,
            host,
        };
        fit.host.loss = fit.loss_at_start();
        Ok(fit)
    }

    /// The epoch loss before any step, in f64 on the host, so that the loss
    /// curve starts where training does: the mean row loss plus the penalty
    /// `½α‖W‖²` once per batch, as an epoch counts it.
    fn loss_at_start(&self) -> f64 {
        let rows = self.rows();
        let x: Vec<f64> = self.x.iter().map(|&v| f64::from(v)).collect();
        let model = self.network(&self.state);
        let total: f64 = match model.predict(&x) {
            Output::Classes { probabilities, .. } => probabilities
                .iter()
                .zip(&self.targets)
                .map(|(p, &t)| {
                    -p[if p.len() == 2 {
                        usize::from(t > 0.5)
                    } else {
                        t as usize
                    }]
                    .max(f64::MIN_POSITIVE)
                    .ln()
                })
                .sum(),
            Output::Values(values) => values
                .iter()
                .zip(&self.targets)
                .map(|(v, &t)| 0.5 * (v - f64::from(t)).powi(2))
                .sum(),
            Output::Clusters { .. } | Output::Projection { .. } => f64::NAN,
        };
        let squares: f64 = self
            .state
            .weights
            .iter()
            .flatten()
            .map(|&w| f64::from(w).powi(2))
            .sum();
        let batches = rows.div_ceil(self.layout.batch.clamp(1, rows.max(1)));
        let penalty = 0.5 * f64::from(self.layout.alpha) * squares * batches as f64;
        (total + penalty) / rows.max(1) as f64
    }

    fn rows(&self) -> usize {
        self.targets.len()
    }

    fn network(&self, state: &State) -> MlpModel {
        network(&self.layout, &self.classes, &state.weights, &state.biases)
    }

    async fn epoch(&mut self) -> Result<bool, ComputeError> {
        if self.host.done {
            return Ok(false);
        }
        let mut next = self.host.clone();
        if self.settings.shuffle {
            let perm = next.rng.permutation(self.rows());
            next.order = perm.iter().map(|&i| self.host.order[i]).collect();
        }
        let epoch = Epoch {
            lr: next.lr as f32,
            steps: next.steps,
        };
        let (total, state) = match &mut self.runner {
            Runner::Cpu(engine) => {
                engine.epoch(&self.x, &self.targets, &next.order, epoch, &mut next.rng)?;
                engine.read().await?
            }
            Runner::Gpu(engine) => {
                engine.epoch(&self.x, &self.targets, &next.order, epoch, &mut next.rng)?;
                engine.read().await?
            }
        };
        let rows = self.rows();
        let loss = total / rows.max(1) as f64;
        let finite = loss.is_finite() && state.weights.iter().flatten().all(|w| w.is_finite());
        if !finite {
            // Diverged: the model stays at the last finite epoch.
            self.host.done = true;
            return Ok(false);
        }
        let batches = rows.div_ceil(self.layout.batch.clamp(1, rows.max(1)));
        next.steps = next.steps.saturating_add(batches as u32);
        next.seen += rows as u64;
        next.epochs += 1;
        next.loss = loss;
        let tol = self.settings.tol;
        match &self.validation {
            Some(validation) => {
                let measured = validation.measure(&self.network(&state));
                next.measured = Some(measured);
                let score = measured.score;
                if score < next.best_score + tol {
                    next.no_improvement += 1;
                } else {
                    next.no_improvement = 0;
                }
                if score > next.best_score {
                    next.best_score = score;
                    self.best = Some(state.clone());
                }
            }
            None => {
                if loss > next.best_loss - tol {
                    next.no_improvement += 1;
                } else {
                    next.no_improvement = 0;
                }
                next.best_loss = next.best_loss.min(loss);
            }
        }
        let sgd = matches!(self.layout.solver, Solver::Sgd { .. });
        if let (true, Schedule::InvScaling { power_t }) = (sgd, self.settings.schedule) {
            next.lr = self.settings.learning_rate_init / ((next.seen + 1) as f64).powf(power_t);
        }
        if next.no_improvement > self.settings.n_iter_no_change {
            if sgd && self.settings.schedule == Schedule::Adaptive && next.lr > 1e-6 {
                next.lr /= 5.0;
                next.no_improvement = 0;
            } else {
                next.done = true;
                next.converged = true;
            }
        }
        if next.epochs >= self.settings.max_iter {
            next.done = true;
        }
        self.state = state;
        self.host = next;
        Ok(!self.host.done)
    }
}

impl Fit for MlpFit {
    fn step(&mut self) -> Local<'_, Result<bool, ComputeError>> {
        Box::pin(self.epoch())
    }

    fn progress(&self) -> Progress {
        Progress {
            done: self.host.epochs,
            total: Some(self.settings.max_iter),
            loss: Some(self.host.loss),
            unit: "epoch",
            held_out: self.host.measured.map(|m| HeldOut {
                loss: Some(m.loss),
                score: Some(Score {
                    name: if self.classes.is_empty() {
                        "validation R²"
                    } else {
                        "validation accuracy"
                    },
                    value: m.score,
                }),
            }),
        }
    }

    fn converged(&self) -> bool {
        self.host.converged
    }

    fn model(&self) -> Fitted {
        Fitted::new(self.network(self.best.as_ref().unwrap_or(&self.state)))
    }

    fn device(&self) -> DeviceKind {
        self.runner.kind()
    }

    fn work_per_step(&self) -> u64 {
        self.layout.work(self.rows())
    }

    fn to_gpu<'a>(&'a mut self, gpu: &'a GpuDevice) -> Local<'a, Result<bool, ComputeError>> {
        Box::pin(async move {
            self.runner = Runner::new(Some(gpu), &self.layout, self.rows(), &self.state)?;
            Ok(true)
        })
    }

    fn leave_gpu(&mut self) -> Local<'_, Result<(), ComputeError>> {
        Box::pin(async move {
            self.runner = Runner::new(None, &self.layout, self.rows(), &self.state)?;
            Ok(())
        })
    }
}

/// The model of `layout` with these weights and biases (per layer, as [`State`]
/// holds them).
pub(super) fn network(
    layout: &Layout,
    classes: &[String],
    weights: &[Vec<f32>],
    biases: &[Vec<f32>],
) -> MlpModel {
    let widen = |v: &[f32]| v.iter().map(|&x| f64::from(x)).collect::<Vec<f64>>();
    let coefs = weights
        .iter()
        .enumerate()
        .map(|(l, w)| {
            let fan_out = layout.widths[l + 1];
            w.chunks(fan_out.max(1)).map(widen).collect()
        })
        .collect();
    MlpModel {
        classes: classes.to_vec(),
        activation: layout.activation,
        coefs,
        intercepts: biases.iter().map(|b| widen(b)).collect(),
    }
}

/// The head a target calls for: a softmax over three or more classes, one
/// logistic unit for two, the value for a regressor.
pub fn head(classes: usize) -> Head {
    match classes {
        0 => Head::Identity,
        2 => Head::Logistic,
        _ => Head::Softmax,
    }
}
