//! The eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations, in
//! f64: slower than tridiagonal QR for large matrices, but accurate to the last
//! bits in every eigenvalue, small ones included, and short enough to check by
//! eye. PCA's matrices are `inputs × inputs`, so the cubic cost stays small.

/// The most sweeps; Jacobi converges quadratically, in well under twenty.
const MAX_SWEEPS: usize = 64;

/// The eigenvalues of the `n × n` symmetric row-major `a`, largest first, and
/// their unit eigenvectors (`vectors[i]` belongs to `values[i]`).
pub(crate) fn symmetric(mut a: Vec<f64>, n: usize) -> (Vec<f64>, Vec<Vec<f64>>) {
    debug_assert_eq!(a.len(), n * n);
    // The eigenvectors are the columns of `v`, the product of the rotations.
    let mut v = vec![0.0; n * n];
    for i in 0..n {
        v[i * n + i] = 1.0;
    }
    for sweep in 0..MAX_SWEEPS {
        let off: f64 = (0..n)
            .flat_map(|p| (p + 1..n).map(move |q| (p, q)))
            .map(|(p, q)| a[p * n + q] * a[p * n + q])
            .sum();
        if off == 0.0 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                let (app, aqq) = (a[p * n + p], a[q * n + q]);
                // After a few sweeps an element too small to change either
                // diagonal entry is set to zero, so the sweeps end.
                let tiny = 100.0 * apq.abs();
                if sweep > 3 && app.abs() + tiny == app.abs() && aqq.abs() + tiny == aqq.abs() {
                    a[p * n + q] = 0.0;
                    a[q * n + p] = 0.0;
                    continue;
                }
                if apq == 0.0 {
                    continue;
                }
                let theta = (aqq - app) / (2.0 * apq);
                let t = if theta.abs() > 1e150 {
                    0.5 / theta
                } else {
                    theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt())
                };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                rotate(&mut a, n, p, q, c, s);
                a[p * n + q] = 0.0;
                a[q * n + p] = 0.0;
                for k in 0..n {
                    let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    // Largest first; equal values keep their place.
    order.sort_by(|&i, &j| a[j * n + j].total_cmp(&a[i * n + i]));
    let values = order.iter().map(|&i| a[i * n + i]).collect();
    let vectors = order
        .iter()
        .map(|&i| (0..n).map(|k| v[k * n + i]).collect())
        .collect();
    (values, vectors)
}

/// `a ← Jᵀ a J` for the rotation `J` of angle (c, s) in the plane of `p` and `q`.
fn rotate(a: &mut [f64], n: usize, p: usize, q: usize, c: f64, s: f64) {
    for k in 0..n {
        let (akp, akq) = (a[k * n + p], a[k * n + q]);
        a[k * n + p] = c * akp - s * akq;
        a[k * n + q] = s * akp + c * akq;
    }
    for k in 0..n {
        let (apk, aqk) = (a[p * n + k], a[q * n + k]);
        a[p * n + k] = c * apk - s * aqk;
        a[q * n + k] = s * apk + c * aqk;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposes_a_symmetric_matrix() {
        // Eigenvalues 3 (along (1, 1)/√2) and 1 (along (1, −1)/√2), and 5 alone.
        let a = vec![2.0, 1.0, 0.0, 1.0, 2.0, 0.0, 0.0, 0.0, 5.0];
        let (values, vectors) = symmetric(a.clone(), 3);
        for (got, want) in values.iter().zip([5.0, 3.0, 1.0]) {
            assert!((got - want).abs() < 1e-14, "{values:?}");
        }
        // A v = λ v, and the vectors are orthonormal.
        for (value, vector) in values.iter().zip(&vectors) {
            for i in 0..3 {
                let av: f64 = (0..3).map(|j| a[i * 3 + j] * vector[j]).sum();
                assert!((av - value * vector[i]).abs() < 1e-14);
            }
        }
        for i in 0..3 {
            for j in 0..3 {
                let dot: f64 = vectors[i].iter().zip(&vectors[j]).map(|(x, y)| x * y).sum();
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((dot - want).abs() < 1e-14);
            }
        }
    }

    #[test]
    fn a_diagonal_matrix_needs_no_rotation() {
        let (values, vectors) = symmetric(vec![1.0, 0.0, 0.0, 4.0], 2);
        assert_eq!(values, [4.0, 1.0]);
        assert_eq!(vectors, [vec![0.0, 1.0], vec![1.0, 0.0]]);
    }
}
