//! k-nearest neighbours, as scikit-learn's `KNeighborsClassifier` and
//! `KNeighborsRegressor` with `algorithm="brute"`: a row's answer is read from
//! the `n_neighbors` training rows nearest to it (`brute.rs`), in the
//! preprocessed (standardized) inputs. A classifier's probabilities are the
//! neighbours' class votes as fractions, a regressor's prediction their mean;
//! with `weights="distance"` each neighbour counts `1 / distance`, and a row on
//! top of training rows (a distance whose inverse is infinite) takes only
//! theirs, as scikit-learn's `_get_weights` decides. Fitting keeps the training
//! rows: one step. The work is in predicting: on a GPU, the test rows of a
//! Euclidean search go through the device's pairwise distances (`on_gpu.rs`,
//! driven from `fit.rs`); everything else predicts on the CPU.

mod brute;
mod fit;
mod on_gpu;

use serde::{Deserialize, Serialize};

use crate::export::graph::{self, Graph, batch, finite, fixed};
use crate::export::onnx::{ExportError, LABEL, PREDICTION, PROBABILITIES};
use crate::export::onnx_proto::tensor_proto::DataType;
use crate::learner::{
    Family, Fit, FitError, Model, Output, ParamDefault, ParamKind, ParamSpec, Resolved, Target,
    TrainingSet,
};
use crate::train::Task;
use brute::Search;
pub use brute::{Metric, Neighbor};
use fit::KnnFit;

#[derive(Debug)]
pub struct Knn;

const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "n_neighbors",
        aliases: &[],
        label: "Neighbours",
        kind: ParamKind::Integer {
            min: 1,
            max: 10_000,
        },
        default: ParamDefault::Integer(5),
        optional: false,
        log_scale: true,
        help: "How many of the nearest training rows answer for each row.",
    },
    ParamSpec {
        name: "weights",
        aliases: &[],
        label: "Neighbour weights",
        kind: ParamKind::Choice(&["uniform", "distance"]),
        default: ParamDefault::Choice("uniform"),
        optional: false,
        log_scale: false,
        help: "uniform counts every neighbour once; distance counts each by 1 / its distance, \
               so nearer rows count more and a row on top of training rows takes theirs.",
    },
    ParamSpec {
        name: "metric",
        aliases: &[],
        label: "Distance",
        kind: ParamKind::Choice(&["euclidean", "manhattan"]),
        default: ParamDefault::Choice("euclidean"),
        optional: false,
        log_scale: false,
        help: "How far apart two rows are in the standardized inputs: euclidean (straight \
               line) or manhattan (the sum of the differences).",
    },
];

/// How much each neighbour counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weights {
    Uniform,
    /// `1 / distance`.
    Distance,
}

impl Family for Knn {
    fn name(&self) -> &'static str {
        "knn"
    }

    fn label(&self) -> &'static str {
        "k-nearest neighbours"
    }

    fn tasks(&self) -> &'static [Task] {
        &[Task::Classification, Task::Regression]
    }

    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }

    fn start(&self, p: &Resolved, data: TrainingSet) -> Result<Box<dyn Fit>, FitError> {
        let n_neighbors = p.count("n_neighbors")?;
        let weights = match p.choice("weights")? {
            Some("distance") => Weights::Distance,
            _ => Weights::Uniform,
        };
        let metric = match p.choice("metric")? {
            Some("manhattan") => Metric::Manhattan,
            _ => Metric::Euclidean,
        };
        let target = match data.target {
            Target::Classes { labels, classes } => Targets::Classes { classes, labels },
            Target::Values(values) => Targets::Values { values },
            Target::None => {
                return Err(FitError::Data {
                    message: "k-nearest neighbours needs a target column to learn from".into(),
                    param: None,
                });
            }
        };
        let rows = target.len();
        if n_neighbors > rows {
            return Err(FitError::Data {
                message: format!(
                    "there are only {rows} training rows, fewer than n_neighbors ({n_neighbors}): \
                     choose at most {rows}"
                ),
                param: Some("n_neighbors"),
            });
        }
        let model = KnnModel {
            n_neighbors,
            weights,
            metric,
            inputs: data.inputs,
            x: data.x.to_vec(),
            target,
        };
        Ok(Box::new(KnnFit::new(model)))
    }

    fn model_from_json(&self, value: serde_json::Value) -> Result<Box<dyn Model>, String> {
        let model: KnnModel = serde_json::from_value(value).map_err(|e| e.to_string())?;
        model.check()?;
        Ok(Box::new(model))
    }
}

/// What each training row is labelled with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Targets {
    /// Each row's class, an index into `classes`.
    Classes {
        classes: Vec<String>,
        labels: Vec<usize>,
    },
    Values {
        values: Vec<f64>,
    },
}

impl Targets {
    fn len(&self) -> usize {
        match self {
            Targets::Classes { labels, .. } => labels.len(),
            Targets::Values { values } => values.len(),
        }
    }
}

/// A fitted k-nearest-neighbours model: the training rows as the preprocessing
/// left them, and their classes or values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnnModel {
    pub n_neighbors: usize,
    pub weights: Weights,
    pub metric: Metric,
    pub inputs: usize,
    /// The training rows, row-major (`rows × inputs`).
    pub x: Vec<f64>,
    #[serde(flatten)]
    pub target: Targets,
}

impl KnnModel {
    /// How many training rows it holds.
    pub fn rows(&self) -> usize {
        self.target.len()
    }

    fn check(&self) -> Result<(), String> {
        let rows = self.rows();
        if self.inputs.checked_mul(rows) != Some(self.x.len()) {
            return Err(format!(
                "{rows} training rows of {} inputs need {} numbers, not {}",
                self.inputs,
                self.inputs.saturating_mul(rows),
                self.x.len()
            ));
        }
        if self.n_neighbors == 0 || self.n_neighbors > rows {
            return Err(format!(
                "n_neighbors must be from 1 to the {rows} training rows, but is {}",
                self.n_neighbors
            ));
        }
        if let Targets::Classes { classes, labels } = &self.target
            && let Some(label) = labels.iter().find(|&&c| c >= classes.len())
        {
            return Err(format!(
                "class {label} is not one of the {} classes",
                classes.len()
            ));
        }
        Ok(())
    }

    fn search(&self) -> Search<'_> {
        Search::new(
            &self.x,
            self.rows(),
            self.inputs,
            self.metric,
            self.n_neighbors,
        )
    }

    /// The nearest training rows of each row of `x` (row-major, [`Model::inputs`]
    /// wide), nearest first.
    pub fn neighbors(&self, x: &[f64]) -> Vec<Vec<Neighbor>> {
        let mut all = Vec::new();
        self.search().each(x, |found| all.push(found.to_vec()));
        all
    }

    /// The votes or the mean value of each query's neighbours, which `search`
    /// tells in query order, nearest first.
    pub(super) fn answer(&self, search: impl FnOnce(&mut dyn FnMut(&[Neighbor]))) -> Output {
        let mut weights = Vec::with_capacity(self.n_neighbors);
        match &self.target {
            Targets::Classes { classes, labels } => {
                let mut probabilities = Vec::new();
                search(&mut |neighbors| {
                    weigh(neighbors, self.weights, &mut weights);
                    let mut votes = vec![0.0; classes.len()];
                    for (n, w) in neighbors.iter().zip(&weights) {
                        if let Some(vote) = labels.get(n.row).and_then(|&c| votes.get_mut(c)) {
                            *vote += w;
                        }
                    }
                    let total: f64 = votes.iter().sum();
                    votes.iter_mut().for_each(|v| *v /= total);
                    probabilities.push(votes);
                });
                Output::Classes {
                    classes: classes.clone(),
                    probabilities,
                }
            }
            Targets::Values { values } => {
                let mut predictions = Vec::new();
                search(&mut |neighbors| {
                    weigh(neighbors, self.weights, &mut weights);
                    let (mut sum, mut total) = (0.0, 0.0);
                    for (n, w) in neighbors.iter().zip(&weights) {
                        sum += values.get(n.row).copied().unwrap_or(f64::NAN) * w;
                        total += w;
                    }
                    predictions.push(sum / total);
                });
                Output::Values(predictions)
            }
        }
    }
}

/// Each neighbour's weight, into `out`: 1, or `1 / distance`, except that when
/// an inverse is infinite (the row is on top of training rows) those rows
/// weigh 1 and the others 0, as scikit-learn's `_get_weights`.
fn weigh(neighbors: &[Neighbor], weights: Weights, out: &mut Vec<f64>) {
    out.clear();
    match weights {
        Weights::Uniform => out.resize(neighbors.len(), 1.0),
        Weights::Distance => {
            out.extend(neighbors.iter().map(|n| 1.0 / n.distance));
            if out.iter().any(|w| w.is_infinite()) {
                for w in out.iter_mut() {
                    *w = if w.is_infinite() { 1.0 } else { 0.0 };
                }
            }
        }
    }
}

impl Model for KnnModel {
    fn family(&self) -> &'static str {
        "knn"
    }

    fn inputs(&self) -> usize {
        self.inputs
    }

    fn classes(&self) -> &[String] {
        match &self.target {
            Targets::Classes { classes, .. } => classes,
            Targets::Values { .. } => &[],
        }
    }

    fn predict(&self, x: &[f64]) -> Output {
        self.answer(|each| self.search().each(x, each))
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    fn outputs(&self) -> &'static [&'static str] {
        match self.target {
            Targets::Classes { .. } => &[LABEL, PROBABILITIES],
            Targets::Values { .. } => &[PREDICTION],
        }
    }

    /// The distances to every training row as arithmetic, `TopK` for the
    /// neighbours, and their votes or values `Gather`ed and summed. In f32, so a
    /// row whose k-th and next distances are within rounding of each other may
    /// find another neighbour than Studio does in f64; and `TopK` keeps the lower
    /// row of an exact tie, where Studio's search keeps what scikit-learn's keeps.
    fn write_onnx(&self, graph: &mut Graph, features: &str) -> Result<String, ExportError> {
        self.check().map_err(ExportError::Inconsistent)?;
        let (m, d, k) = (self.rows(), self.inputs, self.n_neighbors);
        let train = self
            .x
            .iter()
            .map(|&v| finite("a training input", v))
            .collect::<Result<Vec<f32>, _>>()?;
        let train = graph.constant("train", &[m, d], train);
        let axis_1 = graph.constant_ints("axis_1", &[1]);
        let distances = match self.metric {
            Metric::Euclidean => self.onnx_squared_distances(graph, features, &train)?,
            Metric::Manhattan => {
                let (deviation, absolute, summed) = (
                    graph.internal("deviation"),
                    graph.internal("absolute"),
                    graph.internal("manhattan"),
                );
                let rows = unsqueeze(graph, features, &axis_1);
                let axis_2 = graph.constant_ints("axis_2", &[2]);
                graph.node("Sub", "", &[&rows, &train], &[&deviation], vec![]);
                graph.node("Abs", "", &[&deviation], &[&absolute], vec![]);
                graph.node(
                    "ReduceSum",
                    "",
                    &[&absolute, &axis_2],
                    &[&summed],
                    vec![graph::int("keepdims", 0)],
                );
                summed
            }
        };
        let k_const = graph.constant_ints("k", &[k as i64]);
        let (nearest, index) = (graph.internal("nearest"), graph.internal("neighbors"));
        graph.node(
            "TopK",
            "",
            &[&distances, &k_const],
            &[&nearest, &index],
            vec![
                graph::int("axis", 1),
                graph::int("largest", 0),
                graph::int("sorted", 1),
            ],
        );
        let weights = match self.weights {
            Weights::Uniform => None,
            Weights::Distance => {
                let distance = match self.metric {
                    // Recomputed from the neighbours themselves: the expansion's
                    // rounding is absolute, and would give a row on top of a
                    // training row a small distance and a huge, finite weight.
                    Metric::Euclidean => {
                        let (gathered, deviation, squared, distance) = (
                            graph.internal("neighbor_rows"),
                            graph.internal("deviation"),
                            graph.internal("squared"),
                            graph.internal("distance"),
                        );
                        graph.node(
                            "Gather",
                            "",
                            &[&train, &index],
                            &[&gathered],
                            vec![graph::int("axis", 0)],
                        );
                        let rows = unsqueeze(graph, features, &axis_1);
                        graph.node("Sub", "", &[&gathered, &rows], &[&deviation], vec![]);
                        graph.node(
                            "ReduceSumSquare",
                            "",
                            &[&deviation],
                            &[&squared],
                            vec![graph::ints("axes", vec![2]), graph::int("keepdims", 0)],
                        );
                        graph.node("Sqrt", "", &[&squared], &[&distance], vec![]);
                        distance
                    }
                    Metric::Manhattan => nearest,
                };
                Some(onnx_weights(graph, &distance))
            }
        };
        match &self.target {
            Targets::Classes { classes, labels } => {
                self.onnx_votes(graph, classes, labels, &index, weights.as_deref(), &axis_1)
            }
            Targets::Values { values } => {
                self.onnx_mean(graph, values, &index, weights.as_deref(), &axis_1)
            }
        }
    }

    fn clone_box(&self) -> Box<dyn Model> {
        Box::new(self.clone())
    }
}

impl KnnModel {
    /// `k = 5, uniform weights, euclidean distance`.
    fn describe(&self) -> String {
        let weights = match self.weights {
            Weights::Uniform => "uniform",
            Weights::Distance => "distance",
        };
        let metric = match self.metric {
            Metric::Euclidean => "euclidean",
            Metric::Manhattan => "manhattan",
        };
        format!(
            "k = {}, {weights} weights, {metric} distance",
            self.n_neighbors
        )
    }

    /// The neighbours' class votes, weighted, as fractions: `probabilities`,
    /// and `label` by their argmax.
    fn onnx_votes(
        &self,
        graph: &mut Graph,
        classes: &[String],
        labels: &[usize],
        index: &str,
        weights: Option<&str>,
        axis_1: &str,
    ) -> Result<String, ExportError> {
        let (m, c) = (self.rows(), classes.len());
        let labels: Vec<i64> = labels.iter().map(|&l| l as i64).collect();
        let labels = graph.constant_ints("labels", &labels);
        let depth = graph.constant_ints("classes", &[c as i64]);
        let off_on = graph.constant("off_on", &[2], vec![0.0, 1.0]);
        let (neighbor_labels, votes) = (graph.internal("neighbor_labels"), graph.internal("votes"));
        graph.node(
            "Gather",
            "",
            &[&labels, index],
            &[&neighbor_labels],
            vec![graph::int("axis", 0)],
        );
        // [N, k] class indices → [N, k, c] one vote each.
        graph.node(
            "OneHot",
            "",
            &[&neighbor_labels, &depth, &off_on],
            &[&votes],
            vec![graph::int("axis", -1)],
        );
        let votes = match weights {
            None => votes,
            Some(w) => {
                let (column, weighted) =
                    (graph.internal("weight_column"), graph.internal("weighted"));
                let axis_2 = graph.constant_ints("axis_2", &[2]);
                graph.node("Unsqueeze", "", &[w, &axis_2], &[&column], vec![]);
                graph.node("Mul", "", &[&votes, &column], &[&weighted], vec![]);
                weighted
            }
        };
        let (scores, total) = (graph.internal("scores"), graph.internal("total"));
        graph.node(
            "ReduceSum",
            "",
            &[&votes, axis_1],
            &[&scores],
            vec![graph::int("keepdims", 0)],
        );
        graph.node(
            "ReduceSum",
            "",
            &[&scores, axis_1],
            &[&total],
            vec![graph::int("keepdims", 1)],
        );
        graph.node("Div", "", &[&scores, &total], &[PROBABILITIES], vec![]);
        graph.label_by_argmax(PROBABILITIES, classes, LABEL);
        graph.output(LABEL, DataType::String, &[batch()]);
        graph.output(PROBABILITIES, DataType::Float, &[batch(), fixed(c)]);
        Ok(format!(
            "k-nearest neighbours ({}) over {m} training rows into {c} classes: {}. \
             Outputs: label, the predicted class (string, [N]); probabilities, one \
             column per class in that order (float, [N, {c}]).",
            self.describe(),
            classes.join(", ")
        ))
    }

    /// The neighbours' values, averaged (weighted): `prediction`.
    fn onnx_mean(
        &self,
        graph: &mut Graph,
        values: &[f64],
        index: &str,
        weights: Option<&str>,
        axis_1: &str,
    ) -> Result<String, ExportError> {
        let m = self.rows();
        let values = values
            .iter()
            .map(|&v| finite("a training value", v))
            .collect::<Result<Vec<f32>, _>>()?;
        let values = graph.constant("values", &[m], values);
        let neighbor_values = graph.internal("neighbor_values");
        graph.node(
            "Gather",
            "",
            &[&values, index],
            &[&neighbor_values],
            vec![graph::int("axis", 0)],
        );
        match weights {
            None => graph.node(
                "ReduceMean",
                "",
                &[&neighbor_values],
                &[PREDICTION],
                vec![graph::ints("axes", vec![1]), graph::int("keepdims", 1)],
            ),
            Some(w) => {
                let (weighted, sum, total) = (
                    graph.internal("weighted"),
                    graph.internal("sum"),
                    graph.internal("total"),
                );
                graph.node("Mul", "", &[&neighbor_values, w], &[&weighted], vec![]);
                for (from, to) in [(weighted.as_str(), sum.as_str()), (w, total.as_str())] {
                    graph.node(
                        "ReduceSum",
                        "",
                        &[from, axis_1],
                        &[to],
                        vec![graph::int("keepdims", 1)],
                    );
                }
                graph.node("Div", "", &[&sum, &total], &[PREDICTION], vec![]);
            }
        }
        graph.output(PREDICTION, DataType::Float, &[batch(), fixed(1)]);
        Ok(format!(
            "k-nearest neighbours ({}) over {m} training rows. Output: prediction, \
             the predicted value (float, [N, 1]).",
            self.describe()
        ))
    }

    /// `(‖x‖² + (−2 x·t)) + ‖t‖²` to every training row, clipped at zero: one
    /// `MatMul` with the transposed rows.
    fn onnx_squared_distances(
        &self,
        graph: &mut Graph,
        features: &str,
        train: &str,
    ) -> Result<String, ExportError> {
        let d = self.inputs;
        let norms = (0..self.rows())
            .map(|t| {
                let row = self.x.get(t * d..(t + 1) * d).unwrap_or(&[]);
                finite(
                    "the norm of a training row",
                    row.iter().map(|v| v * v).sum(),
                )
            })
            .collect::<Result<Vec<f32>, _>>()?;
        let norms = graph.constant("train_norms", &[self.rows()], norms);
        let train_t = graph.internal("train_t");
        graph.node(
            "Transpose",
            "",
            &[train],
            &[&train_t],
            vec![graph::ints("perm", vec![1, 0])],
        );
        let minus_two = graph.constant("minus_two", &[], vec![-2.0]);
        let zero = graph.constant("zero", &[], vec![0.0]);
        let (xx, cross, scaled, partial, squared, clipped) = (
            graph.internal("row_norms"),
            graph.internal("cross"),
            graph.internal("cross_scaled"),
            graph.internal("partial"),
            graph.internal("squared"),
            graph.internal("clipped"),
        );
        graph.node(
            "ReduceSumSquare",
            "",
            &[features],
            &[&xx],
            vec![graph::ints("axes", vec![1]), graph::int("keepdims", 1)],
        );
        graph.node("MatMul", "", &[features, &train_t], &[&cross], vec![]);
        graph.node("Mul", "", &[&cross, &minus_two], &[&scaled], vec![]);
        graph.node("Add", "", &[&xx, &scaled], &[&partial], vec![]);
        graph.node("Add", "", &[&partial, &norms], &[&squared], vec![]);
        graph.node("Max", "", &[&squared, &zero], &[&clipped], vec![]);
        Ok(clipped)
    }
}

/// `features` `[N, d]` as `[N, 1, d]`, to broadcast against the `[m, d]` training
/// rows or each row's `[k, d]` neighbours.
fn unsqueeze(graph: &mut Graph, features: &str, axis_1: &str) -> String {
    let rows = graph.internal("rows");
    graph.node("Unsqueeze", "", &[features, axis_1], &[&rows], vec![]);
    rows
}

/// `1 / distance` per neighbour, `[N, k]`; where an inverse is infinite, those
/// neighbours 1 and the others 0 (scikit-learn's rule, as [`weigh`]).
fn onnx_weights(graph: &mut Graph, distance: &str) -> String {
    let (inverse, infinite, on_top, any, any_on_top, weights) = (
        graph.internal("inverse"),
        graph.internal("infinite"),
        graph.internal("on_top"),
        graph.internal("any"),
        graph.internal("any_on_top"),
        graph.internal("weights"),
    );
    graph.node("Reciprocal", "", &[distance], &[&inverse], vec![]);
    graph.node("IsInf", "", &[&inverse], &[&infinite], vec![]);
    graph.node(
        "Cast",
        "",
        &[&infinite],
        &[&on_top],
        vec![graph::int("to", DataType::Float as i64)],
    );
    graph.node(
        "ReduceMax",
        "",
        &[&on_top],
        &[&any],
        vec![graph::ints("axes", vec![1]), graph::int("keepdims", 1)],
    );
    graph.node(
        "Cast",
        "",
        &[&any],
        &[&any_on_top],
        vec![graph::int("to", DataType::Bool as i64)],
    );
    graph.node(
        "Where",
        "",
        &[&any_on_top, &on_top, &inverse],
        &[&weights],
        vec![],
    );
    weights
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::learner::{Fitted, ParamValue, Params};

    fn start(
        params: &[(&str, ParamValue)],
        x: &[f64],
        target: Target,
    ) -> Result<KnnModel, FitError> {
        let params: Params = params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        let resolved = Knn.check(&params)?;
        let fit = Knn.start(
            &resolved,
            TrainingSet {
                x: Arc::from(x),
                inputs: 1,
                widths: vec![1],
                target,
            },
        )?;
        let json = fit.model().model().to_json();
        Ok(serde_json::from_value(json).expect("model JSON"))
    }

    fn classes(labels: &[usize]) -> Target {
        Target::Classes {
            labels: labels.to_vec(),
            classes: vec!["a".into(), "b".into()],
        }
    }

    #[test]
    fn more_neighbours_than_rows_names_the_parameter() {
        let error = start(
            &[("n_neighbors", ParamValue::Number(4.0))],
            &[0.0, 1.0, 2.0],
            classes(&[0, 1, 1]),
        )
        .expect_err("3 rows");
        assert!(
            matches!(
                &error,
                FitError::Data {
                    param: Some("n_neighbors"),
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(
            error.to_string().contains("only 3 training rows"),
            "{error}"
        );
    }

    #[test]
    fn votes_are_fractions_and_distance_weights_favour_the_nearer() {
        let x = [0.0, 1.0, 3.0];
        let uniform = start(
            &[("n_neighbors", ParamValue::Number(3.0))],
            &x,
            classes(&[0, 1, 1]),
        )
        .expect("fits");
        let Output::Classes { probabilities, .. } = uniform.predict(&[0.5]) else {
            panic!("classes")
        };
        assert_eq!(probabilities, [vec![1.0 / 3.0, 2.0 / 3.0]]);
        let distance = start(
            &[
                ("n_neighbors", ParamValue::Number(3.0)),
                ("weights", ParamValue::Text("distance".into())),
            ],
            &x,
            classes(&[0, 1, 1]),
        )
        .expect("fits");
        // Weights 1/0.5, 1/0.5 and 1/2.5 from 0.5: a gets 2 of 4.4.
        let Output::Classes { probabilities, .. } = distance.predict(&[0.5, 1.0]) else {
            panic!("classes")
        };
        assert!(
            (probabilities[0][0] - 2.0 / 4.4).abs() < 1e-12,
            "{probabilities:?}"
        );
        // On top of a training row, that row takes all the weight.
        assert_eq!(probabilities[1], [0.0, 1.0]);
    }

    #[test]
    fn a_regressor_averages_its_neighbours_values() {
        let x = [0.0, 1.0, 3.0];
        let target = || Target::Values(vec![10.0, 20.0, 40.0]);
        let uniform = start(
            &[
                ("n_neighbors", ParamValue::Number(2.0)),
                ("metric", ParamValue::Text("manhattan".into())),
            ],
            &x,
            target(),
        )
        .expect("fits");
        assert_eq!(uniform.predict(&[2.5]), Output::Values(vec![30.0]));
        let distance = start(
            &[
                ("n_neighbors", ParamValue::Number(2.0)),
                ("weights", ParamValue::Text("distance".into())),
            ],
            &x,
            target(),
        )
        .expect("fits");
        // Distances 0.5 and 1.5 from 2.5: weights 2 and 2/3.
        let Output::Values(v) = distance.predict(&[2.5]) else {
            panic!("values")
        };
        assert!((v[0] - (40.0 * 2.0 + 20.0 * 2.0 / 3.0) / (8.0 / 3.0)).abs() < 1e-12);
    }

    #[test]
    fn a_model_read_back_is_checked() {
        let model = start(
            &[],
            &[0.0, 1.0, 2.0, 3.0, 4.0],
            Target::Values(vec![1.0; 5]),
        )
        .expect("fits");
        let json = Fitted::new(model.clone());
        let back: Fitted =
            serde_json::from_value(serde_json::to_value(&json).expect("json")).expect("reads back");
        assert_eq!(back, json);
        let mut wrong = serde_json::to_value(&model).expect("json");
        wrong["n_neighbors"] = 6.into();
        let error = Knn.model_from_json(wrong).expect_err("5 rows");
        assert!(error.contains("n_neighbors"), "{error}");
        let mut short = serde_json::to_value(&model).expect("json");
        short["x"] = serde_json::json!([0.0, 1.0]);
        assert!(Knn.model_from_json(short).is_err());
    }
}
