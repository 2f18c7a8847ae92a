//! The seeded train/test split.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::rng::SplitMix64;

/// Which rows train the model and which test it; each list ascending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    pub train: Vec<usize>,
    pub test: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum SplitError {
    #[error("test size must be between 0 and 1 (a fraction of the rows), but is {0}")]
    BadFraction(f64),
    #[error("{rows} rows cannot be split into training and test rows: at least 2 are needed")]
    TooFewRows { rows: usize },
}

impl Split {
    /// Shuffles `rows` with `seed` and takes the first `ceil(rows × test_size)` for testing.
    pub fn seeded(rows: usize, test_size: f64, seed: u64) -> Result<Self, SplitError> {
        if !(test_size > 0.0 && test_size < 1.0) {
            return Err(SplitError::BadFraction(test_size));
        }
        if rows < 2 {
            return Err(SplitError::TooFewRows { rows });
        }
        let perm = SplitMix64::new(seed).permutation(rows);
        let n_test = ((rows as f64 * test_size).ceil() as usize).clamp(1, rows - 1);
        let mut test = perm[..n_test].to_vec();
        let mut train = perm[n_test..].to_vec();
        test.sort_unstable();
        train.sort_unstable();
        Ok(Self { train, test })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_are_disjoint_complete_and_repeatable() {
        let a = Split::seeded(150, 0.2, 42).expect("splits");
        assert_eq!((a.train.len(), a.test.len()), (120, 30));
        let mut all: Vec<usize> = a.train.iter().chain(&a.test).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..150).collect::<Vec<_>>());
        assert_eq!(Split::seeded(150, 0.2, 42).expect("splits"), a);
        assert_ne!(Split::seeded(150, 0.2, 43).expect("splits"), a);
    }

    #[test]
    fn bad_arguments_are_refused() {
        assert_eq!(Split::seeded(10, 1.5, 1), Err(SplitError::BadFraction(1.5)));
        assert_eq!(
            Split::seeded(1, 0.5, 1),
            Err(SplitError::TooFewRows { rows: 1 })
        );
    }
}
