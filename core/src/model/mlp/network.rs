//! A fitted multi-layer perceptron: its weights as scikit-learn's `coefs_` and
//! `intercepts_` hold them, how it scores rows in f64, and its ONNX graph.

use serde::{Deserialize, Serialize};

use super::super::{sigmoid, softmax};
use crate::export::graph::{Graph, batch, finite, fixed};
use crate::export::onnx::{ExportError, LABEL, PREDICTION, PROBABILITIES};
use crate::export::onnx_proto::tensor_proto::DataType;
use crate::learner::{Model, Output};

/// The hidden layers' activation, as scikit-learn names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    Relu,
    Tanh,
    Logistic,
    Identity,
}

impl Activation {
    pub const NAMES: &'static [&'static str] = &["relu", "tanh", "logistic", "identity"];

    const ALL: [Self; 4] = [Self::Relu, Self::Tanh, Self::Logistic, Self::Identity];

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// scikit-learn's name, as in [`Activation::NAMES`].
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn apply(self, z: f64) -> f64 {
        match self {
            Self::Relu => z.max(0.0),
            Self::Tanh => z.tanh(),
            Self::Logistic => sigmoid(z),
            Self::Identity => z,
        }
    }

    /// The ONNX operator, none for the identity.
    fn onnx(self) -> Option<&'static str> {
        match self {
            Self::Relu => Some("Relu"),
            Self::Tanh => Some("Tanh"),
            Self::Logistic => Some("Sigmoid"),
            Self::Identity => None,
        }
    }
}

/// A fitted network. The last layer's outputs are the class scores (a softmax
/// over them, or for two classes one logistic unit for the second class) or
/// the predicted value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MlpModel {
    /// Empty for a regressor.
    pub classes: Vec<String>,
    pub activation: Activation,
    /// Per layer, `fan_in × fan_out`: `coefs[l][i][j]` weighs input `i` into unit `j`.
    pub coefs: Vec<Vec<Vec<f64>>>,
    /// Per layer, `fan_out` biases.
    pub intercepts: Vec<Vec<f64>>,
}

impl MlpModel {
    /// The width of every layer, inputs first.
    pub fn widths(&self) -> Vec<usize> {
        let mut widths = vec![self.inputs()];
        widths.extend(self.intercepts.iter().map(Vec::len));
        widths
    }

    /// The outputs a consistent model has: one per class, or a single logistic
    /// unit for two classes, or one value.
    fn outputs_wanted(&self) -> usize {
        match self.classes.len() {
            0 | 2 => 1,
            k => k,
        }
    }

    pub fn check(&self) -> Result<(), String> {
        if self.coefs.is_empty() || self.coefs.len() != self.intercepts.len() {
            return Err("it needs as many layers of weights as of intercepts, at least one".into());
        }
        if self.classes.len() == 1 {
            return Err("a classifier needs at least two classes".into());
        }
        let mut width = self.inputs();
        for (l, (w, b)) in self.coefs.iter().zip(&self.intercepts).enumerate() {
            if w.len() != width || w.iter().any(|row| row.len() != b.len()) || b.is_empty() {
                return Err(format!(
                    "layer {l} must take {width} inputs and give as many outputs as it has \
                     intercepts"
                ));
            }
            width = b.len();
        }
        if width != self.outputs_wanted() {
            return Err(format!(
                "the last layer gives {width} outputs, where {} are needed",
                self.outputs_wanted()
            ));
        }
        Ok(())
    }

    /// The last layer's raw outputs for one row.
    fn forward(&self, row: &[f64]) -> Vec<f64> {
        let last = self.coefs.len() - 1;
        let mut a = row.to_vec();
        for (l, (w, b)) in self.coefs.iter().zip(&self.intercepts).enumerate() {
            let mut z = b.clone();
            for (x, weights) in a.iter().zip(w) {
                for (z, w) in z.iter_mut().zip(weights) {
                    *z += x * w;
                }
            }
            if l < last {
                z.iter_mut().for_each(|v| *v = self.activation.apply(*v));
            }
            a = z;
        }
        a
    }
}

impl Model for MlpModel {
    fn family(&self) -> &'static str {
        "mlp"
    }

    fn inputs(&self) -> usize {
        self.coefs.first().map_or(0, Vec::len)
    }

    fn classes(&self) -> &[String] {
        &self.classes
    }

    fn predict(&self, x: &[f64]) -> Output {
        let rows = x
            .chunks(self.inputs().max(1))
            .map(|row| {
                let z = self.forward(row);
                match self.classes.len() {
                    0 => z,
                    2 => {
                        let p = sigmoid(z[0]);
                        vec![1.0 - p, p]
                    }
                    _ => softmax(&z),
                }
            })
            .collect();
        Output::per_row(&self.classes, rows)
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    fn outputs(&self) -> &'static [&'static str] {
        if self.classes.is_empty() {
            &[PREDICTION]
        } else {
            &[LABEL, PROBABILITIES]
        }
    }

    /// `MatMul`, `Add` and the activation per layer; then a softmax, a logistic
    /// unit and its complement, or the value.
    fn write_onnx(&self, graph: &mut Graph, features: &str) -> Result<String, ExportError> {
        self.check().map_err(ExportError::Inconsistent)?;
        let last = self.coefs.len() - 1;
        let mut input = features.to_owned();
        for (l, (w, b)) in self.coefs.iter().zip(&self.intercepts).enumerate() {
            let mut weights = Vec::with_capacity(w.len() * b.len());
            for (i, row) in w.iter().enumerate() {
                for (j, &v) in row.iter().enumerate() {
                    weights.push(finite(&format!("weight {i}→{j} of layer {l}"), v)?);
                }
            }
            let biases = b
                .iter()
                .enumerate()
                .map(|(j, &v)| finite(&format!("intercept {j} of layer {l}"), v))
                .collect::<Result<Vec<_>, _>>()?;
            let weights = graph.constant("weights", &[w.len(), b.len()], weights);
            let biases = graph.constant("intercepts", &[b.len()], biases);
            let (product, z) = (graph.internal("product"), graph.internal("z"));
            graph.node("MatMul", "", &[&input, &weights], &[&product], vec![]);
            let is_output = l == last;
            let z = if is_output && self.classes.is_empty() {
                PREDICTION.to_owned()
            } else {
                z
            };
            graph.node("Add", "", &[&product, &biases], &[&z], vec![]);
            input = match (is_output, self.activation.onnx()) {
                (false, Some(op)) => {
                    let a = graph.internal("activation");
                    graph.node(op, "", &[&z], &[&a], vec![]);
                    a
                }
                _ => z,
            };
        }
        let layers = self.widths()[1..]
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(" → ");
        let k = self.classes.len();
        if k == 0 {
            graph.output(PREDICTION, DataType::Float, &[batch(), fixed(1)]);
            return Ok(format!(
                "multi-layer perceptron ({} inputs → {layers}, {} hidden units). Output: \
                 prediction, the predicted value (float, [N, 1]).",
                self.inputs(),
                self.activation.name()
            ));
        }
        graph.classify(&input, &self.classes);
        Ok(format!(
            "multi-layer perceptron ({} inputs → {layers}, {} hidden units) into {k} classes: \
             {}. Outputs: label, the predicted class (string, [N]); probabilities, one column \
             per class in that order (float, [N, {k}]).",
            self.inputs(),
            self.activation.name(),
            self.classes.join(", ")
        ))
    }

    fn clone_box(&self) -> Box<dyn Model> {
        Box::new(self.clone())
    }
}
