//! Dual coordinate descent for one two-class linear SVM, as liblinear's
//! `solve_l2r_l1l2_svc` (Hsieh et al., 2008), which scikit-learn's `LinearSVC`
//! runs with `dual=True`. The primal, with `yᵢ = ±1` and a cost `Cᵢ` per row, is
//! `½‖w‖² + Σᵢ Cᵢ ξ(1 − yᵢ w·xᵢ)` with `ξ(t) = max(0, t)` (hinge) or its square
//! (squared hinge). An intercept is a weight on a synthetic input of value
//! `intercept_scaling`, penalized like the others, as liblinear does.
//!
//! One [`DualDescent::pass`] visits the active coordinates once, in a fresh random
//! order, and shrinks those the projected gradient says are settled at a bound.
//! The fit has converged when the projected gradients of every coordinate lie
//! within `tol` of each other.

use std::sync::Arc;

use crate::rng::SplitMix64;

/// Projected gradients smaller than this leave their coordinate as it is, as in
/// liblinear: the step would be rounding.
const NEGLIGIBLE: f64 = 1e-12;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loss {
    Hinge,
    SquaredHinge,
}

/// One two-class problem in progress, in f64.
#[derive(Debug, Clone)]
pub struct DualDescent {
    /// Row-major inputs, `rows × inputs`, shared by every problem of a fit.
    x: Arc<[f64]>,
    inputs: usize,
    /// The synthetic input that carries the intercept, if there is one.
    bias: Option<f64>,
    /// `+1` for the rows of the positive class, `−1` for the others.
    signs: Vec<f64>,
    /// `Cᵢ` for the positive and the negative rows.
    costs: [f64; 2],
    loss: Loss,
    tol: f64,
    /// `‖xᵢ‖²` plus the dual's diagonal term: the coordinate's curvature.
    curvature: Vec<f64>,
    alpha: Vec<f64>,
    /// `Σᵢ αᵢ yᵢ xᵢ`: the primal weights, then the bias input's weight.
    w: Vec<f64>,
    /// The coordinates in visiting order; the first `active` are not shrunk.
    order: Vec<usize>,
    active: usize,
    /// The extreme projected gradients of the last pass: coordinates at a bound
    /// whose gradient points further out than these are shrunk.
    gradient_max: f64,
    gradient_min: f64,
    objective: f64,
    pub iterations: usize,
    pub converged: bool,
}

impl DualDescent {
    /// The problem of telling the rows where `positive` holds from the others.
    pub fn new(
        x: Arc<[f64]>,
        inputs: usize,
        bias: Option<f64>,
        positive: impl Iterator<Item = bool>,
        costs: [f64; 2],
        loss: Loss,
        tol: f64,
    ) -> Self {
        let signs: Vec<f64> = positive.map(|p| if p { 1.0 } else { -1.0 }).collect();
        let mut problem = Self {
            inputs,
            bias,
            costs,
            loss,
            tol,
            curvature: Vec::with_capacity(signs.len()),
            alpha: vec![0.0; signs.len()],
            w: vec![0.0; inputs + usize::from(bias.is_some())],
            order: (0..signs.len()).collect(),
            active: signs.len(),
            gradient_max: f64::INFINITY,
            gradient_min: f64::NEG_INFINITY,
            objective: 0.0,
            iterations: 0,
            converged: false,
            signs,
            x,
        };
        for i in 0..problem.signs.len() {
            let row = problem.row(i);
            let norm = row.iter().map(|v| v * v).sum::<f64>() + bias.map_or(0.0, |b| b * b);
            let curvature = norm + problem.bounds(i).0;
            problem.curvature.push(curvature);
        }
        problem.objective = problem.primal();
        problem
    }

    fn row(&self, i: usize) -> &[f64] {
        &self.x[i * self.inputs..(i + 1) * self.inputs]
    }

    /// Row `i`'s diagonal term and upper bound on `αᵢ`: the hinge bounds it by
    /// `Cᵢ`; the squared hinge leaves it unbounded and adds `1 / (2Cᵢ)` instead.
    fn bounds(&self, i: usize) -> (f64, f64) {
        let cost = self.cost(i);
        match self.loss {
            Loss::Hinge => (0.0, cost),
            Loss::SquaredHinge => (0.5 / cost, f64::INFINITY),
        }
    }

    fn cost(&self, i: usize) -> f64 {
        if self.signs[i] > 0.0 {
            self.costs[0]
        } else {
            self.costs[1]
        }
    }

    /// `w·xᵢ`, with the bias input.
    fn score(&self, i: usize) -> f64 {
        let (w, bias_weight) = self.w.split_at(self.inputs);
        let dot: f64 = w.iter().zip(self.row(i)).map(|(w, x)| w * x).sum();
        dot + self.bias.map_or(0.0, |b| b * bias_weight[0])
    }

    /// `w += step · xᵢ`, with the bias input.
    fn add_row(&mut self, i: usize, step: f64) {
        let (inputs, bias) = (self.inputs, self.bias);
        let row = &self.x[i * inputs..(i + 1) * inputs];
        for (w, x) in self.w[..inputs].iter_mut().zip(row) {
            *w += step * x;
        }
        if let Some(b) = bias {
            self.w[inputs] += step * b;
        }
    }

    /// One pass over the active coordinates in a random order.
    pub fn pass(&mut self, rng: &mut SplitMix64) {
        if self.converged {
            return;
        }
        for i in 0..self.active {
            let j = i + rng.below(self.active - i);
            self.order.swap(i, j);
        }
        let (mut gradient_max, mut gradient_min) = (f64::NEG_INFINITY, f64::INFINITY);
        let mut s = 0;
        while s < self.active {
            let i = self.order[s];
            let (diagonal, upper) = self.bounds(i);
            let alpha = self.alpha[i];
            let gradient = self.signs[i] * self.score(i) - 1.0 + alpha * diagonal;
            let projected = if alpha == 0.0 {
                if gradient > self.gradient_max {
                    self.shrink(s);
                    continue;
                }
                gradient.min(0.0)
            } else if alpha == upper {
                if gradient < self.gradient_min {
                    self.shrink(s);
                    continue;
                }
                gradient.max(0.0)
            } else {
                gradient
            };
            gradient_max = gradient_max.max(projected);
            gradient_min = gradient_min.min(projected);
            if projected.abs() > NEGLIGIBLE {
                let curvature = self.curvature[i];
                let new = if curvature > 0.0 {
                    (alpha - gradient / curvature).max(0.0).min(upper)
                } else if gradient < 0.0 {
                    // A zero row without a bias input under the hinge: the dual is
                    // linear along this coordinate, which goes to the bound it
                    // falls towards.
                    upper
                } else {
                    0.0
                };
                self.alpha[i] = new;
                self.add_row(i, (new - alpha) * self.signs[i]);
            }
            s += 1;
        }
        self.iterations += 1;
        self.objective = self.primal();
        if gradient_max - gradient_min <= self.tol {
            if self.active == self.signs.len() {
                self.converged = true;
            } else {
                // Settled on the active set: check every coordinate again.
                self.active = self.signs.len();
                self.gradient_max = f64::INFINITY;
                self.gradient_min = f64::NEG_INFINITY;
            }
            return;
        }
        self.gradient_max = if gradient_max <= 0.0 {
            f64::INFINITY
        } else {
            gradient_max
        };
        self.gradient_min = if gradient_min >= 0.0 {
            f64::NEG_INFINITY
        } else {
            gradient_min
        };
    }

    /// Moves the coordinate at `s` in the visiting order out of the active set.
    fn shrink(&mut self, s: usize) {
        self.active -= 1;
        self.order.swap(s, self.active);
    }

    /// `½‖w‖² + Σᵢ Cᵢ ξ(1 − yᵢ w·xᵢ)`.
    fn primal(&self) -> f64 {
        let penalty = 0.5 * self.w.iter().map(|w| w * w).sum::<f64>();
        let losses: f64 = (0..self.signs.len())
            .map(|i| {
                let slack = (1.0 - self.signs[i] * self.score(i)).max(0.0);
                self.cost(i)
                    * match self.loss {
                        Loss::Hinge => slack,
                        Loss::SquaredHinge => slack * slack,
                    }
            })
            .sum();
        penalty + losses
    }

    /// The primal objective after the last pass.
    pub fn objective(&self) -> f64 {
        self.objective
    }

    /// The weights on the inputs.
    pub fn coef(&self) -> &[f64] {
        &self.w[..self.inputs]
    }

    /// The intercept: the bias input's weight times its value; 0 without one.
    pub fn intercept(&self) -> f64 {
        self.bias.map_or(0.0, |b| b * self.w[self.inputs])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn solve(x: &[f64], inputs: usize, positive: &[bool], loss: Loss) -> DualDescent {
        let mut problem = DualDescent::new(
            x.into(),
            inputs,
            Some(1.0),
            positive.iter().copied(),
            [1.0, 1.0],
            loss,
            1e-12,
        );
        let mut rng = SplitMix64::new(0);
        while !problem.converged && problem.iterations < 100_000 {
            problem.pass(&mut rng);
        }
        assert!(problem.converged);
        problem
    }

    #[test]
    fn separates_two_points_at_the_maximum_margin() {
        // Hinge on x = ±1 with the bias penalized: w = b·0 by symmetry, and the
        // margin constraints y·(w x + b) ≥ 1 hold with equality at w = 1.
        let problem = solve(&[-1.0, 1.0], 1, &[false, true], Loss::Hinge);
        assert!(
            (problem.coef()[0] - 1.0).abs() < 1e-9,
            "{:?}",
            problem.coef()
        );
        assert!(problem.intercept().abs() < 1e-9);
        assert!((problem.objective() - 0.5).abs() < 1e-9);
    }

    #[test]
    fn the_squared_hinge_solution_balances_loss_and_penalty() {
        // Squared hinge on x = ±1: minimize w² / 2 + 2 (1 − w)², so w = 4/5.
        let problem = solve(&[-1.0, 1.0], 1, &[false, true], Loss::SquaredHinge);
        assert!(
            (problem.coef()[0] - 0.8).abs() < 1e-9,
            "{:?}",
            problem.coef()
        );
        assert!((problem.objective() - (0.32 + 2.0 * 0.04)).abs() < 1e-9);
    }

    #[test]
    fn a_zero_row_without_a_bias_goes_to_its_bound() {
        let mut problem = DualDescent::new(
            vec![0.0, 2.0].into(),
            1,
            None,
            [true, true].into_iter(),
            [0.5, 0.5],
            Loss::Hinge,
            1e-12,
        );
        let mut rng = SplitMix64::new(3);
        while !problem.converged && problem.iterations < 1000 {
            problem.pass(&mut rng);
        }
        assert!(problem.converged);
        assert_eq!(problem.alpha[0], 0.5);
        assert!(problem.coef().iter().all(|w| w.is_finite()));
    }
}
