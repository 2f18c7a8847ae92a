//! A number column becomes one input per bin: 1 in the bin its value falls in,
//! all zeros when it is missing (scikit-learn's `KBinsDiscretizer` with one-hot
//! output). The edges are fitted on the training rows: quantiles (scikit-learn's
//! default, averaged inverted CDF, over every row where scikit-learn subsamples
//! 200,000) or equal widths, edges closer than 1e-8 merged as scikit-learn merges
//! them. A value on an edge goes to the bin above it.

use serde::{Deserialize, Serialize};

use super::{Arithmetic, Layout, PrepError, Table, Tensors, Transform};
use crate::export::ExportError;
use crate::export::graph::{self, Graph};
use crate::export::onnx_proto::tensor_proto::DataType;

/// How bin edges are placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinStrategy {
    /// About as many training rows in each bin.
    Quantile,
    /// Bins of equal width between the training minimum and maximum.
    Uniform,
}

impl BinStrategy {
    pub fn named(name: &str) -> Option<Self> {
        match name {
            "quantile" => Some(Self::Quantile),
            "uniform" => Some(Self::Uniform),
            _ => None,
        }
    }
}

/// Edges closer than this are one edge (scikit-learn's tolerance).
const MERGE: f64 = 1e-8;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bins {
    pub columns: Vec<String>,
    /// Each column's edges between its bins, ascending: one fewer than its bins.
    pub edges: Vec<Vec<f64>>,
}

impl Bins {
    /// At most `bins` bins per column, from the training rows of `table`; a
    /// column with no value in training has one bin.
    pub fn fit(
        table: &Table<'_>,
        columns: &[String],
        bins: usize,
        strategy: BinStrategy,
    ) -> Result<Self, PrepError> {
        let offsets = table.offsets(columns)?;
        let edges = offsets
            .iter()
            .map(|&at| {
                let mut values: Vec<f64> = table
                    .rows()
                    .map(|row| row[at])
                    .filter(|v| v.is_finite())
                    .collect();
                values.sort_by(f64::total_cmp);
                inner_edges(&values, bins.max(1), strategy)
            })
            .collect();
        Ok(Self {
            columns: columns.to_vec(),
            edges,
        })
    }

    fn pairs(&self) -> Result<impl Iterator<Item = (&String, &Vec<f64>)>, PrepError> {
        if self.columns.len() != self.edges.len()
            || self
                .edges
                .iter()
                .any(|e| e.iter().any(|v| !v.is_finite()) || e.windows(2).any(|w| w[0] >= w[1]))
        {
            return Err(PrepError::Inconsistent(
                "binning needs one list of ascending finite edges per column".to_owned(),
            ));
        }
        Ok(self.columns.iter().zip(&self.edges))
    }
}

/// The edges between bins of the sorted finite `values`.
fn inner_edges(values: &[f64], bins: usize, strategy: BinStrategy) -> Vec<f64> {
    let (Some(&min), Some(&max)) = (values.first(), values.last()) else {
        return Vec::new();
    };
    if min == max {
        return Vec::new();
    }
    let all: Vec<f64> = (0..=bins)
        .map(|i| match (strategy, i == bins) {
            (BinStrategy::Uniform, true) => max,
            (BinStrategy::Uniform, false) => min + i as f64 * ((max - min) / bins as f64),
            (BinStrategy::Quantile, true) => max,
            (BinStrategy::Quantile, false) => {
                quantile(values, i as f64 * (100.0 / bins as f64) / 100.0)
            }
        })
        .collect();
    // An edge within the tolerance of the one before it (as computed, not as
    // kept: scikit-learn's `ediff1d`) is dropped.
    let merge = match strategy {
        BinStrategy::Quantile => MERGE,
        BinStrategy::Uniform => 0.0,
    };
    let mut kept = vec![all[0]];
    kept.extend(all.windows(2).filter(|w| w[1] - w[0] > merge).map(|w| w[1]));
    // The outer edges bound nothing: values below or above them join the end bins.
    kept.get(1..kept.len().saturating_sub(1))
        .map(<[f64]>::to_vec)
        .unwrap_or_default()
}

/// numpy's `percentile(values, 100 q, method="averaged_inverted_cdf")`, the
/// default of scikit-learn's binning: the value where the empirical distribution
/// reaches `q`, or the mean of the two values either side where it reaches it
/// exactly between them; interpolated as numpy writes it, so edges agree to the bit.
fn quantile(values: &[f64], q: f64) -> f64 {
    let n = values.len();
    let index = n as f64 * q - 1.0;
    if index < 0.0 {
        return values[0];
    }
    if index >= (n - 1) as f64 {
        return values[n - 1];
    }
    let below = index.floor();
    let (lo, hi) = (values[below as usize], values[below as usize + 1]);
    if index == below {
        // numpy's lerp at t = ½ counts from the upper value.
        hi - (hi - lo) * 0.5
    } else {
        hi
    }
}

impl Transform for Bins {
    fn reshape(&self, layout: &mut Layout) -> Result<(), PrepError> {
        for (column, edges) in self.pairs()? {
            layout.widen(column, edges.len() + 1)?;
        }
        Ok(())
    }

    fn apply(&self, table: &mut Table<'_>, arithmetic: Arithmetic) -> Result<(), PrepError> {
        for (column, edges) in self.pairs()? {
            match arithmetic {
                Arithmetic::F64 => table.widen(column, |x, inputs| {
                    if !x.is_nan() {
                        inputs[edges.partition_point(|&e| e <= x)] = 1.0;
                    }
                })?,
                Arithmetic::OnnxF32 => {
                    let edges32: Vec<f32> = edges.iter().map(|&e| e as f32).collect();
                    table.widen(column, |x, inputs| {
                        let x = x as f32;
                        if !x.is_nan() {
                            inputs[edges32.partition_point(|&e| e <= x)] = 1.0;
                        }
                    })?
                }
            }
        }
        Ok(())
    }

    fn write_onnx(&self, graph: &mut Graph, tensors: &mut Tensors) -> Result<(), ExportError> {
        let pairs = self
            .pairs()
            .map_err(|e| ExportError::Inconsistent(e.to_string()))?;
        for (column, edges) in pairs {
            let edges32: Vec<f32> = edges.iter().map(|&e| e as f32).collect();
            let width = edges.len() + 1;
            // Bin b holds x ≥ low_b and not x ≥ low_{b+1}. The first low is −∞ and
            // the last next NaN (x ≥ NaN is false): a missing x is in no bin, an
            // infinite one in an end bin.
            let low: Vec<f32> = std::iter::once(f32::NEG_INFINITY)
                .chain(edges32.iter().copied())
                .collect();
            let next: Vec<f32> = edges32.iter().copied().chain([f32::NAN]).collect();
            let (low, next) = (
                graph.constant("bin_low", &[width], low),
                graph.constant("bin_next", &[width], next),
            );
            let x = tensors.get(column)?.to_owned();
            let [above, past, before, inside, onehot] =
                ["above", "past", "before", "inside", "bins"].map(|what| graph.internal(what));
            graph.node("GreaterOrEqual", "", &[&x, &low], &[&above], vec![]);
            graph.node("GreaterOrEqual", "", &[&x, &next], &[&past], vec![]);
            graph.node("Not", "", &[&past], &[&before], vec![]);
            graph.node("And", "", &[&above, &before], &[&inside], vec![]);
            graph.node(
                "Cast",
                "",
                &[&inside],
                &[&onehot],
                vec![graph::int("to", DataType::Float as i64)],
            );
            tensors.set(column, onehot);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_edges_follow_numpy_and_merge_ties() {
        let values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        // np.percentile(1..10, [0, 25, 50, 75, 100], method="averaged_inverted_cdf")
        // = 1, 3, 5.5, 8, 10.
        assert_eq!(
            inner_edges(&values, 4, BinStrategy::Quantile),
            [3.0, 5.5, 8.0]
        );
        assert_eq!(inner_edges(&values, 3, BinStrategy::Uniform), [4.0, 7.0]);
        // Many equal values: the repeated quantiles are one edge.
        let ties = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0];
        assert_eq!(inner_edges(&ties, 4, BinStrategy::Quantile), [0.5]);
        assert!(inner_edges(&[3.0, 3.0], 5, BinStrategy::Quantile).is_empty());
        assert!(inner_edges(&[], 5, BinStrategy::Uniform).is_empty());
    }
}
