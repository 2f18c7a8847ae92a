//! Cyclic coordinate descent for the elastic net, as scikit-learn's
//! `enet_coordinate_descent`: one sweep over the coefficients per step, stopped by
//! the duality gap. The objective, with `n` rows, is
//! `‖y − Xw − b‖² / (2n) + α ρ ‖w‖₁ + α (1 − ρ) ‖w‖² / 2`; the intercept comes from
//! centring `X` and `y` on their means.

use crate::model::vector::dot;

/// A coordinate-descent fit in progress, in f64.
#[derive(Debug, Clone)]
pub struct Descent {
    /// Centred inputs, column-major: column `j` is `x[j * rows..(j + 1) * rows]`.
    x: Vec<f64>,
    y: Vec<f64>,
    x_mean: Vec<f64>,
    y_mean: f64,
    rows: usize,
    /// Each column's squared norm.
    norms: Vec<f64>,
    /// `α ρ n` and `α (1 − ρ) n`: the penalties on the objective times `n`.
    l1: f64,
    l2: f64,
    /// The duality gap to stop at: `tol · ‖y‖²`, as scikit-learn scales it.
    gap_tol: f64,
    tol: f64,
    pub w: Vec<f64>,
    residual: Vec<f64>,
    pub sweeps: usize,
    pub converged: bool,
}

impl Descent {
    /// `x` row-major, `inputs` per row.
    pub fn new(x: &[f64], inputs: usize, y: &[f64], alpha: f64, l1_ratio: f64, tol: f64) -> Self {
        let rows = y.len();
        let n = rows.max(1) as f64;
        let y_mean = y.iter().sum::<f64>() / n;
        let y: Vec<f64> = y.iter().map(|v| v - y_mean).collect();
        let mut x_mean = vec![0.0; inputs];
        for row in x.chunks_exact(inputs.max(1)) {
            for (m, v) in x_mean.iter_mut().zip(row) {
                *m += v;
            }
        }
        for m in &mut x_mean {
            *m /= n;
        }
        let mut columns = vec![0.0; rows * inputs];
        for (i, row) in x.chunks_exact(inputs.max(1)).enumerate() {
            for (j, v) in row.iter().enumerate() {
                columns[j * rows + i] = v - x_mean[j];
            }
        }
        let norms = (0..inputs)
            .map(|j| {
                columns[j * rows..(j + 1) * rows]
                    .iter()
                    .map(|v| v * v)
                    .sum()
            })
            .collect();
        let gap_tol = tol * y.iter().map(|v| v * v).sum::<f64>();
        Self {
            residual: y.clone(),
            x: columns,
            y,
            x_mean,
            y_mean,
            rows,
            norms,
            l1: alpha * l1_ratio * n,
            l2: alpha * (1.0 - l1_ratio) * n,
            gap_tol,
            tol,
            w: vec![0.0; inputs],
            sweeps: 0,
            converged: false,
        }
    }

    fn column(&self, j: usize) -> &[f64] {
        &self.x[j * self.rows..(j + 1) * self.rows]
    }

    /// One sweep over every coefficient; then, if the coefficients barely moved,
    /// the duality gap decides whether the fit has converged.
    pub fn sweep(&mut self) {
        let (mut w_max, mut d_w_max) = (0.0f64, 0.0f64);
        for j in 0..self.w.len() {
            if self.norms[j] == 0.0 {
                continue;
            }
            let old = self.w[j];
            let column = &self.x[j * self.rows..(j + 1) * self.rows];
            let rho = dot(column, &self.residual) + old * self.norms[j];
            let new = rho.signum() * (rho.abs() - self.l1).max(0.0) / (self.norms[j] + self.l2);
            if new != old {
                for (r, x) in self.residual.iter_mut().zip(column) {
                    *r -= (new - old) * x;
                }
            }
            self.w[j] = new;
            d_w_max = d_w_max.max((new - old).abs());
            w_max = w_max.max(new.abs());
        }
        self.sweeps += 1;
        if w_max == 0.0 || d_w_max / w_max < self.tol {
            self.converged = self.gap() < self.gap_tol;
        }
    }

    /// The duality gap of the current coefficients (times `n`).
    fn gap(&self) -> f64 {
        let xta: Vec<f64> = (0..self.w.len())
            .map(|j| dot(self.column(j), &self.residual) - self.l2 * self.w[j])
            .collect();
        let dual_norm = xta.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let r_norm2 = dot(&self.residual, &self.residual);
        let w_norm2 = dot(&self.w, &self.w);
        let (scale, mut gap) = if dual_norm > self.l1 {
            let scale = self.l1 / dual_norm;
            (scale, 0.5 * (r_norm2 + r_norm2 * scale * scale))
        } else {
            (1.0, r_norm2)
        };
        let l1_norm: f64 = self.w.iter().map(|v| v.abs()).sum();
        gap += self.l1 * l1_norm - scale * dot(&self.residual, &self.y)
            + 0.5 * self.l2 * (1.0 + scale * scale) * w_norm2;
        gap
    }

    /// The objective `‖r‖² / (2n) + α ρ ‖w‖₁ + α (1 − ρ) ‖w‖² / 2`.
    pub fn objective(&self) -> f64 {
        let n = self.rows.max(1) as f64;
        let l1_norm: f64 = self.w.iter().map(|v| v.abs()).sum();
        (0.5 * dot(&self.residual, &self.residual)
            + self.l1 * l1_norm
            + 0.5 * self.l2 * dot(&self.w, &self.w))
            / n
    }

    /// The intercept of the uncentred data.
    pub fn intercept(&self) -> f64 {
        self.y_mean - dot(&self.x_mean, &self.w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_penalty_it_solves_least_squares() {
        // y = 2 x₀ − x₁ + 3, exactly.
        let x = [0.0, 1.0, 1.0, 0.0, 2.0, 3.0, 3.0, 1.0, 4.0, 5.0];
        let y: Vec<f64> = x.chunks(2).map(|r| 2.0 * r[0] - r[1] + 3.0).collect();
        let mut fit = Descent::new(&x, 2, &y, 0.0, 1.0, 1e-12);
        while !fit.converged && fit.sweeps < 10_000 {
            fit.sweep();
        }
        assert!(
            (fit.w[0] - 2.0).abs() < 1e-6 && (fit.w[1] + 1.0).abs() < 1e-6,
            "{:?}",
            fit.w
        );
        assert!((fit.intercept() - 3.0).abs() < 1e-6);
    }

    #[test]
    fn a_large_l1_penalty_zeroes_every_coefficient() {
        let x = [0.0, 1.0, 2.0, 3.0];
        let y = [1.0, 2.0, 2.5, 4.0];
        let mut fit = Descent::new(&x, 1, &y, 100.0, 1.0, 1e-4);
        fit.sweep();
        assert_eq!(fit.w, [0.0]);
        assert!(fit.converged);
        assert!((fit.intercept() - 2.375).abs() < 1e-12);
    }
}
