use crate::compute::ops::{ColumnStats, Per, Reduce, Reduction, Shape};

/// Columns reduced together in one pass over the rows: contiguous reads, and
/// accumulators that fit on the stack (a training loop must not allocate).
const GROUP: usize = 64;

pub fn reduce(op: Reduce, x: &[f32], out: &mut [f32]) {
    let Shape { rows, cols } = op.shape;
    match op.per {
        Per::Row => {
            for (row, out) in out.iter_mut().enumerate() {
                let values = &x[row * cols..(row + 1) * cols];
                *out = reduce_line(op.op, values.iter().copied(), cols);
            }
        }
        Per::Column => {
            if rows == 0 {
                out.fill(if op.op == Reduction::Sum {
                    0.0
                } else {
                    f32::NAN
                });
                return;
            }
            for first in (0..cols).step_by(GROUP) {
                let width = GROUP.min(cols - first);
                let mut acc = Columns::new(width);
                for row in x.chunks_exact(cols) {
                    acc.add(op.op, &row[first..first + width]);
                }
                if op.op == Reduction::Variance {
                    let means = acc.means(rows);
                    let mut squares = [0.0f64; GROUP];
                    for row in x.chunks_exact(cols) {
                        for ((s, &v), &mean) in squares
                            .iter_mut()
                            .zip(&row[first..first + width])
                            .zip(&means)
                        {
                            *s += (f64::from(v) - mean).powi(2);
                        }
                    }
                    for (out, s) in out[first..first + width].iter_mut().zip(squares) {
                        *out = (s / rows as f64) as f32;
                    }
                } else {
                    acc.finish(op.op, rows, &mut out[first..first + width]);
                }
            }
        }
    }
}

/// Per-column accumulators for up to [`GROUP`] columns.
struct Columns {
    width: usize,
    sums: [f64; GROUP],
    best: [f32; GROUP],
    index: [usize; GROUP],
    rows: usize,
}

impl Columns {
    fn new(width: usize) -> Self {
        Self {
            width,
            sums: [0.0; GROUP],
            best: [f32::NAN; GROUP],
            index: [0; GROUP],
            rows: 0,
        }
    }

    fn add(&mut self, op: Reduction, values: &[f32]) {
        match op {
            Reduction::Sum | Reduction::Mean | Reduction::Variance => {
                for (s, &v) in self.sums.iter_mut().zip(values) {
                    *s += f64::from(v);
                }
            }
            Reduction::Min | Reduction::ArgMin | Reduction::Max | Reduction::ArgMax => {
                let largest = matches!(op, Reduction::Max | Reduction::ArgMax);
                for ((best, index), &v) in self.best.iter_mut().zip(&mut self.index).zip(values) {
                    // The first index of the extreme value, as the GPU's tree keeps it.
                    let better = if largest { v > *best } else { v < *best };
                    if self.rows == 0 || better {
                        *best = v;
                        *index = self.rows;
                    }
                }
            }
        }
        self.rows += 1;
    }

    fn means(&self, rows: usize) -> [f64; GROUP] {
        self.sums.map(|s| s / rows as f64)
    }

    fn finish(&self, op: Reduction, rows: usize, out: &mut [f32]) {
        for (i, out) in out.iter_mut().enumerate().take(self.width) {
            *out = match op {
                Reduction::Sum => self.sums[i] as f32,
                Reduction::Mean | Reduction::Variance => (self.sums[i] / rows as f64) as f32,
                Reduction::Min | Reduction::Max => self.best[i],
                Reduction::ArgMin | Reduction::ArgMax => self.index[i] as f32,
            };
        }
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

/// Mean, standard deviation, minimum and maximum per column over the values present.
pub fn column_stats(shape: Shape, x: &[f32], out: &mut [f32]) {
    let cols = shape.cols;
    if cols == 0 {
        return;
    }
    for first in (0..cols).step_by(GROUP) {
        let width = GROUP.min(cols - first);
        let mut count = [0usize; GROUP];
        let mut sum = [0.0f64; GROUP];
        let mut low = [f32::INFINITY; GROUP];
        let mut high = [f32::NEG_INFINITY; GROUP];
        for row in x.chunks_exact(cols) {
            for (j, &v) in row[first..first + width].iter().enumerate() {
                if !v.is_nan() {
                    count[j] += 1;
                    sum[j] += f64::from(v);
                    low[j] = low[j].min(v);
                    high[j] = high[j].max(v);
                }
            }
        }
        let mean: [f64; GROUP] = std::array::from_fn(|j| sum[j] / count[j].max(1) as f64);
        let mut squares = [0.0f64; GROUP];
        for row in x.chunks_exact(cols) {
            for (j, &v) in row[first..first + width].iter().enumerate() {
                if !v.is_nan() {
                    squares[j] += (f64::from(v) - mean[j]).powi(2);
                }
            }
        }
        for j in 0..width {
            let stats = if count[j] == 0 {
                [f32::NAN; ColumnStats::ROWS_OUT]
            } else {
                let std = (squares[j] / count[j] as f64).sqrt();
                [mean[j] as f32, std as f32, low[j], high[j]]
            };
            for (i, stat) in stats.into_iter().enumerate() {
                out[i * cols + first + j] = stat;
            }
        }
    }
}
