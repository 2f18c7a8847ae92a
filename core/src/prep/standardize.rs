//! Numbers become `(x − mean) / scale`, with the training rows' mean and
//! population standard deviation (scikit-learn's `StandardScaler`; ONNX `Scaler`).

use serde::{Deserialize, Serialize};

use super::{Arithmetic, Layout, PrepError, Table, Tensors, Transform};
use crate::export::ExportError;
use crate::export::graph::{self, Graph, ML_DOMAIN, finite};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standardize {
    pub columns: Vec<String>,
    pub means: Vec<f64>,
    /// Each column's standard deviation; 1 for a constant column, which then
    /// becomes all zeros.
    pub scales: Vec<f64>,
}

impl Standardize {
    /// Fitted on every row of `table`, so after imputation the imputed rows count,
    /// at the mean.
    pub fn fit(table: &Table<'_>, columns: &[String]) -> Result<Self, PrepError> {
        let offsets = table.offsets(columns)?;
        let n = table.len().max(1) as f64;
        let mut sums = vec![0.0; columns.len()];
        for row in table.rows() {
            for (sum, &at) in sums.iter_mut().zip(&offsets) {
                *sum += row[at];
            }
        }
        let means: Vec<f64> = sums
            .iter()
            .map(|s| if (s / n).is_finite() { s / n } else { 0.0 })
            .collect();
        let mut squares = vec![0.0; columns.len()];
        for row in table.rows() {
            for ((square, &at), mean) in squares.iter_mut().zip(&offsets).zip(&means) {
                *square += (row[at] - mean) * (row[at] - mean);
            }
        }
        let scales = squares
            .iter()
            .map(|square| {
                let var = square / n;
                if var > 0.0 && var.is_finite() {
                    var.sqrt()
                } else {
                    1.0
                }
            })
            .collect();
        Ok(Self {
            columns: columns.to_vec(),
            means,
            scales,
        })
    }

    fn triples(&self) -> Result<impl Iterator<Item = (&String, f64, f64)>, PrepError> {
        if self.columns.len() != self.means.len() || self.columns.len() != self.scales.len() {
            return Err(PrepError::Inconsistent(
                "standardization has a different number of columns, means and scales".to_owned(),
            ));
        }
        Ok(self
            .columns
            .iter()
            .zip(self.means.iter().copied())
            .zip(self.scales.iter().copied())
            .map(|((c, m), s)| (c, m, s)))
    }
}

impl Transform for Standardize {
    fn reshape(&self, layout: &mut Layout) -> Result<(), PrepError> {
        for (column, ..) in self.triples()? {
            layout.number(column)?;
        }
        Ok(())
    }

    fn apply(&self, table: &mut Table<'_>, arithmetic: Arithmetic) -> Result<(), PrepError> {
        let (means, scales): (Vec<f64>, Vec<f64>) = self
            .triples()?
            .map(|(_, mean, scale)| (mean, scale))
            .unzip();
        match arithmetic {
            Arithmetic::F64 => table.update(&self.columns, |i, x| (x - means[i]) / scales[i]),
            Arithmetic::OnnxF32 => {
                let means32: Vec<f32> = means.iter().map(|&m| m as f32).collect();
                let inverses32: Vec<f32> = scales.iter().map(|&s| (1.0 / s) as f32).collect();
                table.update(&self.columns, |i, x| {
                    f64::from((x as f32 - means32[i]) * inverses32[i])
                })
            }
        }
    }

    fn write_onnx(&self, graph: &mut Graph, tensors: &mut Tensors) -> Result<(), ExportError> {
        let triples = self
            .triples()
            .map_err(|e| ExportError::Inconsistent(e.to_string()))?;
        for (column, mean, scale) in triples {
            let mean = finite(&format!("the mean of \"{column}\""), mean)?;
            let inverse = finite(&format!("1 / the scale of \"{column}\""), 1.0 / scale)?;
            if inverse == 0.0 {
                return Err(ExportError::Inconsistent(format!(
                    "the scale of \"{column}\" is {scale}"
                )));
            }
            let scaled = graph.internal("scaled");
            graph.node(
                "Scaler",
                ML_DOMAIN,
                &[tensors.get(column)?],
                &[&scaled],
                vec![
                    graph::floats("offset", vec![mean]),
                    graph::floats("scale", vec![inverse]),
                ],
            );
            tensors.set(column, scaled);
        }
        Ok(())
    }
}
