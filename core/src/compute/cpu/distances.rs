use crate::compute::ops::Distances;

pub fn distances(op: Distances, x: &[f32], y: &[f32], out: &mut [f32]) {
    let d = op.dim;
    for i in 0..op.n {
        let xi = &x[i * d..(i + 1) * d];
        for j in 0..op.m {
            let yj = &y[j * d..(j + 1) * d];
            let sum: f64 = xi
                .iter()
                .zip(yj)
                .map(|(&a, &b)| f64::from(a - b).powi(2))
                .sum();
            out[i * op.m + j] = sum as f32;
        }
    }
}
