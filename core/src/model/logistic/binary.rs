use ndarray::ArrayView1;

use std::sync::Arc;

use crate::compute::ComputeError;
use crate::model::Objective;

/// `Σᵢ ω(tᵢ) (log(1 + exp(zᵢ)) − tᵢ zᵢ) + ‖v‖² · penalty / 2` with
/// `zᵢ = v·xᵢ + c` and `tᵢ` 1 for the second class: two-class logistic regression
/// with one weight vector and the intercept unpenalized, as scikit-learn fits two
/// classes, each row weighed by its class's weight `ω` (1 without class weights).
///
/// Parameters: `[v₀ … v(d−1), c]`.
#[derive(Debug, Clone, Default)]
pub struct BinaryCrossEntropy {
    /// Row-major inputs, `rows × inputs`.
    pub x: Arc<[f64]>,
    pub inputs: usize,
    /// Whether each row is of the second class.
    pub positive: Vec<bool>,
    pub penalty: f64,
    /// The two classes' weights; empty when every row counts once.
    pub class_weights: Vec<f64>,
}

impl Objective for BinaryCrossEntropy {
    fn dim(&self) -> usize {
        self.inputs + 1
    }

    async fn eval(&self, params: &[f64], grad: &mut [f64]) -> Result<f64, ComputeError> {
        let d = self.inputs;
        let x = crate::model::rows(&self.x, self.positive.len(), d)?;
        let v = ArrayView1::from(&params[..d]);
        // Logits for every row at once, then the residuals σ(z) − t in place.
        let mut z = x.dot(&v);
        let mut loss = 0.0;
        for (z, &positive) in z.iter_mut().zip(&self.positive) {
            let logit = *z + params[d];
            let t = f64::from(u8::from(positive));
            // log(1 + eᶻ) and σ(z), each without overflow.
            let (softplus, sigmoid) = if logit > 0.0 {
                let e = (-logit).exp();
                (logit + e.ln_1p(), 1.0 / (1.0 + e))
            } else {
                let e = logit.exp();
                (e.ln_1p(), e / (1.0 + e))
            };
            let weight = self
                .class_weights
                .get(usize::from(positive))
                .copied()
                .unwrap_or(1.0);
            loss += weight * (softplus - t * logit);
            *z = weight * (sigmoid - t);
        }
        // The gradient: Xᵀ residuals for the weights, their sum for the intercept.
        let grad_v = x.t().dot(&z);
        for j in 0..d {
            loss += 0.5 * self.penalty * params[j] * params[j];
            grad[j] = grad_v[j] + self.penalty * params[j];
        }
        grad[d] = z.sum();
        Ok(loss)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gradient_is_the_slope_of_the_value() {
        let objective = BinaryCrossEntropy {
            x: vec![0.5, -1.0, 2.0, 0.3, -1.5, 40.0].into(),
            inputs: 2,
            positive: vec![true, false, true],
            penalty: 0.7,
            class_weights: vec![0.6, 1.9],
        };
        let params = [0.4, -0.2, 0.1];
        let mut grad = [0.0; 3];
        let value = pollster::block_on(objective.eval(&params, &mut grad)).expect("evaluates");
        assert!(value.is_finite());
        for j in 0..3 {
            let h = 1e-6;
            let (mut up, mut down) = (params, params);
            up[j] += h;
            down[j] -= h;
            let mut scratch = [0.0; 3];
            let slope = (pollster::block_on(objective.eval(&up, &mut scratch)).expect("up")
                - pollster::block_on(objective.eval(&down, &mut scratch)).expect("down"))
                / (2.0 * h);
            assert!(
                (slope - grad[j]).abs() < 1e-6,
                "{j}: {slope} vs {}",
                grad[j]
            );
        }
        // At zero every row's log-loss is ln 2, times its class's weight: two
        // rows of the second class (1.9) and one of the first (0.6).
        let at_zero = pollster::block_on(objective.eval(&[0.0; 3], &mut grad)).expect("zero");
        assert!((at_zero - 4.4 * std::f64::consts::LN_2).abs() < 1e-12);
    }
}
