//! The fitted linear SVM: scikit-learn's `coef_` and `intercept_`, its decision
//! values, and those values turned into a distribution over the classes.

use serde::{Deserialize, Serialize};

use crate::export::graph::{self, Graph, ML_DOMAIN, batch, finite, fixed};
use crate::export::onnx::{ExportError, LABEL, PROBABILITIES, check_width};
use crate::export::onnx_proto::tensor_proto::DataType;
use crate::learner::{Model, Output};
use crate::model::softmax;

/// A linear SVM over the preprocessed inputs, one-vs-rest for three classes or
/// more.
///
/// Its `probabilities` are its decision values made into a distribution, the
/// softmax of the one-vs-rest values or `[1 − σ(s), σ(s)]` for two classes: a
/// ranking of the classes, not calibrated probabilities (an SVM estimates none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearSvmModel {
    pub classes: Vec<String>,
    /// One row per class; for two classes one row, whose positive side is the
    /// second class (as scikit-learn's `coef_`).
    pub coef: Vec<Vec<f64>>,
    pub intercept: Vec<f64>,
}

impl LinearSvmModel {
    pub(super) fn check(&self) -> Result<(), String> {
        let k = self.classes.len();
        let rows = if k == 2 { 1 } else { k };
        if k < 2 {
            return Err(format!(
                "a classifier needs at least two classes, and this one has {k}"
            ));
        }
        if self.coef.len() != rows || self.intercept.len() != rows {
            return Err(format!(
                "{k} classes need {rows} coefficient rows and intercepts, not {} and {}",
                self.coef.len(),
                self.intercept.len()
            ));
        }
        let width = self.inputs();
        if self.coef.iter().any(|row| row.len() != width) {
            return Err("every coefficient row needs one weight per input".into());
        }
        Ok(())
    }

    /// scikit-learn's `decision_function` for each row of `x` (row-major,
    /// [`Model::inputs`] wide): one value per coefficient row, `w·x + b`.
    pub fn decision_function(&self, x: &[f64]) -> Vec<Vec<f64>> {
        x.chunks(self.inputs().max(1))
            .map(|row| {
                self.coef
                    .iter()
                    .zip(&self.intercept)
                    .map(|(w, b)| w.iter().zip(row).map(|(w, x)| w * x).sum::<f64>() + b)
                    .collect()
            })
            .collect()
    }
}

/// Decision values as a distribution: for two classes `[1 − σ(s), σ(s)]`, the
/// softmax of `[0, s]`; otherwise the softmax of the values. Its largest entry
/// is the class the largest decision value picks.
fn distribution(decision: &[f64]) -> Vec<f64> {
    match decision {
        [s] => softmax(&[0.0, *s]),
        values => softmax(values),
    }
}

impl Model for LinearSvmModel {
    fn family(&self) -> &'static str {
        "linear_svm"
    }

    fn inputs(&self) -> usize {
        self.coef.first().map_or(0, Vec::len)
    }

    fn classes(&self) -> &[String] {
        &self.classes
    }

    fn predict(&self, x: &[f64]) -> Output {
        Output::Classes {
            classes: self.classes.clone(),
            probabilities: self
                .decision_function(x)
                .iter()
                .map(|d| distribution(d))
                .collect(),
        }
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    fn outputs(&self) -> &'static [&'static str] {
        &[LABEL, PROBABILITIES]
    }

    /// `LinearClassifier` for the raw decision values, then `Softmax`. Two
    /// classes are written as two rows, zeros and the model's: the scores are
    /// `[0, s]`, whose softmax is `[1 − σ(s), σ(s)]` and whose first largest entry
    /// is the class Studio picks (the first on a tie at `s = 0`).
    fn write_onnx(&self, graph: &mut Graph, features: &str) -> Result<String, ExportError> {
        self.check().map_err(ExportError::Inconsistent)?;
        let (classes, width) = (&self.classes, self.inputs());
        let mut coefficients = Vec::with_capacity(classes.len() * width);
        let mut intercepts = Vec::with_capacity(classes.len());
        if classes.len() == 2 {
            coefficients.resize(width, 0.0);
            intercepts.push(0.0);
        }
        for (i, (row, &b)) in self.coef.iter().zip(&self.intercept).enumerate() {
            check_width(row.len(), width)?;
            for (j, &w) in row.iter().enumerate() {
                coefficients.push(finite(&format!("coefficient {j} of row {i}"), w)?);
            }
            intercepts.push(finite(&format!("the intercept of row {i}"), b)?);
        }
        let scores = graph.internal("decision");
        graph.node(
            "LinearClassifier",
            ML_DOMAIN,
            &[features],
            &[LABEL, &scores],
            vec![
                graph::floats("coefficients", coefficients),
                graph::floats("intercepts", intercepts),
                graph::strings("classlabels_strings", classes),
                // One-vs-rest scores, left raw: the softmax follows as its own node.
                graph::int("multi_class", 0),
                graph::string("post_transform", "NONE"),
            ],
        );
        graph.node(
            "Softmax",
            "",
            &[&scores],
            &[PROBABILITIES],
            vec![graph::int("axis", 1)],
        );
        graph.output(LABEL, DataType::String, &[batch()]);
        graph.output(
            PROBABILITIES,
            DataType::Float,
            &[batch(), fixed(classes.len())],
        );
        Ok(format!(
            "linear SVM into {} classes: {}. Outputs: label, the predicted class (string, [N]); \
             probabilities, the softmax of the decision values, one column per class in that \
             order (float, [N, {}]): scores made into a distribution, not calibrated \
             probabilities.",
            classes.len(),
            classes.join(", "),
            classes.len()
        ))
    }

    fn clone_box(&self) -> Box<dyn Model> {
        Box::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::argmax;

    fn model(coef: Vec<Vec<f64>>, intercept: Vec<f64>, classes: &[&str]) -> LinearSvmModel {
        LinearSvmModel {
            classes: classes.iter().map(|c| (*c).to_owned()).collect(),
            coef,
            intercept,
        }
    }

    #[test]
    fn two_classes_give_the_sigmoid_of_the_decision_value() {
        let m = model(vec![vec![2.0]], vec![-1.0], &["no", "yes"]);
        assert!(m.check().is_ok());
        let Output::Classes { probabilities, .. } = m.predict(&[1.0, 0.5]) else {
            panic!("classes")
        };
        let sigmoid = 1.0 / (1.0 + (-1.0f64).exp());
        assert!((probabilities[0][1] - sigmoid).abs() < 1e-15);
        assert!((probabilities[0][0] - (1.0 - sigmoid)).abs() < 1e-15);
        // At s = 0 the first class is picked, as scikit-learn's `decision > 0`.
        assert_eq!(probabilities[1], [0.5, 0.5]);
        assert_eq!(argmax(&probabilities[1]), 0);
    }

    #[test]
    fn more_classes_give_the_softmax_of_the_one_vs_rest_values() {
        let m = model(
            vec![vec![1.0], vec![-1.0], vec![0.0]],
            vec![0.0, 0.0, 0.5],
            &["a", "b", "c"],
        );
        assert_eq!(m.decision_function(&[2.0]), [vec![2.0, -2.0, 0.5]]);
        let Output::Classes { probabilities, .. } = m.predict(&[2.0]) else {
            panic!("classes")
        };
        assert_eq!(probabilities[0], softmax(&[2.0, -2.0, 0.5]));
    }

    #[test]
    fn inconsistent_shapes_are_refused() {
        let two_rows = model(vec![vec![1.0], vec![1.0]], vec![0.0, 0.0], &["a", "b"]);
        assert!(two_rows.check().is_err());
        let ragged = model(
            vec![vec![1.0], vec![1.0, 2.0], vec![0.0]],
            vec![0.0; 3],
            &["a", "b", "c"],
        );
        assert!(ragged.check().is_err());
        assert!(model(vec![vec![1.0]], vec![0.0], &["a"]).check().is_err());
    }
}
