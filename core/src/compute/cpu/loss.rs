use super::elementwise::{sigmoid, softmax_row};
use crate::compute::ComputeError;
use crate::compute::ops::{EXACT_INDEX, Loss, LossKind};

pub fn loss(
    op: Loss,
    z: &[f32],
    targets: &[f32],
    grad: &mut [f32],
    row_loss: &mut [f32],
) -> Result<(), ComputeError> {
    let cols = op.shape.cols;
    if cols == 0 {
        row_loss.fill(0.0);
        return Ok(());
    }
    let rows = z.chunks_exact(cols).zip(grad.chunks_exact_mut(cols));
    for (row, ((z, grad), loss)) in rows.zip(row_loss.iter_mut()).enumerate() {
        *loss = match op.kind {
            LossKind::SoftmaxCrossEntropy => {
                let class = class_index(targets[row], cols).ok_or_else(|| {
                    ComputeError::Invalid(format!(
                        "row {row} has class {} but the predictions have {cols} classes",
                        targets[row]
                    ))
                })?;
                softmax_row(z, grad);
                let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let sum: f64 = z.iter().map(|&v| f64::from(v - max).exp()).sum();
                let logsumexp = f64::from(max) + sum.ln();
                grad[class] -= 1.0;
                (logsumexp - f64::from(z[class])) as f32
            }
            LossKind::LogLoss => {
                let t = &targets[row * cols..(row + 1) * cols];
                let mut sum = 0.0f64;
                for ((g, &z), &t) in grad.iter_mut().zip(z).zip(t) {
                    *g = sigmoid(z) - t;
                    sum += f64::from(softplus(z)) - f64::from(t) * f64::from(z);
                }
                sum as f32
            }
            LossKind::SquaredError => {
                let t = &targets[row * cols..(row + 1) * cols];
                let mut sum = 0.0f64;
                for ((g, &z), &t) in grad.iter_mut().zip(z).zip(t) {
                    *g = z - t;
                    sum += 0.5 * f64::from(*g).powi(2);
                }
                sum as f32
            }
        };
    }
    Ok(())
}

/// `log(1 + eˣ)` without overflow.
fn softplus(x: f32) -> f32 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

fn class_index(t: f32, classes: usize) -> Option<usize> {
    let valid = t >= 0.0 && t.fract() == 0.0 && (t as usize) < classes.min(EXACT_INDEX);
    valid.then_some(t as usize)
}
