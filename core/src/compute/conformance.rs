//! The conformance suite: every operation on a device against the CPU reference.
//!
//! A [`Case`] is an operation and its shape; [`run`] builds deterministic inputs from a
//! seed, runs the case on the device and on [`CpuDevice`], and compares every output
//! element. Each element may differ by `tolerance · (1 + magnitude)`, where the
//! magnitude is what float32 rounding scales with: `Σ|aᵢₖ·bₖⱼ|` for a product, the sum
//! of absolute values for a reduction, the value itself elsewhere. Minima, maxima,
//! their indices and unweighted counts must match exactly. The native tests run
//! [`cases`] on lavapipe; the browser runs [`browser_cases`] with SwiftShader.

use serde::{Deserialize, Serialize};

use super::ops::{
    Adam, BinnedHistogram, ColumnStats, Distances, Gemm, Gemv, Histogram, Loss, LossKind, Per,
    Reduce, Reduction, Sgd, Shape,
};
use super::{Binary, Compute, ComputeError, CpuDevice, Unary};
use crate::rng::SplitMix64;

/// One operation at one shape.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "case", rename_all = "snake_case")]
pub enum Case {
    Gemm(Gemm),
    Gemv(Gemv),
    Unary {
        op: Unary,
        len: usize,
    },
    Binary {
        op: Binary,
        len: usize,
    },
    AddRow(Shape),
    Softmax(Shape),
    Reduce(Reduce),
    Loss(Loss),
    Distances(Distances),
    Histogram {
        op: Histogram,
        len: usize,
        weighted: bool,
    },
    BinnedHistogram(BinnedHistogram),
    ColumnStats(ColumnStats),
    Sgd {
        op: Sgd,
        len: usize,
    },
    Adam {
        op: Adam,
        len: usize,
    },
}

/// How a device compared with the CPU on one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conformance {
    pub case: Case,
    pub label: String,
    /// The largest `|device − cpu| / (1 + magnitude)` over every output element.
    pub max_scaled_error: f64,
    pub tolerance: f64,
    pub passed: bool,
}

/// What float32 arithmetic in another order may change, per kind of operation.
const LINEAR_TOLERANCE: f64 = 2e-5;
const FUNCTION_TOLERANCE: f64 = 1e-5;
const EXACT: f64 = 0.0;

impl Case {
    /// A short description for people, e.g. `gemm 17×33×65 Aᵀ`.
    pub fn label(&self) -> String {
        match self {
            Case::Gemm(g) => format!(
                "gemm {}×{}×{}{}{}{}",
                g.m,
                g.n,
                g.k,
                if g.trans_a { " Aᵀ" } else { "" },
                if g.trans_b { " Bᵀ" } else { "" },
                if g.beta != 0.0 { " +βC" } else { "" }
            ),
            Case::Gemv(g) => format!(
                "gemv {}×{}{}",
                g.rows,
                g.cols,
                if g.trans { " Aᵀ" } else { "" }
            ),
            Case::Unary { op, len } => format!("{} ×{len}", name(op)),
            Case::Binary { op, len } => format!("{} ×{len}", name(op)),
            Case::AddRow(s) => format!("add_row {}×{}", s.rows, s.cols),
            Case::Softmax(s) => format!("softmax {}×{}", s.rows, s.cols),
            Case::Reduce(r) => format!(
                "{} per {} {}×{}",
                name(&r.op),
                name(&r.per),
                r.shape.rows,
                r.shape.cols
            ),
            Case::Loss(l) => format!("{} {}×{}", name(&l.kind), l.shape.rows, l.shape.cols),
            Case::Distances(d) => format!("distances {}×{}×{}", d.n, d.m, d.dim),
            Case::Histogram { op, len, weighted } => format!(
                "histogram ×{len} {} bins{}",
                op.bins,
                if *weighted { " weighted" } else { "" }
            ),
            Case::BinnedHistogram(b) => format!(
                "binned_histogram {}×{} rows {}..{}{}",
                b.rows,
                b.features,
                b.offset,
                b.offset + b.count,
                if b.listed { " listed" } else { "" }
            ),
            Case::ColumnStats(c) => format!("column_stats {}×{}", c.shape.rows, c.shape.cols),
            Case::Sgd { op, len } if op.nesterov => format!("sgd (Nesterov) ×{len}"),
            Case::Sgd { len, .. } => format!("sgd ×{len}"),
            Case::Adam { len, .. } => format!("adam ×{len}"),
        }
    }
}

fn name(value: &impl Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The full suite: every operation over odd sizes, 1×N, N×1, empty and large shapes.
pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let gemm_shapes = [
        (1, 1, 1),
        (17, 33, 65),
        (64, 64, 64),
        (1, 300, 7),
        (300, 1, 7),
        (5, 7, 1000),
        (0, 5, 3),
        (5, 0, 3),
        (4, 5, 0),
        (513, 257, 300),
    ];
    for (i, (m, n, k)) in gemm_shapes.into_iter().enumerate() {
        for (trans_a, trans_b) in [(false, false), (true, false), (false, true), (true, true)] {
            let beta = if (i + usize::from(trans_a)) % 2 == 0 {
                0.0
            } else {
                0.5
            };
            cases.push(Case::Gemm(Gemm {
                trans_a,
                trans_b,
                ..Gemm::new(m, n, k).scaled(1.5, beta)
            }));
        }
    }
    let gemv_shapes = [
        (1, 1),
        (3, 7),
        (257, 129),
        (1000, 33),
        (1, 5000),
        (5000, 1),
        (0, 4),
        (4, 0),
        (20_000, 64),
        (300, 700),
    ];
    for (i, (rows, cols)) in gemv_shapes.into_iter().enumerate() {
        for trans in [false, true] {
            let beta = if i % 2 == 0 { 0.0 } else { -0.25 };
            cases.push(Case::Gemv(Gemv {
                trans,
                ..Gemv::new(rows, cols).scaled(0.75, beta)
            }));
        }
    }
    let lens = [0, 1, 1000, 70_001];
    for op in Unary::ALL {
        cases.extend(lens.map(|len| Case::Unary { op, len }));
    }
    for op in Binary::ALL {
        cases.extend(lens.map(|len| Case::Binary { op, len }));
    }
    let row_shapes = [(0, 3), (1, 1), (7, 3), (1000, 10), (3, 1000), (1, 5000)];
    for (rows, cols) in row_shapes {
        cases.push(Case::AddRow(Shape::new(rows, cols)));
        cases.push(Case::Softmax(Shape::new(rows, cols)));
    }
    let reduce_shapes = [
        (1, 1),
        (7, 3),
        (1000, 10),
        (3, 1000),
        (1, 5000),
        (5000, 1),
        (0, 3),
        (3, 0),
        (300, 257),
    ];
    for op in Reduction::ALL {
        for per in [Per::Row, Per::Column] {
            for (rows, cols) in reduce_shapes {
                cases.push(Case::Reduce(Reduce {
                    op,
                    per,
                    shape: Shape::new(rows, cols),
                }));
            }
        }
    }
    for kind in LossKind::ALL {
        for (rows, cols) in [(0, 3), (1, 1), (7, 3), (1000, 10), (5, 1000), (20_000, 2)] {
            cases.push(Case::Loss(Loss {
                kind,
                shape: Shape::new(rows, cols),
            }));
        }
    }
    let distance_shapes = [
        (1, 1, 1),
        (7, 5, 3),
        (100, 37, 17),
        (1, 300, 64),
        (300, 1, 5),
        (0, 5, 3),
        (5, 5, 0),
        (200, 200, 40),
    ];
    for (n, m, dim) in distance_shapes {
        cases.push(Case::Distances(Distances { n, m, dim }));
    }
    for len in [0, 1, 1000, 100_000] {
        for bins in [1, 10, 256, Histogram::MAX_BINS] {
            for weighted in [false, true] {
                let op = Histogram {
                    bins,
                    lo: -1.0,
                    hi: 1.0,
                };
                cases.push(Case::Histogram { op, len, weighted });
            }
        }
    }
    let binned = [
        (0, 3, 0, 0, false),
        (1, 1, 0, 1, false),
        (1000, 7, 0, 1000, false),
        (1000, 7, 100, 400, true),
        (37, 300, 0, 37, false),
        (100_000, 5, 0, 100_000, false),
        (100_000, 3, 5000, 50_001, true),
    ];
    for (rows, features, offset, count, listed) in binned {
        cases.push(Case::BinnedHistogram(BinnedHistogram {
            rows,
            features,
            offset,
            count,
            listed,
        }));
    }
    for (rows, cols) in [(1, 1), (0, 3), (1000, 10), (3, 1000), (5000, 2), (40, 3)] {
        cases.push(Case::ColumnStats(ColumnStats {
            shape: Shape::new(rows, cols),
        }));
    }
    for len in lens {
        cases.push(Case::Sgd { op: SGD, len });
        let nesterov = Sgd {
            nesterov: true,
            ..SGD
        };
        cases.push(Case::Sgd { op: nesterov, len });
        cases.push(Case::Adam { op: adam(), len });
    }
    cases
}

/// One moderate case per operation: the subset the browser runs.
pub fn browser_cases() -> Vec<Case> {
    vec![
        Case::Gemm(Gemm::new(130, 70, 90).transpose_b()),
        Case::Gemv(Gemv::new(1000, 33).transposed()),
        Case::Unary {
            op: Unary::Tanh,
            len: 5000,
        },
        Case::Binary {
            op: Binary::Div,
            len: 5000,
        },
        Case::AddRow(Shape::new(300, 17)),
        Case::Softmax(Shape::new(300, 10)),
        Case::Reduce(Reduce {
            op: Reduction::Variance,
            per: Per::Column,
            shape: Shape::new(1000, 10),
        }),
        Case::Reduce(Reduce {
            op: Reduction::ArgMax,
            per: Per::Row,
            shape: Shape::new(300, 10),
        }),
        Case::Loss(Loss {
            kind: LossKind::SoftmaxCrossEntropy,
            shape: Shape::new(500, 4),
        }),
        Case::Distances(Distances {
            n: 100,
            m: 37,
            dim: 17,
        }),
        Case::Histogram {
            op: Histogram {
                bins: 16,
                lo: -1.0,
                hi: 1.0,
            },
            len: 10_000,
            weighted: true,
        },
        Case::BinnedHistogram(BinnedHistogram {
            rows: 5000,
            features: 4,
            offset: 1000,
            count: 2001,
            listed: true,
        }),
        Case::ColumnStats(ColumnStats {
            shape: Shape::new(1000, 10),
        }),
        Case::Sgd { op: SGD, len: 1000 },
        Case::Adam {
            op: adam(),
            len: 1000,
        },
    ]
}

const SGD: Sgd = Sgd {
    lr: 0.1,
    momentum: 0.9,
    weight_decay: 1e-3,
    nesterov: false,
};

fn adam() -> Adam {
    Adam {
        weight_decay: 1e-3,
        step: 3,
        ..Adam::new(0.01)
    }
}

/// Runs `case` on `device` and on the CPU, and compares every output.
pub async fn run<D: Compute>(
    device: &D,
    case: Case,
    seed: u64,
) -> Result<Conformance, ComputeError> {
    let inputs = Inputs::new(&case, seed)?;
    let got = execute(device, &case, &inputs).await?;
    let cpu = CpuDevice::default();
    let want = execute(&cpu, &case, &inputs).await?;
    let (magnitude, tolerance) = magnitude(&cpu, &case, &inputs, &want).await?;
    let mut max_scaled_error = 0.0f64;
    let mut lengths_agree = got.len() == want.len();
    for ((got, want), magnitude) in got.iter().zip(&want).zip(&magnitude) {
        lengths_agree &= got.len() == want.len();
        for ((&g, &w), &m) in got.iter().zip(want).zip(magnitude) {
            max_scaled_error = max_scaled_error.max(scaled_error(g, w, m));
        }
    }
    Ok(Conformance {
        case,
        label: case.label(),
        max_scaled_error,
        tolerance,
        passed: lengths_agree && max_scaled_error <= tolerance,
    })
}

fn scaled_error(got: f32, want: f32, magnitude: f32) -> f64 {
    if got.is_nan() && want.is_nan() {
        return 0.0;
    }
    if got == want {
        return 0.0;
    }
    let err = (f64::from(got) - f64::from(want)).abs() / (1.0 + f64::from(magnitude).abs());
    // A NaN on one side only must fail, not vanish in `max`.
    if err.is_nan() { f64::INFINITY } else { err }
}

/// Deterministic inputs for a case: uniform in [−1, 1), made positive where the
/// function needs it, with class indices, 0/1 targets and NaN holes where they belong.
#[derive(Debug)]
struct Inputs {
    a: Vec<f32>,
    b: Vec<f32>,
    c: Vec<f32>,
    d: Vec<f32>,
}

impl Inputs {
    fn new(case: &Case, seed: u64) -> Result<Self, ComputeError> {
        let mut rng = SplitMix64::new(seed);
        let mut uniform = |n: usize| -> Vec<f32> { (0..n).map(|_| rng.next_unit()).collect() };
        let positive = |v: Vec<f32>| v.into_iter().map(|x| x.abs() + 0.1).collect::<Vec<_>>();
        let none = Vec::new;
        Ok(match *case {
            Case::Gemm(g) => Inputs {
                a: uniform(g.m * g.k),
                b: uniform(g.k * g.n),
                c: uniform(g.m * g.n),
                d: none(),
            },
            Case::Gemv(g) => {
                let (x, y) = g.vector_lengths();
                Inputs {
                    a: uniform(g.rows * g.cols),
                    b: uniform(x),
                    c: uniform(y),
                    d: none(),
                }
            }
            Case::Unary { op, len } => {
                let x = uniform(len).into_iter().map(|x| x * 4.0).collect();
                let x = if matches!(op, Unary::Log | Unary::Sqrt) {
                    positive(x)
                } else {
                    x
                };
                Inputs {
                    a: x,
                    b: none(),
                    c: none(),
                    d: none(),
                }
            }
            Case::Binary { op, len } => {
                let a = uniform(len);
                let b = uniform(len);
                Inputs {
                    a,
                    b: if op == Binary::Div { positive(b) } else { b },
                    c: none(),
                    d: none(),
                }
            }
            Case::AddRow(s) => Inputs {
                a: uniform(s.cells()?),
                b: uniform(s.cols),
                c: none(),
                d: none(),
            },
            Case::Softmax(s) => Inputs {
                a: uniform(s.cells()?).into_iter().map(|x| x * 20.0).collect(),
                b: none(),
                c: none(),
                d: none(),
            },
            Case::Reduce(r) => Inputs {
                a: uniform(r.shape.cells()?),
                b: none(),
                c: none(),
                d: none(),
            },
            Case::Loss(l) => {
                let z = uniform(l.shape.cells()?)
                    .into_iter()
                    .map(|x| x * 6.0)
                    .collect();
                let t = match l.kind {
                    LossKind::SoftmaxCrossEntropy => uniform(l.shape.rows)
                        .into_iter()
                        .map(|u| {
                            ((u.abs() * l.shape.cols as f32) as usize).min(l.shape.cols.max(1) - 1)
                                as f32
                        })
                        .collect(),
                    LossKind::LogLoss => uniform(l.shape.cells()?)
                        .into_iter()
                        .map(|u| if u > 0.0 { 1.0 } else { 0.0 })
                        .collect(),
                    LossKind::SquaredError => uniform(l.shape.cells()?),
                };
                Inputs {
                    a: z,
                    b: t,
                    c: none(),
                    d: none(),
                }
            }
            Case::Distances(d) => Inputs {
                a: uniform(d.n * d.dim),
                b: uniform(d.m * d.dim),
                c: none(),
                d: none(),
            },
            Case::Histogram { len, .. } => Inputs {
                // Beyond [lo, hi] on both sides, with a NaN every 17th value.
                a: uniform(len)
                    .into_iter()
                    .enumerate()
                    .map(|(i, x)| if i % 17 == 5 { f32::NAN } else { x * 1.5 })
                    .collect(),
                b: uniform(len),
                c: none(),
                d: none(),
            },
            Case::BinnedHistogram(b) => {
                // Every code, a feature crowded into two bins, a reversed row list
                // ending past the rows, and gradients up to the i32 extremes so
                // that the two-word sums carry and borrow.
                let codes: Vec<u8> = uniform(b.rows * b.features)
                    .into_iter()
                    .enumerate()
                    .map(|(i, u)| {
                        let code = ((u + 1.0) * 128.0) as u8;
                        if i / b.rows.max(1) == 1 {
                            code % 2
                        } else {
                            code
                        }
                    })
                    .collect();
                let mut index: Vec<u32> = (0..b.rows as u32).rev().collect();
                index.push(b.rows as u32 + 3);
                let gradients = uniform(2 * b.rows)
                    .into_iter()
                    .enumerate()
                    .map(|(i, u)| match i % 97 {
                        3 => i32::MAX as u32,
                        4 => i32::MIN as u32,
                        _ => (f64::from(u) * f64::from(1u32 << 30)) as i32 as u32,
                    })
                    .collect::<Vec<u32>>();
                let words = |w: &[u32]| w.iter().map(|&w| f32::from_bits(w)).collect();
                Inputs {
                    a: words(&BinnedHistogram::pack_codes(&codes, b.rows)),
                    b: words(&index),
                    c: words(&gradients),
                    d: none(),
                }
            }
            Case::ColumnStats(c) => {
                let cols = c.shape.cols;
                // NaN holes, and a last column with none of its values present.
                let x = uniform(c.shape.cells()?)
                    .into_iter()
                    .enumerate()
                    .map(|(i, x)| {
                        let col = i % cols.max(1);
                        if i % 13 == 4 || (cols > 1 && col == cols - 1) {
                            f32::NAN
                        } else {
                            x * 3.0 + col as f32
                        }
                    })
                    .collect();
                Inputs {
                    a: x,
                    b: none(),
                    c: none(),
                    d: none(),
                }
            }
            Case::Sgd { len, .. } => Inputs {
                a: uniform(len),
                b: uniform(len),
                c: uniform(len),
                d: none(),
            },
            Case::Adam { len, .. } => Inputs {
                a: uniform(len),
                b: uniform(len),
                c: uniform(len),
                d: positive(uniform(len)),
            },
        })
    }
}

/// Runs a case and reads back every output.
async fn execute<D: Compute>(
    device: &D,
    case: &Case,
    inputs: &Inputs,
) -> Result<Vec<Vec<f32>>, ComputeError> {
    let a = device.upload(&inputs.a)?;
    let b = device.upload(&inputs.b)?;
    let mut c = device.upload(&inputs.c)?;
    let mut d = device.upload(&inputs.d)?;
    let mut a_out = device.upload(&inputs.a)?;
    let outputs = match *case {
        Case::Gemm(op) => {
            device.gemm(op, &a, &b, &mut c)?;
            vec![device.read(&c).await?]
        }
        Case::Gemv(op) => {
            device.gemv(op, &a, &b, &mut c)?;
            vec![device.read(&c).await?]
        }
        Case::Unary { op, len } => {
            let mut y = device.zeros(len)?;
            device.unary(op, &a, &mut y)?;
            vec![device.read(&y).await?]
        }
        Case::Binary { op, len } => {
            let mut y = device.zeros(len)?;
            device.binary(op, &a, &b, &mut y)?;
            vec![device.read(&y).await?]
        }
        Case::AddRow(shape) => {
            device.add_row(shape, &mut a_out, &b)?;
            vec![device.read(&a_out).await?]
        }
        Case::Softmax(shape) => {
            let mut y = device.zeros(shape.cells()?)?;
            device.softmax(shape, &a, &mut y)?;
            vec![device.read(&y).await?]
        }
        Case::Reduce(op) => {
            let mut out = device.zeros(op.lines().0)?;
            device.reduce(op, &a, &mut out)?;
            vec![device.read(&out).await?]
        }
        Case::Loss(op) => {
            let mut grad = device.zeros(op.shape.cells()?)?;
            let mut row_loss = device.zeros(op.shape.rows)?;
            device.loss(op, &a, &b, &mut grad, &mut row_loss)?;
            vec![device.read(&grad).await?, device.read(&row_loss).await?]
        }
        Case::Distances(op) => {
            let mut out = device.zeros(op.n * op.m)?;
            device.distances(op, &a, &b, &mut out)?;
            vec![device.read(&out).await?]
        }
        Case::Histogram { op, weighted, .. } => {
            let mut out = device.zeros(op.bins)?;
            device.histogram(op, &a, weighted.then_some(&b), &mut out)?;
            vec![device.read(&out).await?]
        }
        Case::BinnedHistogram(op) => {
            let mut out = device.zeros(op.out_words())?;
            device.binned_histogram(op, &a, &b, &c, &mut out)?;
            // Each word as its two 16-bit halves: exact floats, so an exact
            // comparison sees every bit.
            let words = device.read_words(&out).await?;
            vec![
                words
                    .iter()
                    .flat_map(|&w| [(w & 0xffff) as f32, (w >> 16) as f32])
                    .collect(),
            ]
        }
        Case::ColumnStats(op) => {
            let mut out = device.zeros(ColumnStats::ROWS_OUT * op.shape.cols)?;
            device.column_stats(op, &a, &mut out)?;
            vec![device.read(&out).await?]
        }
        Case::Sgd { op, .. } => {
            device.sgd(op, &mut a_out, &b, &mut c)?;
            // Twice, so the momentum carries over.
            device.sgd(op, &mut a_out, &b, &mut c)?;
            vec![device.read(&a_out).await?, device.read(&c).await?]
        }
        Case::Adam { op, .. } => {
            device.adam(op, &mut a_out, &b, &mut c, &mut d)?;
            let next = Adam {
                step: op.step + 1,
                ..op
            };
            device.adam(next, &mut a_out, &b, &mut c, &mut d)?;
            vec![
                device.read(&a_out).await?,
                device.read(&c).await?,
                device.read(&d).await?,
            ]
        }
    };
    Ok(outputs)
}

/// The magnitude each output element's rounding error scales with, and the tolerance.
async fn magnitude(
    cpu: &CpuDevice,
    case: &Case,
    inputs: &Inputs,
    want: &[Vec<f32>],
) -> Result<(Vec<Vec<f32>>, f64), ComputeError> {
    let abs = |v: &[f32]| v.iter().map(|x| x.abs()).collect::<Vec<_>>();
    let itself = || want.iter().map(|out| abs(out)).collect::<Vec<_>>();
    Ok(match *case {
        Case::Gemm(op) => {
            let a = cpu.upload(&abs(&inputs.a))?;
            let b = cpu.upload(&abs(&inputs.b))?;
            let mut c = cpu.upload(&abs(&inputs.c))?;
            let op = op.scaled(op.alpha.abs(), op.beta.abs());
            cpu.gemm(op, &a, &b, &mut c)?;
            (vec![cpu.read(&c).await?], LINEAR_TOLERANCE)
        }
        Case::Gemv(op) => {
            let a = cpu.upload(&abs(&inputs.a))?;
            let x = cpu.upload(&abs(&inputs.b))?;
            let mut y = cpu.upload(&abs(&inputs.c))?;
            let op = op.scaled(op.alpha.abs(), op.beta.abs());
            cpu.gemv(op, &a, &x, &mut y)?;
            (vec![cpu.read(&y).await?], LINEAR_TOLERANCE)
        }
        Case::Reduce(op) => match op.op {
            Reduction::Sum | Reduction::Mean | Reduction::Variance => {
                // The same reduction of |x| (of x² for the variance) bounds what rounding can move.
                let squared = op.op == Reduction::Variance;
                let x: Vec<f32> = inputs
                    .a
                    .iter()
                    .map(|x| if squared { x * x } else { x.abs() })
                    .collect();
                let x = cpu.upload(&x)?;
                let mut out = cpu.zeros(op.lines().0)?;
                let total = Reduce {
                    op: if op.op == Reduction::Sum {
                        Reduction::Sum
                    } else {
                        Reduction::Mean
                    },
                    ..op
                };
                cpu.reduce(total, &x, &mut out)?;
                (vec![cpu.read(&out).await?], LINEAR_TOLERANCE)
            }
            _ => (itself(), EXACT),
        },
        Case::Histogram { op, weighted, .. } => {
            if !weighted {
                return Ok((itself(), EXACT));
            }
            let x = cpu.upload(&inputs.a)?;
            let w = cpu.upload(&abs(&inputs.b))?;
            let mut out = cpu.zeros(op.bins)?;
            cpu.histogram(op, &x, Some(&w), &mut out)?;
            (vec![cpu.read(&out).await?], LINEAR_TOLERANCE)
        }
        Case::ColumnStats(op) => {
            // Every statistic of a column scales with its largest value.
            let cols = op.shape.cols;
            let out = &want[0];
            let scale: Vec<f32> = (0..cols)
                .map(|c| out[2 * cols + c].abs().max(out[3 * cols + c].abs()))
                .collect();
            let scale = (0..ColumnStats::ROWS_OUT)
                .flat_map(|_| scale.clone())
                .collect();
            (vec![scale], FUNCTION_TOLERANCE)
        }
        Case::BinnedHistogram(_) => (itself(), EXACT),
        Case::Distances(_) | Case::AddRow(_) | Case::Binary { .. } => (itself(), LINEAR_TOLERANCE),
        _ => (itself(), FUNCTION_TOLERANCE),
    })
}
