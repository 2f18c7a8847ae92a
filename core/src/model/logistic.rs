use super::Objective;
use crate::compute::ComputeError;

/// `Σᵢ cross-entropy(softmax(W xᵢ + b), yᵢ) + ‖W‖² / (2C)`: multinomial logistic
/// regression with the intercepts unpenalized, as scikit-learn defines it.
///
/// Parameters are laid out class by class: `[w_c0 … w_c(d−1), b_c]`.
#[derive(Debug, Clone)]
pub struct SoftmaxCrossEntropy {
    /// Row-major inputs, `rows × inputs`.
    pub x: Vec<f64>,
    pub inputs: usize,
    /// Class index of each row.
    pub labels: Vec<usize>,
    pub classes: usize,
    /// `1 / C`.
    pub penalty: f64,
}

impl Objective for SoftmaxCrossEntropy {
    fn dim(&self) -> usize {
        self.classes * (self.inputs + 1)
    }

    async fn eval(&self, params: &[f64], grad: &mut [f64]) -> Result<f64, ComputeError> {
        let (d, k) = (self.inputs, self.classes);
        let stride = d + 1;
        grad.iter_mut().for_each(|g| *g = 0.0);
        let mut loss = 0.0;
        let mut z = vec![0.0; k];
        for (row, &label) in self.x.chunks(d.max(1)).zip(&self.labels) {
            for (c, zc) in z.iter_mut().enumerate() {
                let w = &params[c * stride..c * stride + d];
                *zc = w.iter().zip(row).map(|(w, x)| w * x).sum::<f64>() + params[c * stride + d];
            }
            let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let sum: f64 = z.iter().map(|v| (v - max).exp()).sum();
            loss += max + sum.ln() - z[label];
            for (c, &zc) in z.iter().enumerate() {
                let residual = (zc - max).exp() / sum - f64::from(u8::from(c == label));
                let g = &mut grad[c * stride..(c + 1) * stride];
                for (g, x) in g[..d].iter_mut().zip(row) {
                    *g += residual * x;
                }
                g[d] += residual;
            }
        }
        for c in 0..k {
            for j in 0..d {
                let w = params[c * stride + j];
                loss += 0.5 * self.penalty * w * w;
                grad[c * stride + j] += self.penalty * w;
            }
        }
        Ok(loss)
    }
}
