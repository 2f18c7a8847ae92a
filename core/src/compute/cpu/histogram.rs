use crate::compute::ops::Histogram;

pub fn histogram(op: Histogram, x: &[f32], weights: Option<&[f32]>, out: &mut [f32]) {
    let scale = op.scale();
    out.fill(0.0);
    for (i, &v) in x.iter().enumerate() {
        if !v.is_nan() {
            out[op.bin(v, scale)] += weights.map_or(1.0, |w| w[i]);
        }
    }
}
