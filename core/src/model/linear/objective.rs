use std::sync::Arc;

use crate::compute::ComputeError;
use crate::model::Objective;
use crate::model::vector::one_output_pass;

/// `‖y − X w − b‖² + α ‖w‖²`: ridge regression with the intercept unpenalized,
/// as scikit-learn's `Ridge` defines it. Parameters: `[w_0 … w_(d−1), b]`.
#[derive(Debug, Clone, Default)]
pub struct SquaredError {
    /// Row-major inputs, `rows × inputs`.
    pub x: Arc<[f64]>,
    pub inputs: usize,
    pub y: Vec<f64>,
    pub alpha: f64,
}

impl Objective for SquaredError {
    fn dim(&self) -> usize {
        self.inputs + 1
    }

    /// One pass over the rows: each row's residual `r = w·x + b − y`, its
    /// square, and `r` times the row added to the gradient straight away.
    async fn eval(&self, params: &[f64], grad: &mut [f64]) -> Result<f64, ComputeError> {
        let d = self.inputs;
        let rows = self.y.len();
        // The inputs must hold every row.
        crate::model::rows(&self.x, rows, d)?;
        let (mut loss, sums) = one_output_pass(&self.x, params, rows, |r, z| {
            let residual = z - self.y[r];
            (residual * residual, residual)
        });
        let w = &params[..d];
        for j in 0..d {
            loss += self.alpha * w[j] * w[j];
            grad[j] = 2.0 * sums[j] + 2.0 * self.alpha * w[j];
        }
        grad[d] = 2.0 * sums[d];
        Ok(loss)
    }
}
