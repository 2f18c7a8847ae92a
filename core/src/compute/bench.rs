//! Timing the operations on a device, the same way natively and in the browser.
//!
//! Each [`BenchOp`] prepares its buffers once, runs once to compile and warm up, then
//! repeats in batches sized to fill a time budget; a batch ends by reading one value
//! back, so queued GPU work is included. The best batch counts (the first run, when it
//! alone takes the whole budget). The caller supplies
//! the clock: `Instant` natively, `performance.now()` in a worker.
//!
//! Most operations are one kernel of the [`Compute`] interface, timed by
//! [`run_kernel`]. The training objective ([`BenchOp::LogisticObjective`]) is what
//! fitting a model evaluates each iteration; compute knows no model, so the model
//! times it (`model::bench`) with the same [`time`], and `crate::bench::run` picks.

use serde::{Deserialize, Serialize};

use super::ops::{
    Adam, ColumnStats, Distances, Gemm, Gemv, Histogram, Loss, LossKind, Per, Reduce, Reduction,
    Sgd, Shape,
};
use super::{Compute, ComputeError, Device, Unary};
use crate::rng::SplitMix64;

/// An operation to time, with the shape its size gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BenchOp {
    /// `size³` matrix product.
    Gemm,
    /// `size × size` matrix times a vector.
    Gemv,
    /// Sigmoid over `size × 32` values.
    Sigmoid,
    /// Row softmax of `size × 32`.
    Softmax,
    /// Column sums of `size × 32`.
    ColumnSum,
    /// Softmax cross-entropy and its gradient over `size × 10` logits.
    Loss,
    /// Squared distances from `size` points to 64 centres in 32 dimensions.
    Distances,
    /// A 256-bin histogram of `size × 32` values.
    Histogram,
    /// Column statistics of `size × 32`.
    ColumnStats,
    /// An Adam step on `size × 32` parameters.
    Adam,
    /// One gradient step of logistic regression on `size × 32` rows:
    /// `z = Xw`, the log-loss gradient, `g = Xᵀr / n`, an SGD update.
    LogisticStep,
    /// One evaluation of logistic regression's training objective (loss and
    /// gradient) on `size × 32` rows of two classes, as fitting runs it: the
    /// parameters go in, the loss and gradient come back.
    LogisticObjective,
}

/// The columns of the tabular benchmarks.
const WIDTH: usize = 32;
const CENTRES: usize = 64;
const CLASSES: usize = 10;
const BINS: usize = 256;
/// The classes of the training-objective benchmark.
const OBJECTIVE_CLASSES: usize = 2;

impl BenchOp {
    pub const ALL: [BenchOp; 12] = [
        BenchOp::Gemm,
        BenchOp::Gemv,
        BenchOp::Sigmoid,
        BenchOp::Softmax,
        BenchOp::ColumnSum,
        BenchOp::Loss,
        BenchOp::Distances,
        BenchOp::Histogram,
        BenchOp::ColumnStats,
        BenchOp::Adam,
        BenchOp::LogisticStep,
        BenchOp::LogisticObjective,
    ];

    pub fn name(self) -> &'static str {
        match self {
            BenchOp::Gemm => "gemm",
            BenchOp::Gemv => "gemv",
            BenchOp::Sigmoid => "sigmoid",
            BenchOp::Softmax => "softmax",
            BenchOp::ColumnSum => "column_sum",
            BenchOp::Loss => "loss",
            BenchOp::Distances => "distances",
            BenchOp::Histogram => "histogram",
            BenchOp::ColumnStats => "column_stats",
            BenchOp::Adam => "adam",
            BenchOp::LogisticStep => "logistic_step",
            BenchOp::LogisticObjective => "logistic_objective",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.name() == name)
    }

    /// The size used when none is given.
    pub fn default_size(self) -> usize {
        match self {
            BenchOp::Gemm => 1024,
            BenchOp::Gemv => 4096,
            BenchOp::Distances => 65_536,
            _ => 1_000_000,
        }
    }

    /// `(m, n, k)` for a size: the product's dimensions, or rows × columns × 1.
    pub fn dims(self, size: usize) -> (usize, usize, usize) {
        match self {
            BenchOp::Gemm => (size, size, size),
            BenchOp::Gemv => (size, size, 1),
            BenchOp::Loss => (size, CLASSES, 1),
            BenchOp::Distances => (size, CENTRES, WIDTH),
            BenchOp::LogisticObjective => (size, WIDTH, OBJECTIVE_CLASSES),
            _ => (size, WIDTH, 1),
        }
    }

    /// About how many bytes its buffers take.
    pub fn bytes(self, size: usize) -> u64 {
        let (m, n, k) = self.dims(size);
        let (m, n, k) = (m as u64, n as u64, k as u64);
        let floats = match self {
            BenchOp::Gemm => m * k + k * n + m * n,
            BenchOp::Gemv => m * n + m + n,
            BenchOp::Distances => m * k + n * k + m * n,
            BenchOp::Adam => 4 * m * n,
            // The CPU objective's f64 rows, and the GPU's f32 copy with its labels.
            BenchOp::LogisticObjective => 3 * m * n + 2 * m,
            _ => 2 * m * n + 5 * m,
        };
        floats.saturating_mul(4)
    }

    /// Floating-point operations per run, counting a multiply-add as two.
    pub fn flops(self, size: usize) -> f64 {
        let (m, n, k) = self.dims(size);
        let (m, n, k) = (m as f64, n as f64, k as f64);
        match self {
            BenchOp::Gemm => 2.0 * m * n * k,
            BenchOp::Gemv => 2.0 * m * n,
            BenchOp::Distances => 3.0 * m * n * k,
            BenchOp::Sigmoid | BenchOp::ColumnSum | BenchOp::Histogram => m * n,
            BenchOp::Softmax | BenchOp::Loss => 3.0 * m * n,
            BenchOp::ColumnStats => 5.0 * m * n,
            BenchOp::Adam => 12.0 * m * n,
            BenchOp::LogisticStep => 4.0 * m * n + 10.0 * m,
            // Logits and the gradient's product, softmax and loss per logit.
            BenchOp::LogisticObjective => 4.0 * m * n * k + 10.0 * m * k,
        }
    }
}

/// One benchmark's result, in the keys `studio bench --json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchResult {
    pub op: String,
    pub device: String,
    pub adapter: String,
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub seconds: f64,
    pub gflops: f64,
}

/// Work to time: run it a number of times, then wait until it is all done.
#[allow(async_fn_in_trait)] // Used by concrete type only.
pub trait Repeat {
    async fn repeat(&mut self, reps: usize) -> Result<(), ComputeError>;
}

/// Times the kernel `op` at `size` on `device` within roughly `budget` seconds:
/// the seconds one run takes and the GFLOP/s that makes. The training objective
/// is not one kernel, and is refused.
pub async fn run_kernel(
    device: &Device,
    op: BenchOp,
    size: usize,
    budget: f64,
    clock: &dyn Fn() -> f64,
) -> Result<(f64, f64), ComputeError> {
    let flops = op.flops(size);
    match device {
        Device::Cpu(cpu) => time(&mut Work::prepare(cpu, op, size)?, flops, budget, clock).await,
        Device::Gpu(gpu) => {
            let mut work = Work::prepare(gpu.as_ref(), op, size)?;
            time(&mut work, flops, budget, clock).await
        }
    }
}

/// Runs `work` once to warm up, then in batches until `budget` seconds are spent:
/// the best batch's seconds per run, and GFLOP/s at `flops` per run.
pub async fn time(
    work: &mut impl Repeat,
    flops: f64,
    budget: f64,
    clock: &dyn Fn() -> f64,
) -> Result<(f64, f64), ComputeError> {
    // The first run compiles kernels and touches memory; it counts only when it alone
    // fills the budget.
    let started = clock();
    work.repeat(1).await?;
    let first = clock() - started;
    if first >= budget {
        return Ok((first, flops / first / 1e9));
    }
    // Batches of a tenth of the budget each, so one slow batch cannot blow it.
    let mut reps = ((budget / 10.0 / first.max(1e-6)) as usize).clamp(1, 1 << 16);
    let mut best = f64::INFINITY;
    let mut spent = first;
    let mut batches = 0;
    while batches < 2 || (spent < budget && batches < 20) {
        let started = clock();
        work.repeat(reps).await?;
        let elapsed = clock() - started;
        spent += elapsed;
        best = best.min(elapsed / reps as f64);
        batches += 1;
        let target = budget / 10.0;
        if elapsed < target / 2.0 {
            reps = ((reps as f64 * target / elapsed.max(1e-6)).ceil() as usize).clamp(1, 1 << 16);
        }
    }
    Ok((best, flops / best / 1e9))
}

/// The buffers of one benchmark, allocated once.
#[derive(Debug)]
struct Work<'a, D: Compute> {
    device: &'a D,
    op: BenchOp,
    size: usize,
    buffers: Vec<D::Buffer>,
    /// Never written: reading it back waits for everything recorded before.
    tick: D::Buffer,
}

impl<D: Compute> Repeat for Work<'_, D> {
    async fn repeat(&mut self, reps: usize) -> Result<(), ComputeError> {
        for _ in 0..reps {
            self.step()?;
        }
        self.device.read(&self.tick).await.map(drop)
    }
}

impl<'a, D: Compute> Work<'a, D> {
    fn prepare(device: &'a D, op: BenchOp, size: usize) -> Result<Self, ComputeError> {
        let mut rng = SplitMix64::new(size as u64);
        let mut uniform = |n: usize| -> Vec<f32> { (0..n).map(|_| rng.next_unit()).collect() };
        let (m, n, k) = op.dims(size);
        let cells = Shape::new(m, n).cells()?;
        let zeros = |n: usize| vec![0.0f32; n];
        let labels = |classes: usize| (0..m).map(|i| (i % classes) as f32).collect::<Vec<_>>();
        let data: Vec<Vec<f32>> = match op {
            BenchOp::Gemm => vec![uniform(m * k), uniform(k * n), zeros(m * n)],
            BenchOp::Gemv => vec![uniform(m * n), uniform(n), zeros(m)],
            BenchOp::Sigmoid | BenchOp::Softmax => vec![uniform(cells), zeros(cells)],
            BenchOp::ColumnSum => vec![uniform(cells), zeros(n)],
            BenchOp::Loss => vec![uniform(cells), labels(CLASSES), zeros(cells), zeros(m)],
            BenchOp::Distances => vec![uniform(m * k), uniform(n * k), zeros(m * n)],
            BenchOp::Histogram => vec![uniform(cells), zeros(BINS)],
            BenchOp::ColumnStats => vec![uniform(cells), zeros(ColumnStats::ROWS_OUT * n)],
            BenchOp::Adam => vec![uniform(cells), uniform(cells), zeros(cells), zeros(cells)],
            // X, labels, logits, their gradient, row losses, weights, gradient, velocity.
            BenchOp::LogisticStep => vec![
                uniform(cells),
                labels(2),
                zeros(m),
                zeros(m),
                zeros(m),
                zeros(n),
                zeros(n),
                zeros(n),
            ],
            BenchOp::LogisticObjective => {
                return Err(ComputeError::Invalid(
                    "the training objective is not one kernel".to_owned(),
                ));
            }
        };
        let buffers = data
            .iter()
            .map(|values| device.upload(values))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            device,
            op,
            size,
            buffers,
            tick: device.zeros(1)?,
        })
    }

    fn step(&mut self) -> Result<(), ComputeError> {
        let device = self.device;
        let (m, n, k) = self.op.dims(self.size);
        let missing = || ComputeError::Invalid("a benchmark lost its buffers".to_owned());
        match (self.op, self.buffers.as_mut_slice()) {
            (BenchOp::Gemm, [a, b, c]) => device.gemm(Gemm::new(m, n, k), a, b, c),
            (BenchOp::Gemv, [a, x, y]) => device.gemv(Gemv::new(m, n), a, x, y),
            (BenchOp::Sigmoid, [x, y]) => device.unary(Unary::Sigmoid, x, y),
            (BenchOp::Softmax, [x, y]) => device.softmax(Shape::new(m, n), x, y),
            (BenchOp::ColumnSum, [x, out]) => {
                let op = Reduce {
                    op: Reduction::Sum,
                    per: Per::Column,
                    shape: Shape::new(m, n),
                };
                device.reduce(op, x, out)
            }
            (BenchOp::Loss, [z, labels, grad, row_loss]) => {
                let op = Loss {
                    kind: LossKind::SoftmaxCrossEntropy,
                    shape: Shape::new(m, n),
                };
                device.loss(op, z, labels, grad, row_loss)
            }
            (BenchOp::Distances, [x, centres, out]) => {
                let op = Distances { n: m, m: n, dim: k };
                device.distances(op, x, centres, out)
            }
            (BenchOp::Histogram, [x, out]) => {
                let op = Histogram {
                    bins: BINS,
                    lo: -1.0,
                    hi: 1.0,
                };
                device.histogram(op, x, None, out)
            }
            (BenchOp::ColumnStats, [x, out]) => {
                let op = ColumnStats {
                    shape: Shape::new(m, n),
                };
                device.column_stats(op, x, out)
            }
            (BenchOp::Adam, [p, g, m1, m2]) => device.adam(Adam::new(1e-3), p, g, m1, m2),
            (BenchOp::LogisticStep, [x, labels, z, dz, row_loss, w, g, v]) => {
                device.gemv(Gemv::new(m, n), x, w, z)?;
                let loss = Loss {
                    kind: LossKind::LogLoss,
                    shape: Shape::new(m, 1),
                };
                device.loss(loss, z, labels, dz, row_loss)?;
                let mean = Gemv::new(m, n).transposed().scaled(1.0 / m as f32, 0.0);
                device.gemv(mean, x, dz, g)?;
                let sgd = Sgd {
                    lr: 0.1,
                    momentum: 0.9,
                    weight_decay: 0.0,
                    nesterov: false,
                };
                device.sgd(sgd, w, g, v)
            }
            _ => Err(missing()),
        }
    }
}
