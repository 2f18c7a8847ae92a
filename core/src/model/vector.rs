//! Small dense vector arithmetic shared by the optimizers and the objectives.

use crate::parallel;

/// `Σ a[i]·b[i]` with four running sums, so that the compiler can keep them in
/// one vector register rather than wait on each addition in turn.
#[inline]
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f64 = a4
        .remainder()
        .iter()
        .zip(b4.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a4.zip(b4) {
        for l in 0..4 {
            acc[l] += x[l] * y[l];
        }
    }
    (acc[0] + acc[2]) + (acc[1] + acc[3]) + tail
}

/// `y += a·x`.
#[inline]
pub(crate) fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    y.iter_mut().zip(x).for_each(|(y, x)| *y += a * x);
}

/// One pass over the `rows` rows of `x` (row-major, `params.len() − 1` wide) for a
/// model with one output `z = w·x + b` (`params` is `[w, b]`): `per_row(i, z)`
/// gives row `i`'s loss and the loss's slope in `z`, and the pass returns the
/// summed loss and the summed slope times `[xᵢ, 1]`, the gradient of the summed
/// loss. Rows run in blocks over threads ([`parallel::sum_blocks`]), and each
/// is read once.
pub(crate) fn one_output_pass(
    x: &[f64],
    params: &[f64],
    rows: usize,
    per_row: impl Fn(usize, f64) -> (f64, f64) + Sync,
) -> (f64, Vec<f64>) {
    let Some((&b, w)) = params.split_last() else {
        return (0.0, Vec::new());
    };
    let d = w.len();
    parallel::sum_blocks(rows, d + 1, |block, sum| {
        let mut loss = 0.0;
        for r in block {
            let row = &x[r * d..(r + 1) * d];
            let (row_loss, slope) = per_row(r, dot(row, w) + b);
            loss += row_loss;
            axpy(slope, row, &mut sum[..d]);
            sum[d] += slope;
        }
        loss
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_dot_product_takes_every_entry() {
        for len in 0..11 {
            let a: Vec<f64> = (0..len).map(|i| i as f64 + 1.0).collect();
            let b: Vec<f64> = (0..len).map(|i| 2.0 - i as f64).collect();
            let expected: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert_eq!(super::dot(&a, &b), expected);
        }
    }
}
