//! Random forests, as scikit-learn's `RandomForestClassifier` and
//! `RandomForestRegressor`: CART trees ([`cart`](crate::model::tree::cart)), each
//! grown on a bootstrap sample of the training rows with a random subset of the
//! features tried at every split, their class fractions (or values) averaged.
//!
//! The inputs are sorted once for the whole forest; a tree's sorted runs are
//! taken from that order with each row repeated as often as its sample holds it
//! ([`Presorted`]). Natively a step grows as many trees at once as there are
//! threads; in the browser, one. Each tree's randomness comes from its own seed,
//! drawn in order from `random_state`, so the forest does not depend on the
//! threads. The rows a tree's sample left out score it as it is added, and the
//! forest's out-of-bag score is scikit-learn's `oob_score_` over the rows some
//! tree left out (scikit-learn also counts rows every tree drew, as its first
//! class).
//!
//! `class_weight` balanced draws each tree's bootstrap with every class as likely,
//! as scikit-learn 1.9 turns weights into bootstrap probabilities; off the
//! bootstrap, and with `balanced_subsample`, rows weigh by their class instead.
//!
//! scikit-learn's random generator cannot be reproduced, so the same seed gives
//! another forest than scikit-learn's; the reference tests compare accuracy and
//! R² on the test rows.

mod bagging;

use serde::{Deserialize, Serialize};

use crate::compute::ComputeError;
use crate::export::graph::{Graph, batch, fixed};
use crate::export::onnx::{ExportError, LABEL, PREDICTION, PROBABILITIES};
use crate::export::onnx_proto::tensor_proto::DataType;
use crate::learner::{
    Fact, Family, Fit, FitError, Fitted, HeldOut, Local, Model, Output, ParamDefault, ParamKind,
    ParamSpec, Progress, Resolved, Score, Share, Target, TrainingSet,
};
use crate::model::tree::cart::{self, Presorted, Tree, TreeParams};
use crate::model::tree::ensemble::Ensemble;
use crate::model::tree::{
    CRITERION, MAX_DEPTH, MIN_SAMPLES_LEAF, MIN_SAMPLES_SPLIT, RANDOM_STATE, tree_params,
};
use crate::parallel;
use crate::prep::Arithmetic;
use crate::rng::SplitMix64;
use crate::train::Task;
use bagging::{OutOfBag, Truth};

#[derive(Debug)]
pub struct RandomForest;

const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "n_estimators",
        aliases: &[],
        label: "Trees",
        kind: ParamKind::Integer {
            min: 1,
            max: 10_000,
        },
        default: ParamDefault::Integer(100),
        optional: false,
        log_scale: true,
        help: "How many trees vote; more trees give steadier predictions and take longer.",
    },
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
        help: "How many inputs each split looks at, drawn at random: the square root or log2 of their number, or a fraction of them; none takes scikit-learn's default, sqrt for classes and all of them for numbers.",
    },
    ParamSpec {
        name: "bootstrap",
        aliases: &[],
        label: "Bootstrap samples",
        kind: ParamKind::Boolean,
        default: ParamDefault::Boolean(true),
        optional: false,
        log_scale: false,
        help: "Grow each tree on rows drawn with replacement, which also gives the out-of-bag score; off, every tree sees every row.",
    },
    ParamSpec {
        name: "class_weight",
        aliases: &[],
        label: "Class weights",
        kind: ParamKind::Choice(&["balanced", "balanced_subsample"]),
        default: ParamDefault::Unset,
        optional: true,
        log_scale: false,
        help: "balanced charges a class's rows in inverse proportion to its size over all the \
               training rows, balanced_subsample over each tree's own sample; none charges \
               every row alike.",
    },
    RANDOM_STATE,
];

impl Family for RandomForest {
    fn name(&self) -> &'static str {
        "random_forest"
    }

    fn label(&self) -> &'static str {
        "Random forest"
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
        let (tree, presorted, classes) = match &data.target {
            Target::Classes { labels, classes } => (
                tree_params(p, true, data.inputs, Share::Word("sqrt"))?,
                Presorted::new(
                    &data.x,
                    data.inputs,
                    cart::Target::Classes {
                        labels,
                        classes: classes.len(),
                    },
                ),
                classes.clone(),
            ),
            Target::Values(values) => (
                tree_params(p, false, data.inputs, Share::Fraction(1.0))?,
                Presorted::new(&data.x, data.inputs, cart::Target::Values(values)),
                Vec::new(),
            ),
            Target::None => {
                return Err(FitError::Data {
                    message: "a random forest needs a target column to learn from".into(),
                    param: None,
                });
            }
        };
        let truth = match &data.target {
            Target::Classes { labels, .. } => {
                Truth::Classes(presorted.kept().iter().map(|&r| labels[r]).collect())
            }
            Target::Values(values) => {
                Truth::Values(presorted.kept().iter().map(|&r| values[r]).collect())
            }
            Target::None => Truth::Values(Vec::new()),
        };
        let mut seeds = SplitMix64::new(p.seed("random_state")?);
        let seeds = (0..p.count("n_estimators")?)
            .map(|_| seeds.next_u64())
            .collect();
        let bootstrap = p.boolean("bootstrap")?;
        Ok(Box::new(ForestFit {
            oob: bootstrap.then(|| OutOfBag::new(presorted.rows(), classes.len().max(1))),
            oob_score: None,
            presorted,
            x: data.x,
            inputs: data.inputs,
            classes,
            truth,
            tree,
            seeds,
            bootstrap,
            trees: Vec::new(),
        }))
    }

    fn model_from_json(&self, value: serde_json::Value) -> Result<Box<dyn Model>, String> {
        let model: ForestModel = serde_json::from_value(value).map_err(|e| e.to_string())?;
        model.check()?;
        Ok(Box::new(model))
    }
}

struct ForestFit {
    presorted: Presorted,
    /// The training inputs, for the out-of-bag predictions.
    x: std::sync::Arc<[f64]>,
    inputs: usize,
    classes: Vec<String>,
    truth: Truth,
    tree: TreeParams,
    /// One per tree, drawn up front so that a tree's randomness does not depend on
    /// which step or thread grows it.
    seeds: Vec<u64>,
    bootstrap: bool,
    oob: Option<OutOfBag>,
    /// The out-of-bag score after the last step, once a tree has left a row out.
    oob_score: Option<f64>,
    trees: Vec<Tree>,
}

impl Fit for ForestFit {
    fn step(&mut self) -> Local<'_, Result<bool, ComputeError>> {
        Box::pin(async move {
            let start = self.trees.len();
            let count = parallel::threads().min(self.seeds.len() - start);
            let (presorted, tree, seeds, bootstrap) =
                (&self.presorted, &self.tree, &self.seeds, self.bootstrap);
            let grown = parallel::map(count, |i| {
                bagging::grow(presorted, tree, seeds[start + i], bootstrap)
            });
            for grown in grown {
                if let Some(oob) = &mut self.oob {
                    let (x, inputs, kept) = (&self.x, self.inputs, self.presorted.kept());
                    oob.add(&grown, |r| &x[kept[r] * inputs..(kept[r] + 1) * inputs]);
                }
                self.trees.push(grown.tree);
            }
            self.oob_score = self.oob.as_ref().and_then(|oob| oob.score(&self.truth));
            Ok(self.trees.len() < self.seeds.len())
        })
    }

    fn progress(&self) -> Progress {
        Progress {
            done: self.trees.len(),
            total: Some(self.seeds.len()),
            loss: None,
            unit: "tree",
            held_out: self.oob_score.map(|value| HeldOut {
                loss: None,
                score: Some(Score {
                    name: if self.classes.is_empty() {
                        "out-of-bag R²"
                    } else {
                        "out-of-bag accuracy"
                    },
                    value,
                }),
            }),
        }
    }

    fn converged(&self) -> bool {
        self.trees.len() == self.seeds.len()
    }

    fn model(&self) -> Fitted {
        Fitted::new(ForestModel {
            classes: self.classes.clone(),
            inputs: self.inputs,
            trees: self.trees.clone(),
            oob_score: self.oob_score,
        })
    }
}

/// A fitted forest over the preprocessed inputs; `classes` is empty for
/// regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForestModel {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
    pub inputs: usize,
    pub trees: Vec<Tree>,
    /// Accuracy or R² on the rows each tree's sample left out; absent without
    /// bootstrap samples.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oob_score: Option<f64>,
}

impl ForestModel {
    /// Every tree is well formed; a forest stopped before its first tree has
    /// none, and predicts evenly.
    fn check(&self) -> Result<(), String> {
        let width = self.classes.len().max(1);
        for (t, tree) in self.trees.iter().enumerate() {
            tree.check(self.inputs, width)
                .map_err(|e| format!("tree {t}: {e}"))?;
        }
        Ok(())
    }

    /// The trees' leaf values for `row`, averaged; with no trees (a fit stopped
    /// before its first), every class equally likely, or 0.
    fn average(&self, row: &[f64]) -> Vec<f64> {
        let width = self.classes.len().max(1);
        if self.trees.is_empty() {
            let even = if self.classes.is_empty() {
                0.0
            } else {
                1.0 / width as f64
            };
            return vec![even; width];
        }
        let mut sum = vec![0.0; width];
        for tree in &self.trees {
            for (s, v) in sum.iter_mut().zip(tree.predict(row)) {
                *s += v;
            }
        }
        let n = self.trees.len() as f64;
        sum.iter_mut().for_each(|s| *s /= n);
        sum
    }

    fn deepest(&self) -> usize {
        self.trees.iter().map(Tree::depth).max().unwrap_or(0)
    }
}

impl Model for ForestModel {
    fn family(&self) -> &'static str {
        "random_forest"
    }

    fn inputs(&self) -> usize {
        self.inputs
    }

    fn classes(&self) -> &[String] {
        &self.classes
    }

    fn predict(&self, x: &[f64]) -> Output {
        // Rows are scored on threads, each row on its own.
        let averages = parallel::rows(x, self.inputs, |row| self.average(row));
        Output::per_row(&self.classes, averages)
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
        if self.trees.is_empty() {
            return Err(ExportError::Inconsistent(
                "the forest was stopped before its first tree: train it further to export it"
                    .into(),
            ));
        }
        let (n, depth) = (self.trees.len(), self.deepest());
        let scale = 1.0 / n as f64;
        if self.classes.is_empty() {
            let mut trees = Ensemble::new();
            for (t, tree) in self.trees.iter().enumerate() {
                trees.cart(t, tree, scale)?;
            }
            trees.write_regressor(graph, features, PREDICTION, 1, None);
            graph.output(PREDICTION, DataType::Float, &[batch(), fixed(1)]);
            return Ok(format!(
                "a random forest of {n} regression trees (depth at most {depth}), their \
                 predictions averaged. Output: prediction, the predicted value (float, [N, 1])."
            ));
        }
        let mut trees = Ensemble::new();
        for (t, tree) in self.trees.iter().enumerate() {
            trees.cart(t, tree, scale)?;
        }
        trees.write_classifier(graph, features, &self.classes);
        let k = self.classes.len();
        Ok(format!(
            "a random forest of {n} classification trees (depth at most {depth}) into {k} \
             classes: {}, their class fractions averaged. Outputs: label, the predicted class \
             (string, [N]); probabilities, one column per class in that order (float, [N, {k}]).",
            self.classes.join(", ")
        ))
    }

    fn clone_box(&self) -> Box<dyn Model> {
        Box::new(self.clone())
    }

    fn facts(&self) -> Vec<Fact> {
        self.oob_score
            .map(|value| Fact {
                key: "oob_score".into(),
                label: "Out-of-bag score".into(),
                value,
            })
            .into_iter()
            .collect()
    }
}
