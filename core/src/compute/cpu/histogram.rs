use crate::compute::ops::Histogram;

pub fn histogram(op: Histogram, x: &[f32], weights: Option<&[f32]>, out: &mut [f32]) {
    let scale = op.scale();
    // Summed in f64 on the stack: an f32 count stops growing at 2²⁴, and a training
    // loop must not allocate.
    let mut sums = [0.0f64; Histogram::MAX_BINS];
    for (i, &v) in x.iter().enumerate() {
        if !v.is_nan() {
            sums[op.bin(v, scale)] += weights.map_or(1.0, |w| f64::from(w[i]));
        }
    }
    for (out, &sum) in out.iter_mut().zip(&sums) {
        *out = sum as f32;
    }
}
