use std::sync::Arc;

use crate::compute::ComputeError;
use crate::model::Objective;
use crate::model::vector::one_output_pass;

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

    /// One pass over the rows: each row's logit, loss and residual, and the
    /// residual times the row added to the gradient straight away.
    async fn eval(&self, params: &[f64], grad: &mut [f64]) -> Result<f64, ComputeError> {
        let d = self.inputs;
        let rows = self.positive.len();
        // The inputs must hold every row.
        crate::model::rows(&self.x, rows, d)?;
        let (mut loss, sums) = one_output_pass(&self.x, params, rows, |r, logit| {
            let positive = self.positive[r];
            let t = f64::from(u8::from(positive));
            // log(1 + eᶻ) and σ(z), each without overflow, from e = e^−|z| ≤ 1.
            // `ln(1 + e)` rather than `e.ln_1p()`: it is several times faster,
            // and where it rounds e away (e < 2⁻⁵³) the row's loss is off by less
            // than 2⁻⁵³ in a sum of rows each at least that.
            let e = (-logit.abs()).exp();
            let (log_one_plus, inverse) = ((1.0 + e).ln(), 1.0 / (1.0 + e));
            let (softplus, sigmoid) = if logit > 0.0 {
                (logit + log_one_plus, inverse)
            } else {
                (log_one_plus, e * inverse)
            };
            let weight = self
                .class_weights
                .get(usize::from(positive))
                .copied()
                .unwrap_or(1.0);
            (weight * (softplus - t * logit), weight * (sigmoid - t))
        });
        let v = &params[..d];
        for j in 0..d {
            loss += 0.5 * self.penalty * v[j] * v[j];
            grad[j] = sums[j] + self.penalty * v[j];
        }
        grad[d] = sums[d];
        Ok(loss)
    }
}

/// The two-class objective evaluated by a multinomial one over two classes
/// (`O`, the GPU's fused kernels) with the first class's row held at zero:
/// `softmax([0, z])` is `[1 − σ(z), σ(z)]` and a zero row adds no penalty, so the
/// value is [`BinaryCrossEntropy`]'s and the second row's gradient its gradient.
#[derive(Debug)]
pub struct SecondRow<O>(pub O);

impl<O: Objective> Objective for SecondRow<O> {
    fn dim(&self) -> usize {
        self.0.dim() / 2
    }

    async fn eval(&self, params: &[f64], grad: &mut [f64]) -> Result<f64, ComputeError> {
        let mut rows = vec![0.0; params.len()];
        rows.extend_from_slice(params);
        let mut rows_grad = vec![0.0; rows.len()];
        let value = self.0.eval(&rows, &mut rows_grad).await?;
        grad.copy_from_slice(&rows_grad[params.len()..]);
        Ok(value)
    }

    fn precision(&self) -> f64 {
        self.0.precision()
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

    #[test]
    fn two_softmax_rows_with_the_first_at_zero_are_the_binary_objective() {
        let binary = BinaryCrossEntropy {
            x: vec![0.5, -1.0, 2.0, 0.3, -1.5, 40.0, 0.0, -3.0].into(),
            inputs: 2,
            positive: vec![true, false, true, false],
            penalty: 0.7,
            class_weights: vec![0.6, 1.9],
        };
        let softmax = SecondRow(crate::model::SoftmaxCrossEntropy {
            x: binary.x.clone(),
            inputs: 2,
            labels: binary.positive.iter().map(|&p| usize::from(p)).collect(),
            classes: 2,
            penalty: 0.7,
            class_weights: vec![0.6, 1.9],
        });
        assert_eq!(softmax.dim(), binary.dim());
        let params = [0.4, -0.2, 0.1];
        let (mut want, mut got) = ([0.0; 3], [0.0; 3]);
        let value = pollster::block_on(binary.eval(&params, &mut want)).expect("binary");
        let same = pollster::block_on(softmax.eval(&params, &mut got)).expect("softmax");
        assert!((value - same).abs() < 1e-12 * value, "{value} vs {same}");
        for j in 0..3 {
            assert!(
                (want[j] - got[j]).abs() < 1e-12,
                "{j}: {} vs {}",
                want[j],
                got[j]
            );
        }
    }
}
