use ndarray::linalg::{general_mat_mul, general_mat_vec_mul};
use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2, Axis, ShapeError, Slice};

use crate::compute::ComputeError;
use crate::compute::ops::{Gemm, Gemv};

pub fn gemm(op: Gemm, a: &[f32], b: &[f32], c: &mut [f32]) -> Result<(), ComputeError> {
    gemm_in_slices(op, a, b, c, DEPTH)
}

fn gemm_in_slices(
    op: Gemm,
    a: &[f32],
    b: &[f32],
    c: &mut [f32],
    depth: usize,
) -> Result<(), ComputeError> {
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
    // The inner dimension in slices of at most DEPTH, each added onto C.
    let mut beta = op.beta;
    for start in (0..op.k).step_by(depth) {
        let end = start.saturating_add(depth).min(op.k);
        let depth = Slice::from(start..end);
        let (a, b) = (a.slice_axis(Axis(1), depth), b.slice_axis(Axis(0), depth));
        general_mat_mul(op.alpha, &a, &b, beta, &mut c);
        beta = 1.0;
    }
    if op.k == 0 && op.beta != 0.0 {
        c *= op.beta;
    }
    Ok(())
}

/// The inner dimension of one matrixmultiply call. In the browser its wasm SIMD kernel ran
/// at 21 GFLOP/s with an inner dimension of 256 and at 7 beyond it, so longer products go
/// through in slices; natively one call is fastest.
#[cfg(target_arch = "wasm32")]
const DEPTH: usize = 256;
#[cfg(not(target_arch = "wasm32"))]
const DEPTH: usize = usize::MAX;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_in_slices_of_the_inner_dimension_equal_one_product() {
        let values = |n: usize, seed: usize| -> Vec<f32> {
            (0..n)
                .map(|i| ((i * 37 + seed * 11) % 23) as f32 / 8.0 - 1.0)
                .collect()
        };
        for (m, n, k) in [(5, 7, 20), (1, 9, 13), (8, 1, 7), (3, 4, 0), (6, 6, 6)] {
            for (trans_a, trans_b, beta) in [
                (false, false, 0.0),
                (true, false, 0.5),
                (false, true, 1.0),
                (true, true, -2.0),
            ] {
                let op = Gemm {
                    trans_a,
                    trans_b,
                    ..Gemm::new(m, n, k).scaled(1.5, beta)
                };
                let (a, b, c) = (values(m * k, 1), values(k * n, 2), values(m * n, 3));
                let (mut whole, mut sliced) = (c.clone(), c);
                gemm_in_slices(op, &a, &b, &mut whole, usize::MAX).expect("one product");
                gemm_in_slices(op, &a, &b, &mut sliced, 3).expect("in slices");
                for (w, s) in whole.iter().zip(&sliced) {
                    assert!(
                        (w - s).abs() <= 1e-5 * (1.0 + w.abs()),
                        "{op:?}: {whole:?} vs {sliced:?}"
                    );
                }
            }
        }
    }
}
