//! Learning from minibatches that stream past, for the families whose objective
//! is a sum over rows: a file larger than memory then trains a chunk at a time
//! (`studio train --online`, [`crate::online`]).

use super::Fitted;

/// What an incremental fit knows before its first minibatch.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    /// Model inputs per row, after preprocessing.
    pub inputs: usize,
    /// Training rows in one pass over the data. A penalty scikit-learn writes
    /// over the whole training set is shared among them, so that the fit aims at
    /// the model a fit on every row at once would make.
    pub rows: usize,
    /// A classifier's classes, sorted, with each one's training rows; empty for
    /// a regression.
    pub classes: Vec<(String, usize)>,
    /// A regression target's mean and standard deviation over the training rows,
    /// so that a fit may learn it on a unit scale; `None` for a classifier.
    pub values: Option<(f64, f64)>,
    /// Rows per minibatch: with `rows`, the updates one pass takes.
    pub batch_size: usize,
    /// The step size at the start, shrinking with each pass.
    pub learning_rate: f64,
}

impl Stream {
    /// Updates in one pass over the data.
    pub fn updates_per_pass(&self) -> usize {
        self.rows.div_ceil(self.batch_size.max(1)).max(1)
    }
}

/// The targets of a minibatch's rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Batch<'a> {
    /// Class indices into [`Stream::classes`].
    Classes(&'a [usize]),
    Values(&'a [f64]),
}

impl Batch<'_> {
    pub fn len(&self) -> usize {
        match self {
            Batch::Classes(labels) => labels.len(),
            Batch::Values(values) => values.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// An incremental fit in progress.
pub trait Incremental {
    /// Updates on one minibatch (`x` row-major, [`Stream::inputs`] wide, one row
    /// per target) and returns the objective before the update, estimated from
    /// the minibatch for every training row, in the units the family's
    /// full-batch fit reports (so that the two loss curves compare).
    fn update(&mut self, x: &[f64], batch: Batch<'_>) -> f64;
    /// The model as it stands.
    fn model(&self) -> Fitted;
}
