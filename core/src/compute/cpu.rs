use ndarray::{ArrayView1, ArrayView2};

use super::{Compute, ComputeError, Matrix};

/// The CPU implementation, on ndarray. It is the reference the GPU is checked against.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuDevice;

impl Compute for CpuDevice {
    async fn matvec(&self, a: &Matrix, x: &[f32]) -> Result<Vec<f32>, ComputeError> {
        a.check_vector(x)?;
        let view = ArrayView2::from_shape((a.rows(), a.cols()), a.data()).map_err(|_| {
            ComputeError::ShapeMismatch {
                what: "matrix data",
                expected: a.rows() * a.cols(),
                actual: a.data().len(),
            }
        })?;
        Ok(view.dot(&ArrayView1::from(x)).to_vec())
    }
}
