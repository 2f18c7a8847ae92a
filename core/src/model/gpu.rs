//! The linear models' objectives evaluated on the GPU.
//!
//! The data terms run as WGSL kernels ([`GpuLinearLoss`]) in f32; the penalties are
//! added here in f64, as the CPU objectives compute them. The training rows are
//! uploaded once; each evaluation sends only the parameters and reads back only
//! the gradient and the loss.

use super::{Objective, SoftmaxCrossEntropy, SquaredError};
use crate::compute::{ComputeError, GpuDevice, GpuLinearLoss, Matrix, RowLoss};

/// [`SoftmaxCrossEntropy`] on the GPU: the same objective and parameter layout.
#[derive(Debug)]
pub struct GpuSoftmaxCrossEntropy {
    loss: GpuLinearLoss,
    inputs: usize,
    classes: usize,
    penalty: f64,
}

impl GpuSoftmaxCrossEntropy {
    /// Uploads the objective's rows and labels to `gpu`.
    pub async fn upload(
        gpu: &GpuDevice,
        objective: &SoftmaxCrossEntropy,
    ) -> Result<Self, ComputeError> {
        let rows = objective.labels.len();
        GpuLinearLoss::check_fits(gpu, rows, objective.inputs, objective.classes)?;
        let x = to_matrix(&objective.x, rows, objective.inputs)?;
        let loss = GpuLinearLoss::upload(
            gpu,
            &x,
            RowLoss::SoftmaxCrossEntropy {
                labels: &objective.labels,
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
    loss: GpuLinearLoss,
    inputs: usize,
    alpha: f64,
}

impl GpuSquaredError {
    /// Uploads the objective's rows and targets to `gpu`.
    pub async fn upload(gpu: &GpuDevice, objective: &SquaredError) -> Result<Self, ComputeError> {
        let rows = objective.y.len();
        GpuLinearLoss::check_fits(gpu, rows, objective.inputs, 1)?;
        let x = to_matrix(&objective.x, rows, objective.inputs)?;
        let loss = GpuLinearLoss::upload(
            gpu,
            &x,
            RowLoss::SquaredError {
                targets: &objective.y,
            },
        )
        .await?;
        Ok(Self {
            loss,
            inputs: objective.inputs,
            alpha: objective.alpha,
        })
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

/// Runs the kernels at `params` (rounded to f32), writing the data term's gradient
/// into `grad` and returning its value.
async fn data_term(
    loss: &GpuLinearLoss,
    params: &[f64],
    grad: &mut [f64],
) -> Result<f64, ComputeError> {
    if grad.len() != params.len() {
        return Err(ComputeError::ShapeMismatch {
            what: "gradient",
            expected: params.len(),
            actual: grad.len(),
        });
    }
    let params32: Vec<f32> = params.iter().map(|&p| p as f32).collect();
    let (value, gradient) = loss.eval(&params32).await?;
    for (g, d) in grad.iter_mut().zip(gradient) {
        *g = f64::from(d);
    }
    Ok(f64::from(value))
}

/// The training rows as an f32 matrix.
fn to_matrix(x: &[f64], rows: usize, inputs: usize) -> Result<Matrix, ComputeError> {
    Matrix::new(rows, inputs, x.iter().map(|&v| v as f32).collect())
}
