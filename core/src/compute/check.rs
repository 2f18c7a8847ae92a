//! Verification cases shared by device selection, the in-app compute check and the
//! conformance tests: the same inputs go to a device and to the CPU reference, and
//! the answers must agree within [`CheckCase::TOLERANCE`].

use serde::{Deserialize, Serialize};

use super::{Compute, ComputeError, CpuDevice, Matrix};
use crate::rng::SplitMix64;

/// One matrix-vector product to verify, with deterministic pseudo-random inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckCase {
    pub rows: usize,
    pub cols: usize,
    pub seed: u64,
}

/// How a device's answer compared with the CPU reference on one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckOutcome {
    pub case: CheckCase,
    /// Largest `|device − cpu| / (1 + Σ_j |a_ij · x_j|)` over the rows.
    pub max_scaled_error: f64,
    pub tolerance: f64,
    pub passed: bool,
}

impl CheckCase {
    /// Each output may differ from the CPU by this much, scaled by `1 + Σ_j |a_ij·x_j|`:
    /// float32 sums taken in a different order differ by a few ulps of that magnitude.
    pub const TOLERANCE: f64 = 1e-5;

    /// The inputs: entries of A and x uniform in [-1, 1).
    pub fn inputs(&self) -> Result<(Matrix, Vec<f32>), ComputeError> {
        let mut rng = SplitMix64::new(self.seed);
        let a = (0..self.rows * self.cols)
            .map(|_| rng.next_unit())
            .collect();
        let x = (0..self.cols).map(|_| rng.next_unit()).collect();
        Ok((Matrix::new(self.rows, self.cols, a)?, x))
    }

    /// `rows×cols`, for people.
    pub fn label(&self) -> String {
        format!("matvec {}×{}", self.rows, self.cols)
    }
}

/// The cases the compute check runs, smallest first. Odd sizes catch edge handling,
/// the large ones span many workgroups.
pub fn check_cases() -> Vec<CheckCase> {
    [
        (1, 1),
        (3, 7),
        (64, 64),
        (257, 129),
        (1000, 333),
        (4096, 256),
        (256, 4096),
        (20_000, 64),
    ]
    .into_iter()
    .zip(1u64..)
    .map(|((rows, cols), seed)| CheckCase { rows, cols, seed })
    .collect()
}

/// Runs `case` on `device` and on the CPU and compares the answers.
pub async fn run_case<D: Compute>(
    device: &D,
    case: CheckCase,
) -> Result<CheckOutcome, ComputeError> {
    let (a, x) = case.inputs()?;
    let got = device.matvec(&a, &x).await?;
    judge(case, &got).await
}

/// Compares a device's answer to `case` with the CPU's.
pub async fn judge(case: CheckCase, got: &[f32]) -> Result<CheckOutcome, ComputeError> {
    let (a, x) = case.inputs()?;
    let want = CpuDevice::default().matvec(&a, &x).await?;
    let mut max_scaled_error = 0.0f64;
    for (row, (g, w)) in got.iter().zip(&want).enumerate() {
        let scale: f64 = a.data()[row * a.cols()..(row + 1) * a.cols()]
            .iter()
            .zip(&x)
            .map(|(aij, xj)| f64::from((aij * xj).abs()))
            .sum();
        let err = (f64::from(*g) - f64::from(*w)).abs() / (1.0 + scale);
        // A NaN from the device must fail the check, not vanish in `max`.
        let err = if err.is_nan() { f64::INFINITY } else { err };
        max_scaled_error = max_scaled_error.max(err);
    }
    let lengths_agree = got.len() == want.len();
    Ok(CheckOutcome {
        case,
        max_scaled_error,
        tolerance: CheckCase::TOLERANCE,
        passed: lengths_agree && max_scaled_error <= CheckCase::TOLERANCE,
    })
}
