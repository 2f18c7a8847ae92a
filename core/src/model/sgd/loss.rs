//! Each row's loss and its slope in the row's scores, for the linear models
//! that learn from minibatches.

/// A linear model's loss on one row, in its scores `z` (one per weight row).
#[derive(Debug, Clone, PartialEq)]
pub enum SampleLoss {
    /// Half the squared error, for linear regression.
    Squared,
    /// The cross-entropy of `σ(z)` for two classes, one score.
    Logistic,
    /// The cross-entropy of the softmax, one score per class.
    Softmax,
    /// The hinge `max(0, 1 − s·z)` (or its square) of each score, `s = ±1`:
    /// one score for two classes, one-vs-rest for more.
    Hinge { squared: bool },
}

/// A row's target as the loss reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SampleTarget {
    Class(usize),
    Value(f64),
}

impl SampleLoss {
    /// The row's loss at scores `z`, with its slope in each score written to
    /// `slope`; `weight` is the row's class weight, and `rest` the weight of a
    /// one-vs-rest score for a class the row is not (liblinear keeps it plain).
    pub fn eval(&self, z: &[f64], target: SampleTarget, weight: f64, slope: &mut [f64]) -> f64 {
        match (self, target) {
            (SampleLoss::Squared, SampleTarget::Value(y)) => {
                let r = z[0] - y;
                slope[0] = weight * r;
                weight * 0.5 * r * r
            }
            (SampleLoss::Logistic, SampleTarget::Class(c)) => {
                let y = if c == 1 { 1.0 } else { 0.0 };
                // softplus(z) − y·z, written to stay finite for large |z|.
                let loss = z[0].max(0.0) + (-z[0].abs()).exp().ln_1p() - y * z[0];
                slope[0] = weight * (sigmoid(z[0]) - y);
                weight * loss
            }
            (SampleLoss::Softmax, SampleTarget::Class(c)) => {
                let top = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let total: f64 = z.iter().map(|&v| (v - top).exp()).sum();
                for (j, (s, &v)) in slope.iter_mut().zip(z).enumerate() {
                    let p = (v - top).exp() / total;
                    *s = weight * (p - f64::from(u8::from(j == c)));
                }
                weight * (top + total.ln() - z[c])
            }
            (SampleLoss::Hinge { squared }, SampleTarget::Class(c)) => {
                let one_score = z.len() == 1;
                let mut loss = 0.0;
                for (j, (s, &v)) in slope.iter_mut().zip(z).enumerate() {
                    let positive = if one_score { c == 1 } else { c == j };
                    let sign = if positive { 1.0 } else { -1.0 };
                    let w = if positive || one_score { weight } else { 1.0 };
                    let margin = 1.0 - sign * v;
                    if margin > 0.0 {
                        if *squared {
                            loss += w * margin * margin;
                            *s = -2.0 * w * sign * margin;
                        } else {
                            loss += w * margin;
                            *s = -w * sign;
                        }
                    } else {
                        *s = 0.0;
                    }
                }
                loss
            }
            // A loss reads the target kind its family was checked to take.
            _ => {
                slope.fill(0.0);
                0.0
            }
        }
    }
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

#[cfg(test)]
mod tests {
    use super::{SampleLoss, SampleTarget};

    /// Each slope against central differences of the loss.
    #[test]
    fn slopes_are_the_losses_derivatives() {
        let cases = [
            (SampleLoss::Squared, SampleTarget::Value(0.7), vec![-1.3]),
            (SampleLoss::Logistic, SampleTarget::Class(1), vec![0.4]),
            (SampleLoss::Logistic, SampleTarget::Class(0), vec![-2.5]),
            (
                SampleLoss::Softmax,
                SampleTarget::Class(2),
                vec![0.3, -0.8, 1.1],
            ),
            (
                SampleLoss::Hinge { squared: true },
                SampleTarget::Class(0),
                vec![0.2, -0.4, 0.9],
            ),
            (
                SampleLoss::Hinge { squared: false },
                SampleTarget::Class(1),
                vec![0.3],
            ),
        ];
        for (loss, target, z) in cases {
            let mut slope = vec![0.0; z.len()];
            loss.eval(&z, target, 1.5, &mut slope);
            for j in 0..z.len() {
                let h = 1e-6;
                let mut scratch = vec![0.0; z.len()];
                let mut up = z.clone();
                up[j] += h;
                let mut down = z.clone();
                down[j] -= h;
                let numeric = (loss.eval(&up, target, 1.5, &mut scratch)
                    - loss.eval(&down, target, 1.5, &mut scratch))
                    / (2.0 * h);
                assert!(
                    (numeric - slope[j]).abs() < 1e-5,
                    "{loss:?} score {j}: {numeric} against {}",
                    slope[j]
                );
            }
        }
    }
}
