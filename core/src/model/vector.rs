//! Small dense vector arithmetic shared by the optimizers and the objectives.

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
