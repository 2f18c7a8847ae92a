//! OWL-QN (Andrew and Gao, 2007): L-BFGS for a smooth convex objective plus a
//! weighted L1 norm, `F(x) = f(x) + Σⱼ λⱼ |xⱼ|`, one iteration at a time.
//!
//! The L1 norm has no gradient where a coordinate is zero, so each iteration
//! stays within one orthant, where the norm is linear. The search direction is
//! L-BFGS's for the pseudo-gradient (the slope of `F` along its steepest descent),
//! except that a penalized coordinate at zero leaves it only the way its steepest
//! descent points; each trial point is projected onto the orthant, which sets a
//! coordinate that would cross zero to exactly zero. So the optimum's zeros come
//! out as exact zeros. Andrew and Gao also drop the components of nonzero
//! coordinates that disagree with the pseudo-gradient; that slows the
//! quasi-Newton steps on ill-conditioned data to a crawl, and the projection
//! alone keeps every trial point in the orthant. The curvature estimate is
//! [`lbfgs`](super::lbfgs)'s, from the smooth part's gradients. CPU only: the
//! tolerances are those of an f64 objective.

use super::Objective;
use super::lbfgs::{
    ARMIJO, DECREASE_TOLERANCE, GRADIENT_TOLERANCE, History, MAX_HALVINGS, Status, max_abs,
};
use super::vector::dot;
use crate::compute::ComputeError;

#[derive(Debug, Clone)]
pub struct Owlqn {
    x: Vec<f64>,
    /// `F(x)`, the L1 norm included.
    value: f64,
    /// The smooth part's gradient.
    grad: Vec<f64>,
    /// Each coordinate's L1 weight `λⱼ` (0 for one left unpenalized).
    l1: Vec<f64>,
    history: History,
    iterations: usize,
}

impl Owlqn {
    /// Starts at `x0`, evaluating the objective there.
    pub async fn start<O: Objective>(
        objective: &O,
        x0: Vec<f64>,
        l1: Vec<f64>,
    ) -> Result<Self, ComputeError> {
        let mut grad = vec![0.0; x0.len()];
        let smooth = objective.eval(&x0, &mut grad).await?;
        Ok(Self {
            value: smooth + norm(&x0, &l1),
            x: x0,
            grad,
            l1,
            history: History::new(),
            iterations: 0,
        })
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

    /// Takes one iteration. Fails only if the objective does.
    pub async fn step<O: Objective>(&mut self, objective: &O) -> Result<Status, ComputeError> {
        if !self.value.is_finite() {
            return Ok(Status::Stalled);
        }
        let pseudo = self.pseudo_gradient();
        if max_abs(&pseudo) <= GRADIENT_TOLERANCE * self.value.abs().max(1.0) {
            return Ok(Status::Converged);
        }
        let resolution = DECREASE_TOLERANCE * self.value.abs().max(1.0);
        loop {
            let direction = self.direction(&pseudo);
            let decrease = if dot(&direction, &pseudo) < 0.0 {
                self.line_search(objective, &pseudo, &direction).await?
            } else {
                None
            };
            match decrease {
                Some(decrease) if decrease > resolution => return Ok(Status::Running),
                Some(_) => return Ok(Status::Converged),
                // The curvature pairs point nowhere useful: steepest descent.
                None if !self.history.is_empty() => self.history.clear(),
                None => return Ok(Status::Stalled),
            }
        }
    }

    /// The slope of `F` along its steepest descent: the smooth gradient plus the
    /// norm's, which at zero is whichever one-sided slope descends, if either.
    fn pseudo_gradient(&self) -> Vec<f64> {
        self.x
            .iter()
            .zip(&self.grad)
            .zip(&self.l1)
            .map(|((&x, &g), &l)| {
                if x > 0.0 {
                    g + l
                } else if x < 0.0 {
                    g - l
                } else if g + l < 0.0 {
                    g + l
                } else if g - l > 0.0 {
                    g - l
                } else {
                    0.0
                }
            })
            .collect()
    }

    /// L-BFGS's direction for the pseudo-gradient, without the components of
    /// penalized coordinates at zero that would climb it: the curvature estimate
    /// knows nothing of the kink there.
    fn direction(&self, pseudo: &[f64]) -> Vec<f64> {
        let mut direction = self.history.direction(pseudo);
        for (((d, p), l), x) in direction.iter_mut().zip(pseudo).zip(&self.l1).zip(&self.x) {
            if *l > 0.0 && *x == 0.0 && *d * p >= 0.0 {
                *d = 0.0;
            }
        }
        direction
    }

    /// Halves the step along `direction` until a point of the orthant it points
    /// into (in the penalized coordinates) lowers `F` enough (Armijo's rule on the
    /// pseudo-gradient), takes it and returns how much it lowered `F`; `None` when
    /// none did.
    async fn line_search<O: Objective>(
        &mut self,
        objective: &O,
        pseudo: &[f64],
        direction: &[f64],
    ) -> Result<Option<f64>, ComputeError> {
        // A zero coordinate enters the orthant its steepest descent points into.
        let orthant: Vec<f64> = self
            .x
            .iter()
            .zip(pseudo)
            .map(|(&x, &p)| {
                if x != 0.0 {
                    x.signum()
                } else if p != 0.0 {
                    -p.signum()
                } else {
                    0.0
                }
            })
            .collect();
        let mut step = 1.0;
        let mut trial = vec![0.0; self.x.len()];
        let mut trial_grad = vec![0.0; self.x.len()];
        for _ in 0..MAX_HALVINGS {
            for (j, t) in trial.iter_mut().enumerate() {
                let moved = self.x[j] + step * direction[j];
                let inside = self.l1[j] == 0.0 || moved * orthant[j] > 0.0;
                *t = if inside { moved } else { 0.0 };
            }
            let value = objective.eval(&trial, &mut trial_grad).await? + norm(&trial, &self.l1);
            let s: Vec<f64> = trial.iter().zip(&self.x).map(|(a, b)| a - b).collect();
            // The projection may cut the descending components of a long step and
            // leave the climbing ones: such a step is no descent, whatever it
            // scores. Short steps cut nothing.
            let slope = dot(pseudo, &s);
            if value.is_finite() && slope < 0.0 && value <= self.value + ARMIJO * slope {
                let y = trial_grad
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

/// `Σⱼ λⱼ |xⱼ|`.
fn norm(x: &[f64], l1: &[f64]) -> f64 {
    x.iter().zip(l1).map(|(x, l)| l * x.abs()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `½ Σⱼ (xⱼ − cⱼ)²`, whose L1-penalized minimum is the soft-thresholded `c`.
    struct Quadratic(Vec<f64>);
    impl Objective for Quadratic {
        fn dim(&self) -> usize {
            self.0.len()
        }
        async fn eval(&self, p: &[f64], g: &mut [f64]) -> Result<f64, ComputeError> {
            let mut value = 0.0;
            for ((g, x), c) in g.iter_mut().zip(p).zip(&self.0) {
                *g = x - c;
                value += 0.5 * (x - c) * (x - c);
            }
            Ok(value)
        }
    }

    #[test]
    fn finds_the_soft_thresholded_minimum_with_exact_zeros() {
        pollster::block_on(async {
            let objective = Quadratic(vec![3.0, -0.5, 0.2, -2.0, 1.0]);
            // The last coordinate is unpenalized.
            let l1 = vec![1.0, 1.0, 1.0, 1.0, 0.0];
            let mut opt = Owlqn::start(&objective, vec![0.0; 5], l1)
                .await
                .expect("evaluates");
            let mut status = Status::Running;
            while status == Status::Running && opt.iterations() < 100 {
                status = opt.step(&objective).await.expect("evaluates");
            }
            assert_eq!(status, Status::Converged);
            let want = [2.0, 0.0, 0.0, -1.0, 1.0];
            for (x, w) in opt.params().iter().zip(want) {
                assert!((x - w).abs() < 1e-9, "{:?}", opt.params());
            }
            assert_eq!(opt.params()[1], 0.0);
            assert_eq!(opt.params()[2], 0.0);
            assert!((opt.value() - (0.5 * 1.0 + 0.125 + 0.02 + 0.5 + 3.0)).abs() < 1e-9);
        });
    }
}
