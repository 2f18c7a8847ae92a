//! Benchmarks as a person runs them (`studio bench`, the page's Benchmark): a
//! compute kernel, or the training objective exactly as a fit evaluates it.

pub use crate::compute::bench::{BenchOp, BenchResult};

use crate::compute::bench::{run_kernel, time};
use crate::compute::{ComputeError, Device};
use crate::model::bench::LogisticFit;

/// Times `op` at `size` on `device` within roughly `budget` seconds: the seconds
/// one run takes and the GFLOP/s that makes.
pub async fn run(
    device: &Device,
    op: BenchOp,
    size: usize,
    budget: f64,
    clock: &dyn Fn() -> f64,
) -> Result<(f64, f64), ComputeError> {
    match op {
        BenchOp::LogisticObjective => {
            let mut fit = LogisticFit::prepare(device, size).await?;
            time(&mut fit, op.flops(size), budget, clock).await
        }
        _ => run_kernel(device, op, size, budget, clock).await,
    }
}
