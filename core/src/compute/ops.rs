//! What each operation computes, as plain descriptions both devices take.
//!
//! Every matrix is a flat row-major buffer of `f32`; a description carries the shape
//! and the scalars, and [`check`] validates it against the buffers' lengths before any
//! work starts, so both devices refuse the same mistakes with the same message.

use serde::{Deserialize, Serialize};

use super::ComputeError;

/// `C = alpha · op(A) · op(B) + beta · C`, with `C` of `m × n` and inner size `k`.
///
/// `op(A)` is `A` (`m × k`) or, with `trans_a`, the transpose of a stored `k × m`;
/// likewise `op(B)` is `B` (`k × n`) or the transpose of a stored `n × k`. With
/// `beta = 0` the old contents of `C` are not read, so they may be anything.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Gemm {
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub trans_a: bool,
    pub trans_b: bool,
    pub alpha: f32,
    pub beta: f32,
}

impl Gemm {
    /// `C = A · B`.
    pub fn new(m: usize, n: usize, k: usize) -> Self {
        Self {
            m,
            n,
            k,
            trans_a: false,
            trans_b: false,
            alpha: 1.0,
            beta: 0.0,
        }
    }

    pub fn transpose_a(self) -> Self {
        Self {
            trans_a: true,
            ..self
        }
    }

    pub fn transpose_b(self) -> Self {
        Self {
            trans_b: true,
            ..self
        }
    }

    pub fn scaled(self, alpha: f32, beta: f32) -> Self {
        Self {
            alpha,
            beta,
            ..self
        }
    }

    pub fn flops(&self) -> f64 {
        2.0 * self.m as f64 * self.n as f64 * self.k as f64
    }

    pub(crate) fn check(&self, a: usize, b: usize, c: usize) -> Result<(), ComputeError> {
        check::len("A of a matrix product", area(self.m, self.k)?, a)?;
        check::len("B of a matrix product", area(self.k, self.n)?, b)?;
        check::len("C of a matrix product", area(self.m, self.n)?, c)
    }
}

/// `y = alpha · op(A) · x + beta · y` for a stored `rows × cols` matrix `A`.
///
/// Without `trans`, `x` has `cols` entries and `y` has `rows`; with it, the reverse.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Gemv {
    pub rows: usize,
    pub cols: usize,
    pub trans: bool,
    pub alpha: f32,
    pub beta: f32,
}

impl Gemv {
    /// `y = A · x`.
    pub fn new(rows: usize, cols: usize) -> Self {
        Self {
            rows,
            cols,
            trans: false,
            alpha: 1.0,
            beta: 0.0,
        }
    }

    /// `y = Aᵀ · x`.
    pub fn transposed(self) -> Self {
        Self {
            trans: true,
            ..self
        }
    }

    pub fn scaled(self, alpha: f32, beta: f32) -> Self {
        Self {
            alpha,
            beta,
            ..self
        }
    }

    /// The lengths of `x` and `y`.
    pub fn vector_lengths(&self) -> (usize, usize) {
        if self.trans {
            (self.rows, self.cols)
        } else {
            (self.cols, self.rows)
        }
    }

    pub(crate) fn check(&self, a: usize, x: usize, y: usize) -> Result<(), ComputeError> {
        let (x_len, y_len) = self.vector_lengths();
        check::len(
            "the matrix of a matrix-vector product",
            area(self.rows, self.cols)?,
            a,
        )?;
        check::len("x of a matrix-vector product", x_len, x)?;
        check::len("y of a matrix-vector product", y_len, y)
    }
}

/// A function applied to every element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unary {
    Relu,
    /// 1 where the input is positive, else 0: ReLU's derivative.
    Step,
    Sigmoid,
    Tanh,
    Exp,
    Log,
    Square,
    Sqrt,
    Abs,
    Neg,
}

impl Unary {
    pub const ALL: [Unary; 10] = [
        Unary::Relu,
        Unary::Step,
        Unary::Sigmoid,
        Unary::Tanh,
        Unary::Exp,
        Unary::Log,
        Unary::Square,
        Unary::Sqrt,
        Unary::Abs,
        Unary::Neg,
    ];

    /// The code the WGSL kernel switches on.
    pub(crate) fn code(self) -> u32 {
        self as u32
    }
}

/// A function of two equally long buffers, element by element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Binary {
    Add,
    Sub,
    Mul,
    Div,
    Min,
    Max,
}

impl Binary {
    pub const ALL: [Binary; 6] = [
        Binary::Add,
        Binary::Sub,
        Binary::Mul,
        Binary::Div,
        Binary::Min,
        Binary::Max,
    ];

    pub(crate) fn code(self) -> u32 {
        self as u32
    }
}

/// The shape of a row-major matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shape {
    pub rows: usize,
    pub cols: usize,
}

impl Shape {
    pub fn new(rows: usize, cols: usize) -> Self {
        Self { rows, cols }
    }

    /// `rows × cols`, or an error where that overflows.
    pub fn cells(&self) -> Result<usize, ComputeError> {
        area(self.rows, self.cols)
    }
}

/// What a reduction computes over each line.
///
/// Variance is the population variance (divides by the count, as NumPy's default).
/// Arg-min and arg-max give the first index of the extreme value, as a float (exact
/// below 2²⁴). Over an empty line the sum is 0 and everything else is NaN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reduction {
    Sum,
    Mean,
    Variance,
    Min,
    Max,
    ArgMin,
    ArgMax,
}

impl Reduction {
    pub const ALL: [Reduction; 7] = [
        Reduction::Sum,
        Reduction::Mean,
        Reduction::Variance,
        Reduction::Min,
        Reduction::Max,
        Reduction::ArgMin,
        Reduction::ArgMax,
    ];

    pub(crate) fn code(self) -> u32 {
        self as u32
    }
}

/// Whether a reduction gives one value per row or one per column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Per {
    Row,
    Column,
}

/// A reduction of a `shape` matrix to one value per row or per column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reduce {
    pub op: Reduction,
    pub per: Per,
    pub shape: Shape,
}

impl Reduce {
    /// How many values come out, and how many go into each.
    pub fn lines(&self) -> (usize, usize) {
        match self.per {
            Per::Row => (self.shape.rows, self.shape.cols),
            Per::Column => (self.shape.cols, self.shape.rows),
        }
    }

    pub(crate) fn check(&self, x: usize, out: usize) -> Result<(), ComputeError> {
        let (lines, length) = self.lines();
        if matches!(self.op, Reduction::ArgMin | Reduction::ArgMax) && length > EXACT_INDEX {
            return Err(ComputeError::TooLarge {
                what: "a line for arg-min or arg-max (indices are exact floats)",
                bytes: bytes(length),
                limit: bytes(EXACT_INDEX),
            });
        }
        check::len("the input of a reduction", self.shape.cells()?, x)?;
        check::len("the output of a reduction", lines, out)
    }
}

/// The largest count a float holds exactly.
pub(crate) const EXACT_INDEX: usize = 1 << 24;

/// A loss whose per-row value and gradient are computed in one pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossKind {
    /// `z` holds `cols` logits per row, the targets one class index per row:
    /// `ℓ = logsumexp(z) − z_t`, gradient `softmax(z) − onehot(t)`.
    SoftmaxCrossEntropy,
    /// `z` holds logits, the targets 0/1 (or probabilities) of the same shape:
    /// `ℓ = Σ softplus(z) − t·z`, gradient `σ(z) − t`.
    LogLoss,
    /// `ℓ = ½ Σ (z − t)²`, gradient `z − t`.
    SquaredError,
}

impl LossKind {
    pub const ALL: [LossKind; 3] = [
        LossKind::SoftmaxCrossEntropy,
        LossKind::LogLoss,
        LossKind::SquaredError,
    ];

    pub(crate) fn code(self) -> u32 {
        self as u32
    }
}

/// A fused loss and gradient over a `shape` matrix of predictions.
///
/// Writes each row's loss and the gradient of that loss with respect to the
/// predictions; the caller scales (by `1/rows` for a mean) and sums the row losses
/// with a reduction only when it wants to see the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Loss {
    pub kind: LossKind,
    pub shape: Shape,
}

impl Loss {
    pub fn target_len(&self) -> Result<usize, ComputeError> {
        match self.kind {
            LossKind::SoftmaxCrossEntropy => Ok(self.shape.rows),
            LossKind::LogLoss | LossKind::SquaredError => self.shape.cells(),
        }
    }

    pub(crate) fn check(
        &self,
        z: usize,
        targets: usize,
        grad: usize,
        row_loss: usize,
    ) -> Result<(), ComputeError> {
        let cells = self.shape.cells()?;
        check::len("the predictions of a loss", cells, z)?;
        check::len("the targets of a loss", self.target_len()?, targets)?;
        check::len("the gradient of a loss", cells, grad)?;
        check::len("the row losses of a loss", self.shape.rows, row_loss)
    }
}

/// Squared Euclidean distances between the `n` rows of `X` and the `m` rows of `Y`,
/// both with `dim` columns, as an `n × m` matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distances {
    pub n: usize,
    pub m: usize,
    pub dim: usize,
}

impl Distances {
    pub(crate) fn check(&self, x: usize, y: usize, out: usize) -> Result<(), ComputeError> {
        check::len("X of pairwise distances", area(self.n, self.dim)?, x)?;
        check::len("Y of pairwise distances", area(self.m, self.dim)?, y)?;
        check::len(
            "the output of pairwise distances",
            area(self.n, self.m)?,
            out,
        )
    }
}

/// Counts (or sums weights of) values in `bins` equal bins over `[lo, hi]`.
///
/// A value's bin is `⌊(x − lo) · scale⌋` with `scale = bins / (hi − lo)`, clamped to
/// the first and last bins, so values outside the range land in the edge bins. NaN
/// values are missing and skipped. Without weights each value adds 1; counts are
/// floats, exact up to 2²⁴ per bin.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    pub bins: usize,
    pub lo: f32,
    pub hi: f32,
}

impl Histogram {
    /// The most bins one histogram may have (its counts live in workgroup memory).
    pub const MAX_BINS: usize = 1024;

    /// The factor from a value's offset to its bin, computed once for both devices.
    pub(crate) fn scale(&self) -> f32 {
        self.bins as f32 / (self.hi - self.lo)
    }

    /// The bin of a finite value.
    pub(crate) fn bin(&self, x: f32, scale: f32) -> usize {
        let at = ((x - self.lo) * scale).floor();
        if at <= 0.0 {
            0
        } else {
            (at as usize).min(self.bins - 1)
        }
    }

    pub(crate) fn check(
        &self,
        x: usize,
        weights: Option<usize>,
        out: usize,
    ) -> Result<(), ComputeError> {
        if self.bins == 0 || self.bins > Self::MAX_BINS {
            return Err(ComputeError::Invalid(format!(
                "a histogram needs between 1 and {} bins, not {}",
                Self::MAX_BINS,
                self.bins
            )));
        }
        if !(self.lo.is_finite() && self.hi.is_finite() && self.lo < self.hi) {
            return Err(ComputeError::Invalid(format!(
                "a histogram's range must be finite with lo < hi, not [{}, {}]",
                self.lo, self.hi
            )));
        }
        if let Some(weights) = weights {
            check::len("the weights of a histogram", x, weights)?;
        }
        check::len("the counts of a histogram", self.bins, out)
    }
}

/// Per-feature sums over binned rows, the histogram a boosting tree splits on: for
/// each of `features` features and each of its [`BINS`](Self::BINS) bins, how many of
/// the rows have that code, and the sums of their gradients and hessians.
///
/// The codes are a byte per row and feature, feature-major and four to a word: row
/// `r`'s code for feature `f` is byte `r % 4` (the lowest first) of word
/// `f · ⌈rows / 4⌉ + r / 4`. The gradients are two words per row, its gradient and
/// its hessian as `i32` in a fixed point the caller chooses. The rows summed are
/// `index[offset..offset + count]`, or with `listed` false the rows
/// `offset..offset + count` themselves; a listed row past `rows` is skipped.
///
/// Sums are 64-bit integers, so they are exact and come out the same in any order,
/// on every device. The output has [`WORDS`](Self::WORDS) words per feature and bin:
/// the count, then the gradient sum's low and high words, then the hessian sum's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BinnedHistogram {
    pub rows: usize,
    pub features: usize,
    pub offset: usize,
    pub count: usize,
    pub listed: bool,
}

/// One bin of a [`BinnedHistogram`], decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BinSums {
    pub count: u32,
    pub gradient: i64,
    pub hessian: i64,
}

impl BinnedHistogram {
    pub const BINS: usize = 256;
    pub const WORDS: usize = 5;

    /// Words of codes per feature.
    pub fn words_per_feature(&self) -> usize {
        self.rows.div_ceil(4)
    }

    /// The output's length in words.
    pub fn out_words(&self) -> usize {
        self.features * Self::BINS * Self::WORDS
    }

    /// Packs feature-major codes (`codes[f · rows + r]`) four to a word.
    pub fn pack_codes(codes: &[u8], rows: usize) -> Vec<u32> {
        let features = codes.len().checked_div(rows).unwrap_or(0);
        let mut words = Vec::with_capacity(features * rows.div_ceil(4));
        for column in codes.chunks(rows.max(1)).take(features) {
            words.extend(column.chunks(4).map(|four| {
                four.iter()
                    .enumerate()
                    .fold(0u32, |w, (i, &c)| w | (u32::from(c) << (8 * i)))
            }));
        }
        words
    }

    /// The sums of every feature's bins, feature-major, from the output's words.
    pub fn decode(out: &[u32]) -> Vec<BinSums> {
        let wide = |lo: u32, hi: u32| ((u64::from(hi) << 32) | u64::from(lo)) as i64;
        out.chunks_exact(Self::WORDS)
            .map(|w| BinSums {
                count: w[0],
                gradient: wide(w[1], w[2]),
                hessian: wide(w[3], w[4]),
            })
            .collect()
    }

    pub(crate) fn check(
        &self,
        codes: usize,
        index: usize,
        gradients: usize,
        out: usize,
    ) -> Result<(), ComputeError> {
        let end = self.offset.checked_add(self.count);
        let bound = if self.listed { index } else { self.rows };
        if end.is_none_or(|end| end > bound) {
            return Err(ComputeError::Invalid(format!(
                "a binned histogram's rows {}..{} run past the {bound} {}",
                self.offset,
                self.offset.saturating_add(self.count),
                if self.listed { "listed" } else { "rows" }
            )));
        }
        check::len(
            "the codes of a binned histogram",
            area(self.features, self.words_per_feature())?,
            codes,
        )?;
        check::len(
            "the gradients of a binned histogram",
            area(self.rows, 2)?,
            gradients,
        )?;
        check::len(
            "the output of a binned histogram",
            area(self.features, Self::BINS * Self::WORDS)?,
            out,
        )
    }
}

/// Column statistics for scaling, over the values that are not NaN: an output of
/// `4 × cols` holding the means, the population standard deviations, the minima and
/// the maxima, one row each. A column with no values gets NaN in all four.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnStats {
    pub shape: Shape,
}

impl ColumnStats {
    pub const ROWS_OUT: usize = 4;

    pub(crate) fn check(&self, x: usize, out: usize) -> Result<(), ComputeError> {
        check::len("the input of column statistics", self.shape.cells()?, x)?;
        check::len(
            "the output of column statistics",
            area(Self::ROWS_OUT, self.shape.cols)?,
            out,
        )
    }
}

/// One step of stochastic gradient descent with momentum and L2 weight decay:
/// `v ← momentum·v + g + decay·p`, then `p ← p − lr·v`, or with `nesterov`
/// `p ← p − lr·(g + decay·p + momentum·v)` from the new `v` (PyTorch's SGD and its
/// `nesterov`; at a constant rate, scikit-learn's `nesterovs_momentum`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sgd {
    pub lr: f32,
    pub momentum: f32,
    pub weight_decay: f32,
    #[serde(default)]
    pub nesterov: bool,
}

/// One Adam step (Kingma & Ba, with L2 weight decay added to the gradient):
/// `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
/// `p ← p − lr · m̂ / (√v̂ + ε)` with the bias corrections of step `step` (from 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Adam {
    pub lr: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    pub weight_decay: f32,
    pub step: u32,
}

impl Adam {
    /// The usual defaults at a given learning rate.
    pub fn new(lr: f32) -> Self {
        Self {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            step: 1,
        }
    }

    /// `lr / (1 − β₁ᵗ)` and `1 / √(1 − β₂ᵗ)`, computed once in f64 for both devices.
    pub(crate) fn corrections(&self) -> Result<(f32, f32), ComputeError> {
        if self.step == 0 {
            return Err(ComputeError::Invalid(
                "Adam's step count starts at 1".to_owned(),
            ));
        }
        let t = f64::from(self.step);
        let c1 = f64::from(self.lr) / (1.0 - f64::from(self.beta1).powf(t));
        let c2 = 1.0 / (1.0 - f64::from(self.beta2).powf(t)).sqrt();
        Ok((c1 as f32, c2 as f32))
    }
}

/// Shared length checks for the descriptions above and the devices.
pub(crate) mod check {
    use super::{ComputeError, Shape};

    pub fn len(what: &'static str, expected: usize, actual: usize) -> Result<(), ComputeError> {
        if expected != actual {
            return Err(ComputeError::ShapeMismatch {
                what,
                expected,
                actual,
            });
        }
        Ok(())
    }

    pub fn write(buffer: usize, data: usize) -> Result<(), ComputeError> {
        len("the data written to a buffer", buffer, data)
    }

    pub fn write_at(buffer: usize, offset: usize, data: usize) -> Result<(), ComputeError> {
        match offset.checked_add(data) {
            Some(end) if end <= buffer => Ok(()),
            _ => Err(ComputeError::Invalid(format!(
                "{data} values written from {offset} run past a buffer of {buffer}"
            ))),
        }
    }

    pub fn unary(x: usize, y: usize) -> Result<(), ComputeError> {
        len("the output of an elementwise function", x, y)
    }

    pub fn binary(a: usize, b: usize, out: usize) -> Result<(), ComputeError> {
        len("the second input of an elementwise function", a, b)?;
        len("the output of an elementwise function", a, out)
    }

    pub fn add_row(shape: Shape, x: usize, v: usize) -> Result<(), ComputeError> {
        len("the matrix a row is added to", shape.cells()?, x)?;
        len("the row added to a matrix", shape.cols, v)
    }

    pub fn softmax(shape: Shape, x: usize, y: usize) -> Result<(), ComputeError> {
        len("the input of a softmax", shape.cells()?, x)?;
        len("the output of a softmax", shape.cells()?, y)
    }

    pub fn sgd(params: usize, grads: usize, velocity: usize) -> Result<(), ComputeError> {
        len("the gradients of an SGD step", params, grads)?;
        len("the velocities of an SGD step", params, velocity)
    }

    pub fn adam(params: usize, grads: usize, m: usize, v: usize) -> Result<(), ComputeError> {
        len("the gradients of an Adam step", params, grads)?;
        len("the first moments of an Adam step", params, m)?;
        len("the second moments of an Adam step", params, v)
    }
}

fn area(rows: usize, cols: usize) -> Result<usize, ComputeError> {
    rows.checked_mul(cols).ok_or(ComputeError::TooLarge {
        what: "a matrix",
        bytes: u64::MAX,
        limit: u64::MAX,
    })
}

fn bytes(n: usize) -> u64 {
    (n as u64).saturating_mul(4)
}
