//! Trees as one ONNX `TreeEnsembleClassifier` or `TreeEnsembleRegressor` node (ml
//! opset 3), for every tree family: a single tree, a forest, boosting. Each
//! leaf adds its weights to its targets (classes, or raw scores), summed over the
//! trees, with `post_transform` NONE; a family that needs a link function writes
//! it as its own node after this one.

use crate::export::graph::{self, Graph, ML_DOMAIN, batch, finite, fixed};
use crate::export::onnx::{ExportError, LABEL, PROBABILITIES};
use crate::export::onnx_proto::AttributeProto;
use crate::export::onnx_proto::tensor_proto::DataType;

use super::cart::{Node, Tree};

/// The trees' nodes and leaves as the ensemble operators' attribute lists,
/// added to one node at a time.
#[derive(Debug, Default)]
pub struct Ensemble {
    tree_ids: Vec<i64>,
    node_ids: Vec<i64>,
    modes: Vec<&'static str>,
    feature_ids: Vec<i64>,
    values: Vec<f32>,
    trues: Vec<i64>,
    falses: Vec<i64>,
    missing_true: Vec<i64>,
    leaf_trees: Vec<i64>,
    leaf_nodes: Vec<i64>,
    leaf_ids: Vec<i64>,
    leaf_weights: Vec<f32>,
}

/// The largest f32 not above `threshold`: ONNX compares f32 inputs with f32
/// thresholds, and an f32 `x` is at most `threshold` exactly when it is at most
/// that value, as Studio's f32 comparisons decide.
fn onnx_threshold(threshold: f64) -> Result<f32, ExportError> {
    let narrow = finite("a split threshold", threshold)?;
    Ok(if f64::from(narrow) > threshold {
        narrow.next_down()
    } else {
        narrow
    })
}

impl Ensemble {
    pub fn new() -> Self {
        Self::default()
    }

    /// Node `node` of tree `tree` sends rows whose `feature` is at most
    /// `threshold` to `left`, a missing value to `left` when `missing_left`.
    #[allow(clippy::too_many_arguments)] // One per attribute list the node sets.
    pub fn split(
        &mut self,
        tree: usize,
        node: usize,
        feature: usize,
        threshold: f64,
        left: usize,
        right: usize,
        missing_left: bool,
    ) -> Result<(), ExportError> {
        self.values.push(onnx_threshold(threshold)?);
        self.tree_ids.push(tree as i64);
        self.node_ids.push(node as i64);
        self.modes.push("BRANCH_LEQ");
        self.feature_ids.push(feature as i64);
        self.trues.push(left as i64);
        self.falses.push(right as i64);
        self.missing_true.push(i64::from(missing_left));
        Ok(())
    }

    /// Node `node` of tree `tree` is a leaf adding `weights` (target, weight).
    pub fn leaf(
        &mut self,
        tree: usize,
        node: usize,
        weights: impl IntoIterator<Item = (usize, f64)>,
    ) -> Result<(), ExportError> {
        for (target, w) in weights {
            self.leaf_weights.push(finite(
                &format!("the value of leaf {node} of tree {tree}"),
                w,
            )?);
            self.leaf_trees.push(tree as i64);
            self.leaf_nodes.push(node as i64);
            self.leaf_ids.push(target as i64);
        }
        self.tree_ids.push(tree as i64);
        self.node_ids.push(node as i64);
        self.modes.push("LEAF");
        self.feature_ids.push(0);
        self.values.push(0.0);
        self.trues.push(0);
        self.falses.push(0);
        self.missing_true.push(0);
        Ok(())
    }

    /// A CART tree as tree `id`, its leaf values times `scale`. A missing value
    /// goes left, as Studio's CART trees send it.
    pub fn cart(&mut self, id: usize, tree: &Tree, scale: f64) -> Result<(), ExportError> {
        for (i, node) in tree.nodes.iter().enumerate() {
            match node {
                Node::Split {
                    feature,
                    threshold,
                    left,
                    right,
                } => self.split(id, i, *feature, *threshold, *left, *right, true)?,
                Node::Leaf { value } => self.leaf(
                    id,
                    i,
                    value.iter().enumerate().map(|(c, &w)| (c, w * scale)),
                )?,
            }
        }
        Ok(())
    }

    fn node_attributes(self) -> (Vec<AttributeProto>, Leaves) {
        (
            vec![
                graph::ints("nodes_treeids", self.tree_ids),
                graph::ints("nodes_nodeids", self.node_ids),
                graph::ints("nodes_featureids", self.feature_ids),
                graph::floats("nodes_values", self.values),
                graph::strings("nodes_modes", &self.modes),
                graph::ints("nodes_truenodeids", self.trues),
                graph::ints("nodes_falsenodeids", self.falses),
                graph::ints("nodes_missing_value_tracks_true", self.missing_true),
                graph::string("post_transform", "NONE"),
            ],
            Leaves {
                trees: self.leaf_trees,
                nodes: self.leaf_nodes,
                ids: self.leaf_ids,
                weights: self.leaf_weights,
            },
        )
    }

    /// Writes `output` ([N, targets]) as `base_values` plus the sum of the leaves'
    /// weights; the caller declares it if it is a graph output.
    pub fn write_regressor(
        self,
        graph: &mut Graph,
        features: &str,
        output: &str,
        targets: usize,
        base_values: Option<Vec<f32>>,
    ) {
        let (mut attributes, leaves) = self.node_attributes();
        attributes.extend([
            graph::int("n_targets", targets as i64),
            graph::ints("target_treeids", leaves.trees),
            graph::ints("target_nodeids", leaves.nodes),
            graph::ints("target_ids", leaves.ids),
            graph::floats("target_weights", leaves.weights),
            graph::string("aggregate_function", "SUM"),
        ]);
        if let Some(base) = base_values {
            attributes.push(graph::floats("base_values", base));
        }
        graph.node(
            "TreeEnsembleRegressor",
            ML_DOMAIN,
            &[features],
            &[output],
            attributes,
        );
    }

    /// Writes `probabilities` ([N, classes]) as the sum of the leaves' class
    /// weights, and `label` ([N]) as their argmax.
    pub fn write_classifier(self, graph: &mut Graph, features: &str, classes: &[String]) {
        let (mut attributes, leaves) = self.node_attributes();
        attributes.extend([
            graph::ints("class_treeids", leaves.trees),
            graph::ints("class_nodeids", leaves.nodes),
            graph::ints("class_ids", leaves.ids),
            graph::floats("class_weights", leaves.weights),
            graph::strings("classlabels_strings", classes),
        ]);
        // ONNX Runtime labels two classes by `p₁ > 0` rather than by the larger
        // probability, so the label is taken as argmax (the first on ties, as
        // Studio's) of the probabilities the node writes.
        let own_label = graph.internal("tree_label");
        graph.node(
            "TreeEnsembleClassifier",
            ML_DOMAIN,
            &[features],
            &[&own_label, PROBABILITIES],
            attributes,
        );
        graph.label_by_argmax(PROBABILITIES, classes, LABEL);
        graph.output(LABEL, DataType::String, &[batch()]);
        graph.output(
            PROBABILITIES,
            DataType::Float,
            &[batch(), fixed(classes.len())],
        );
    }
}

struct Leaves {
    trees: Vec<i64>,
    nodes: Vec<i64>,
    ids: Vec<i64>,
    weights: Vec<f32>,
}
