//! Models: a validated spec, an objective to minimize, and a separate fitted model.
//!
//! Both models are linear in the preprocessed inputs and are fitted by minimizing a
//! convex objective with L-BFGS ([`lbfgs`]). The objective's value and gradient are
//! computed by an [`Objective`]; the optimizer only sees numbers. Each objective has
//! a CPU implementation in f64, the reference, and a GPU one in f32 whose kernels
//! live in `compute::gpu` ([`GpuSoftmaxCrossEntropy`], [`GpuSquaredError`]).

pub mod bench;
mod gpu;
pub mod lbfgs;
mod linear;
mod logistic;
mod spec;

pub use gpu::{GpuSoftmaxCrossEntropy, GpuSquaredError};
pub use linear::SquaredError;
pub use logistic::SoftmaxCrossEntropy;
pub use spec::{ModelKind, ModelSpec, SpecError};

use serde::{Deserialize, Serialize};

use crate::compute::ComputeError;

/// A differentiable objective over a flat parameter vector.
#[allow(async_fn_in_trait)] // Used by concrete type only; async so a GPU can evaluate it.
pub trait Objective {
    /// Number of parameters.
    fn dim(&self) -> usize;
    /// The objective at `params`, writing its gradient into `grad`.
    ///
    /// Fails only when the device evaluating it does (a lost GPU, out of memory);
    /// the CPU objectives always answer.
    async fn eval(&self, params: &[f64], grad: &mut [f64]) -> Result<f64, ComputeError>;
    /// The relative precision of the values and gradients `eval` computes: the
    /// machine epsilon of the arithmetic behind them. The optimizer scales its
    /// tolerances by it and, for anything coarser than f64, tells rounding from
    /// progress with it ([`lbfgs`]).
    fn precision(&self) -> f64 {
        f64::EPSILON
    }
}

/// A fitted model over preprocessed inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fitted {
    /// Multinomial logistic regression: `softmax(W x + b)`.
    Logistic {
        classes: Vec<String>,
        /// `classes × inputs`.
        coef: Vec<Vec<f64>>,
        intercept: Vec<f64>,
    },
    /// Ridge regression: `w · x + b`.
    Linear { coef: Vec<f64>, intercept: f64 },
}

impl Fitted {
    /// Class probabilities for each row of `x` (row-major, `inputs` wide).
    pub fn probabilities(&self, x: &[f64], inputs: usize) -> Vec<Vec<f64>> {
        match self {
            Fitted::Logistic {
                coef, intercept, ..
            } => x
                .chunks(inputs.max(1))
                .map(|row| {
                    let z: Vec<f64> = coef
                        .iter()
                        .zip(intercept)
                        .map(|(w, b)| w.iter().zip(row).map(|(w, x)| w * x).sum::<f64>() + b)
                        .collect();
                    softmax(&z)
                })
                .collect(),
            Fitted::Linear { .. } => Vec::new(),
        }
    }

    /// Predicted values (regression) for each row of `x`.
    pub fn values(&self, x: &[f64], inputs: usize) -> Vec<f64> {
        match self {
            Fitted::Linear { coef, intercept } => x
                .chunks(inputs.max(1))
                .map(|row| coef.iter().zip(row).map(|(w, x)| w * x).sum::<f64>() + intercept)
                .collect(),
            Fitted::Logistic { .. } => Vec::new(),
        }
    }
}

/// `data` as a `rows × cols` row-major matrix view, or a shape error.
pub(crate) fn rows(
    data: &[f64],
    rows: usize,
    cols: usize,
) -> Result<ndarray::ArrayView2<'_, f64>, ComputeError> {
    ndarray::ArrayView2::from_shape((rows, cols), data).map_err(|_| ComputeError::ShapeMismatch {
        what: "training inputs",
        expected: rows * cols,
        actual: data.len(),
    })
}

pub(crate) fn softmax(z: &[f64]) -> Vec<f64> {
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exp: Vec<f64> = z.iter().map(|v| (v - max).exp()).collect();
    let sum: f64 = exp.iter().sum();
    exp.into_iter().map(|e| e / sum).collect()
}

/// Index of the largest value; the first on ties, as NumPy's argmax.
pub fn argmax(values: &[f64]) -> usize {
    let mut best = 0;
    for (i, v) in values.iter().enumerate() {
        if *v > values[best] {
            best = i;
        }
    }
    best
}
