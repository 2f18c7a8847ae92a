//! Model families, one folder each, and what they share.
//!
//! Each family implements [`Family`](crate::learner::Family) and is listed once in
//! the [registry](crate::learner::registry). The linear families minimize a convex
//! objective with L-BFGS ([`lbfgs`], [`convex`]), or with an L1 penalty OWL-QN
//! (`owlqn`, CPU only); the objective's value and gradient come from an
//! [`Objective`], on the CPU in f64 (the reference) or on the GPU in f32
//! ([`GpuSoftmaxCrossEntropy`], [`GpuSquaredError`]).

pub mod bench;
pub mod boosting;
mod class_weight;
mod closed_form;
mod convex;
pub mod forest;
mod gpu;
pub mod kmeans;
pub mod knn;
pub mod lbfgs;
pub mod linear;
pub mod linear_svm;
pub mod logistic;
pub mod mlp;
pub mod naive_bayes;
mod owlqn;
pub mod pca;
pub mod sgd;
pub mod sparse;
mod split;
pub mod tree;
mod vector;

pub use gpu::{GpuLinearLoss, GpuSoftmaxCrossEntropy, GpuSquaredError, RowLoss};
pub use linear::SquaredError;
pub use logistic::SoftmaxCrossEntropy;

use crate::compute::ComputeError;
use crate::learner::{ParamDefault, ParamKind, ParamSpec};

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

/// The iteration limit of the iterative families.
pub(crate) const MAX_ITER: ParamSpec = ParamSpec {
    name: "max_iter",
    aliases: &[],
    label: "Maximum iterations",
    kind: ParamKind::Integer {
        min: 1,
        max: 100_000,
    },
    default: ParamDefault::Integer(1000),
    optional: false,
    log_scale: true,
    help: "The most optimizer iterations to run; fitting stops sooner once it converges.",
};

/// `batch_size`, for the families that train on minibatches (the MLP, and the
/// linear models with `solver` adam).
pub(crate) const BATCH_SIZE: ParamSpec = ParamSpec {
    name: "batch_size",
    aliases: &[],
    label: "Batch size",
    kind: ParamKind::Integer {
        min: 1,
        max: 1 << 20,
    },
    default: ParamDefault::Unset,
    optional: true,
    log_scale: true,
    help: "Rows per weight update on minibatches; none takes 200, or every row when there are \
           fewer.",
};

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

/// `1 / (1 + e⁻ᶻ)`, without overflow on either side.
pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
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
