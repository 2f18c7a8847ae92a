//! Limited-memory BFGS, one iteration at a time, so that a caller can report
//! progress and stop between iterations (the browser worker awaits between them).
//!
//! The tolerances are set for an objective computed in f64. An objective computed
//! in coarser arithmetic (the GPU's f32) says so through [`Objective::precision`].
//! Its value then stops resolving progress long before its gradient does: the value
//! loses about `ε·|f|` to rounding, a gradient entry only `ε·Σ|terms|`, and near the
//! minimum the decrease is quadratic in the gradient. So once a step lowers the
//! value by less than the value resolves (or no step visibly lowers it), any step
//! that keeps the value within its rounding is taken, and progress is followed by
//! the gradient's norm and by the value where it still resolves a change. The run
//! has converged when neither has improved for [`NOISY_PATIENCE`] iterations: the
//! gradient is at its own rounding floor. An f64 objective never takes this path.

use std::collections::VecDeque;

use super::Objective;
use super::vector::{axpy, dot};
use crate::compute::ComputeError;

/// Pairs of past steps kept for the curvature estimate.
const MEMORY: usize = 10;
/// Armijo's sufficient-decrease constant.
pub(super) const ARMIJO: f64 = 1e-4;
/// Halvings tried before a line search gives up.
pub(super) const MAX_HALVINGS: usize = 60;
/// Converged when the largest gradient entry is this small relative to the objective.
///
/// Not scaled by the objective's precision: an f32 gradient is far more accurate
/// than `ε₃₂·|f|` (the f32 value of a sum of squares may be 10⁶ while its gradient
/// is good to 10⁻²), so a tolerance scaled to f32 stops runs far from the minimum.
/// An f32 run ends at its gradient's rounding floor instead ([`NOISY_PATIENCE`]).
pub(super) const GRADIENT_TOLERANCE: f64 = 1e-12;
/// Converged when an iteration lowers the objective by less than this, relatively.
/// Scaled by the objective's precision (in units of f64's epsilon), it is the
/// smallest decrease the objective's value resolves.
pub(super) const DECREASE_TOLERANCE: f64 = 1e-15;
/// Steps tried (1, ½, ¼, ⅛) once the value no longer resolves progress.
const NOISY_TRIES: usize = 4;
/// Once the value no longer resolves progress, converged when neither the
/// gradient's norm nor the value has reached a new low for this many iterations.
/// L-BFGS does not lower the gradient every iteration, so one miss is no sign.
const NOISY_PATIENCE: usize = 10;

/// What the last iteration found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// More iterations would help.
    Running,
    /// The gradient vanished or the objective stopped falling (for a coarse
    /// objective: the gradient stopped shrinking at its precision).
    Converged,
    /// No step along the search direction lowered the objective.
    Stalled,
}

/// How a line search judges a trial step.
#[derive(Debug, Clone, Copy)]
enum Judge {
    /// Armijo's sufficient decrease of the value.
    Value,
    /// For a coarse objective whose value no longer resolves the progress: any step
    /// that does not raise the value beyond its rounding. Progress is then a new low
    /// of the gradient's norm, or of the value by more than its rounding.
    Noisy {
        lowest_norm: f64,
        lowest_value: f64,
        /// Iterations since the last progress.
        since: usize,
    },
}

/// The curvature estimate: the last [`MEMORY`] steps `s`, the gradient changes
/// `y` along them and `1 / s·y`. Shared with [OWL-QN](super::owlqn).
#[derive(Debug, Clone)]
pub(super) struct History(VecDeque<(Vec<f64>, Vec<f64>, f64)>);

impl History {
    pub(super) fn new() -> Self {
        Self(VecDeque::with_capacity(MEMORY))
    }

    /// Keeps the pair if it shows positive curvature, forgetting the oldest.
    pub(super) fn push(&mut self, s: Vec<f64>, y: Vec<f64>) {
        let sy = dot(&s, &y);
        if sy > 1e-12 * dot(&y, &y).sqrt() * dot(&s, &s).sqrt() {
            if self.0.len() == MEMORY {
                self.0.pop_front();
            }
            self.0.push_back((s, y, 1.0 / sy));
        }
    }

    pub(super) fn clear(&mut self) {
        self.0.clear();
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `−H g` by the two-loop recursion; without history, a unit-length steepest descent.
    pub(super) fn direction(&self, grad: &[f64]) -> Vec<f64> {
        let mut q = grad.to_vec();
        let Some((s_last, y_last, _)) = self.0.back() else {
            let norm = dot(&q, &q).sqrt().max(f64::MIN_POSITIVE);
            return q.iter().map(|g| -g / norm).collect();
        };
        let mut alphas = Vec::with_capacity(self.0.len());
        for (s, y, rho) in self.0.iter().rev() {
            let alpha = rho * dot(s, &q);
            axpy(-alpha, y, &mut q);
            alphas.push(alpha);
        }
        let gamma = dot(s_last, y_last) / dot(y_last, y_last);
        q.iter_mut().for_each(|v| *v *= gamma);
        for ((s, y, rho), alpha) in self.0.iter().zip(alphas.into_iter().rev()) {
            let beta = rho * dot(y, &q);
            axpy(alpha - beta, s, &mut q);
        }
        q.iter_mut().for_each(|v| *v = -*v);
        q
    }
}

#[derive(Debug, Clone)]
pub struct Lbfgs {
    x: Vec<f64>,
    value: f64,
    grad: Vec<f64>,
    history: History,
    iterations: usize,
    judge: Judge,
}

impl Lbfgs {
    /// Starts at `x0`, evaluating the objective there.
    pub async fn start<O: Objective>(objective: &O, x0: Vec<f64>) -> Result<Self, ComputeError> {
        let mut grad = vec![0.0; x0.len()];
        let value = objective.eval(&x0, &mut grad).await?;
        Ok(Self {
            x: x0,
            value,
            grad,
            history: History::new(),
            iterations: 0,
            judge: Judge::Value,
        })
    }

    /// Evaluates `objective` afresh at the current point, keeping the curvature
    /// history: for going on with another evaluation of the same objective (the
    /// CPU's, after the GPU's failed), whose values and rounding may differ.
    pub async fn reevaluate<O: Objective>(&mut self, objective: &O) -> Result<(), ComputeError> {
        self.value = objective.eval(&self.x, &mut self.grad).await?;
        self.judge = Judge::Value;
        Ok(())
    }

    pub fn params(&self) -> &[f64] {
        &self.x
    }

    pub fn value(&self) -> f64 {
        self.value
    }

    /// The objective's gradient at the current point.
    pub fn gradient(&self) -> &[f64] {
        &self.grad
    }

    pub fn iterations(&self) -> usize {
        self.iterations
    }

    /// Takes one iteration: a search direction, then a backtracking line search.
    /// Fails only if the objective does.
    pub async fn step<O: Objective>(&mut self, objective: &O) -> Result<Status, ComputeError> {
        if !self.value.is_finite() {
            return Ok(Status::Stalled);
        }
        if max_abs(&self.grad) <= GRADIENT_TOLERANCE * self.value.abs().max(1.0) {
            return Ok(Status::Converged);
        }
        let mut direction = self.history.direction(&self.grad);
        let mut slope = dot(&self.grad, &direction);
        if slope >= 0.0 {
            // Curvature pairs went stale; fall back to steepest descent.
            self.history.clear();
            direction = self.history.direction(&self.grad);
            slope = dot(&self.grad, &direction);
        }

        let precision = objective.precision();
        // Coarser than the optimizer's own f64. The CPU objectives never are, so
        // their path is exactly plain L-BFGS.
        let coarse = precision > f64::EPSILON;
        // The smallest decrease the objective's value resolves.
        let resolution =
            DECREASE_TOLERANCE * (precision / f64::EPSILON) * self.value.abs().max(1.0);
        loop {
            if let Some(decrease) = self
                .line_search(objective, &direction, slope, resolution)
                .await?
            {
                return Ok(self.progress(decrease, resolution, coarse));
            }
            if !coarse {
                return Ok(Status::Stalled);
            }
            if !self.history.is_empty() {
                // Rounding in the gradients may have spoiled the curvature pairs:
                // try again from steepest descent.
                self.history.clear();
                direction = self.history.direction(&self.grad);
                slope = dot(&self.grad, &direction);
                continue;
            }
            match self.judge {
                // The value could not show a decrease; the gradient may still show progress.
                Judge::Value => self.judge = self.noisy(),
                // Every step raised the value beyond its rounding: nothing more to find.
                Judge::Noisy { .. } => return Ok(Status::Converged),
            }
        }
    }

    /// What a step that lowered the value by `decrease` means for the run.
    fn progress(&mut self, decrease: f64, resolution: f64, coarse: bool) -> Status {
        match self.judge {
            Judge::Value if decrease > resolution => Status::Running,
            Judge::Value if !coarse => Status::Converged,
            Judge::Value => {
                // Below the value's rounding: the gradient follows progress from now on.
                self.judge = self.noisy();
                Status::Running
            }
            Judge::Noisy {
                lowest_norm,
                lowest_value,
                since,
            } => {
                let norm = dot(&self.grad, &self.grad).sqrt();
                let improved = norm < lowest_norm || self.value < lowest_value - resolution;
                let since = if improved { 0 } else { since + 1 };
                self.judge = Judge::Noisy {
                    lowest_norm: lowest_norm.min(norm),
                    lowest_value: lowest_value.min(self.value),
                    since,
                };
                if since >= NOISY_PATIENCE {
                    Status::Converged
                } else {
                    Status::Running
                }
            }
        }
    }

    /// The noisy judge, starting from the current point.
    fn noisy(&self) -> Judge {
        Judge::Noisy {
            lowest_norm: dot(&self.grad, &self.grad).sqrt(),
            lowest_value: self.value,
            since: 0,
        }
    }

    /// Halves the step along `direction` until the current judge accepts one, takes
    /// it and returns how much it lowered the value; `None` when none was accepted.
    async fn line_search<O: Objective>(
        &mut self,
        objective: &O,
        direction: &[f64],
        slope: f64,
        resolution: f64,
    ) -> Result<Option<f64>, ComputeError> {
        let mut step = 1.0;
        let mut trial = vec![0.0; self.x.len()];
        let mut trial_grad = vec![0.0; self.x.len()];
        let tries = match self.judge {
            Judge::Value => MAX_HALVINGS,
            Judge::Noisy { .. } => NOISY_TRIES,
        };
        for _ in 0..tries {
            for ((t, x), d) in trial.iter_mut().zip(&self.x).zip(direction) {
                *t = x + step * d;
            }
            let value = objective.eval(&trial, &mut trial_grad).await?;
            let accepted = value.is_finite()
                && match self.judge {
                    Judge::Value => value <= self.value + ARMIJO * step * slope,
                    Judge::Noisy { .. } => value <= self.value + resolution,
                };
            if accepted {
                let s: Vec<f64> = trial.iter().zip(&self.x).map(|(a, b)| a - b).collect();
                let y: Vec<f64> = trial_grad
                    .iter()
                    .zip(&self.grad)
                    .map(|(a, b)| a - b)
                    .collect();
                self.history.push(s, y);
                let decrease = self.value - value;
                self.x.copy_from_slice(&trial);
                self.grad.copy_from_slice(&trial_grad);
                self.value = value;
                self.iterations += 1;
                return Ok(Some(decrease));
            }
            step *= 0.5;
        }
        Ok(None)
    }
}

pub(super) fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rosenbrock's valley: a classic hard case with its minimum at (1, 1).
    struct Rosenbrock;
    impl Objective for Rosenbrock {
        fn dim(&self) -> usize {
            2
        }
        async fn eval(&self, p: &[f64], g: &mut [f64]) -> Result<f64, ComputeError> {
            let (x, y) = (p[0], p[1]);
            g[0] = -2.0 * (1.0 - x) - 400.0 * x * (y - x * x);
            g[1] = 200.0 * (y - x * x);
            Ok((1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2))
        }
    }

    #[test]
    fn finds_the_rosenbrock_minimum() {
        pollster::block_on(async {
            let mut opt = Lbfgs::start(&Rosenbrock, vec![-1.2, 1.0])
                .await
                .expect("evaluates");
            let mut status = Status::Running;
            while status == Status::Running && opt.iterations() < 500 {
                status = opt.step(&Rosenbrock).await.expect("evaluates");
            }
            assert_eq!(status, Status::Converged);
            assert!((opt.params()[0] - 1.0).abs() < 1e-5, "{:?}", opt.params());
            assert!((opt.params()[1] - 1.0).abs() < 1e-5, "{:?}", opt.params());
        });
    }
}
