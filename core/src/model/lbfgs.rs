//! Limited-memory BFGS, one iteration at a time, so that a caller can report
//! progress and stop between iterations (the browser worker awaits between them).

use std::collections::VecDeque;

use super::Objective;

/// Pairs of past steps kept for the curvature estimate.
const MEMORY: usize = 10;
/// Armijo's sufficient-decrease constant.
const ARMIJO: f64 = 1e-4;
/// Halvings tried before a line search gives up.
const MAX_HALVINGS: usize = 60;
/// Converged when the largest gradient entry is this small relative to the objective.
const GRADIENT_TOLERANCE: f64 = 1e-12;
/// Converged when an iteration lowers the objective by less than this, relatively.
const DECREASE_TOLERANCE: f64 = 1e-15;

/// What the last iteration found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// More iterations would help.
    Running,
    /// The gradient vanished or the objective stopped falling.
    Converged,
    /// No step along the search direction lowered the objective.
    Stalled,
}

#[derive(Debug, Clone)]
pub struct Lbfgs {
    x: Vec<f64>,
    value: f64,
    grad: Vec<f64>,
    history: VecDeque<(Vec<f64>, Vec<f64>, f64)>,
    iterations: usize,
}

impl Lbfgs {
    /// Starts at `x0`, evaluating the objective there.
    pub async fn start<O: Objective>(objective: &O, x0: Vec<f64>) -> Self {
        let mut grad = vec![0.0; x0.len()];
        let value = objective.eval(&x0, &mut grad).await;
        Self {
            x: x0,
            value,
            grad,
            history: VecDeque::with_capacity(MEMORY),
            iterations: 0,
        }
    }

    pub fn params(&self) -> &[f64] {
        &self.x
    }

    pub fn value(&self) -> f64 {
        self.value
    }

    pub fn iterations(&self) -> usize {
        self.iterations
    }

    /// Takes one iteration: a search direction, then a backtracking line search.
    pub async fn step<O: Objective>(&mut self, objective: &O) -> Status {
        if !self.value.is_finite() {
            return Status::Stalled;
        }
        if max_abs(&self.grad) <= GRADIENT_TOLERANCE * self.value.abs().max(1.0) {
            return Status::Converged;
        }
        let mut direction = self.direction();
        let mut slope = dot(&self.grad, &direction);
        if slope >= 0.0 {
            // Curvature pairs went stale; fall back to steepest descent.
            self.history.clear();
            direction = self.direction();
            slope = dot(&self.grad, &direction);
        }

        let mut step = 1.0;
        let mut trial = vec![0.0; self.x.len()];
        let mut trial_grad = vec![0.0; self.x.len()];
        for _ in 0..MAX_HALVINGS {
            for ((t, x), d) in trial.iter_mut().zip(&self.x).zip(&direction) {
                *t = x + step * d;
            }
            let value = objective.eval(&trial, &mut trial_grad).await;
            if value.is_finite() && value <= self.value + ARMIJO * step * slope {
                let s: Vec<f64> = trial.iter().zip(&self.x).map(|(a, b)| a - b).collect();
                let y: Vec<f64> = trial_grad
                    .iter()
                    .zip(&self.grad)
                    .map(|(a, b)| a - b)
                    .collect();
                let sy = dot(&s, &y);
                if sy > 1e-12 * dot(&y, &y).sqrt() * dot(&s, &s).sqrt() {
                    if self.history.len() == MEMORY {
                        self.history.pop_front();
                    }
                    self.history.push_back((s, y, 1.0 / sy));
                }
                let decrease = self.value - value;
                self.x.copy_from_slice(&trial);
                self.grad.copy_from_slice(&trial_grad);
                let previous = std::mem::replace(&mut self.value, value);
                self.iterations += 1;
                return if decrease <= DECREASE_TOLERANCE * previous.abs().max(1.0) {
                    Status::Converged
                } else {
                    Status::Running
                };
            }
            step *= 0.5;
        }
        Status::Stalled
    }

    /// `−H g` by the two-loop recursion; without history, a unit-length steepest descent.
    fn direction(&self) -> Vec<f64> {
        let mut q = self.grad.clone();
        let Some((s_last, y_last, _)) = self.history.back() else {
            let norm = dot(&q, &q).sqrt().max(f64::MIN_POSITIVE);
            return q.iter().map(|g| -g / norm).collect();
        };
        let mut alphas = Vec::with_capacity(self.history.len());
        for (s, y, rho) in self.history.iter().rev() {
            let alpha = rho * dot(s, &q);
            axpy(-alpha, y, &mut q);
            alphas.push(alpha);
        }
        let gamma = dot(s_last, y_last) / dot(y_last, y_last);
        q.iter_mut().for_each(|v| *v *= gamma);
        for ((s, y, rho), alpha) in self.history.iter().zip(alphas.into_iter().rev()) {
            let beta = rho * dot(y, &q);
            axpy(alpha - beta, s, &mut q);
        }
        q.iter_mut().for_each(|v| *v = -*v);
        q
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    y.iter_mut().zip(x).for_each(|(y, x)| *y += a * x);
}

fn max_abs(v: &[f64]) -> f64 {
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
        async fn eval(&self, p: &[f64], g: &mut [f64]) -> f64 {
            let (x, y) = (p[0], p[1]);
            g[0] = -2.0 * (1.0 - x) - 400.0 * x * (y - x * x);
            g[1] = 200.0 * (y - x * x);
            (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
        }
    }

    #[test]
    fn finds_the_rosenbrock_minimum() {
        pollster::block_on(async {
            let mut opt = Lbfgs::start(&Rosenbrock, vec![-1.2, 1.0]).await;
            let mut status = Status::Running;
            while status == Status::Running && opt.iterations() < 500 {
                status = opt.step(&Rosenbrock).await;
            }
            assert_eq!(status, Status::Converged);
            assert!((opt.params()[0] - 1.0).abs() < 1e-5, "{:?}", opt.params());
            assert!((opt.params()[1] - 1.0).abs() < 1e-5, "{:?}", opt.params());
        });
    }
}
