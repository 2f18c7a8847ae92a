use ndarray::linalg::{general_mat_mul, general_mat_vec_mul};
use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2, ShapeError};

use crate::compute::ComputeError;
use crate::compute::ops::{Gemm, Gemv};

pub fn gemm(op: Gemm, a: &[f32], b: &[f32], c: &mut [f32]) -> Result<(), ComputeError> {
    let a = if op.trans_a {
        ArrayView2::from_shape((op.k, op.m), a).map(|a| a.reversed_axes())
    } else {
        ArrayView2::from_shape((op.m, op.k), a)
    }
    .map_err(shape)?;
    let b = if op.trans_b {
        ArrayView2::from_shape((op.n, op.k), b).map(|b| b.reversed_axes())
    } else {
        ArrayView2::from_shape((op.k, op.n), b)
    }
    .map_err(shape)?;
    let mut c = ArrayViewMut2::from_shape((op.m, op.n), c).map_err(shape)?;
    if op.beta == 0.0 {
        // BLAS semantics: with beta = 0 the old C is not read (NaN there must not leak).
        c.fill(0.0);
    }
    general_mat_mul(op.alpha, &a, &b, op.beta, &mut c);
    Ok(())
}

pub fn gemv(op: Gemv, a: &[f32], x: &[f32], y: &mut [f32]) -> Result<(), ComputeError> {
    let a = ArrayView2::from_shape((op.rows, op.cols), a).map_err(shape)?;
    let a = if op.trans { a.reversed_axes() } else { a };
    let x = ArrayView1::from(x);
    let mut y = ArrayViewMut1::from(y);
    if op.beta == 0.0 {
        y.fill(0.0);
    }
    general_mat_vec_mul(op.alpha, &a, &x, op.beta, &mut y);
    Ok(())
}

/// The lengths were checked by the description, so this only reports ndarray's own refusal.
fn shape(error: ShapeError) -> ComputeError {
    ComputeError::Invalid(format!("ndarray refused a shape: {error}"))
}
