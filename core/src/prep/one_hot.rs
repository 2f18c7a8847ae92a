//! A category column becomes one input per category seen in training; an unseen
//! or missing value is all zeros (scikit-learn's `OneHotEncoder(handle_unknown=
//! "ignore")`; ONNX `OneHotEncoder` then `Flatten`).

use serde::{Deserialize, Serialize};

use super::{Arithmetic, Layout, PrepError, Table, Tensors, Transform};
use crate::export::ExportError;
use crate::export::graph::{self, Graph, ML_DOMAIN};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneHot {
    pub columns: Vec<String>,
    /// Each column's categories, sorted: its inputs, in this order.
    pub categories: Vec<Vec<String>>,
}

impl OneHot {
    pub fn fit(table: &Table<'_>, columns: &[String]) -> Result<Self, PrepError> {
        let categories = columns
            .iter()
            .map(|name| {
                let mut seen: Vec<String> = table
                    .labels(name)?
                    .flatten()
                    .map(|label| label.into_owned())
                    .collect();
                seen.sort();
                seen.dedup();
                Ok(seen)
            })
            .collect::<Result<_, PrepError>>()?;
        Ok(Self {
            columns: columns.to_vec(),
            categories,
        })
    }

    fn pairs(&self) -> Result<impl Iterator<Item = (&String, &Vec<String>)>, PrepError> {
        if self.columns.len() != self.categories.len() {
            return Err(PrepError::Inconsistent(
                "one-hot encoding has a different number of columns and category lists".to_owned(),
            ));
        }
        Ok(self.columns.iter().zip(&self.categories))
    }
}

impl Transform for OneHot {
    fn reshape(&self, layout: &mut Layout) -> Result<(), PrepError> {
        for (column, categories) in self.pairs()? {
            layout.encode(column, categories.len())?;
        }
        Ok(())
    }

    fn apply(&self, table: &mut Table<'_>, _: Arithmetic) -> Result<(), PrepError> {
        for (column, categories) in self.pairs()? {
            table.encode(column, |label, inputs| {
                if let Some(k) =
                    label.and_then(|v| categories.binary_search_by(|c| c.as_str().cmp(v)).ok())
                {
                    inputs[k] = 1.0;
                }
            })?;
        }
        Ok(())
    }

    fn write_onnx(&self, graph: &mut Graph, tensors: &mut Tensors) -> Result<(), ExportError> {
        let pairs = self
            .pairs()
            .map_err(|e| ExportError::Inconsistent(e.to_string()))?;
        for (column, categories) in pairs {
            // No categories means no model inputs: the column is accepted and unused.
            if categories.is_empty() {
                continue;
            }
            let (encoded, flat) = (graph.internal("onehot"), graph.internal("encoded"));
            graph.node(
                "OneHotEncoder",
                ML_DOMAIN,
                &[tensors.get(column)?],
                &[&encoded],
                vec![
                    graph::strings("cats_strings", categories),
                    graph::int("zeros", 1),
                ],
            );
            // OneHotEncoder appends the category axis: [N, 1] → [N, 1, C] → [N, C].
            graph.node(
                "Flatten",
                "",
                &[&encoded],
                &[&flat],
                vec![graph::int("axis", 1)],
            );
            tensors.set(column, flat);
        }
        Ok(())
    }
}
