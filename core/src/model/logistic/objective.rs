use ndarray::{Axis, Slice};

use std::sync::Arc;

use crate::compute::ComputeError;
use crate::model::Objective;

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

    async fn eval(&self, params: &[f64], grad: &mut [f64]) -> Result<f64, ComputeError> {
        let (d, k) = (self.inputs, self.classes);
        let x = crate::model::rows(&self.x, self.labels.len(), d)?;
        let p = crate::model::rows(params, k, d + 1)?;
        let w = p.slice_axis(Axis(1), Slice::from(0..d));
        // Logits for every row at once (a GEMM), then softmax and residuals in place.
        let mut z = x.dot(&w.t());
        z += &p.column(d);
        let mut loss = 0.0;
        for (mut row, &label) in z.rows_mut().into_iter().zip(&self.labels) {
            let max = row.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
            let logit = row[label];
            row.mapv_inplace(|v| (v - max).exp());
            let sum = row.sum();
            let weight = self.class_weights.get(label).copied().unwrap_or(1.0);
            loss += weight * (max + sum.ln() - logit);
            row /= sum;
            row[label] -= 1.0;
            if weight != 1.0 {
                row *= weight;
            }
        }
        // The gradient: residualsᵀ X for the weights, residual sums for the intercepts.
        let grad_w = z.t().dot(&x);
        let grad_b = z.sum_axis(Axis(0));
        for c in 0..k {
            let g = &mut grad[c * (d + 1)..(c + 1) * (d + 1)];
            for j in 0..d {
                let wj = w[[c, j]];
                loss += 0.5 * self.penalty * wj * wj;
                g[j] = grad_w[[c, j]] + self.penalty * wj;
            }
            g[d] = grad_b[c];
        }
        Ok(loss)
    }
}
