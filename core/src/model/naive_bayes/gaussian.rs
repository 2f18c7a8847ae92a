//! Gaussian naive Bayes, as scikit-learn's `GaussianNB`: per class, the share of
//! training rows (the prior) and each input's mean and variance in that class,
//! every variance widened by `var_smoothing` times the largest input variance.
//! A row's class scores are its joint log-likelihoods,
//! `log πc − ½ Σⱼ log(2π σ²cj) − ½ Σⱼ (xⱼ − μcj)² / σ²cj`, and its probabilities
//! their softmax. Fitting is closed-form: one step.

use serde::{Deserialize, Serialize};

use super::{classes_of, counts_of, write_outputs};
use crate::export::graph::{self, Graph, finite};
use crate::export::onnx::{ExportError, LABEL, PROBABILITIES};
use crate::learner::{
    Family, Fit, FitError, Model, Output, ParamDefault, ParamKind, ParamSpec, Resolved, TrainingSet,
};
use crate::model::closed_form::ClosedForm;
use crate::model::softmax;
use crate::train::Task;

#[derive(Debug)]
pub struct GaussianNb;

const PARAMS: &[ParamSpec] = &[ParamSpec {
    name: "var_smoothing",
    aliases: &[],
    label: "Variance smoothing",
    kind: ParamKind::Float {
        min: 0.0,
        max: 1.0,
        min_exclusive: false,
    },
    default: ParamDefault::Float(1e-9),
    optional: false,
    log_scale: true,
    help: "A share of the largest input variance added to every variance, so that an input \
           constant within a class does not make the others' evidence impossible.",
}];

impl Family for GaussianNb {
    fn name(&self) -> &'static str {
        "gaussian_nb"
    }

    fn label(&self) -> &'static str {
        "Gaussian naive Bayes"
    }

    fn tasks(&self) -> &'static [Task] {
        &[Task::Classification]
    }

    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }

    fn start(&self, p: &Resolved, data: TrainingSet) -> Result<Box<dyn Fit>, FitError> {
        let (labels, classes) = classes_of(&data)?;
        let model = fit(
            &data.x,
            data.inputs,
            labels,
            classes,
            p.float("var_smoothing")?,
        )?;
        Ok(Box::new(ClosedForm::new(model)))
    }

    fn model_from_json(&self, value: serde_json::Value) -> Result<Box<dyn Model>, String> {
        let model: GaussianNbModel = serde_json::from_value(value).map_err(|e| e.to_string())?;
        model.check()?;
        Ok(Box::new(model))
    }
}

/// The closed-form fit, in f64.
fn fit(
    x: &[f64],
    inputs: usize,
    labels: &[usize],
    classes: &[String],
    var_smoothing: f64,
) -> Result<GaussianNbModel, FitError> {
    let (k, n) = (classes.len(), labels.len());
    let counts = counts_of(labels, classes)?;
    let mut sums = vec![vec![0.0; inputs]; k];
    for (row, &c) in x.chunks_exact(inputs.max(1)).zip(labels) {
        for (s, v) in sums[c].iter_mut().zip(row) {
            *s += v;
        }
    }
    let means: Vec<Vec<f64>> = sums
        .iter()
        .zip(&counts)
        .map(|(s, &c)| s.iter().map(|v| v / c as f64).collect())
        .collect();
    let mut squares = vec![vec![0.0; inputs]; k];
    // Every input's variance over all rows, for the smoothing.
    let overall: Vec<f64> = (0..inputs)
        .map(|j| {
            let mean = x.iter().skip(j).step_by(inputs).sum::<f64>() / n as f64;
            x.iter()
                .skip(j)
                .step_by(inputs)
                .map(|v| (v - mean) * (v - mean))
                .sum::<f64>()
                / n as f64
        })
        .collect();
    for (row, &c) in x.chunks_exact(inputs.max(1)).zip(labels) {
        for ((s, v), m) in squares[c].iter_mut().zip(row).zip(&means[c]) {
            *s += (v - m) * (v - m);
        }
    }
    let epsilon = var_smoothing * overall.iter().copied().fold(0.0, f64::max);
    let variances = squares
        .iter()
        .zip(&counts)
        .map(|(s, &c)| s.iter().map(|v| v / c as f64 + epsilon).collect())
        .collect();
    Ok(GaussianNbModel {
        classes: classes.to_vec(),
        priors: counts.iter().map(|&c| c as f64 / n as f64).collect(),
        means,
        variances,
    })
}

/// A fitted Gaussian naive Bayes model over the preprocessed inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GaussianNbModel {
    pub classes: Vec<String>,
    /// Each class's share of the training rows.
    pub priors: Vec<f64>,
    /// Per class, each input's mean.
    pub means: Vec<Vec<f64>>,
    /// Per class, each input's variance (smoothed).
    pub variances: Vec<Vec<f64>>,
}

impl GaussianNbModel {
    fn inputs_of(&self) -> usize {
        self.means.first().map_or(0, Vec::len)
    }

    fn check(&self) -> Result<(), String> {
        let (k, d) = (self.classes.len(), self.inputs_of());
        if k == 0 || self.priors.len() != k || self.means.len() != k || self.variances.len() != k {
            return Err("naive Bayes needs a prior, means and variances per class".into());
        }
        if self
            .means
            .iter()
            .chain(&self.variances)
            .any(|v| v.len() != d)
        {
            return Err("every class needs one mean and one variance per input".into());
        }
        if self
            .variances
            .iter()
            .flatten()
            .any(|v| !v.is_finite() || *v <= 0.0)
        {
            return Err("every variance must be above zero".into());
        }
        Ok(())
    }

    /// Each class's `log πc − ½ Σⱼ log(2π σ²cj)`: the part of the score that does
    /// not depend on the row.
    fn offsets(&self) -> Vec<f64> {
        self.priors
            .iter()
            .zip(&self.variances)
            .map(|(p, vars)| {
                p.ln()
                    - 0.5
                        * vars
                            .iter()
                            .map(|v| (2.0 * std::f64::consts::PI * v).ln())
                            .sum::<f64>()
            })
            .collect()
    }

    /// The joint log-likelihood of `row` under each class.
    fn scores(&self, row: &[f64], offsets: &[f64]) -> Vec<f64> {
        offsets
            .iter()
            .zip(self.means.iter().zip(&self.variances))
            .map(|(offset, (means, vars))| {
                offset
                    - 0.5
                        * row
                            .iter()
                            .zip(means.iter().zip(vars))
                            .map(|(x, (m, v))| (x - m) * (x - m) / v)
                            .sum::<f64>()
            })
            .collect()
    }
}

impl Model for GaussianNbModel {
    fn family(&self) -> &'static str {
        "gaussian_nb"
    }

    fn inputs(&self) -> usize {
        self.inputs_of()
    }

    fn classes(&self) -> &[String] {
        &self.classes
    }

    fn predict(&self, x: &[f64]) -> Output {
        let offsets = self.offsets();
        let probabilities = x
            .chunks(self.inputs_of().max(1))
            .map(|row| softmax(&self.scores(row, &offsets)))
            .collect();
        Output::Classes {
            classes: self.classes.clone(),
            probabilities,
        }
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    fn outputs(&self) -> &'static [&'static str] {
        &[LABEL, PROBABILITIES]
    }

    fn write_onnx(&self, graph: &mut Graph, features: &str) -> Result<String, ExportError> {
        self.check().map_err(ExportError::Inconsistent)?;
        let (k, d) = (self.classes.len(), self.inputs_of());
        let floats = |what: &str, values: &[f64]| -> Result<Vec<f32>, ExportError> {
            values.iter().map(|&v| finite(what, v)).collect()
        };
        let means = floats("a class mean", &self.means.concat())?;
        let weights: Vec<f64> = self.variances.concat().iter().map(|v| -0.5 / v).collect();
        let weights = floats("1 / a class variance", &weights)?;
        let offsets = floats("a class's log prior", &self.offsets())?;
        // [N, d] → [N, 1, d] against the [k, d] means: [N, k, d] squared deviations,
        // weighted by −½ / σ², summed over the inputs, plus each class's offset.
        let axes = graph.constant_ints("axis_1", &[1]);
        let rows = graph.internal("rows");
        graph.node("Unsqueeze", "", &[features, &axes], &[&rows], vec![]);
        let mean = graph.constant("means", &[k, d], means);
        let deviation = graph.internal("deviation");
        graph.node("Sub", "", &[&rows, &mean], &[&deviation], vec![]);
        let squared = graph.internal("squared");
        graph.node("Mul", "", &[&deviation, &deviation], &[&squared], vec![]);
        let weight = graph.constant("weights", &[k, d], weights);
        let weighted = graph.internal("weighted");
        graph.node("Mul", "", &[&squared, &weight], &[&weighted], vec![]);
        let inputs_axis = graph.constant_ints("axis_2", &[2]);
        let summed = graph.internal("summed");
        graph.node(
            "ReduceSum",
            "",
            &[&weighted, &inputs_axis],
            &[&summed],
            vec![graph::int("keepdims", 0)],
        );
        let offset = graph.constant("offsets", &[k], offsets);
        let scores = graph.internal("log_likelihood");
        graph.node("Add", "", &[&summed, &offset], &[&scores], vec![]);
        write_outputs(graph, &scores, &self.classes);
        Ok(format!(
            "Gaussian naive Bayes into {k} classes: {}. Outputs: label, the predicted class \
             (string, [N]); probabilities, one column per class in that order (float, [N, {k}]).",
            self.classes.join(", ")
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

    #[test]
    fn fits_class_means_variances_and_priors() {
        // Class a: inputs (0, 1) and (2, 1); class b: (4, 3).
        let x = [0.0, 1.0, 2.0, 1.0, 4.0, 3.0];
        let classes = ["a".to_owned(), "b".to_owned()];
        let model = fit(&x, 2, &[0, 0, 1], &classes, 0.0).expect("fits");
        assert_eq!(model.priors, [2.0 / 3.0, 1.0 / 3.0]);
        assert_eq!(model.means, [vec![1.0, 1.0], vec![4.0, 3.0]]);
        assert_eq!(model.variances[0], [1.0, 0.0]);
        let smoothed = fit(&x, 2, &[0, 0, 1], &classes, 0.5).expect("fits");
        // The largest input variance over all rows is 8/3 (of 0, 2, 4).
        assert!((smoothed.variances[0][1] - 0.5 * 8.0 / 3.0).abs() < 1e-12);
        let Output::Classes { probabilities, .. } = smoothed.predict(&[4.0, 3.0]) else {
            panic!("classes")
        };
        assert_eq!(argmax(&probabilities[0]), 1);
        assert!((probabilities[0].iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_class_without_training_rows_is_named() {
        let classes = ["a".to_owned(), "b".to_owned()];
        let error = fit(&[1.0, 2.0], 1, &[0, 0], &classes, 1e-9).expect_err("b is empty");
        assert!(
            error.to_string().contains("class b has no training rows"),
            "{error}"
        );
    }
}
