//! Trees as one ONNX `TreeEnsembleClassifier` or `TreeEnsembleRegressor` node (ml
//! opset 3), for a single tree and for forests alike: each leaf's value times
//! `scale` is what it adds to its class (or to the prediction), summed over the
//! trees, with `post_transform` NONE.

use crate::export::graph::{self, Graph, ML_DOMAIN, batch, finite, fixed};
use crate::export::onnx::{ExportError, LABEL, PREDICTION, PROBABILITIES};
use crate::export::onnx_proto::AttributeProto;
use crate::export::onnx_proto::tensor_proto::DataType;

use super::cart::{Node, Tree};

/// The trees' nodes and leaves as the ensemble operators' attribute lists.
struct Encoded {
    nodes: Vec<AttributeProto>,
    leaf_trees: Vec<i64>,
    leaf_nodes: Vec<i64>,
    leaf_ids: Vec<i64>,
    leaf_weights: Vec<f32>,
}

/// The largest f32 not above `threshold`: ONNX compares f32 inputs with f32
/// thresholds, and an f32 `x` is at most `threshold` exactly when it is at most
/// that value, as Studio's (and scikit-learn's) f32 comparison decides.
fn onnx_threshold(threshold: f64) -> Result<f32, ExportError> {
    let narrow = finite("a split threshold", threshold)?;
    Ok(if f64::from(narrow) > threshold {
        narrow.next_down()
    } else {
        narrow
    })
}

fn encode<'a>(
    trees: impl IntoIterator<Item = &'a Tree>,
    scale: f64,
) -> Result<Encoded, ExportError> {
    let (mut tree_ids, mut node_ids, mut modes) = (Vec::new(), Vec::new(), Vec::new());
    let (mut feature_ids, mut values, mut trues, mut falses) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut leaf_trees, mut leaf_nodes, mut leaf_ids, mut leaf_weights) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (t, tree) in trees.into_iter().enumerate() {
        for (i, node) in tree.nodes.iter().enumerate() {
            tree_ids.push(t as i64);
            node_ids.push(i as i64);
            match node {
                Node::Split {
                    feature,
                    threshold,
                    left,
                    right,
                } => {
                    modes.push("BRANCH_LEQ");
                    feature_ids.push(*feature as i64);
                    values.push(onnx_threshold(*threshold)?);
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
                        leaf_trees.push(t as i64);
                        leaf_nodes.push(i as i64);
                        leaf_ids.push(c as i64);
                        leaf_weights.push(finite(
                            &format!("the value of leaf {i} of tree {t}"),
                            w * scale,
                        )?);
                    }
                }
            }
        }
    }
    Ok(Encoded {
        nodes: vec![
            graph::ints("nodes_treeids", tree_ids),
            graph::ints("nodes_nodeids", node_ids),
            graph::ints("nodes_featureids", feature_ids),
            graph::floats("nodes_values", values),
            graph::strings("nodes_modes", &modes),
            graph::ints("nodes_truenodeids", trues),
            graph::ints("nodes_falsenodeids", falses),
            graph::string("post_transform", "NONE"),
        ],
        leaf_trees,
        leaf_nodes,
        leaf_ids,
        leaf_weights,
    })
}

/// Writes `prediction` ([N, 1]) as the scaled sum of the trees' leaf values.
pub fn write_regressor<'a>(
    graph: &mut Graph,
    features: &str,
    trees: impl IntoIterator<Item = &'a Tree>,
    scale: f64,
) -> Result<(), ExportError> {
    let encoded = encode(trees, scale)?;
    let mut attributes = encoded.nodes;
    attributes.extend([
        graph::int("n_targets", 1),
        graph::ints("target_treeids", encoded.leaf_trees),
        graph::ints("target_nodeids", encoded.leaf_nodes),
        graph::ints("target_ids", encoded.leaf_ids),
        graph::floats("target_weights", encoded.leaf_weights),
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
    Ok(())
}

/// Writes `probabilities` ([N, classes]) as the scaled sum of the trees' leaf
/// class fractions, and `label` ([N]) as their argmax.
pub fn write_classifier<'a>(
    graph: &mut Graph,
    features: &str,
    trees: impl IntoIterator<Item = &'a Tree>,
    scale: f64,
    classes: &[String],
) -> Result<(), ExportError> {
    let encoded = encode(trees, scale)?;
    let mut attributes = encoded.nodes;
    attributes.extend([
        graph::ints("class_treeids", encoded.leaf_trees),
        graph::ints("class_nodeids", encoded.leaf_nodes),
        graph::ints("class_ids", encoded.leaf_ids),
        graph::floats("class_weights", encoded.leaf_weights),
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
    Ok(())
}
