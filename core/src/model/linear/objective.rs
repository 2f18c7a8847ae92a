use ndarray::ArrayView1;

use std::sync::Arc;

use crate::compute::ComputeError;
use crate::model::Objective;

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

    async fn eval(&self, params: &[f64], grad: &mut [f64]) -> Result<f64, ComputeError> {
        let d = self.inputs;
        let x = crate::model::rows(&self.x, self.y.len(), d)?;
        let w = ArrayView1::from(&params[..d]);
        // Residuals r = X w + b − y for every row at once (a GEMV).
        let mut r = x.dot(&w);
        r += params[d];
        r -= &ArrayView1::from(&self.y[..]);
        let grad_w = x.t().dot(&r);
        let mut loss = r.dot(&r);
        for j in 0..d {
            loss += self.alpha * w[j] * w[j];
            grad[j] = 2.0 * grad_w[j] + 2.0 * self.alpha * w[j];
        }
        grad[d] = 2.0 * r.sum();
        Ok(loss)
    }
}
