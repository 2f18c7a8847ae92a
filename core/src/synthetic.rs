//! Seeded synthetic data, for trying Studio at a chosen scale: Gaussian clusters
//! for classification, a noisy linear function for regression.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::frame::{Column, Frame};
use crate::rng::SplitMix64;
use crate::train::Task;

/// Bytes the generated columns may take. They are f64 (8 bytes a value) and the
/// page's memory is at most 4 GiB on wasm32, where the vectors that fill the frame,
/// the split and the preprocessed copy for training must fit beside them.
pub const MAX_BYTES: usize = 1 << 30;

/// Bytes one generated value takes (an f64).
const BYTES_PER_VALUE: usize = std::mem::size_of::<f64>();

/// Values the generator makes at most (rows × (features + the target)).
pub const MAX_CELLS: usize = MAX_BYTES / BYTES_PER_VALUE;

/// Classes a classification set has.
pub const CLASSES: usize = 3;

/// What to generate; a notebook stores this instead of the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Synthetic {
    pub rows: usize,
    pub features: usize,
    pub task: Task,
    pub seed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SyntheticError {
    #[error("choose at least 1 row and 1 feature")]
    Empty,
    #[error(
        "{rows} rows × {features} features need {} MB as generated columns, more than the {} MB the generator makes; choose fewer rows or features",
        .bytes.div_ceil(1_000_000),
        MAX_BYTES / 1_000_000
    )]
    TooLarge {
        rows: usize,
        features: usize,
        /// The columns' size in bytes, rows × (features + 1) × 8 (wider than `usize`,
        /// so that sizes past the address space are reported too).
        bytes: u128,
    },
    #[error(
        "{rows} rows × {features} features: the page ran out of memory while generating them; choose fewer rows or features"
    )]
    OutOfMemory { rows: usize, features: usize },
    #[error("the generated columns differ in length")]
    Shape,
}

impl Synthetic {
    /// The name the data cell shows, such as `synthetic-1000x10-classification-seed42`.
    pub fn name(&self) -> String {
        let task = self.task.name();
        format!(
            "synthetic-{}x{}-{task}-seed{}",
            self.rows, self.features, self.seed
        )
    }

    /// The target column's name.
    pub fn target(&self) -> &'static str {
        match self.task {
            Task::Classification => "class",
            Task::Regression => "y",
            // Blobs, like classification; the column says which blob drew the row.
            Task::Clustering | Task::Decomposition => "blob",
        }
    }

    /// Checks the sizes before anything is allocated: at least one row and one
    /// feature, and columns within [`MAX_BYTES`].
    pub fn validate(&self) -> Result<(), SyntheticError> {
        let (rows, features) = (self.rows, self.features);
        if rows == 0 || features == 0 {
            return Err(SyntheticError::Empty);
        }
        let cells = features
            .checked_add(1)
            .and_then(|columns| columns.checked_mul(rows));
        match cells {
            Some(cells) if cells <= MAX_CELLS => Ok(()),
            _ => Err(SyntheticError::TooLarge {
                rows,
                features,
                // Saturates only past u128, where "more than" is still true.
                bytes: (rows as u128)
                    .saturating_mul(features as u128 + 1)
                    .saturating_mul(BYTES_PER_VALUE as u128),
            }),
        }
    }

    /// Draws the frame: features `x1`…`xM`, then the target.
    pub fn generate(&self) -> Result<Frame, SyntheticError> {
        self.validate()?;
        let (rows, features) = (self.rows, self.features);
        let out_of_memory = |_| SyntheticError::OutOfMemory { rows, features };
        let mut rng = SplitMix64::new(self.seed);
        let mut normal = Normal::default();
        let mut columns: Vec<Vec<f64>> = Vec::new();
        columns.try_reserve_exact(features).map_err(out_of_memory)?;
        for _ in 0..features {
            columns.push(reserved(rows).map_err(out_of_memory)?);
        }
        match self.task {
            Task::Classification | Task::Clustering | Task::Decomposition => {
                // Within the validated size: CLASSES × features < rows × (features + 1) × 8.
                let mut centres: Vec<f64> =
                    reserved(CLASSES.saturating_mul(features)).map_err(out_of_memory)?;
                centres.extend((0..CLASSES * features).map(|_| 1.5 * normal.sample(&mut rng)));
                let mut target: Vec<usize> = reserved(rows).map_err(out_of_memory)?;
                for _ in 0..rows {
                    let class = (rng.next_u64() % CLASSES as u64) as usize;
                    for (j, column) in columns.iter_mut().enumerate() {
                        column.push(centres[class * features + j] + normal.sample(&mut rng));
                    }
                    target.push(class);
                }
                let labels: Vec<String> = (0..CLASSES).map(|c| format!("class_{c}")).collect();
                frame(
                    columns,
                    Column::categories("class", target.iter().map(|&c| Some(labels[c].as_str()))),
                    rows,
                )
            }
            Task::Regression => {
                let mut weights: Vec<f64> = reserved(features).map_err(out_of_memory)?;
                weights.extend((0..features).map(|_| normal.sample(&mut rng)));
                let mut target: Vec<f64> = reserved(rows).map_err(out_of_memory)?;
                for _ in 0..rows {
                    let mut y = 0.0;
                    for (column, w) in columns.iter_mut().zip(&weights) {
                        let x = normal.sample(&mut rng);
                        y += w * x;
                        column.push(x);
                    }
                    target.push(y + 0.5 * normal.sample(&mut rng));
                }
                frame(
                    columns,
                    Column::floats("y", target.into_iter().map(Some)),
                    rows,
                )
            }
        }
    }
}

/// An empty vector with room for `n`, or the allocator's refusal instead of an abort.
fn reserved<T>(n: usize) -> Result<Vec<T>, std::collections::TryReserveError> {
    let mut v = Vec::new();
    v.try_reserve_exact(n)?;
    Ok(v)
}

fn frame(columns: Vec<Vec<f64>>, target: Column, rows: usize) -> Result<Frame, SyntheticError> {
    let mut all: Vec<Column> = columns
        .into_iter()
        .enumerate()
        .map(|(j, values)| Column::floats(&format!("x{}", j + 1), values.into_iter().map(Some)))
        .collect();
    all.push(target);
    Frame::new(rows, all).ok_or(SyntheticError::Shape)
}

/// Standard normal draws by the Box–Muller transform, two per pair of uniforms.
#[derive(Debug, Default)]
struct Normal {
    spare: Option<f64>,
}

impl Normal {
    fn sample(&mut self, rng: &mut SplitMix64) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        // Uniform in (0, 1]: 53 random bits, never zero, so the log is finite.
        let u1 = ((rng.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64;
        let u2 = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let r = (-2.0 * u1.ln()).sqrt();
        let theta = std::f64::consts::TAU * u2;
        self.spare = Some(r * theta.sin());
        r * theta.cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::ColumnType;

    #[test]
    fn the_same_seed_gives_the_same_frame_and_shapes_are_as_asked() {
        let spec = Synthetic {
            rows: 500,
            features: 4,
            task: Task::Classification,
            seed: 7,
        };
        let a = spec.generate().expect("generates");
        assert_eq!(a, spec.generate().expect("generates"));
        assert_eq!((a.rows(), a.columns().len()), (500, 5));
        assert_eq!(
            a.column("class").map(Column::kind),
            Some(ColumnType::Categorical)
        );
        let b = Synthetic { seed: 8, ..spec }.generate().expect("generates");
        assert_ne!(a, b);
        let r = Synthetic {
            task: Task::Regression,
            ..spec
        }
        .generate()
        .expect("generates");
        let y: Vec<f64> = (0..500).filter_map(|i| r.column("y")?.number(i)).collect();
        let mean = y.iter().sum::<f64>() / 500.0;
        let var = y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 500.0;
        assert!(var > 0.5, "{var}");
    }

    #[test]
    fn empty_and_huge_requests_are_refused_with_a_reason() {
        let spec = |rows, features| Synthetic {
            rows,
            features,
            task: Task::Regression,
            seed: 1,
        };
        assert_eq!(spec(0, 3).generate(), Err(SyntheticError::Empty));
        assert!(
            spec(100_000_000, 10)
                .generate()
                .is_err_and(|e| e.to_string().contains("choose fewer"))
        );
    }

    #[test]
    fn the_cap_is_the_columns_bytes_and_the_reason_gives_them() {
        // Two columns (one feature and the target) of 8-byte values.
        let rows = MAX_BYTES / 16;
        let spec = |rows| Synthetic {
            rows,
            features: 1,
            task: Task::Regression,
            seed: 1,
        };
        assert_eq!(spec(rows).validate(), Ok(()));
        assert_eq!(
            spec(rows + 1).validate().map_err(|e| e.to_string()),
            Err(format!(
                "{} rows × 1 features need 1074 MB as generated columns, more than the 1073 MB the generator makes; choose fewer rows or features",
                rows + 1
            ))
        );
    }

    #[test]
    fn sizes_that_overflow_are_refused_not_wrapped() {
        let spec = |rows, features| Synthetic {
            rows,
            features,
            task: Task::Classification,
            seed: 1,
        };
        for (rows, features) in [
            (1000, usize::MAX),
            (usize::MAX, 1),
            (usize::MAX, usize::MAX),
            (1, 4_294_967_295),
            (4_294_967_297, 1),
        ] {
            assert!(
                matches!(
                    spec(rows, features).generate(),
                    Err(SyntheticError::TooLarge { .. })
                ),
                "{rows} × {features}"
            );
        }
    }
}
