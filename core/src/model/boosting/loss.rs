//! The losses boosting fits, as scikit-learn's halved losses define them: their
//! starting raw scores, per-row gradients and hessians, and mean values (which
//! early stopping compares on the validation rows).
//!
//! Raw scores are row-major, `targets` per row: one for squared error and binary
//! log-loss (the log-odds of the second class), one per class for the
//! multinomial loss.

use crate::model::sigmoid;
use crate::parallel;

/// What the rows are: values, or class indices among `classes`.
#[derive(Debug, Clone, Copy)]
pub enum Truth<'a> {
    Values(&'a [f64]),
    /// `weights` are each class's weight (empty: every row counts once), which
    /// scale the rows' gradients, hessians and losses and the baseline's shares.
    Classes {
        labels: &'a [usize],
        classes: usize,
        weights: &'a [f64],
    },
}

/// Class `c`'s weight in `weights`, 1 when there are none.
fn weight(weights: &[f64], c: usize) -> f64 {
    weights.get(c).copied().unwrap_or(1.0)
}

impl Truth<'_> {
    /// Raw scores per row.
    pub fn targets(&self) -> usize {
        match self {
            Truth::Values(_) => 1,
            Truth::Classes { classes, .. } if *classes <= 2 => 1,
            Truth::Classes { classes, .. } => *classes,
        }
    }

    pub fn rows(&self) -> usize {
        match self {
            Truth::Values(values) => values.len(),
            Truth::Classes { labels, .. } => labels.len(),
        }
    }

    /// The constant raw scores that fit the rows best (scikit-learn's
    /// `fit_intercept_only`): the mean, the log-odds of the second class, or the
    /// centred log-shares of the classes.
    pub fn baseline(&self) -> Vec<f64> {
        let n = self.rows().max(1) as f64;
        match *self {
            Truth::Values(values) => vec![values.iter().sum::<f64>() / n],
            Truth::Classes {
                labels,
                classes,
                weights,
            } => {
                let mut shares = vec![0.0; classes.max(2)];
                for &l in labels {
                    shares[l] += weight(weights, l);
                }
                let n: f64 = shares.iter().sum::<f64>().max(f64::MIN_POSITIVE);
                // scikit-learn clips the shares away from 0 and 1.
                let eps = f64::EPSILON;
                let shares: Vec<f64> = shares
                    .iter()
                    .map(|c| (c / n).clamp(eps, 1.0 - eps))
                    .collect();
                if classes <= 2 {
                    vec![(shares[1] / (1.0 - shares[1])).ln()]
                } else {
                    let logs: Vec<f64> = shares.iter().map(|p| p.ln()).collect();
                    let mean = logs.iter().sum::<f64>() / logs.len() as f64;
                    logs.iter().map(|l| l - mean).collect()
                }
            }
        }
    }

    /// Writes each row's gradient and hessian for target `k` of `raw`, rows
    /// shared out over threads (each row's own, so the answer is the same).
    pub fn gradients(&self, raw: &[f64], k: usize, g: &mut [f32], h: &mut [f32]) {
        let parts = parallel::ranges(self.rows(), |rows| {
            let mut part = Vec::with_capacity(rows.len());
            for r in rows {
                part.push(self.gradient(raw, k, r));
            }
            part
        });
        for (r, (gr, hr)) in parts.into_iter().flatten().enumerate() {
            g[r] = gr;
            h[r] = hr;
        }
    }

    /// Row `r`'s gradient and hessian for target `k`, in f32 as scikit-learn keeps
    /// them.
    fn gradient(&self, raw: &[f64], k: usize, r: usize) -> (f32, f32) {
        let targets = self.targets();
        let (g, h, w) = match *self {
            Truth::Values(values) => (raw[r] - values[r], 1.0, 1.0),
            Truth::Classes {
                labels, weights, ..
            } if targets == 1 => {
                let p = sigmoid(raw[r]);
                let t = f64::from(u8::from(labels[r] == 1));
                (p - t, p * (1.0 - p), weight(weights, labels[r]))
            }
            Truth::Classes {
                labels, weights, ..
            } => {
                let p = softmax(&raw[r * targets..(r + 1) * targets]);
                let t = f64::from(u8::from(labels[r] == k));
                (p[k] - t, p[k] * (1.0 - p[k]), weight(weights, labels[r]))
            }
        };
        // Weighed in f64, then kept in f32, as scikit-learn's loss writes them.
        ((g * w) as f32, (h * w) as f32)
    }

    /// The mean loss of `raw` (weighted by class where there are weights), its
    /// rows summed on threads.
    pub fn loss(&self, raw: &[f64]) -> f64 {
        let row_weight = |r: usize| match *self {
            Truth::Classes {
                labels, weights, ..
            } => weight(weights, labels[r]),
            Truth::Values(_) => 1.0,
        };
        let parts = parallel::ranges(self.rows(), |rows| {
            rows.map(|r| (row_weight(r) * self.row_loss(raw, r), row_weight(r)))
                .fold((0.0, 0.0), |(l, w), (rl, rw)| (l + rl, w + rw))
        });
        let (total, weight) = parts
            .iter()
            .fold((0.0, 0.0), |(l, w), (pl, pw)| (l + pl, w + pw));
        total / weight.max(f64::MIN_POSITIVE)
    }

    fn row_loss(&self, raw: &[f64], r: usize) -> f64 {
        let targets = self.targets();
        match *self {
            Truth::Values(values) => 0.5 * (values[r] - raw[r]) * (values[r] - raw[r]),
            Truth::Classes { labels, .. } if targets == 1 => {
                log1p_exp(raw[r]) - if labels[r] == 1 { raw[r] } else { 0.0 }
            }
            Truth::Classes { labels, .. } => {
                let z = &raw[r * targets..(r + 1) * targets];
                log_sum_exp(z) - z[labels[r]]
            }
        }
    }
}

fn log1p_exp(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

fn log_sum_exp(z: &[f64]) -> f64 {
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    max + z.iter().map(|v| (v - max).exp()).sum::<f64>().ln()
}

pub fn softmax(z: &[f64]) -> Vec<f64> {
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = z.iter().map(|v| (v - max).exp()).collect();
    let sum: f64 = e.iter().sum();
    e.iter().map(|v| v / sum).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradients_are_the_losses_derivatives() {
        let labels = [0, 2, 1, 2];
        let truth = Truth::Classes {
            labels: &labels,
            classes: 3,
            weights: &[],
        };
        let raw: Vec<f64> = (0..12).map(|i| (i as f64 * 0.37).sin()).collect();
        let (mut g, mut h) = (vec![0.0f32; 4], vec![0.0f32; 4]);
        for k in 0..3 {
            truth.gradients(&raw, k, &mut g, &mut h);
            for r in 0..4 {
                let mut up = raw.clone();
                up[r * 3 + k] += 1e-6;
                let numeric = (truth.loss(&up) - truth.loss(&raw)) * 4.0 / 1e-6;
                let g = f64::from(g[r]);
                assert!((numeric - g).abs() < 1e-5, "{numeric} vs {g}");
            }
        }
        let binary = Truth::Classes {
            labels: &[0, 1, 1],
            classes: 2,
            weights: &[],
        };
        let baseline = binary.baseline();
        assert!((baseline[0] - 2f64.ln()).abs() < 1e-12);
        // Balanced, the two classes weigh alike: even odds.
        let balanced = Truth::Classes {
            labels: &[0, 1, 1],
            classes: 2,
            weights: &[1.5, 0.75],
        };
        assert!(balanced.baseline()[0].abs() < 1e-12);
    }
}
