//! Categorical naive Bayes, as scikit-learn's `CategoricalNB`: every feature
//! column is read as categories (a category column's own, a number column's bins,
//! fitted by the preprocessing), and per class each category's smoothed share,
//! `P(v | c) = (Ncv + α) / (Nc + α · categories)`, is its likelihood. The
//! preprocessing gives each column one input per category, 1 for the row's, so a
//! row's score for a class is its log prior plus the sum of the log shares of its
//! categories: a product of the inputs with a table, which is also how ONNX
//! computes it. A missing or unseen category is no input, so it counts for no
//! class, which is how naive Bayes ignores what it cannot read.

use serde::{Deserialize, Serialize};

use super::{classes_of, counts_of, write_outputs};
use crate::export::graph::{Graph, finite};
use crate::export::onnx::{ExportError, LABEL, PROBABILITIES};
use crate::learner::{
    Family, Fit, FitError, Model, Output, ParamDefault, ParamError, ParamKind, ParamSpec, Resolved,
    TrainingSet,
};
use crate::model::closed_form::ClosedForm;
use crate::model::softmax;
use crate::prep::{Arithmetic, BinStrategy, Numbers};
use crate::train::Task;

#[derive(Debug)]
pub struct CategoricalNb;

const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "alpha",
        aliases: &[],
        label: "Alpha (smoothing)",
        kind: ParamKind::Float {
            min: 0.0,
            max: f64::INFINITY,
            min_exclusive: true,
        },
        default: ParamDefault::Float(1.0),
        optional: false,
        log_scale: true,
        help: "Added to every category's count in every class (Laplace smoothing), so that a \
               category never seen with a class does not rule the class out.",
    },
    ParamSpec {
        name: "fit_prior",
        aliases: &[],
        label: "Learn class priors",
        kind: ParamKind::Boolean,
        default: ParamDefault::Boolean(true),
        optional: false,
        log_scale: false,
        help: "Each class's share of the training rows is how likely it is before the inputs \
               are read; off, every class starts equally likely.",
    },
    ParamSpec {
        name: "n_bins",
        aliases: &[],
        label: "Bins per number column",
        kind: ParamKind::Integer { min: 2, max: 255 },
        default: ParamDefault::Integer(5),
        optional: false,
        log_scale: false,
        help: "Number columns are cut into at most this many bins, fitted on the training rows; \
               each bin is a category (scikit-learn's KBinsDiscretizer).",
    },
    ParamSpec {
        name: "strategy",
        aliases: &[],
        label: "Bin edges",
        kind: ParamKind::Choice(&["quantile", "uniform"]),
        default: ParamDefault::Choice("quantile"),
        optional: false,
        log_scale: false,
        help: "quantile puts about as many training rows in each bin; uniform makes the bins \
               equally wide between the smallest and largest training value.",
    },
];

impl Family for CategoricalNb {
    fn name(&self) -> &'static str {
        "categorical_nb"
    }

    fn label(&self) -> &'static str {
        "Categorical naive Bayes"
    }

    fn tasks(&self) -> &'static [Task] {
        &[Task::Classification]
    }

    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }

    fn numbers(&self, p: &Resolved) -> Result<Numbers, ParamError> {
        Ok(Numbers::Binned {
            bins: p.count("n_bins")?,
            strategy: p
                .choice("strategy")?
                .and_then(BinStrategy::named)
                .unwrap_or(BinStrategy::Quantile),
        })
    }

    /// The bins compare each value with its edges as the ONNX graph does, in f32.
    fn arithmetic(&self) -> Arithmetic {
        Arithmetic::OnnxF32
    }

    fn start(&self, p: &Resolved, data: TrainingSet) -> Result<Box<dyn Fit>, FitError> {
        let (labels, classes) = classes_of(&data)?;
        let model = fit(
            &data.x,
            &data.widths,
            labels,
            classes,
            p.float("alpha")?,
            p.boolean("fit_prior")?,
        )?;
        Ok(Box::new(ClosedForm::new(model)))
    }

    fn model_from_json(&self, value: serde_json::Value) -> Result<Box<dyn Model>, String> {
        let model: CategoricalNbModel = serde_json::from_value(value).map_err(|e| e.to_string())?;
        model.check()?;
        Ok(Box::new(model))
    }
}

/// Counts each class's categories per column of one-hot inputs `x` (columns
/// `widths` wide), in f64.
fn fit(
    x: &[f64],
    widths: &[usize],
    labels: &[usize],
    classes: &[String],
    alpha: f64,
    fit_prior: bool,
) -> Result<CategoricalNbModel, FitError> {
    let (k, n) = (classes.len(), labels.len());
    let inputs: usize = widths.iter().sum();
    if x.len() != n * inputs {
        return Err(FitError::Data {
            message: format!(
                "categorical naive Bayes got {} inputs for {n} rows of {inputs}",
                x.len()
            ),
            param: None,
        });
    }
    let counts = counts_of(labels, classes)?;
    // Per class, how many of its rows have each input's category.
    let mut seen = vec![vec![0.0; inputs]; k];
    for (row, &c) in x.chunks_exact(inputs.max(1)).zip(labels) {
        for (s, v) in seen[c].iter_mut().zip(row) {
            *s += v;
        }
    }
    let mut offset = 0;
    let feature_log_prob = widths
        .iter()
        .map(|&width| {
            let column = seen
                .iter()
                .map(|class| {
                    let own = &class[offset..offset + width];
                    let total = own.iter().sum::<f64>() + alpha * width as f64;
                    own.iter()
                        .map(|count| (count + alpha).ln() - total.ln())
                        .collect()
                })
                .collect();
            offset += width;
            column
        })
        .collect();
    let class_log_prior = counts
        .iter()
        .map(|&c| {
            if fit_prior {
                (c as f64).ln() - (n as f64).ln()
            } else {
                -(k as f64).ln()
            }
        })
        .collect();
    Ok(CategoricalNbModel {
        classes: classes.to_vec(),
        class_log_prior,
        feature_log_prob,
    })
}

/// A fitted categorical naive Bayes model over one-hot inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoricalNbModel {
    pub classes: Vec<String>,
    /// Each class's log prior.
    pub class_log_prior: Vec<f64>,
    /// Per feature column, per class, the log likelihood of each of the column's
    /// categories (its inputs, in order): scikit-learn's `feature_log_prob_`.
    pub feature_log_prob: Vec<Vec<Vec<f64>>>,
}

impl CategoricalNbModel {
    fn widths(&self) -> impl Iterator<Item = usize> + '_ {
        self.feature_log_prob
            .iter()
            .map(|column| column.first().map_or(0, Vec::len))
    }

    fn inputs_of(&self) -> usize {
        self.widths().sum()
    }

    fn check(&self) -> Result<(), String> {
        let k = self.classes.len();
        if k == 0 || self.class_log_prior.len() != k {
            return Err("categorical naive Bayes needs a log prior per class".into());
        }
        for (column, width) in self.feature_log_prob.iter().zip(self.widths()) {
            if column.len() != k || column.iter().any(|class| class.len() != width) {
                return Err(
                    "every column needs, per class, one log likelihood per category".into(),
                );
            }
        }
        if self
            .class_log_prior
            .iter()
            .chain(self.feature_log_prob.iter().flatten().flatten())
            .any(|v| !v.is_finite() || *v > 0.0)
        {
            return Err("every log prior and log likelihood must be finite and at most 0".into());
        }
        Ok(())
    }

    /// The table the inputs multiply: row `i` (an input) holds its category's log
    /// likelihood under each class.
    fn table(&self) -> Vec<Vec<f64>> {
        self.feature_log_prob
            .iter()
            .flat_map(|column| {
                let width = column.first().map_or(0, Vec::len);
                (0..width).map(move |i| column.iter().map(|class| class[i]).collect())
            })
            .collect()
    }
}

impl Model for CategoricalNbModel {
    fn family(&self) -> &'static str {
        "categorical_nb"
    }

    fn inputs(&self) -> usize {
        self.inputs_of()
    }

    fn classes(&self) -> &[String] {
        &self.classes
    }

    fn predict(&self, x: &[f64]) -> Output {
        let table = self.table();
        let probabilities = x
            .chunks(self.inputs_of().max(1))
            .map(|row| {
                let mut scores = self.class_log_prior.clone();
                for (&v, by_class) in row.iter().zip(&table) {
                    if v != 0.0 {
                        for (s, l) in scores.iter_mut().zip(by_class) {
                            *s += v * l;
                        }
                    }
                }
                softmax(&scores)
            })
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
        let table = self
            .table()
            .concat()
            .iter()
            .map(|&v| finite("a log likelihood", v))
            .collect::<Result<Vec<_>, _>>()?;
        let priors = self
            .class_log_prior
            .iter()
            .map(|&v| finite("a log prior", v))
            .collect::<Result<Vec<_>, _>>()?;
        let (weights, prior) = (
            graph.constant("log_likelihoods", &[d, k], table),
            graph.constant("log_priors", &[k], priors),
        );
        let (summed, scores) = (graph.internal("evidence"), graph.internal("log_likelihood"));
        graph.node("MatMul", "", &[features, &weights], &[&summed], vec![]);
        graph.node("Add", "", &[&summed, &prior], &[&scores], vec![]);
        write_outputs(graph, &scores, &self.classes);
        Ok(format!(
            "Categorical naive Bayes into {k} classes: {}, over {} columns read as categories \
             (numbers in bins). Outputs: label, the predicted class (string, [N]); \
             probabilities, one column per class in that order (float, [N, {k}]).",
            self.classes.join(", "),
            self.feature_log_prob.len()
        ))
    }

    fn clone_box(&self) -> Box<dyn Model> {
        Box::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_categories_per_class_with_smoothing() {
        // Two columns: one of two categories, one of three; class a has rows
        // (0, 0) and (0, 1), class b (1, 2). The second row of b misses column 1.
        let x = [
            1.0, 0.0, 1.0, 0.0, 0.0, //
            1.0, 0.0, 0.0, 1.0, 0.0, //
            0.0, 1.0, 0.0, 0.0, 1.0, //
            0.0, 1.0, 0.0, 0.0, 0.0,
        ];
        let classes = ["a".to_owned(), "b".to_owned()];
        let model = fit(&x, &[2, 3], &[0, 0, 1, 1], &classes, 1.0, true).expect("fits");
        let ln = f64::ln;
        // Logs of ratios are computed as differences of logs: equal to the last bit or two.
        let close = |got: &[f64], want: &[f64]| {
            assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(want) {
                assert!((g - w).abs() < 1e-15, "{got:?} against {want:?}");
            }
        };
        close(&model.class_log_prior, &[ln(0.5), ln(0.5)]);
        close(
            &model.feature_log_prob[0][0],
            &[ln(3.0 / 4.0), ln(1.0 / 4.0)],
        );
        // b's column 1 counts its one row that has it: (0 + 1, 0 + 1, 1 + 1) / (1 + 3).
        close(
            &model.feature_log_prob[1][1],
            &[ln(1.0 / 4.0), ln(1.0 / 4.0), ln(2.0 / 4.0)],
        );
        let Output::Classes { probabilities, .. } = model.predict(&x[..5]) else {
            panic!("classes")
        };
        assert!(probabilities[0][0] > 0.5);
        // A row with nothing known keeps the priors.
        let Output::Classes { probabilities, .. } = model.predict(&[0.0; 5]) else {
            panic!("classes")
        };
        assert!((probabilities[0][0] - 0.5).abs() < 1e-12);
        let flat = fit(&x, &[2, 3], &[0, 0, 0, 1], &classes, 1.0, false).expect("fits");
        close(&flat.class_log_prior, &[-ln(2.0), -ln(2.0)]);
    }
}
