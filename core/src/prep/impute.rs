//! Missing numbers become their column's training mean (scikit-learn's
//! `SimpleImputer(strategy="mean")`; ONNX `Imputer`).

use serde::{Deserialize, Serialize};

use super::{Arithmetic, Layout, PrepError, Table, Tensors, Transform};
use crate::export::ExportError;
use crate::export::graph::{self, Graph, ML_DOMAIN, finite};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImputeMean {
    pub columns: Vec<String>,
    /// Each column's mean over the training rows where it is present (0 where it
    /// never is).
    pub means: Vec<f64>,
}

impl ImputeMean {
    pub fn fit(table: &Table<'_>, columns: &[String]) -> Result<Self, PrepError> {
        let offsets = table.offsets(columns)?;
        let mut sums = vec![0.0; columns.len()];
        let mut counts = vec![0usize; columns.len()];
        for row in table.rows() {
            for (i, &at) in offsets.iter().enumerate() {
                if !row[at].is_nan() {
                    sums[i] += row[at];
                    counts[i] += 1;
                }
            }
        }
        let means = sums
            .iter()
            .zip(&counts)
            .map(|(&sum, &count)| if count == 0 { 0.0 } else { sum / count as f64 })
            .collect();
        Ok(Self {
            columns: columns.to_vec(),
            means,
        })
    }

    fn pairs(&self) -> Result<impl Iterator<Item = (&String, f64)>, PrepError> {
        if self.columns.len() != self.means.len() {
            return Err(PrepError::Inconsistent(
                "mean imputation has a different number of columns and means".to_owned(),
            ));
        }
        Ok(self.columns.iter().zip(self.means.iter().copied()))
    }
}

impl Transform for ImputeMean {
    fn reshape(&self, layout: &mut Layout) -> Result<(), PrepError> {
        for (column, _) in self.pairs()? {
            layout.number(column)?;
        }
        Ok(())
    }

    fn apply(&self, table: &mut Table<'_>, arithmetic: Arithmetic) -> Result<(), PrepError> {
        // ONNX holds the means as floats.
        let fills: Vec<f64> = self
            .pairs()?
            .map(|(_, mean)| match arithmetic {
                Arithmetic::F64 => mean,
                Arithmetic::OnnxF32 => f64::from(mean as f32),
            })
            .collect();
        table.update(&self.columns, |i, x| if x.is_nan() { fills[i] } else { x })
    }

    fn write_onnx(&self, graph: &mut Graph, tensors: &mut Tensors) -> Result<(), ExportError> {
        let pairs = self
            .pairs()
            .map_err(|e| ExportError::Inconsistent(e.to_string()))?;
        for (column, mean) in pairs {
            let mean = finite(&format!("the mean of \"{column}\""), mean)?;
            let imputed = graph.internal("imputed");
            graph.node(
                "Imputer",
                ML_DOMAIN,
                &[tensors.get(column)?],
                &[&imputed],
                vec![
                    graph::floats("imputed_value_floats", vec![mean]),
                    graph::float("replaced_value_float", f32::NAN),
                ],
            );
            tensors.set(column, imputed);
        }
        Ok(())
    }
}
