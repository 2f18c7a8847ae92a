use crate::compute::ops::{ColumnStats, Per, Reduce, Reduction, Shape};

pub fn reduce(op: Reduce, x: &[f32], out: &mut [f32]) {
    let (lines, length) = op.lines();
    let (line_stride, step) = match op.per {
        Per::Row => (op.shape.cols, 1),
        Per::Column => (1, op.shape.cols),
    };
    for (line, out) in out.iter_mut().enumerate().take(lines) {
        let values = (0..length).map(|i| x[line * line_stride + i * step]);
        *out = reduce_line(op.op, values, length);
    }
}

fn reduce_line(op: Reduction, values: impl Iterator<Item = f32> + Clone, length: usize) -> f32 {
    if length == 0 {
        return if op == Reduction::Sum { 0.0 } else { f32::NAN };
    }
    let n = length as f64;
    match op {
        Reduction::Sum => values.map(f64::from).sum::<f64>() as f32,
        Reduction::Mean => (values.map(f64::from).sum::<f64>() / n) as f32,
        Reduction::Variance => {
            let mean = values.clone().map(f64::from).sum::<f64>() / n;
            (values.map(|v| (f64::from(v) - mean).powi(2)).sum::<f64>() / n) as f32
        }
        Reduction::Min => values.fold(f32::INFINITY, f32::min),
        Reduction::Max => values.fold(f32::NEG_INFINITY, f32::max),
        // The first index of the extreme value, as the GPU's tree keeps it.
        Reduction::ArgMin => first_extreme(values, |v, best| v < best),
        Reduction::ArgMax => first_extreme(values, |v, best| v > best),
    }
}

fn first_extreme(values: impl Iterator<Item = f32>, better: impl Fn(f32, f32) -> bool) -> f32 {
    let mut best = (0usize, f32::NAN);
    for (i, v) in values.enumerate() {
        if i == 0 || better(v, best.1) {
            best = (i, v);
        }
    }
    best.0 as f32
}

pub fn column_stats(shape: Shape, x: &[f32], out: &mut [f32]) {
    let cols = shape.cols;
    for col in 0..cols {
        let values = || {
            (0..shape.rows)
                .map(move |row| x[row * cols + col])
                .filter(|v| !v.is_nan())
        };
        let count = values().count();
        let stats = if count == 0 {
            [f32::NAN; ColumnStats::ROWS_OUT]
        } else {
            let n = count as f64;
            let mean = values().map(f64::from).sum::<f64>() / n;
            let var = values().map(|v| (f64::from(v) - mean).powi(2)).sum::<f64>() / n;
            [
                mean as f32,
                var.sqrt() as f32,
                values().fold(f32::INFINITY, f32::min),
                values().fold(f32::NEG_INFINITY, f32::max),
            ]
        };
        for (i, stat) in stats.into_iter().enumerate() {
            out[i * cols + col] = stat;
        }
    }
}
