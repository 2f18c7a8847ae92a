//! Fitting a perceptron with L-BFGS over every row at once, as scikit-learn's
//! `solver="lbfgs"` (`_fit_lbfgs`): the objective is the mean loss plus
//! `α/(2n)‖W‖²`, evaluated by the compute engine in one batch of every row (so
//! on the GPU where one is chosen), one L-BFGS iteration per step. It stops after
//! `max_iter` iterations, once the largest gradient entry is at most `tol`
//! (scipy's `gtol`), or once [`Lbfgs`] finds no more progress. scipy's `ftol`
//! (a relative decrease below 2.2e-9) is not applied: an f32 loss does not
//! resolve decreases that small, and [`Lbfgs`] follows the gradient once the
//! value stops showing progress. scipy's L-BFGS-B line search is not reproduced
//! (this is [`Lbfgs`]'s backtracking search), so the path differs from
//! scikit-learn's; the reference compares scores and final losses.

use std::cell::RefCell;

use super::engine::{Layout, Solver, State};
use super::fit::{Runner, network};
use crate::compute::{ComputeError, DeviceKind, GpuDevice};
use crate::learner::{Fit, Fitted, Local, Progress};
use crate::model::Objective;
use crate::model::lbfgs::{Lbfgs, Status};

pub struct FullBatchFit {
    classes: Vec<String>,
    objective: FullBatch,
    /// The starting weights, until the first step evaluates them.
    start: Vec<f64>,
    optimizer: Option<Lbfgs>,
    max_iter: usize,
    tol: f64,
    done: bool,
    converged: bool,
}

/// The loss over every training row as an [`Objective`] of the flattened
/// weights and biases (per layer, the weights row-major, then the biases).
struct FullBatch {
    layout: Layout,
    x: Vec<f32>,
    targets: Vec<f32>,
    /// Taken out while an evaluation runs, so that no borrow is held across its
    /// awaits.
    engine: RefCell<Option<Runner>>,
}

impl FullBatchFit {
    /// A fit of `layout` from `state`'s weights over the training rows `x`
    /// (row-major, f32) with one target each.
    pub fn new(
        layout: Layout,
        classes: Vec<String>,
        x: Vec<f32>,
        targets: Vec<f32>,
        state: &State,
        max_iter: usize,
        tol: f64,
    ) -> Result<Self, ComputeError> {
        let layout = Layout {
            batch: targets.len(),
            dropout: 0.0,
            // The engine keeps an optimizer's state; L-BFGS keeps its own.
            solver: Solver::Sgd {
                momentum: 0.0,
                nesterov: false,
            },
            ..layout
        };
        let start = state
            .weights
            .iter()
            .zip(&state.biases)
            .flat_map(|(w, b)| w.iter().chain(b))
            .map(|&v| f64::from(v))
            .collect();
        let objective = FullBatch {
            engine: RefCell::new(None),
            layout,
            x,
            targets,
        };
        objective.load(None, state)?;
        Ok(Self {
            classes,
            objective,
            start,
            optimizer: None,
            max_iter,
            tol,
            done: max_iter == 0,
            converged: false,
        })
    }

    async fn advance(&mut self) -> Result<bool, ComputeError> {
        if self.done {
            return Ok(false);
        }
        let Some(optimizer) = &mut self.optimizer else {
            // The first step evaluates the starting point.
            self.optimizer = Some(Lbfgs::start(&self.objective, self.start.clone()).await?);
            return Ok(true);
        };
        let status = optimizer.step(&self.objective).await?;
        let gradient = optimizer
            .gradient()
            .iter()
            .fold(0.0f64, |m, g| m.max(g.abs()));
        self.converged = status != Status::Running || gradient <= self.tol;
        self.done = self.converged || optimizer.iterations() >= self.max_iter;
        Ok(!self.done)
    }

    fn params(&self) -> &[f64] {
        self.optimizer.as_ref().map_or(&self.start, Lbfgs::params)
    }
}

impl FullBatch {
    /// Builds the engine on `gpu`, or on the CPU, with `state`'s weights.
    fn load(&self, gpu: Option<&GpuDevice>, state: &State) -> Result<(), ComputeError> {
        let state = State::new(
            state.weights.clone(),
            state.biases.clone(),
            self.layout.solver,
        );
        let engine = Runner::new(gpu, &self.layout, self.targets.len(), &state)?;
        self.engine.replace(Some(engine));
        Ok(())
    }

    /// The weights and biases of each layer in `params`.
    fn unflatten(&self, params: &[f64]) -> State {
        let (mut weights, mut biases) = (Vec::new(), Vec::new());
        let mut at = 0;
        for fans in self.layout.widths.windows(2) {
            let (w, b) = (fans[0] * fans[1], fans[1]);
            let narrow = |v: &[f64]| v.iter().map(|&x| x as f32).collect::<Vec<f32>>();
            weights.push(narrow(&params[at..at + w]));
            biases.push(narrow(&params[at + w..at + w + b]));
            at += w + b;
        }
        State::new(weights, biases, self.layout.solver)
    }

    fn device(&self) -> DeviceKind {
        self.engine
            .borrow()
            .as_ref()
            .map_or(DeviceKind::Cpu, Runner::kind)
    }
}

impl Objective for FullBatch {
    fn dim(&self) -> usize {
        self.layout
            .widths
            .windows(2)
            .map(|fans| fans[0] * fans[1] + fans[1])
            .sum()
    }

    async fn eval(&self, params: &[f64], grad: &mut [f64]) -> Result<f64, ComputeError> {
        let state = self.unflatten(params);
        let mut engine = self.engine.take().ok_or_else(|| {
            ComputeError::Invalid("the network is being evaluated already".to_owned())
        })?;
        let measured = engine
            .evaluate(&self.x, &self.targets, &state.weights, &state.biases)
            .await;
        self.engine.replace(Some(engine));
        let (total, grads) = measured?;
        let (n, alpha) = (
            self.targets.len().max(1) as f64,
            f64::from(self.layout.alpha),
        );
        // The penalty's gradient α W / n, on the weights only: every other
        // entry of `grads` is a layer's weights, whose parameters `params` holds.
        let mut at = 0;
        for (i, g) in grads.iter().enumerate() {
            let weights = i % 2 == 0;
            for (out, &g) in grad[at..at + g.len()].iter_mut().zip(g) {
                *out = f64::from(g);
            }
            if weights {
                for (out, &w) in grad[at..at + g.len()].iter_mut().zip(&params[at..]) {
                    *out += alpha * w / n;
                }
            }
            at += g.len();
        }
        Ok(total / n)
    }

    /// The engine computes in f32.
    fn precision(&self) -> f64 {
        f64::from(f32::EPSILON)
    }
}

impl Fit for FullBatchFit {
    fn step(&mut self) -> Local<'_, Result<bool, ComputeError>> {
        Box::pin(self.advance())
    }

    fn progress(&self) -> Progress {
        Progress {
            done: self.optimizer.as_ref().map_or(0, Lbfgs::iterations),
            total: Some(self.max_iter),
            loss: self.optimizer.as_ref().map(Lbfgs::value),
            unit: "iteration",
            held_out: None,
        }
    }

    fn converged(&self) -> bool {
        self.converged
    }

    fn model(&self) -> Fitted {
        let state = self.objective.unflatten(self.params());
        Fitted::new(network(
            &self.objective.layout,
            &self.classes,
            &state.weights,
            &state.biases,
        ))
    }

    fn device(&self) -> DeviceKind {
        self.objective.device()
    }

    fn work_per_step(&self) -> u64 {
        self.objective.layout.work(self.objective.targets.len())
    }

    fn to_gpu<'a>(&'a mut self, gpu: &'a GpuDevice) -> Local<'a, Result<bool, ComputeError>> {
        Box::pin(async move {
            let state = self.objective.unflatten(self.params());
            self.objective.load(Some(gpu), &state)?;
            if let Some(optimizer) = &mut self.optimizer {
                optimizer.reevaluate(&self.objective).await?;
            }
            Ok(true)
        })
    }

    fn leave_gpu(&mut self) -> Local<'_, Result<(), ComputeError>> {
        Box::pin(async move {
            let state = self.objective.unflatten(self.params());
            self.objective.load(None, &state)?;
            match &mut self.optimizer {
                // The CPU's rounding differs from the GPU's: its line searches
                // start from its own value at the point reached.
                Some(optimizer) => optimizer.reevaluate(&self.objective).await,
                None => Ok(()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::mlp::engine::Head;
    use crate::model::mlp::network::Activation;
    use crate::rng::SplitMix64;

    /// The gradient `eval` returns against central differences of its value.
    fn check(activation: Activation, head: Head, classes: usize) {
        let mut rng = SplitMix64::new(7);
        let (rows, inputs) = (40, 3);
        let x: Vec<f32> = (0..rows * inputs).map(|_| rng.next_unit()).collect();
        let targets: Vec<f32> = (0..rows)
            .map(|r| match head {
                Head::Identity => x[r * inputs] * 2.0 - x[r * inputs + 1],
                _ => (r % classes) as f32,
            })
            .collect();
        let outputs = if head == Head::Softmax { classes } else { 1 };
        let layout = Layout {
            widths: vec![inputs, 5, outputs],
            activation,
            head,
            solver: Solver::Sgd {
                momentum: 0.0,
                nesterov: false,
            },
            alpha: 0.5,
            dropout: 0.0,
            batch: rows,
        };
        let (weights, biases) = super::super::glorot(&layout.widths, activation, &mut rng);
        let state = State::new(weights, biases, layout.solver);
        let fit =
            FullBatchFit::new(layout, Vec::new(), x, targets, &state, 10, 1e-4).expect("builds");
        let objective = &fit.objective;
        let at = fit.start.clone();
        let mut grad = vec![0.0; at.len()];
        pollster::block_on(objective.eval(&at, &mut grad)).expect("evaluates");
        // Small enough that few relu units cross their kink, large enough for f32.
        let h = 1e-3;
        for i in 0..at.len() {
            let mut plus = at.clone();
            plus[i] += h;
            let mut minus = at.clone();
            minus[i] -= h;
            let mut scratch = vec![0.0; at.len()];
            let up = pollster::block_on(objective.eval(&plus, &mut scratch)).expect("evaluates");
            let down = pollster::block_on(objective.eval(&minus, &mut scratch)).expect("evaluates");
            let numeric = (up - down) / (2.0 * h);
            assert!(
                (numeric - grad[i]).abs() <= 2e-3 * (1.0 + grad[i].abs()),
                "{activation:?} {head:?}: parameter {i}: {} against {numeric}",
                grad[i]
            );
        }
    }

    #[test]
    fn the_gradient_is_the_losss_slope_for_every_head_and_activation() {
        check(Activation::Tanh, Head::Softmax, 3);
        check(Activation::Logistic, Head::Logistic, 2);
        check(Activation::Identity, Head::Identity, 0);
        check(Activation::Relu, Head::Softmax, 3);
    }
}
