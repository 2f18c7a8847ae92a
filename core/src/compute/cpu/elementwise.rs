use crate::compute::ops::Shape;
use crate::compute::{Binary, Unary};

pub fn apply(op: Unary, x: f32) -> f32 {
    match op {
        Unary::Relu => x.max(0.0),
        Unary::Step => {
            if x > 0.0 {
                1.0
            } else {
                0.0
            }
        }
        Unary::Sigmoid => sigmoid(x),
        Unary::Tanh => x.tanh(),
        Unary::Exp => x.exp(),
        Unary::Log => x.ln(),
        Unary::Square => x * x,
        Unary::Sqrt => x.sqrt(),
        Unary::Abs => x.abs(),
        Unary::Neg => -x,
    }
}

pub fn combine(op: Binary, a: f32, b: f32) -> f32 {
    match op {
        Binary::Add => a + b,
        Binary::Sub => a - b,
        Binary::Mul => a * b,
        Binary::Div => a / b,
        Binary::Min => a.min(b),
        Binary::Max => a.max(b),
    }
}

/// `1 / (1 + e^−x)` without overflowing for large negative `x`.
pub fn sigmoid(x: f32) -> f32 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

pub fn unary(op: Unary, x: &[f32], y: &mut [f32]) {
    for (y, &x) in y.iter_mut().zip(x) {
        *y = apply(op, x);
    }
}

pub fn binary(op: Binary, a: &[f32], b: &[f32], out: &mut [f32]) {
    for ((out, &a), &b) in out.iter_mut().zip(a).zip(b) {
        *out = combine(op, a, b);
    }
}

pub fn add_row(shape: Shape, x: &mut [f32], v: &[f32]) {
    if shape.cols == 0 {
        return;
    }
    for row in x.chunks_exact_mut(shape.cols) {
        for (x, &v) in row.iter_mut().zip(v) {
            *x += v;
        }
    }
}

pub fn softmax(shape: Shape, x: &[f32], y: &mut [f32]) {
    if shape.cols == 0 {
        return;
    }
    for (x, y) in x
        .chunks_exact(shape.cols)
        .zip(y.chunks_exact_mut(shape.cols))
    {
        softmax_row(x, y);
    }
}

/// `y = softmax(x)` for one row, shifting by the maximum so no exponent overflows.
pub fn softmax_row(x: &[f32], y: &mut [f32]) {
    let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0f64;
    for (y, &x) in y.iter_mut().zip(x) {
        *y = (x - max).exp();
        sum += f64::from(*y);
    }
    let inv = (1.0 / sum) as f32;
    for y in y.iter_mut() {
        *y *= inv;
    }
}
