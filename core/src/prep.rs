//! Built-in preprocessing, fitted on the training rows only: mean imputation and
//! standardization of numbers, one-hot encoding of categories.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use std::borrow::Cow;

use crate::frame::{Column, ColumnType, Frame};

/// How one raw column becomes model inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FeatureStep {
    /// `(x − mean) / scale`, with a missing `x` replaced by `mean` (so it becomes 0).
    Numeric {
        column: String,
        mean: f64,
        scale: f64,
    },
    /// One input per category seen in training; unseen or missing values are all zeros.
    OneHot {
        column: String,
        categories: Vec<String>,
    },
}

/// The arithmetic numbers are standardized in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Arithmetic {
    /// `(x − mean) / scale` in f64: the reference, what the linear models fit.
    #[default]
    F64,
    /// As the exported ONNX graph computes it: `(x₃₂ − mean₃₂) · (1 / scale)₃₂`, each
    /// step rounded to f32. A model that compares inputs with thresholds (a tree)
    /// reads these, so that a value on a threshold goes the same way in Studio and
    /// in ONNX Runtime.
    OnnxF32,
}

/// The fitted preprocessing, in feature order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preprocessor {
    pub steps: Vec<FeatureStep>,
}

#[derive(Debug, Clone, PartialEq, Error)]
pub enum PrepError {
    #[error("column \"{0}\" is not in the data")]
    MissingColumn(String),
    #[error("column \"{0}\" holds {1} values, which the model cannot use; set its role to ignore")]
    TextColumn(String, &'static str),
    #[error(
        "no feature columns are left to learn from: keep at least one number or category column besides the target"
    )]
    NoFeatures,
}

impl Preprocessor {
    /// Fits each feature column's step on the `train` rows.
    pub fn fit(frame: &Frame, features: &[String], train: &[usize]) -> Result<Self, PrepError> {
        if features.is_empty() {
            return Err(PrepError::NoFeatures);
        }
        let steps = features
            .iter()
            .map(|name| {
                let column = frame
                    .column(name)
                    .ok_or_else(|| PrepError::MissingColumn(name.clone()))?;
                match column.kind() {
                    kind if kind.is_numeric() => {
                        let present: Vec<f64> =
                            train.iter().filter_map(|&r| column.number(r)).collect();
                        let mean = if present.is_empty() {
                            0.0
                        } else {
                            present.iter().sum::<f64>() / present.len() as f64
                        };
                        // Variance of the imputed column: imputed rows sit at the mean.
                        let n = train.len().max(1) as f64;
                        let var = present.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
                        let scale = if var > 0.0 { var.sqrt() } else { 1.0 };
                        Ok(FeatureStep::Numeric {
                            column: name.clone(),
                            mean,
                            scale,
                        })
                    }
                    ColumnType::Categorical => {
                        let mut categories: Vec<String> =
                            train.iter().filter_map(|&r| column.text(r)).collect();
                        categories.sort();
                        categories.dedup();
                        Ok(FeatureStep::OneHot {
                            column: name.clone(),
                            categories,
                        })
                    }
                    kind => Err(PrepError::TextColumn(name.clone(), kind.name())),
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { steps })
    }

    /// How many model inputs the steps make.
    pub fn width(&self) -> usize {
        self.steps
            .iter()
            .map(|step| match step {
                FeatureStep::Numeric { .. } => 1,
                FeatureStep::OneHot { categories, .. } => categories.len(),
            })
            .sum()
    }

    /// The model inputs of `rows`, row-major (`rows.len()` × [`width`](Self::width)).
    pub fn transform(&self, frame: &Frame, rows: &[usize]) -> Result<Vec<f64>, PrepError> {
        self.transform_as(frame, rows, Arithmetic::F64)
    }

    /// [`transform`](Self::transform) in the given arithmetic.
    pub fn transform_as(
        &self,
        frame: &Frame,
        rows: &[usize],
        arithmetic: Arithmetic,
    ) -> Result<Vec<f64>, PrepError> {
        let width = self.width();
        let mut out = vec![0.0; rows.len() * width];
        let mut offset = 0;
        for step in &self.steps {
            match step {
                FeatureStep::Numeric {
                    column,
                    mean,
                    scale,
                } => {
                    let col = frame
                        .column(column)
                        .ok_or_else(|| PrepError::MissingColumn(column.clone()))?;
                    if !col.kind().is_numeric() {
                        return Err(PrepError::MissingColumn(column.clone()));
                    }
                    let (mean32, inverse32) = (*mean as f32, (1.0 / scale) as f32);
                    for (i, &r) in rows.iter().enumerate() {
                        let x = col.number(r).unwrap_or(*mean);
                        out[i * width + offset] = match arithmetic {
                            Arithmetic::F64 => (x - mean) / scale,
                            Arithmetic::OnnxF32 => f64::from((x as f32 - mean32) * inverse32),
                        };
                    }
                    offset += 1;
                }
                FeatureStep::OneHot { column, categories } => {
                    let col = frame
                        .column(column)
                        .ok_or_else(|| PrepError::MissingColumn(column.clone()))?;
                    for (i, &r) in rows.iter().enumerate() {
                        if let Some(k) = label(col, r)
                            .and_then(|v| categories.binary_search_by(|c| c.as_str().cmp(&v)).ok())
                        {
                            out[i * width + offset + k] = 1.0;
                        }
                    }
                    offset += categories.len();
                }
            }
        }
        Ok(out)
    }
}

/// A category's label without allocating when the column is coded.
fn label(column: &Column, row: usize) -> Option<Cow<'_, str>> {
    column
        .level(row)
        .map(Cow::Borrowed)
        .or_else(|| column.text(row).map(Cow::Owned))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::read_csv;

    #[test]
    fn fits_on_training_rows_and_encodes_unseen_and_missing_as_zeros() {
        let frame = read_csv(b"x,c\n1,a\n3,b\nNA,a\n100,c\n7,b\n8,c\n", "t.csv").expect("reads");
        let prep = Preprocessor::fit(&frame, &["x".into(), "c".into()], &[0, 1, 2]).expect("fits");
        // Train x: 1, 3, (missing → 2): mean 2, population std sqrt(2/3).
        let scale = (2.0f64 / 3.0).sqrt();
        assert_eq!(
            prep.steps[0],
            FeatureStep::Numeric {
                column: "x".into(),
                mean: 2.0,
                scale
            }
        );
        assert_eq!(prep.width(), 3);
        let x = prep.transform(&frame, &[2, 3]).expect("transforms");
        assert_eq!(x, vec![0.0, 1.0, 0.0, 98.0 / scale, 0.0, 0.0]);
    }
}
