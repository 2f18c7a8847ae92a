use crate::compute::ops::Distances;
use crate::parallel;

/// Squared Euclidean distances from each of `x`'s `n` rows to each of `y`'s `m`,
/// summed in f64 (four lanes, added pairwise at the end) and rounded to f32;
/// rows shared out over threads.
pub fn distances(op: Distances, x: &[f32], y: &[f32], out: &mut [f32]) {
    let d = op.dim;
    let parts = parallel::ranges(op.n, |rows| {
        let mut part = Vec::with_capacity(rows.len() * op.m);
        for i in rows {
            let xi = &x[i * d..(i + 1) * d];
            part.extend(
                y.chunks_exact(d.max(1))
                    .take(op.m)
                    .map(|yj| squared(xi, yj) as f32),
            );
        }
        part
    });
    let mut at = 0;
    for part in &parts {
        out[at..at + part.len()].copy_from_slice(part);
        at += part.len();
    }
}

fn squared(a: &[f32], b: &[f32]) -> f64 {
    let mut lanes = [0.0f64; 4];
    let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ra, rb) = (a4.remainder(), b4.remainder());
    for (a, b) in a4.zip(b4) {
        for ((lane, &a), &b) in lanes.iter_mut().zip(a).zip(b) {
            let diff = f64::from(a - b);
            *lane += diff * diff;
        }
    }
    let mut sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    for (&a, &b) in ra.iter().zip(rb) {
        let diff = f64::from(a - b);
        sum += diff * diff;
    }
    sum
}
