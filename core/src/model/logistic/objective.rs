use std::sync::Arc;

use crate::compute::ComputeError;
use crate::model::Objective;
use crate::model::vector::{axpy, dot};
use crate::parallel;

/// `Σᵢ ω(yᵢ) cross-entropy(softmax(W xᵢ + b), yᵢ) + ‖W‖² / (2C)`: multinomial
/// logistic regression with the intercepts unpenalized, as scikit-learn defines
/// it, each row weighed by its class's weight `ω` (1 without class weights).
///
/// Parameters are laid out class by class: `[w_c0 … w_c(d−1), b_c]`.
#[derive(Debug, Clone, Default)]
pub struct SoftmaxCrossEntropy {
    /// Row-major inputs, `rows × inputs`.
    pub x: Arc<[f64]>,
    pub inputs: usize,
    /// Class index of each row.
    pub labels: Vec<usize>,
    pub classes: usize,
    /// `1 / C`.
    pub penalty: f64,
    /// Each class's weight; empty when every row counts once.
    pub class_weights: Vec<f64>,
}

impl Objective for SoftmaxCrossEntropy {
    fn dim(&self) -> usize {
        self.classes * (self.inputs + 1)
    }

    /// One pass over the rows, in blocks spread over threads: each row's
    /// logits, softmax and residuals, added times the row to the gradient
    /// straight away, so that the inputs are read once per evaluation.
    async fn eval(&self, params: &[f64], grad: &mut [f64]) -> Result<f64, ComputeError> {
        let (d, k) = (self.inputs, self.classes);
        let rows = self.labels.len();
        // The inputs must hold every row.
        crate::model::rows(&self.x, rows, d)?;
        let stride = d + 1;
        let (mut loss, sums) = parallel::sum_blocks(rows, k * stride, |block, sum| {
            let mut loss = 0.0;
            let mut z = vec![0.0; k];
            for r in block {
                let row = &self.x[r * d..(r + 1) * d];
                let label = self.labels[r];
                for (c, z) in z.iter_mut().enumerate() {
                    let p = &params[c * stride..(c + 1) * stride];
                    *z = dot(row, &p[..d]) + p[d];
                }
                let max = z.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v));
                let logit = z[label];
                let mut total = 0.0;
                for z in &mut z {
                    *z = (*z - max).exp();
                    total += *z;
                }
                let weight = self.class_weights.get(label).copied().unwrap_or(1.0);
                loss += weight * (max + total.ln() - logit);
                for (c, &e) in z.iter().enumerate() {
                    let truth = if c == label { 1.0 } else { 0.0 };
                    let residual = weight * (e / total - truth);
                    let g = &mut sum[c * stride..(c + 1) * stride];
                    axpy(residual, row, &mut g[..d]);
                    g[d] += residual;
                }
            }
            loss
        });
        for c in 0..k {
            let (p, g) = (
                &params[c * stride..(c + 1) * stride],
                &mut grad[c * stride..(c + 1) * stride],
            );
            for j in 0..d {
                loss += 0.5 * self.penalty * p[j] * p[j];
                g[j] = sums[c * stride + j] + self.penalty * p[j];
            }
            g[d] = sums[c * stride + d];
        }
        Ok(loss)
    }
}
