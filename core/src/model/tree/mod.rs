//! Decision trees (CART) for classification (Gini or entropy) and regression
//! (squared error), grown one depth level per step as scikit-learn's best
//! splitter grows them ([`cart`]). Numbers split on thresholds; categories
//! arrive one-hot encoded and missing values imputed from the preprocessing.

pub mod cart;

use serde::{Deserialize, Serialize};

use crate::compute::ComputeError;
use crate::export::graph::{self, Graph, ML_DOMAIN, batch, finite, fixed};
use crate::export::onnx::{ExportError, LABEL, PREDICTION, PROBABILITIES};
use crate::export::onnx_proto::tensor_proto::DataType;
use crate::learner::{
    Family, Fit, FitError, Fitted, Local, Model, Output, ParamDefault, ParamKind, ParamSpec,
    Progress, Resolved, Target, TrainingSet,
};
use crate::prep::Arithmetic;
use crate::train::Task;
use cart::{Criterion, Grower, Node, Tree, TreeParams};

#[derive(Debug)]
pub struct DecisionTree;

const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "criterion",
        aliases: &[],
        label: "Split quality",
        kind: ParamKind::Choice(&["gini", "entropy", "squared_error"]),
        default: ParamDefault::Unset,
        optional: true,
        log_scale: false,
        help: "How a split is judged: gini or entropy for classes, squared_error for numbers; none picks gini or squared_error by task.",
    },
    ParamSpec {
        name: "max_depth",
        aliases: &[],
        label: "Maximum depth",
        kind: ParamKind::Integer { min: 1, max: 1000 },
        default: ParamDefault::Unset,
        optional: true,
        log_scale: false,
        help: "The most questions from the root to a leaf; none grows until the leaves are pure or too small.",
    },
    ParamSpec {
        name: "min_samples_split",
        aliases: &[],
        label: "Rows to split",
        kind: ParamKind::Integer {
            min: 2,
            max: 1_000_000,
        },
        default: ParamDefault::Integer(2),
        optional: false,
        log_scale: true,
        help: "A node with fewer training rows than this becomes a leaf.",
    },
    ParamSpec {
        name: "min_samples_leaf",
        aliases: &[],
        label: "Rows per leaf",
        kind: ParamKind::Integer {
            min: 1,
            max: 1_000_000,
        },
        default: ParamDefault::Integer(1),
        optional: false,
        log_scale: true,
        help: "Each side of a split keeps at least this many training rows; larger values smooth the model.",
    },
    ParamSpec {
        name: "max_features",
        aliases: &[],
        label: "Features per split",
        kind: ParamKind::Choice(&["sqrt", "log2"]),
        default: ParamDefault::Unset,
        optional: true,
        log_scale: false,
        help: "How many inputs each split looks at, drawn at random: the square root or log2 of their number; none tries them all.",
    },
    ParamSpec {
        name: "random_state",
        aliases: &[],
        label: "Random seed",
        kind: ParamKind::Integer {
            min: 0,
            max: 4_294_967_295,
        },
        default: ParamDefault::Integer(0),
        optional: false,
        log_scale: false,
        help: "Seeds the features drawn per split: the same seed gives the same tree.",
    },
];

fn params(p: &Resolved, classes: bool, inputs: usize) -> Result<TreeParams, FitError> {
    let criterion = match (p.choice("criterion")?, classes) {
        (None | Some("gini"), true) => Criterion::Gini,
        (Some("entropy"), true) => Criterion::Entropy,
        (None | Some("squared_error"), false) => Criterion::SquaredError,
        (Some(other), _) => {
            let fits = if classes {
                "gini or entropy"
            } else {
                "squared_error"
            };
            return Err(FitError::Data {
                message: format!(
                    "criterion {other} does not fit this task; choose {fits}, or none"
                ),
                param: Some("criterion"),
            });
        }
    };
    let max_features = match p.choice("max_features")? {
        Some("sqrt") => (inputs as f64).sqrt() as usize,
        Some("log2") => (inputs as f64).log2() as usize,
        _ => inputs,
    };
    Ok(TreeParams {
        criterion,
        max_depth: p.optional_count("max_depth")?,
        min_samples_split: p.count("min_samples_split")?,
        min_samples_leaf: p.count("min_samples_leaf")?,
        max_features: max_features.clamp(1, inputs.max(1)),
        random_state: p.seed("random_state")?,
    })
}

impl Family for DecisionTree {
    fn name(&self) -> &'static str {
        "tree"
    }

    fn label(&self) -> &'static str {
        "Decision tree"
    }

    fn tasks(&self) -> &'static [Task] {
        &[Task::Classification, Task::Regression]
    }

    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }

    /// A test value on a threshold must go the same way as in ONNX Runtime.
    fn arithmetic(&self) -> Arithmetic {
        Arithmetic::OnnxF32
    }

    fn start(&self, p: &Resolved, data: TrainingSet) -> Result<Box<dyn Fit>, FitError> {
        let (grower, classes) = match &data.target {
            Target::Classes { labels, classes } => {
                let params = params(p, true, data.inputs)?;
                let target = cart::Target::Classes {
                    labels,
                    classes: classes.len(),
                };
                (
                    Grower::new(&data.x, data.inputs, target, params.clone()),
                    Some(classes.clone()),
                )
            }
            Target::Values(values) => {
                let params = params(p, false, data.inputs)?;
                let target = cart::Target::Values(values);
                (Grower::new(&data.x, data.inputs, target, params), None)
            }
            Target::None => {
                return Err(FitError::Data {
                    message: "a decision tree needs a target column to learn from".into(),
                    param: None,
                });
            }
        };
        Ok(Box::new(TreeFit {
            grower,
            classes,
            inputs: data.inputs,
            max_depth: p.optional_count("max_depth")?,
            done: false,
        }))
    }

    fn model_from_json(&self, value: serde_json::Value) -> Result<Box<dyn Model>, String> {
        let model: TreeModel = serde_json::from_value(value).map_err(|e| e.to_string())?;
        model.check()?;
        Ok(Box::new(model))
    }
}

struct TreeFit {
    grower: Grower,
    classes: Option<Vec<String>>,
    inputs: usize,
    max_depth: Option<usize>,
    done: bool,
}

impl Fit for TreeFit {
    fn step(&mut self) -> Local<'_, Result<bool, ComputeError>> {
        Box::pin(async move {
            let more = !self.done && self.grower.step();
            self.done = !more;
            Ok(more)
        })
    }

    fn progress(&self) -> Progress {
        Progress {
            done: self.grower.depth_reached(),
            total: self.max_depth,
            loss: None,
            unit: "level",
        }
    }

    fn converged(&self) -> bool {
        self.done
    }

    fn model(&self) -> Fitted {
        Fitted::new(TreeModel {
            classes: self.classes.clone().unwrap_or_default(),
            inputs: self.inputs,
            tree: self.grower.tree(),
        })
    }
}

/// A fitted tree over the preprocessed inputs; `classes` is empty for regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreeModel {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
    pub inputs: usize,
    pub tree: Tree,
}

impl TreeModel {
    /// Node references point forward and inside the tree, features inside the
    /// inputs, and leaves hold one value per class (or one value).
    fn check(&self) -> Result<(), String> {
        let width = self.classes.len().max(1);
        let n = self.tree.nodes.len();
        if n == 0 {
            return Err("the tree has no nodes".into());
        }
        for (i, node) in self.tree.nodes.iter().enumerate() {
            match node {
                Node::Split {
                    feature,
                    left,
                    right,
                    ..
                } if *feature >= self.inputs
                    || *left <= i
                    || *right <= i
                    || *left >= n
                    || *right >= n =>
                {
                    return Err(format!("node {i} points outside the tree or its inputs"));
                }
                Node::Leaf { value } if value.len() != width => {
                    return Err(format!(
                        "leaf {i} holds {} values, not {width}",
                        value.len()
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The largest f32 not above `threshold`: ONNX compares f32 inputs with f32
    /// thresholds, and an f32 `x` is at most `threshold` exactly when it is at
    /// most that value, as Studio's (and scikit-learn's) f32 comparison decides.
    fn onnx_threshold(threshold: f64) -> Result<f32, ExportError> {
        let narrow = finite("a split threshold", threshold)?;
        Ok(if f64::from(narrow) > threshold {
            narrow.next_down()
        } else {
            narrow
        })
    }
}

impl Model for TreeModel {
    fn family(&self) -> &'static str {
        "tree"
    }

    fn inputs(&self) -> usize {
        self.inputs
    }

    fn classes(&self) -> &[String] {
        &self.classes
    }

    fn predict(&self, x: &[f64]) -> Output {
        let rows = x.chunks(self.inputs.max(1));
        if self.classes.is_empty() {
            Output::Values(
                rows.map(|row| self.tree.predict(row).first().copied().unwrap_or(f64::NAN))
                    .collect(),
            )
        } else {
            Output::Classes {
                classes: self.classes.clone(),
                probabilities: rows.map(|row| self.tree.predict(row).to_vec()).collect(),
            }
        }
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

    fn write_onnx(&self, graph: &mut Graph, features: &str) -> Result<String, ExportError> {
        self.check().map_err(ExportError::Inconsistent)?;
        let nodes = &self.tree.nodes;
        let count = nodes.len();
        let mut modes = Vec::with_capacity(count);
        let (mut feature_ids, mut values, mut trues, mut falses) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut leaf_nodes, mut leaf_ids, mut leaf_weights) = (Vec::new(), Vec::new(), Vec::new());
        for (i, node) in nodes.iter().enumerate() {
            match node {
                Node::Split {
                    feature,
                    threshold,
                    left,
                    right,
                } => {
                    modes.push("BRANCH_LEQ");
                    feature_ids.push(*feature as i64);
                    values.push(Self::onnx_threshold(*threshold)?);
                    trues.push(*left as i64);
                    falses.push(*right as i64);
                }
                Node::Leaf { value } => {
                    modes.push("LEAF");
                    feature_ids.push(0);
                    values.push(0.0);
                    trues.push(0);
                    falses.push(0);
                    for (c, &w) in value.iter().enumerate() {
                        leaf_nodes.push(i as i64);
                        leaf_ids.push(c as i64);
                        leaf_weights.push(finite(&format!("the value of leaf {i}"), w)?);
                    }
                }
            }
        }
        let n = leaf_nodes.len();
        let mut attributes = vec![
            graph::ints("nodes_treeids", vec![0; count]),
            graph::ints("nodes_nodeids", (0..count as i64).collect()),
            graph::ints("nodes_featureids", feature_ids),
            graph::floats("nodes_values", values),
            graph::strings("nodes_modes", &modes),
            graph::ints("nodes_truenodeids", trues),
            graph::ints("nodes_falsenodeids", falses),
            graph::string("post_transform", "NONE"),
        ];
        let leaves = self.tree.leaves();
        if self.classes.is_empty() {
            attributes.extend([
                graph::int("n_targets", 1),
                graph::ints("target_treeids", vec![0; n]),
                graph::ints("target_nodeids", leaf_nodes),
                graph::ints("target_ids", leaf_ids),
                graph::floats("target_weights", leaf_weights),
                graph::string("aggregate_function", "SUM"),
            ]);
            graph.node(
                "TreeEnsembleRegressor",
                ML_DOMAIN,
                &[features],
                &[PREDICTION],
                attributes,
            );
            graph.output(PREDICTION, DataType::Float, &[batch(), fixed(1)]);
            return Ok(format!(
                "a regression tree of depth {} with {leaves} leaves. Output: prediction, the \
                 predicted value (float, [N, 1]).",
                self.tree.depth()
            ));
        }
        let k = self.classes.len();
        attributes.extend([
            graph::ints("class_treeids", vec![0; n]),
            graph::ints("class_nodeids", leaf_nodes),
            graph::ints("class_ids", leaf_ids),
            graph::floats("class_weights", leaf_weights),
            graph::strings("classlabels_strings", &self.classes),
        ]);
        // ONNX Runtime labels two classes by `p₁ > 0` rather than by the larger
        // probability, so the label is taken as argmax (the first on ties, as
        // Studio's) of the probabilities the node writes, which are exact.
        let own_label = graph.internal("tree_label");
        graph.node(
            "TreeEnsembleClassifier",
            ML_DOMAIN,
            &[features],
            &[&own_label, PROBABILITIES],
            attributes,
        );
        graph.label_by_argmax(PROBABILITIES, &self.classes, LABEL);
        graph.output(LABEL, DataType::String, &[batch()]);
        graph.output(PROBABILITIES, DataType::Float, &[batch(), fixed(k)]);
        Ok(format!(
            "a classification tree of depth {} with {leaves} leaves into {k} classes: {}. \
             Outputs: label, the predicted class (string, [N]); probabilities, one column per \
             class in that order (float, [N, {k}]).",
            self.tree.depth(),
            self.classes.join(", ")
        ))
    }

    fn clone_box(&self) -> Box<dyn Model> {
        Box::new(self.clone())
    }
}
