//! The linear models' objectives evaluated on the GPU.
//!
//! The data terms run as WGSL kernels ([`GpuLinearLoss`]) in f32; the penalties are
//! added here in f64, as the CPU objectives compute them. The training rows are
//! uploaded once, in as many parts as the device's storage bindings need (a data
//! term is a sum over rows, so the parts' sums add up); each evaluation sends only
//! the parameters and reads back only each part's gradient and loss.

mod linear_loss;

use std::ops::Range;

pub use linear_loss::{GpuLinearLoss, RowLoss};

use super::{Objective, SoftmaxCrossEntropy, SquaredError};
use crate::compute::{ComputeError, GpuDevice, Matrix};

/// [`SoftmaxCrossEntropy`] on the GPU: the same objective and parameter layout.
#[derive(Debug)]
pub struct GpuSoftmaxCrossEntropy {
    loss: Parts,
    inputs: usize,
    classes: usize,
    penalty: f64,
}

impl GpuSoftmaxCrossEntropy {
    /// Uploads the objective's rows and labels to `gpu`, in parts where they
    /// exceed one storage binding.
    pub async fn upload(
        gpu: &GpuDevice,
        objective: &SoftmaxCrossEntropy,
    ) -> Result<Self, ComputeError> {
        let rows = GpuLinearLoss::max_rows(gpu, objective.inputs, objective.classes)?;
        Self::upload_in_parts(gpu, objective, rows).await
    }

    /// Uploads in parts of at most `rows_per_part` rows.
    pub async fn upload_in_parts(
        gpu: &GpuDevice,
        objective: &SoftmaxCrossEntropy,
        rows_per_part: usize,
    ) -> Result<Self, ComputeError> {
        let loss = Parts::upload(
            gpu,
            &objective.x,
            objective.inputs,
            objective.labels.len(),
            rows_per_part,
            |rows| RowLoss::SoftmaxCrossEntropy {
                labels: &objective.labels[rows],
                classes: objective.classes,
            },
        )
        .await?;
        Ok(Self {
            loss,
            inputs: objective.inputs,
            classes: objective.classes,
            penalty: objective.penalty,
        })
    }

    /// How many parts the rows were uploaded in.
    pub fn parts(&self) -> usize {
        self.loss.0.len()
    }
}

impl Objective for GpuSoftmaxCrossEntropy {
    fn dim(&self) -> usize {
        self.loss.param_count()
    }

    async fn eval(&self, params: &[f64], grad: &mut [f64]) -> Result<f64, ComputeError> {
        let mut loss = data_term(&self.loss, params, grad).await?;
        // ‖W‖² / (2C), intercepts unpenalized.
        let stride = self.inputs + 1;
        for c in 0..self.classes {
            for j in c * stride..c * stride + self.inputs {
                let w = params[j];
                loss += 0.5 * self.penalty * w * w;
                grad[j] += self.penalty * w;
            }
        }
        Ok(loss)
    }

    fn precision(&self) -> f64 {
        f64::from(f32::EPSILON)
    }
}

/// [`SquaredError`] on the GPU: the same objective and parameter layout.
#[derive(Debug)]
pub struct GpuSquaredError {
    loss: Parts,
    inputs: usize,
    alpha: f64,
}

impl GpuSquaredError {
    /// Uploads the objective's rows and targets to `gpu`, in parts where they
    /// exceed one storage binding.
    pub async fn upload(gpu: &GpuDevice, objective: &SquaredError) -> Result<Self, ComputeError> {
        let rows = GpuLinearLoss::max_rows(gpu, objective.inputs, 1)?;
        Self::upload_in_parts(gpu, objective, rows).await
    }

    /// Uploads in parts of at most `rows_per_part` rows.
    pub async fn upload_in_parts(
        gpu: &GpuDevice,
        objective: &SquaredError,
        rows_per_part: usize,
    ) -> Result<Self, ComputeError> {
        let loss = Parts::upload(
            gpu,
            &objective.x,
            objective.inputs,
            objective.y.len(),
            rows_per_part,
            |rows| RowLoss::SquaredError {
                targets: &objective.y[rows],
            },
        )
        .await?;
        Ok(Self {
            loss,
            inputs: objective.inputs,
            alpha: objective.alpha,
        })
    }

    /// How many parts the rows were uploaded in.
    pub fn parts(&self) -> usize {
        self.loss.0.len()
    }
}

impl Objective for GpuSquaredError {
    fn dim(&self) -> usize {
        self.loss.param_count()
    }

    async fn eval(&self, params: &[f64], grad: &mut [f64]) -> Result<f64, ComputeError> {
        let mut loss = data_term(&self.loss, params, grad).await?;
        // α ‖w‖², the intercept unpenalized.
        for j in 0..self.inputs {
            loss += self.alpha * params[j] * params[j];
            grad[j] += 2.0 * self.alpha * params[j];
        }
        Ok(loss)
    }

    fn precision(&self) -> f64 {
        f64::from(f32::EPSILON)
    }
}

/// The training rows on the GPU, in consecutive parts that each fit one binding.
#[derive(Debug)]
struct Parts(Vec<GpuLinearLoss>);

impl Parts {
    /// Uploads rows `0..rows` of `x` (`inputs` per row) in parts of at most
    /// `rows_per_part`, each measured against `loss(its rows)`. No data makes one
    /// empty part, which still evaluates (to zero).
    async fn upload<'a>(
        gpu: &GpuDevice,
        x: &[f64],
        inputs: usize,
        rows: usize,
        rows_per_part: usize,
        loss: impl Fn(Range<usize>) -> RowLoss<'a>,
    ) -> Result<Self, ComputeError> {
        if x.len() != rows.saturating_mul(inputs) {
            return Err(ComputeError::ShapeMismatch {
                what: "training inputs",
                expected: rows.saturating_mul(inputs),
                actual: x.len(),
            });
        }
        let step = rows_per_part.max(1);
        let mut parts = Vec::with_capacity(rows.div_ceil(step).max(1));
        let mut start = 0;
        loop {
            let end = (start + step).min(rows);
            // Converted to f32 one part at a time: never a second whole copy.
            let part = to_matrix(&x[start * inputs..end * inputs], end - start, inputs)?;
            parts.push(GpuLinearLoss::upload(gpu, &part, loss(start..end)).await?);
            start = end;
            if start >= rows {
                break;
            }
        }
        Ok(Self(parts))
    }

    fn param_count(&self) -> usize {
        self.0.first().map_or(0, GpuLinearLoss::param_count)
    }
}

/// Runs the kernels at `params` (rounded to f32) on every part, writing the data
/// term's gradient into `grad` (summed over the parts in f64) and returning its value.
async fn data_term(loss: &Parts, params: &[f64], grad: &mut [f64]) -> Result<f64, ComputeError> {
    if grad.len() != params.len() {
        return Err(ComputeError::ShapeMismatch {
            what: "gradient",
            expected: params.len(),
            actual: grad.len(),
        });
    }
    let params32: Vec<f32> = params.iter().map(|&p| p as f32).collect();
    grad.fill(0.0);
    let mut total = 0.0;
    for part in &loss.0 {
        let (value, gradient) = part.eval(&params32).await?;
        for (g, d) in grad.iter_mut().zip(gradient) {
            *g += f64::from(d);
        }
        total += f64::from(value);
    }
    Ok(total)
}

/// Training rows as an f32 matrix.
fn to_matrix(x: &[f64], rows: usize, inputs: usize) -> Result<Matrix, ComputeError> {
    Matrix::new(rows, inputs, x.iter().map(|&v| v as f32).collect())
}
