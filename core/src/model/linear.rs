use super::Objective;
use crate::compute::ComputeError;

/// `‖y − X w − b‖² + α ‖w‖²`: ridge regression with the intercept unpenalized,
/// as scikit-learn's `Ridge` defines it. Parameters: `[w_0 … w_(d−1), b]`.
#[derive(Debug, Clone)]
pub struct SquaredError {
    /// Row-major inputs, `rows × inputs`.
    pub x: Vec<f64>,
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
        grad.iter_mut().for_each(|g| *g = 0.0);
        let mut loss = 0.0;
        for (row, &y) in self.x.chunks(d.max(1)).zip(&self.y) {
            let r = params[..d].iter().zip(row).map(|(w, x)| w * x).sum::<f64>() + params[d] - y;
            loss += r * r;
            for (g, x) in grad[..d].iter_mut().zip(row) {
                *g += 2.0 * r * x;
            }
            grad[d] += 2.0 * r;
        }
        for j in 0..d {
            loss += self.alpha * params[j] * params[j];
            grad[j] += 2.0 * self.alpha * params[j];
        }
        Ok(loss)
    }
}
