//! Decision trees (CART) for classification (Gini or entropy) and regression
//! (squared error), grown one depth level per step as scikit-learn's best
//! splitter grows them ([`cart`]). Numbers split on thresholds; categories
//! arrive one-hot encoded and missing values imputed from the preprocessing.

pub mod cart;
pub mod ensemble;

use serde::{Deserialize, Serialize};

use super::class_weight::{self, CLASS_WEIGHT};
use crate::compute::ComputeError;
use crate::export::graph::{Graph, batch, fixed};
use crate::export::onnx::{ExportError, LABEL, PREDICTION, PROBABILITIES};
use crate::export::onnx_proto::tensor_proto::DataType;
use crate::learner::{
    Family, Fit, FitError, Fitted, Local, Model, Output, ParamDefault, ParamKind, ParamSpec,
    Progress, Resolved, Share, Target, TrainingSet,
};
use crate::prep::Arithmetic;
use crate::train::Task;
use cart::{ClassWeight, Criterion, Grower, Tree, TreeParams};
use ensemble::Ensemble;

#[derive(Debug)]
pub struct DecisionTree;

/// The hyperparameters every tree family shares, in the order forms show them.
pub(crate) const CRITERION: ParamSpec = ParamSpec {
    name: "criterion",
    aliases: &[],
    label: "Split quality",
    kind: ParamKind::Choice(&["gini", "entropy", "squared_error"]),
    default: ParamDefault::Unset,
    optional: true,
    log_scale: false,
    help: "How a split is judged: gini or entropy for classes, squared_error for numbers; none picks gini or squared_error by task.",
};

pub(crate) const MAX_DEPTH: ParamSpec = ParamSpec {
    name: "max_depth",
    aliases: &[],
    label: "Maximum depth",
    kind: ParamKind::Integer { min: 1, max: 1000 },
    default: ParamDefault::Unset,
    optional: true,
    log_scale: false,
    help: "The most questions from the root to a leaf; none grows until the leaves are pure or too small.",
};

pub(crate) const MIN_SAMPLES_SPLIT: ParamSpec = ParamSpec {
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
};

pub(crate) const MIN_SAMPLES_LEAF: ParamSpec = ParamSpec {
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
};

pub(crate) const RANDOM_STATE: ParamSpec = ParamSpec {
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
    help: "Seeds every random draw of the fit: the same seed gives the same model.",
};

const PARAMS: &[ParamSpec] = &[
    CRITERION,
    MAX_DEPTH,
    MIN_SAMPLES_SPLIT,
    MIN_SAMPLES_LEAF,
    ParamSpec {
        name: "max_features",
        aliases: &[],
        label: "Features per split",
        kind: ParamKind::ChoiceOrFraction(&["sqrt", "log2"]),
        default: ParamDefault::Unset,
        optional: true,
        log_scale: false,
        help: "How many inputs each split looks at, drawn at random: the square root or log2 of their number, or a fraction of them; none tries them all.",
    },
    CLASS_WEIGHT,
    RANDOM_STATE,
];

/// How many of `inputs` features a split tries, as scikit-learn reads
/// `max_features` (at least one); `None` uses `unset`.
pub(crate) fn features_per_split(
    share: Option<Share<'_>>,
    unset: Share<'_>,
    inputs: usize,
) -> usize {
    let n = inputs as f64;
    let count = match share.unwrap_or(unset) {
        Share::Word("sqrt") => n.sqrt() as usize,
        Share::Word("log2") => n.log2() as usize,
        Share::Word(_) => inputs,
        Share::Fraction(f) => (f * n) as usize,
    };
    count.clamp(1, inputs.max(1))
}

/// The tree hyperparameters shared by the tree families, checked against the task;
/// `unset_features` is what an unset `max_features` means for this family.
pub(crate) fn tree_params(
    p: &Resolved,
    classes: bool,
    inputs: usize,
    unset_features: Share<'_>,
) -> Result<TreeParams, FitError> {
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
    let class_weight = match (p.choice("class_weight")?, classes) {
        (None, _) => ClassWeight::Uniform,
        (Some("balanced"), true) => ClassWeight::Balanced,
        (Some("balanced_subsample"), true) => ClassWeight::BalancedSubsample,
        (Some(other), true) => {
            return Err(FitError::Data {
                message: format!("class_weight {other} is not known; choose balanced, or none"),
                param: Some("class_weight"),
            });
        }
        (Some(_), false) => return Err(class_weight::refused_for_values()),
    };
    Ok(TreeParams {
        criterion,
        max_depth: p.optional_count("max_depth")?,
        min_samples_split: p.count("min_samples_split")?,
        min_samples_leaf: p.count("min_samples_leaf")?,
        max_features: features_per_split(p.share("max_features")?, unset_features, inputs),
        random_state: p.seed("random_state")?,
        class_weight,
    })
}

/// What an unset `max_features` means for a single tree: every feature.
const EVERY_FEATURE: Share<'static> = Share::Fraction(1.0);

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
                let params = tree_params(p, true, data.inputs, EVERY_FEATURE)?;
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
                let params = tree_params(p, false, data.inputs, EVERY_FEATURE)?;
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
            held_out: None,
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
    fn check(&self) -> Result<(), String> {
        self.tree.check(self.inputs, self.classes.len().max(1))
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
        let leaves = self.tree.leaves();
        if self.classes.is_empty() {
            let mut trees = Ensemble::new();
            trees.cart(0, &self.tree, 1.0)?;
            trees.write_regressor(graph, features, PREDICTION, 1, None);
            graph.output(PREDICTION, DataType::Float, &[batch(), fixed(1)]);
            return Ok(format!(
                "a regression tree of depth {} with {leaves} leaves. Output: prediction, the \
                 predicted value (float, [N, 1]).",
                self.tree.depth()
            ));
        }
        let mut trees = Ensemble::new();
        trees.cart(0, &self.tree, 1.0)?;
        trees.write_classifier(graph, features, &self.classes);
        let k = self.classes.len();
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
