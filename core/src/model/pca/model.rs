//! A fitted PCA: rows in, their coordinates along the components out.

use serde::{Deserialize, Serialize};

use crate::export::graph::{Graph, batch, finite, fixed};
use crate::export::onnx::ExportError;
use crate::export::onnx_proto::tensor_proto::DataType;
use crate::learner::{Model, Output};

/// ONNX output: each row's coordinates along the components, `tensor(float)` `[N, k]`.
pub const PROJECTION: &str = "projection";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PcaModel {
    /// Each input's mean over the training rows, subtracted first.
    pub mean: Vec<f64>,
    /// The components, `k` rows of one weight per input: scikit-learn's `components_`.
    pub components: Vec<Vec<f64>>,
    /// The variance along each component (divided by rows − 1, as scikit-learn).
    pub explained_variance: Vec<f64>,
    /// Each component's share of the inputs' total variance.
    pub explained_variance_ratio: Vec<f64>,
    pub singular_values: Vec<f64>,
    /// Whether the projection is divided by each component's standard deviation.
    pub whiten: bool,
}

impl PcaModel {
    pub(super) fn check(&self) -> Result<(), String> {
        let (k, d) = (self.components.len(), self.mean.len());
        if k == 0 || d == 0 {
            return Err("PCA needs at least one component over one input".into());
        }
        if self.components.iter().any(|c| c.len() != d) {
            return Err("every component needs one weight per input".into());
        }
        if [
            &self.explained_variance,
            &self.explained_variance_ratio,
            &self.singular_values,
        ]
        .iter()
        .any(|v| v.len() != k)
        {
            return Err("PCA needs a variance, a ratio and a singular value per component".into());
        }
        if self
            .explained_variance
            .iter()
            .any(|v| !v.is_finite() || *v < 0.0)
        {
            return Err("every explained variance must be finite and not below zero".into());
        }
        Ok(())
    }

    /// What each component's coordinate is multiplied by: one, or with `whiten`
    /// one over its standard deviation (kept from dividing by zero as
    /// scikit-learn keeps it, at machine epsilon).
    fn scales(&self) -> Vec<f64> {
        self.explained_variance
            .iter()
            .map(|v| match self.whiten {
                true => 1.0 / v.sqrt().max(f64::EPSILON),
                false => 1.0,
            })
            .collect()
    }
}

impl Model for PcaModel {
    fn family(&self) -> &'static str {
        "pca"
    }

    fn inputs(&self) -> usize {
        self.mean.len()
    }

    fn predict(&self, x: &[f64]) -> Output {
        let scales = self.scales();
        let rows = x
            .chunks(self.mean.len().max(1))
            .map(|row| {
                self.components
                    .iter()
                    .zip(&scales)
                    .map(|(component, scale)| {
                        row.iter()
                            .zip(&self.mean)
                            .zip(component)
                            .map(|((v, m), w)| (v - m) * w)
                            .sum::<f64>()
                            * scale
                    })
                    .collect()
            })
            .collect();
        Output::Projection {
            rows,
            explained_variance: self.explained_variance.clone(),
            explained_variance_ratio: self.explained_variance_ratio.clone(),
        }
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    fn outputs(&self) -> &'static [&'static str] {
        &[PROJECTION]
    }

    /// `(x − mean) · Wᵀ`: one `Sub` and one `MatMul`, the whitening folded into `W`.
    fn write_onnx(&self, graph: &mut Graph, features: &str) -> Result<String, ExportError> {
        self.check().map_err(ExportError::Inconsistent)?;
        let (k, d) = (self.components.len(), self.mean.len());
        let scales = self.scales();
        let mut weights = vec![0.0f32; d * k];
        for (c, (component, scale)) in self.components.iter().zip(&scales).enumerate() {
            for (j, w) in component.iter().enumerate() {
                weights[j * k + c] = finite(&format!("weight {j} of component {c}"), w * scale)?;
            }
        }
        let mean = self
            .mean
            .iter()
            .map(|&m| finite("an input mean", m))
            .collect::<Result<Vec<_>, _>>()?;
        let mean = graph.constant("mean", &[d], mean);
        let weights = graph.constant("components_t", &[d, k], weights);
        let centred = graph.internal("centred");
        graph.node("Sub", "", &[features, &mean], &[&centred], vec![]);
        graph.node("MatMul", "", &[&centred, &weights], &[PROJECTION], vec![]);
        graph.output(PROJECTION, DataType::Float, &[batch(), fixed(k)]);
        let explained: f64 = self.explained_variance_ratio.iter().sum();
        Ok(format!(
            "PCA onto {k} components{}, explaining {:.1} % of the inputs' variance. Output: \
             projection, each row's coordinates along the components (float, [N, {k}]).",
            if self.whiten { ", whitened" } else { "" },
            100.0 * explained
        ))
    }

    fn clone_box(&self) -> Box<dyn Model> {
        Box::new(self.clone())
    }
}
