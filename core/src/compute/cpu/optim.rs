use crate::compute::ops::{Adam, Sgd};

pub fn sgd(op: Sgd, params: &mut [f32], grads: &[f32], velocity: &mut [f32]) {
    for ((p, &g), v) in params.iter_mut().zip(grads).zip(velocity) {
        let g = g + op.weight_decay * *p;
        *v = op.momentum * *v + g;
        *p -= op.lr
            * if op.nesterov {
                g + op.momentum * *v
            } else {
                *v
            };
    }
}

pub fn adam(
    op: Adam,
    (c1, c2): (f32, f32),
    params: &mut [f32],
    grads: &[f32],
    m: &mut [f32],
    v: &mut [f32],
) {
    for (((p, &g), m), v) in params.iter_mut().zip(grads).zip(m).zip(v) {
        let g = g + op.weight_decay * *p;
        *m = op.beta1 * *m + (1.0 - op.beta1) * g;
        *v = op.beta2 * *v + (1.0 - op.beta2) * g * g;
        *p -= c1 * *m / (v.sqrt() * c2 + op.eps);
    }
}
