//! Naive Bayes: each class's prior times the likelihood of each input given the
//! class, as if the inputs were independent. [`gaussian`] reads inputs as normal
//! distributions, [`categorical`] as categories (bins for numbers). Both fit in
//! closed form and score a row by its joint log-likelihoods, whose softmax is its
//! probabilities.

pub mod categorical;
pub mod gaussian;

pub use categorical::{CategoricalNb, CategoricalNbModel};
pub use gaussian::{GaussianNb, GaussianNbModel};

use crate::export::graph::{self, Graph, batch, fixed};
use crate::export::onnx::{LABEL, PROBABILITIES};
use crate::export::onnx_proto::tensor_proto::DataType;
use crate::learner::{FitError, Target, TrainingSet};

/// The class of each row and the classes' names, or why naive Bayes cannot fit.
fn classes_of(data: &TrainingSet) -> Result<(&[usize], &[String]), FitError> {
    match &data.target {
        Target::Classes { labels, classes } => Ok((labels, classes)),
        _ => Err(FitError::Data {
            message: "naive Bayes predicts classes: choose a column of categories as the target"
                .into(),
            param: None,
        }),
    }
}

/// How many training rows each class has; every class needs one.
fn counts_of(labels: &[usize], classes: &[String]) -> Result<Vec<usize>, FitError> {
    let mut counts = vec![0usize; classes.len()];
    for &c in labels {
        counts[c] += 1;
    }
    match counts.iter().position(|&c| c == 0) {
        Some(empty) => Err(FitError::Data {
            message: format!(
                "class {} has no training rows, so naive Bayes cannot describe it: give the \
                 split more training rows or drop the class",
                classes[empty]
            ),
            param: None,
        }),
        None => Ok(counts),
    }
}

/// Writes and declares the outputs from each row's joint log-likelihoods
/// `scores` ([N, k]): their softmax, and the class of the largest.
fn write_outputs(graph: &mut Graph, scores: &str, classes: &[String]) {
    graph.node(
        "Softmax",
        "",
        &[scores],
        &[PROBABILITIES],
        vec![graph::int("axis", 1)],
    );
    graph.label_by_argmax(scores, classes, LABEL);
    graph.output(LABEL, DataType::String, &[batch()]);
    graph.output(
        PROBABILITIES,
        DataType::Float,
        &[batch(), fixed(classes.len())],
    );
}
